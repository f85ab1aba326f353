"""Flows a person walks through, in real Chromium against a live server."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import StageStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def live_world(world):
    world.contract_b.is_published = True
    world.contract_b.save()
    return world


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()


def test_mayor_approves_the_diagnosis(page, live_server, live_world):
    world = live_world
    stage = world.contract_a.stages.get(kind="diagnosis")
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    log_in(page, live_server, "mayor_a")
    page.goto(f"{live_server.url}{reverse('contracts:detail', args=[world.contract_a.pk])}")
    page.locator(
        f"a[href='{reverse('contracts:stage', args=[world.contract_a.pk, 'diagnosis'])}']"
    ).first.click()
    page.check("input[name=action][value=approve]")
    page.fill("textarea[name=comment]", "Diagnóstico aprovado")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    stage.refresh_from_db()
    assert stage.status == StageStatus.APPROVED
    assert stage.decisions.filter(action="approve", actor=world.mayor_a).exists()
    assert "Diagnóstico aprovado" in page.locator("main").inner_text()


def test_partner_of_another_contract_cannot_reach_it(page, live_server, live_world):
    world = live_world
    log_in(page, live_server, "partner_b")
    response = page.goto(
        f"{live_server.url}{reverse('contracts:detail', args=[world.contract_a.pk])}"
    )
    assert response.status == 404
    page.goto(f"{live_server.url}{reverse('portal:overview')}")
    text = page.locator("main").inner_text()
    assert world.contract_b.title in text
    assert world.contract_a.title not in text


def test_language_switch(page, live_server, live_world):
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "pt-PT"
    portuguese_heading = page.locator("h1").inner_text()
    page.locator("header button[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Local Safety Contracts"
    assert portuguese_heading != "Local Safety Contracts"
    page.locator("header button[value=pt-pt]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == portuguese_heading


def test_overview_map_draws_boundaries_without_tiles(page, live_server, live_world):
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#overview-map path.leaflet-interactive")
    assert page.locator("#overview-map path.leaflet-interactive").count() >= 1
    assert page.locator("#overview-map img.leaflet-tile").count() == 0


def test_filters_update_results_in_place(page, live_server, live_world):
    page.goto(f"{live_server.url}/")
    page.select_option("select[name=category]", "municipality")
    page.wait_for_function(
        "() => !document.querySelector('#contract-results').innerText.includes('CLS Serpa')"
    )
    assert re.search(r"category=municipality", page.url)


@pytest.mark.parametrize(
    "path_name",
    ["portal:overview", "contract", "municipality", "accounts:login", "portal:accessibility"],
)
def test_main_pages_have_no_serious_accessibility_violations(
    page, live_server, live_world, path_name
):
    world = live_world
    if path_name == "contract":
        path = reverse("contracts:detail", args=[world.contract_b.pk])
    elif path_name == "municipality":
        path = reverse("territory:municipality_detail", args=[world.municipality_b.code])
    else:
        path = reverse(path_name)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    serious = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]
    assert serious == [], results.generate_report()


def test_police_commander_signs_in_with_a_second_factor(page, live_server, live_world):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    world = live_world
    device = TOTPDevice.objects.create(user=world.commander_a, name="phone", confirmed=True)
    log_in(page, live_server, "commander_a")
    assert "/accounts/two-factor/" in page.url
    page.fill("input[name=code]", "000000" if TOTP(device.bin_key).token() != 0 else "111111")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1  # a wrong code is refused
    page.wait_for_timeout(1100)  # django-otp throttles for 1 s after a failure
    page.fill("input[name=code]", f"{TOTP(device.bin_key).token():06d}")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/two-factor/" not in page.url
    response = page.goto(
        f"{live_server.url}{reverse('contracts:meetings', args=[world.contract_a.pk])}"
    )
    assert response.status == 200


MEMBER_PAGES = [
    ("contracts:detail", True),
    ("contracts:governance", True),
    ("contracts:stage", True),
    ("contracts:meetings", True),
    ("contracts:meeting_create", True),
    ("contracts:documents", True),
    ("contracts:document_upload", True),
    ("contracts:history", True),
    ("contracts:edit", True),
    ("contracts:zone_list", True),
    ("contracts:create", False),
    ("organisations:list", False),
    ("territory:municipality_list", False),
    ("accounts:profile", False),
]


def test_member_pages_have_no_serious_accessibility_violations(page, live_server, live_world):
    """The coordinator's working pages, forms included, in one signed-in session."""
    world = live_world
    log_in(page, live_server, "coordinator_a")
    problems = {}
    for name, takes_contract in MEMBER_PAGES:
        if name == "contracts:stage":
            path = reverse(name, args=[world.contract_a.pk, "diagnosis"])
        elif takes_contract:
            path = reverse(name, args=[world.contract_a.pk])
        else:
            path = reverse(name)
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        results = Axe().run(page)
        serious = [
            (violation["id"], [node["target"] for node in violation["nodes"]][:3])
            for violation in results.response["violations"]
            if violation.get("impact") in {"serious", "critical"}
        ]
        if serious:
            problems[path] = serious
    assert problems == {}


def test_coordinator_draws_a_zone_on_the_map(page, live_server, live_world):
    from localsafety.territory.models import Area

    world = live_world
    log_in(page, live_server, "coordinator_a")
    page.goto(f"{live_server.url}{reverse('contracts:zone_create', args=[world.contract_a.pk])}")
    page.wait_for_selector(".leaflet-draw-draw-polygon")
    page.locator(".leaflet-draw-draw-polygon").click()
    box = page.locator(".leaflet-container").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in [(-40, -40), (40, -40), (40, 40), (-40, 40), (-40, -40)]:
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(150)
    assert '"Polygon"' in page.locator("[name=geometry]").input_value()
    page.fill("input[name=name]", "Bairro da Cruz Vermelha")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    zone = Area.objects.get(owner_contract=world.contract_a, name="Bairro da Cruz Vermelha")
    assert zone.kind == "zone" and zone.geometry and zone.label_lat
    assert world.contract_a.areas.filter(pk=zone.pk).exists()
