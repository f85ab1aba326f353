"""A home page for each person (issue 8, point 1), walked in Chromium at phone size in
Portuguese, as it was found: after signing in the mayor landed on the national list, not on
the deliverable waiting for his decision."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from localsafety.contracts import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # noqa: S105 - the test world's password
PHONE = {"width": 390, "height": 844}
WRITTEN = "Diagnóstico: furtos na via pública concentrados no Lumiar."


def _log_in(page, live_server, username: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('portal:overview')}")
    # The header's link from the overview, as a person would sign in.
    page.locator("header a[href*='/accounts/login/']").first.click()
    page.wait_for_load_state()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _serious_violations(page) -> list:
    results = Axe().run(page)
    return [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]


def test_the_mayor_lands_on_his_work_and_reaches_the_deliverable_in_one_click(
    page, live_server, world
):
    stage = world.contract_a.stages.get(kind="diagnosis")
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary=WRITTEN,
    )
    # Anonymous visitors still land on the national overview.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").first.inner_text() != "O meu trabalho"

    _log_in(page, live_server, "mayor_a")
    assert page.url == f"{live_server.url}{reverse('portal:home')}"
    assert page.locator("h1").first.inner_text() == "O meu trabalho"
    waiting = page.locator("#waiting")
    assert "À espera da sua decisão (1)" in waiting.locator("h2").inner_text()
    text = waiting.inner_text()
    assert "CLS Lisboa — Lumiar" in text and "Submetido por Carla Coordenadora" in text
    assert WRITTEN in text
    assert "Diagnóstico local de segurança" in page.locator("#my-contracts").inner_text()
    assert "Presidente da Comissão Coordenadora" in page.locator("#my-contracts").inner_text()
    assert page.locator("#recent li").count() > 0
    assert _fits_the_phone(page)
    assert _serious_violations(page) == []

    waiting.locator("a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("contracts:stage", args=[world.contract_a.pk, "diagnosis"]))
    radios = page.locator("input[name=action]")
    assert radios.count() == 2
    assert page.locator("input[name=action]:checked").count() == 0

    # The national overview is one click from the home page.
    page.goto(f"{live_server.url}{reverse('portal:home')}")
    page.locator("#overview-link").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/"
    assert page.locator("nav a[href='/home/']").count() == 1  # and back, from every page


def test_the_coordinator_is_told_what_to_do_next(page, live_server, world):
    _log_in(page, live_server, "coordinator_a")
    steps = page.locator("#next-steps")
    assert "Escrever o entregável" in steps.inner_text()
    assert page.locator("#waiting").inner_text().count("Nada está à espera da sua decisão") == 1
    steps.locator("a", has_text="Escrever o entregável").click()
    page.wait_for_load_state()
    assert page.locator("textarea[name=summary]").count() == 1
    assert _fits_the_phone(page)
