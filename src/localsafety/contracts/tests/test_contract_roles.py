"""Roles that match the contract's rules (issue 8, point 2), tried as each role found them.

A partner (NGO A, on A's Operational Core, not the lead) writes only its own items: it is not
offered the deliverable's form and is refused if it posts it. The Interministerial Commission
returns an approved plan with reasons. A decision is never pre-selected; reopening an approved
stage is confirmed on a page the server renders; an empty deliverable is not submitted. The
committee's seats and chair are for the chair or national users, audited. Pages, services and
API answer alike.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.history import contract_history
from localsafety.contracts.models import BodyKind, DecisionAction, Stage, StageKind, StageStatus
from localsafety.core.errors import DomainError

WRITTEN = "Diagnóstico: furtos na via pública concentrados no Lumiar."


def _stage(world, kind: str = StageKind.DIAGNOSIS) -> Stage:
    return world.contract_a.stages.get(kind=kind)


def _stage_url(world, kind: str = StageKind.DIAGNOSIS) -> str:
    return reverse("contracts:stage", args=[world.contract_a.pk, kind])


def _decide_url(world, kind: str = StageKind.DIAGNOSIS) -> str:
    return reverse("api:stage-decide", args=[world.contract_a.pk, kind])


def _submitted(world, kind: str = StageKind.DIAGNOSIS) -> Stage:
    stage = _stage(world, kind)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary=WRITTEN,
    )
    stage.refresh_from_db()
    return stage


def _approved_plan(world) -> Stage:
    diagnosis = _submitted(world)
    services.stage_decide(
        actor=world.mayor_a, stage=diagnosis, action="approve", expected_version=diagnosis.version
    )
    plan = _submitted(world, StageKind.PLAN)
    services.stage_decide(
        actor=world.mayor_a, stage=plan, action="approve", expected_version=plan.version
    )
    plan.refresh_from_db()
    assert plan.status == StageStatus.APPROVED
    return plan


# --- a partner does not write or submit the contract-wide deliverable ---------------------


def test_a_partner_is_refused_the_deliverable_by_the_services(world):
    stage = _stage(world)
    with pytest.raises(PermissionDenied):
        services.stage_summary_update(
            actor=world.partner_a, stage=stage, summary=WRITTEN, expected_version=stage.version
        )
    with pytest.raises(PermissionDenied):
        services.stage_decide(
            actor=world.partner_a,
            stage=stage,
            action="submit",
            expected_version=stage.version,
            summary=WRITTEN,
        )
    assert services.allowed_actions(world.partner_a, stage) == []
    assert services.allowed_actions(world.coordinator_a, stage) == ["submit"]
    stage.refresh_from_db()
    assert stage.status == StageStatus.IN_PREPARATION and stage.summary == ""


def test_a_partner_is_not_offered_the_deliverable_form_and_its_posts_are_refused(world, client_for):
    client = client_for(world.partner_a)
    page = client.get(_stage_url(world))
    assert page.status_code == 200
    assert page.context["summary_form"] is None and page.context["form"] is None
    html = page.content.decode()
    assert 'name="summary"' not in html and 'name="action"' not in html
    summary_url = reverse("contracts:stage_summary", args=[world.contract_a.pk, "diagnosis"])
    assert client.post(summary_url, {"summary": WRITTEN, "version": 1}).status_code == 403
    assert client.post(_stage_url(world), {"action": "submit", "version": 1}).status_code == 403
    api = client.post(
        _decide_url(world),
        {"action": "submit", "version": 1, "summary": WRITTEN},
        content_type="application/json",
    )
    assert api.status_code == 403
    detail = client.get(reverse("api:stage-detail", args=[world.contract_a.pk, "diagnosis"]))
    assert detail.json()["allowed_actions"] == []
    stage = _stage(world)
    assert stage.status == StageStatus.IN_PREPARATION and stage.summary == ""
    # Its own organisation's items stay its own: it still records a meeting.
    assert page.context["can_contribute"]


def test_the_coordinator_is_offered_the_deliverable_form(world, client_for):
    page = client_for(world.coordinator_a).get(_stage_url(world))
    assert page.context["summary_form"] is not None
    assert [value for value, _label in page.context["form"].fields["action"].choices] == ["submit"]


# --- an empty deliverable is not submitted ------------------------------------------------


def test_an_empty_deliverable_is_not_submitted_by_the_service(world):
    stage = _stage(world)
    for summary in (None, "", "   \n "):
        with pytest.raises(DomainError) as refused:
            services.stage_decide(
                actor=world.coordinator_a,
                stage=stage,
                action="submit",
                expected_version=stage.version,
                summary=summary,
            )
        assert refused.value.field == "summary"
    stage.refresh_from_db()
    assert stage.status == StageStatus.IN_PREPARATION
    assert not stage.decisions.filter(action="submit").exists()


def test_an_empty_deliverable_is_refused_on_the_page_with_a_clear_error(
    world, client_for, english_pages
):
    client = client_for(world.coordinator_a)
    response = client.post(_stage_url(world), {"action": "submit", "version": 1, "comment": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "The deliverable is empty" in html
    assert _stage(world).status == StageStatus.IN_PREPARATION
    # Written, it goes through.
    summary_url = reverse("contracts:stage_summary", args=[world.contract_a.pk, "diagnosis"])
    assert client.post(summary_url, {"summary": WRITTEN, "version": 1}).status_code == 302
    response = client.post(_stage_url(world), {"action": "submit", "version": 2, "comment": ""})
    assert response.status_code == 302
    assert _stage(world).status == StageStatus.SUBMITTED


def test_an_empty_deliverable_is_refused_by_the_api(world, client_for, english_pages):
    client = client_for(world.coordinator_a)
    response = client.post(
        _decide_url(world), {"action": "submit", "version": 1}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "deliverable is empty" in str(response.json())
    response = client.post(
        _decide_url(world),
        {"action": "approve", "version": 1, "summary": WRITTEN},
        content_type="application/json",
    )
    assert response.status_code in {400, 403}
    response = client.post(
        _decide_url(world),
        {"action": "submit", "version": 1, "summary": WRITTEN},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    stage = _stage(world)
    assert stage.status == StageStatus.SUBMITTED and stage.summary == WRITTEN


# --- the decision form has no pre-selected decision ---------------------------------------


def test_the_decision_form_preselects_nothing_and_requires_a_choice(world, client_for):
    stage = _submitted(world)
    client = client_for(world.mayor_a)
    html = client.get(_stage_url(world)).content.decode()
    radios = re.findall(r"<input[^>]*name=\"action\"[^>]*>", html)
    assert [re.search(r'value="(\w+)"', radio).group(1) for radio in radios] == [
        "approve",
        "return",
    ]
    assert all("checked" not in radio and "required" in radio for radio in radios)
    assert "<select" not in html.split('id="decide-heading"')[1].split("</section>")[0]
    response = client.post(_stage_url(world), {"version": stage.version, "comment": ""})
    assert response.status_code == 400
    html = response.content.decode()
    # The error summary links to the first choice, which exists; the group names its error.
    assert 'href="#id_action_0"' in html and 'id="id_action_0"' in html
    assert 'aria-describedby="id_action_error"' in html and 'id="id_action_error"' in html
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED


# --- reopening an approved stage is confirmed on a second page ----------------------------


def test_reopen_asks_for_confirmation_on_a_page_the_server_renders(
    world, client_for, english_pages
):
    stage = _submitted(world)
    services.stage_decide(
        actor=world.commander_a, stage=stage, action="approve", expected_version=stage.version
    )
    stage.refresh_from_db()
    client = client_for(world.mayor_a)
    data = {"action": "reopen", "version": stage.version, "comment": "Dados novos da PSP"}
    asked = client.post(_stage_url(world), data)
    assert asked.status_code == 200
    assert [template.name for template in asked.templates][0] == "contracts/stage_confirm.html"
    html = asked.content.decode()
    assert "Reopen this stage?" in html and "Dados novos da PSP" in html
    assert 'name="confirmed" value="on"' in html
    stage.refresh_from_db()
    assert stage.status == StageStatus.APPROVED  # nothing happened yet
    done = client.post(_stage_url(world), {**data, "confirmed": "on"})
    assert done.status_code == 302
    stage.refresh_from_db()
    assert stage.status == StageStatus.IN_PREPARATION
    assert stage.decisions.filter(action="reopen", comment="Dados novos da PSP").count() == 1


def test_reopen_through_the_api_needs_confirm(world, client_for):
    stage = _submitted(world)
    services.stage_decide(
        actor=world.commander_a, stage=stage, action="approve", expected_version=stage.version
    )
    stage.refresh_from_db()
    client = client_for(world.mayor_a)
    data = {"action": "reopen", "version": stage.version, "comment": "Dados novos"}
    refused = client.post(_decide_url(world), data, content_type="application/json")
    assert refused.status_code == 400 and "confirm" in refused.json()["errors"]
    stage.refresh_from_db()
    assert stage.status == StageStatus.APPROVED
    done = client.post(
        _decide_url(world), {**data, "confirm": True}, content_type="application/json"
    )
    assert done.status_code == 201
    assert done.json()["stage"]["status"] == "in_preparation"


# --- the Interministerial Commission returns an approved plan with reasons ----------------


def test_the_commission_returns_an_approved_plan_with_reasons(world):
    plan = _approved_plan(world)
    assert set(services.allowed_actions(world.national, plan)) == {"endorse", "return"}
    # The committee already approved: its members reopen, they do not return.
    assert "return" not in services.allowed_actions(world.mayor_a, plan)
    with pytest.raises(DomainError):
        services.stage_decide(
            actor=world.national, stage=plan, action="return", expected_version=plan.version
        )
    with pytest.raises(PermissionDenied):
        services.stage_decide(
            actor=world.commander_a,
            stage=plan,
            action="return",
            expected_version=plan.version,
            comment="Não",
        )
    decision = services.stage_decide(
        actor=world.national,
        stage=plan,
        action="return",
        expected_version=plan.version,
        comment="Faltam os recursos financeiros por medida.",
    )
    assert decision.status_before == StageStatus.APPROVED
    assert decision.submitted_by == world.coordinator_a
    plan.refresh_from_db()
    assert plan.status == StageStatus.RETURNED and not plan.is_complete
    world.contract_a.refresh_from_db()
    assert world.contract_a.stage == StageKind.PLAN
    # The lead organisation revises and submits again; the committee approves; it is endorsed.
    services.stage_decide(
        actor=world.coordinator_a,
        stage=plan,
        action="submit",
        expected_version=plan.version,
        summary="Plano revisto com recursos por medida.",
    )
    plan.refresh_from_db()
    services.stage_decide(
        actor=world.mayor_a, stage=plan, action="approve", expected_version=plan.version
    )
    plan.refresh_from_db()
    services.stage_decide(
        actor=world.national, stage=plan, action="endorse", expected_version=plan.version
    )
    plan.refresh_from_db()
    assert plan.status == StageStatus.ENDORSED


def test_an_approved_diagnosis_is_not_returned_nationally(world):
    stage = _submitted(world)
    services.stage_decide(
        actor=world.mayor_a, stage=stage, action="approve", expected_version=stage.version
    )
    stage.refresh_from_db()
    assert services.allowed_actions(world.national, stage) == []
    with pytest.raises(DomainError):
        services.stage_decide(
            actor=world.national,
            stage=stage,
            action="return",
            expected_version=stage.version,
            comment="Não",
        )


def test_the_commission_returns_a_plan_on_the_page_and_through_the_api(
    world, client_for, english_pages
):
    plan = _approved_plan(world)
    client = client_for(world.national)
    page = client.get(_stage_url(world, StageKind.PLAN))
    choices = dict(page.context["form"].fields["action"].choices)
    assert set(choices) == {"endorse", "return"}
    assert choices["return"] == "Return the plan to the contract with reasons"
    no_reason = client.post(
        _stage_url(world, StageKind.PLAN), {"action": "return", "version": plan.version}
    )
    assert no_reason.status_code == 400
    returned = client.post(
        _stage_url(world, StageKind.PLAN),
        {"action": "return", "version": plan.version, "comment": "Sem cronograma."},
    )
    assert returned.status_code == 302
    plan.refresh_from_db()
    assert plan.status == StageStatus.RETURNED
    decision = plan.decisions.get(action=DecisionAction.RETURN)
    assert decision.actor == world.national and decision.comment == "Sem cronograma."

    # Through the API, the same rule.
    services.stage_decide(
        actor=world.coordinator_a,
        stage=plan,
        action="submit",
        expected_version=plan.version,
        summary="Plano com cronograma.",
    )
    plan.refresh_from_db()
    services.stage_decide(
        actor=world.mayor_a, stage=plan, action="approve", expected_version=plan.version
    )
    plan.refresh_from_db()
    url = _decide_url(world, StageKind.PLAN)
    detail = client.get(reverse("api:stage-detail", args=[world.contract_a.pk, "plan"]))
    assert set(detail.json()["allowed_actions"]) == {"endorse", "return"}
    response = client.post(
        url,
        {"action": "return", "version": plan.version, "comment": "Ainda falta."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["stage"]["status"] == "returned"


# --- the committee's seats and chair: the chair or national users, audited ----------------


def test_the_coordinator_is_offered_no_change_to_the_committee(world, client_for):
    committee = world.contract_a.bodies.get(kind=BodyKind.COMMITTEE)
    commander_seat = committee.members.get(person=world.commander_a)
    html = (
        client_for(world.coordinator_a)
        .get(reverse("contracts:governance", args=[world.contract_a.pk]))
        .content.decode()
    )
    remove = reverse("contracts:body_member_remove", args=[world.contract_a.pk, commander_seat.pk])
    assert remove not in html
    assert reverse("contracts:chair_change", args=[world.contract_a.pk]) not in html
    assert not world.coordinator_a.has_perm("contracts.change_committee", world.contract_a)
    with pytest.raises(PermissionDenied):
        services.body_member_remove(actor=world.coordinator_a, member=commander_seat)


def test_the_chair_removes_the_commander_audited_and_the_history_says_so(
    world, client_for, english_pages
):
    committee = world.contract_a.bodies.get(kind=BodyKind.COMMITTEE)
    commander_seat = committee.members.get(person=world.commander_a)
    client = client_for(world.mayor_a)
    url = reverse("contracts:governance", args=[world.contract_a.pk])
    remove = reverse("contracts:body_member_remove", args=[world.contract_a.pk, commander_seat.pk])
    assert remove in client.get(url).content.decode()
    assert client.post(remove).status_code == 302
    assert not committee.members.filter(person=world.commander_a).exists()
    record = commander_seat.history.latest()
    assert record.history_type == "-" and record.history_user == world.mayor_a
    assert record.history_change_reason == "seat removed (committee) by the committee's chair"
    entries = contract_history(world.coordinator_a, world.contract_a)
    removed = next(
        e for e in entries if e["object_type"] == "bodymember" and e["action"] == "deleted"
    )
    assert removed["who"] == "Mário Lisboa" and "Comandante Costa" in removed["object_label"]


def test_the_committee_chair_changes_through_the_api_by_the_chair_only_audited(world, client_for):
    committee = world.contract_a.bodies.get(kind=BodyKind.COMMITTEE)
    url = reverse("api:committee-chair", args=[world.contract_a.pk])
    to_commander = {"organisation": world.psp.pk, "person": world.commander_a.pk}
    refused = client_for(world.coordinator_a).post(
        url, to_commander, content_type="application/json"
    )
    assert refused.status_code == 403
    assert client_for(world.partner_b).post(url, to_commander).status_code == 404
    himself = client_for(world.mayor_a).post(
        url,
        {"organisation": world.town_a.pk, "person": world.mayor_a.pk},
        content_type="application/json",
    )
    assert himself.status_code == 403
    assert committee.members.get(role="chair").person == world.mayor_a
    named = client_for(world.mayor_a).post(url, to_commander, content_type="application/json")
    assert named.status_code == 200, named.json()
    assert named.json()["role"] == "chair" and named.json()["person"] == world.commander_a.pk
    chair = committee.members.get(role="chair")
    assert chair.person == world.commander_a
    record = chair.history.latest()
    assert record.history_user == world.mayor_a
    assert record.history_change_reason == "named chair (committee) by the committee's chair"
    # A national user may name the next one.
    back = client_for(world.national).post(
        url,
        {"organisation": world.town_a.pk, "person": world.mayor_a.pk},
        content_type="application/json",
    )
    assert back.status_code == 200
    assert committee.members.get(role="chair").person == world.mayor_a
