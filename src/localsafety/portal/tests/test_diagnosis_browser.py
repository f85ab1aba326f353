"""The diagnosis in Chromium: a partner of the Operational Core records a problem, the
committee's chair prioritises it, and both read it in the diagnosis document (no serious
accessibility violation on the way)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        violation["id"]
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]


def _sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()


def test_record_prioritise_and_read_the_diagnosis(page, live_server, world):
    contract = world.contract_a.pk
    _sign_in(page, live_server, "partner_a")
    page.goto(f"{live_server.url}{reverse('diagnosis:problem_create', args=[contract])}")
    page.fill("input[name=title]", "Assaltos junto à estação")
    page.fill("textarea[name=evidence]", "Taxa de 41 por 1000 residentes (DGPJ 2024)")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "Assaltos junto à estação" in page.locator("main").inner_text()
    assert _serious_violations(page) == []

    _sign_in(page, live_server, "mayor_a")
    page.goto(f"{live_server.url}{reverse('diagnosis:problems', args=[contract])}")
    page.locator("main table a", has_text="Definir prioridade").first.click()
    page.wait_for_load_state()
    page.fill("input[name=priority]", "1")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}{reverse('diagnosis:document', args=[contract])}")
    body = page.locator("main").inner_text()
    assert "Assaltos junto à estação" in body and "prioridade 1" in body
    assert _serious_violations(page) == []
