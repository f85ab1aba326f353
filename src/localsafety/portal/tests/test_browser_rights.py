"""Rights and duties as a person sees them on a phone (390 px wide), in Portuguese.

Issue 7, findings 1 and 5: a manager's organisation form offers no field that confers
rights; the person who submitted a deliverable is offered no decision on it; the decision
trail names who submitted beside who approved.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.contracts import services
from localsafety.organisations.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}


def _log_in(page, live_server, username: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_submitter_gets_no_decision_and_the_trail_names_both(page, live_server, world):
    stage = world.contract_a.stages.get(kind="diagnosis")
    services.stage_decide(
        actor=world.mayor_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    url = f"{live_server.url}{reverse('contracts:stage', args=[world.contract_a.pk, 'diagnosis'])}"

    _log_in(page, live_server, "mayor_a")
    page.goto(url)
    assert page.locator("input[name=action]").count() == 0  # nothing to decide on his own
    assert _fits_the_phone(page)

    stage.refresh_from_db()
    services.stage_decide(
        actor=world.commander_a, stage=stage, action="approve", expected_version=stage.version
    )
    page.goto(url)
    row = page.locator("tr", has_text="Comandante Costa").first
    assert "Comandante Costa" in row.inner_text()
    assert "Entregável submetido por Mário Lisboa" in row.inner_text()
    assert _fits_the_phone(page)


def test_chair_keeps_the_committee_and_the_coordinator_only_the_core(page, live_server, world):
    url = f"{live_server.url}{reverse('contracts:governance', args=[world.contract_a.pk])}"
    committee, core = (world.contract_a.bodies.get(kind=kind) for kind in ("committee", "core"))
    _log_in(page, live_server, "coordinator_a")
    page.goto(url)
    offered = page.locator("select[name=body] option").evaluate_all(
        "options => options.map(option => option.value).filter(Boolean)"
    )
    assert offered == [str(core.pk)]
    assert page.locator("#chair-heading").count() == 0
    assert _fits_the_phone(page)
    page.context.clear_cookies()

    _log_in(page, live_server, "mayor_a")
    page.goto(url)
    page.select_option("select[name=body]", str(committee.pk))
    page.check(f"#id_organisation_options input[value='{world.ngo_a.pk}']")  # the chooser
    page.fill("input[name=person_login]", "partner_a")
    page.locator("main form button[type=submit]", has_text="Acrescentar o membro").first.click()
    page.wait_for_load_state()
    assert committee.members.filter(person=world.partner_a).exists()
    assert _fits_the_phone(page)


def test_manager_form_offers_no_field_that_confers_rights(page, live_server, world):
    Membership.objects.filter(user=world.partner_a, organisation=world.ngo_a).update(role="manager")
    _log_in(page, live_server, "partner_a")
    page.goto(f"{live_server.url}{reverse('organisations:edit', args=[world.ngo_a.pk])}")
    assert page.locator("[name=kind], [name=municipality], [name=is_active]").count() == 0
    main = page.locator("main").inner_text()
    assert "Associação / ONG" in main  # the kind is shown, not offered
    assert "utilizadores nacionais" in main
    assert _fits_the_phone(page)
    page.fill("input[name=short_name]", "ABF")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.short_name == "ABF" and world.ngo_a.kind == "association"
