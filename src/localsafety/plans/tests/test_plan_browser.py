"""Issue 10, done means: a coordinator turns two problems into a plan with measures and
indicators on a phone-sized screen, the committee returns it once and then approves it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.plans.models import InterventionKind, Measure, Plan
from localsafety.plans.tests.helpers import open_plan_stage, problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _in_english() -> None:
    """The pages here are read in the people's own language (pt-PT), not the services'."""


def _log_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _submit(page) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def _decide(page, action: str, comment: str = "") -> None:
    page.select_option("select[name=action]", action)
    if comment:
        page.fill("textarea[name=comment]", comment)
    page.locator("main form button[type=submit]", has_text="Registar a decisão").click()
    page.wait_for_load_state()


def test_two_problems_become_a_plan_returned_once_then_approved(page, live_server, world):
    open_plan_stage(world)
    burglaries, absenteeism = problems(world)
    contract = world.contract_a
    plan_url = f"{live_server.url}{reverse('plans:plan', args=[contract.pk])}"

    _log_in(page, live_server, "coordinator_a")
    page.goto(plan_url)
    page.locator("main a.button", has_text="Iniciar o plano").click()
    page.wait_for_load_state()
    _submit(page)
    version = Plan.objects.get(contract=contract).versions.get()
    assert _fits_the_phone(page)

    for problem, title in ((burglaries, "Menos furtos"), (absenteeism, "Jovens na escola")):
        page.goto(plan_url)
        page.locator("main a.button", has_text="Acrescentar um objetivo").click()
        page.wait_for_load_state()
        page.fill("input[name=title]", title)
        page.check(f"input[name=problems][value='{problem.pk}']")
        _submit(page)
    assert version.objectives.count() == 2

    measures = [
        ("M1", "Iluminação no bairro", "ii", "street-lighting", "Menos furtos"),
        ("M2", "Mediação escolar", "i", "school-prevention", "Jovens na escola"),
    ]
    for code, title, axis, kind, objective_title in measures:
        page.goto(plan_url)
        page.locator("section", has_text=objective_title).locator(
            "a", has_text="Acrescentar uma medida"
        ).click()
        page.wait_for_load_state()
        page.fill("input[name=code]", code)
        page.fill("input[name=title]", title)
        page.select_option("select[name=axis]", str(contract.axes.get(code=axis).pk))
        page.select_option("select[name=kind]", str(InterventionKind.objects.get(code=kind).pk))
        page.fill("input[name=starts_on]", "2017-03-01")
        page.fill("input[name=ends_on]", "2018-02-28")
        page.select_option("select[name=responsible_organisation]", str(world.ngo_a.pk))
        page.fill("input[name=budget_municipality]", "1.234,56 €")
        assert _fits_the_phone(page)
        _submit(page)
        measure = Measure.objects.get(plan_version=version, code=code)
        page.locator("main a", has_text="Acrescentar um indicador").click()
        page.wait_for_load_state()
        page.select_option("select[name=template]", label="Pessoas abrangidas")
        page.fill("input[name=target_value]", "150")
        _submit(page)
        assert measure.indicators.count() == 1
    assert str(Measure.objects.get(code="M1").budget_lines.get().amount) == "1234.56"

    page.goto(plan_url)
    assert "Iluminação no bairro" in page.locator("main").inner_text()
    assert _fits_the_phone(page)
    _decide(page, "submit")
    version.refresh_from_db()
    assert version.status == "submitted"

    _log_in(page, live_server, "mayor_a")
    page.goto(plan_url)
    _decide(page, "return", "Falta o orçamento da mediação.")
    version.refresh_from_db()
    assert version.status == "returned"

    _log_in(page, live_server, "coordinator_a")
    page.goto(plan_url)
    assert "Falta o orçamento da mediação." in page.locator("main").inner_text()
    _decide(page, "submit")

    _log_in(page, live_server, "mayor_a")
    page.goto(plan_url)
    _decide(page, "approve")
    version.refresh_from_db()
    assert version.status == "approved"
    assert "Aprovada pela Comissão Coordenadora" in page.locator("main").inner_text()

    # The timetable: an accessible table beside the figure, the figure reachable by keyboard.
    page.goto(f"{live_server.url}{reverse('plans:version_gantt', args=[contract.pk, version.pk])}")
    assert page.locator("figure.gantt-figure svg").count() == 1
    assert page.locator("table tbody tr").count() == 2
    assert _fits_the_phone(page)
    page.keyboard.press("Tab")
    for _ in range(40):
        focused = page.evaluate("document.activeElement.getAttribute('class') || ''")
        if "gantt-row" in focused:
            break
        page.keyboard.press("Tab")
    assert "gantt-row" in focused
