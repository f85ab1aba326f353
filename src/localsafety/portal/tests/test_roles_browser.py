"""Roles that match the contract's rules (issue 8, point 2), walked in Chromium at phone size
in Portuguese, the way each was found: a partner was offered the deliverable's form; an empty
deliverable went through; the decision came pre-selected; "reopen" went through at once; the
Interministerial Commission could only endorse a plan; the coordinator is offered nothing on
the committee while its chair removes the commander, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import BodyKind, StageKind, StageStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # noqa: S105 - the test world's password
PHONE = {"width": 390, "height": 844}
WRITTEN = "Diagnóstico: furtos na via pública concentrados no Lumiar."


def _log_in(page, live_server, username: str, device=None) -> None:
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()
    if device is not None:
        from django_otp.oath import TOTP

        page.fill("input[name=code]", f"{TOTP(device.bin_key).token():06d}")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    assert "/accounts/" not in page.url, page.url


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _serious_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]


def _record_decision(page) -> None:
    page.locator("main form button[type=submit]", has_text="Registar a decisão").click()
    page.wait_for_load_state()


def _stage_url(live_server, world, kind: str = "diagnosis") -> str:
    return f"{live_server.url}{reverse('contracts:stage', args=[world.contract_a.pk, kind])}"


def test_the_deliverable_is_the_lead_organisations_and_never_submitted_empty(
    page, live_server, world
):
    url = _stage_url(live_server, world)
    _log_in(page, live_server, "partner_a")
    page.goto(url)
    assert page.locator("#stage-status").inner_text() == "Em preparação"
    assert page.locator("textarea[name=summary]").count() == 0  # not offered the form
    assert page.locator("input[name=action]").count() == 0
    assert _fits_the_phone(page)

    _log_in(page, live_server, "coordinator_a")
    page.goto(url)
    page.check("input[name=action][value=submit]")
    _record_decision(page)
    assert "O entregável está vazio" in page.locator(".error-summary").inner_text()
    assert world.contract_a.stages.get(kind="diagnosis").status == StageStatus.IN_PREPARATION
    assert _fits_the_phone(page)
    page.goto(url)
    page.fill("textarea[name=summary]", WRITTEN)
    page.locator("main form button[type=submit]", has_text="Guardar o resumo").click()
    page.wait_for_load_state()
    page.check("input[name=action][value=submit]")
    _record_decision(page)
    assert page.locator("#stage-status").inner_text() == "Submetida para aprovação"


def test_the_decision_is_chosen_and_reopening_is_confirmed(page, live_server, world):
    stage = world.contract_a.stages.get(kind="diagnosis")
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary=WRITTEN,
    )
    url = _stage_url(live_server, world)
    _log_in(page, live_server, "mayor_a")
    page.goto(url)
    assert page.locator("select[name=action]").count() == 0
    assert page.locator("input[name=action]").count() == 2
    assert page.locator("input[name=action]:checked").count() == 0  # nothing pre-selected
    assert page.locator("fieldset legend", has_text="Decisão").count() == 1
    assert _serious_violations(page) == []
    _record_decision(page)  # without choosing: the browser or the server refuses
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED
    page.goto(url)
    page.check("input[name=action][value=approve]")
    _record_decision(page)
    assert page.locator("#stage-status").inner_text() == "Aprovada pela Comissão Coordenadora"

    page.check("input[name=action][value=reopen]")
    page.fill("textarea[name=comment]", "Chegaram dados novos da PSP.")
    _record_decision(page)
    # The server asks, on its own page; nothing changed yet.
    assert page.locator("h2#confirm-heading").inner_text() == "Reabrir esta fase?"
    assert "Chegaram dados novos da PSP." in page.locator("main").inner_text()
    stage.refresh_from_db()
    assert stage.status == StageStatus.APPROVED
    assert _fits_the_phone(page)
    assert _serious_violations(page) == []
    page.locator("a", has_text="Não, manter como está").click()
    page.wait_for_load_state()
    assert page.locator("#stage-status").inner_text() == "Aprovada pela Comissão Coordenadora"
    page.check("input[name=action][value=reopen]")
    page.fill("textarea[name=comment]", "Chegaram dados novos da PSP.")
    _record_decision(page)
    page.locator("button", has_text="Sim, reabrir a fase").click()
    page.wait_for_load_state()
    assert page.locator("#stage-status").inner_text() == "Em preparação"
    stage.refresh_from_db()
    assert stage.status == StageStatus.IN_PREPARATION


def test_the_commission_returns_an_approved_plan_with_reasons(page, live_server, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for kind in (StageKind.DIAGNOSIS, StageKind.PLAN):
        stage = world.contract_a.stages.get(kind=kind)
        services.stage_decide(
            actor=world.coordinator_a,
            stage=stage,
            action="submit",
            expected_version=stage.version,
            summary=WRITTEN,
        )
        stage.refresh_from_db()
        services.stage_decide(
            actor=world.mayor_a, stage=stage, action="approve", expected_version=stage.version
        )
    device = TOTPDevice.objects.create(user=world.national, name="phone", confirmed=True)
    _log_in(page, live_server, "national", device)
    # Her home lists the plan to endorse or return.
    page.goto(f"{live_server.url}{reverse('portal:home')}")
    assert "CLS Lisboa — Lumiar" in page.locator("#waiting").inner_text()
    page.locator("#waiting a").first.click()
    page.wait_for_load_state()
    labels = page.locator("fieldset .choice label").all_inner_texts()
    assert labels == ["Devolver o plano ao contrato, com os motivos", "Homologar a nível nacional"]
    page.check("input[name=action][value=return]")
    _record_decision(page)  # no reason: refused
    assert page.locator(".error-summary").count() == 1
    page.check("input[name=action][value=return]")
    page.fill("textarea[name=comment]", "Faltam os recursos financeiros por medida.")
    _record_decision(page)
    assert page.locator("#stage-status").inner_text() == "Devolvida com comentários"
    assert "Faltam os recursos financeiros por medida." in page.locator("main table").inner_text()
    assert _fits_the_phone(page)


def test_the_chair_not_the_coordinator_removes_the_commander(page, live_server, world):
    committee = world.contract_a.bodies.get(kind=BodyKind.COMMITTEE)
    seat = committee.members.get(person=world.commander_a)
    url = f"{live_server.url}{reverse('contracts:governance', args=[world.contract_a.pk])}"
    remove = reverse("contracts:body_member_remove", args=[world.contract_a.pk, seat.pk])
    _log_in(page, live_server, "coordinator_a")
    page.goto(url)
    assert page.locator(f"form[action='{remove}']").count() == 0
    assert page.locator("#chair-heading").count() == 0
    _log_in(page, live_server, "mayor_a")
    page.goto(url)
    page.locator(f"form[action='{remove}'] button").click()
    page.wait_for_load_state()
    assert not committee.members.filter(person=world.commander_a).exists()
    page.goto(f"{live_server.url}{reverse('contracts:history', args=[world.contract_a.pk])}")
    removal = page.locator("tr", has_text="Comandante Costa").filter(has_text="eliminad")
    assert removal.count() == 1 and "Mário Lisboa" in removal.inner_text()
