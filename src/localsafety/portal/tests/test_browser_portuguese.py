"""Issue 8, points 5 and 7, in real Chromium: the maps' own controls speak Portuguese, and the
choosers search as one types (htmx) and list a municipality's parishes when it is chosen."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from localsafety.organisations.models import Organisation, OrganisationKind
from localsafety.territory.models import Area, AreaKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()


def test_leaflet_and_leaflet_draw_controls_are_in_portuguese(page, live_server, world):
    log_in(page, live_server, "coordinator_a")
    page.goto(f"{live_server.url}{reverse('contracts:zone_create', args=[world.contract_a.pk])}")
    page.wait_for_selector(".leaflet-draw-draw-polygon")
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Aproximar"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == "Afastar"
    assert page.locator(".leaflet-draw-draw-polygon").get_attribute("title") == (
        "Desenhar um polígono"
    )
    assert page.locator(".leaflet-draw-draw-rectangle").get_attribute("title") == (
        "Desenhar um retângulo"
    )
    assert "interativos" in (
        page.locator(".leaflet-control-attribution a").first.get_attribute("title") or ""
    )
    page.locator(".leaflet-draw-draw-polygon").click()
    actions = page.locator(".leaflet-draw-actions a")
    assert "Terminar" in actions.all_inner_texts()
    assert "Cancelar" in actions.all_inner_texts()
    box = page.locator(".leaflet-container").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert (
        "Clique para começar a desenhar a forma."
        in page.locator(".leaflet-draw-tooltip").first.inner_text()
    )
    assert "Click" not in page.locator("main").inner_text()


def test_the_seat_chooser_searches_as_one_types(page, live_server, world):
    school = Organisation.objects.create(
        name="Agrupamento de Escolas do Lumiar",
        kind=OrganisationKind.SCHOOL_CLUSTER,
        municipality=world.municipality_a,
    )
    for number in range(40):
        Organisation.objects.create(name=f"Entidade Distante {number}", kind="other")
    log_in(page, live_server, "coordinator_a")
    page.goto(f"{live_server.url}{reverse('contracts:governance', args=[world.contract_a.pk])}")
    options = page.locator("#id_organisation_options input[type=radio]")
    assert options.count() <= 20
    page.fill("#id_organisation_q", "ESCOLAS DO LUMIAR")
    expect(page.locator("#id_organisation_options input[type=radio]")).to_have_count(1)
    page.locator("#id_organisation_options label").first.click()
    page.select_option("select[name=body]", str(world.contract_a.bodies.get(kind="core").pk))
    page.select_option("select[name=role]", "member")
    page.locator(
        "section[aria-labelledby=add-member-heading] button.button[type=submit]"
    ).last.click()
    page.wait_for_load_state()
    print(page.url, page.locator("main").inner_text()[:1500])
    assert world.contract_a.bodies.get(kind="core").members.filter(organisation=school).exists()


def test_choosing_the_municipality_lists_its_parishes_to_filter(page, live_server, world):
    for name in ("Alvalade", "Areeiro", "Belém"):
        Area.objects.create(
            kind=AreaKind.PARISH,
            code=f"1106{len(name):02d}{name[:2].upper()}",
            name=name,
            parent=world.municipality_a,
        )
    log_in(page, live_server, "coordinator_a")
    page.goto(f"{live_server.url}{reverse('contracts:create')}")
    page.fill("input[name=title]", "CLS Lisboa — Alvalade")
    assert page.locator("input[name=areas]").count() == 0
    with page.expect_navigation():
        page.select_option("select[name=municipality]", str(world.municipality_a.pk))
    assert page.locator("input[name=title]").input_value() == "CLS Lisboa — Alvalade"
    assert page.locator("input[name=areas]").count() == 5  # the municipality and 4 parishes
    page.fill("[data-choice-filter]", "belem")
    visible = [
        label for label in page.locator("[data-filterable] label").all() if label.is_visible()
    ]
    assert [label.inner_text().strip() for label in visible] == ["Belém"]
