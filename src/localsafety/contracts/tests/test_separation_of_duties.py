"""Separation of duties (issue 7, finding 5), tried as the review's attackers did.

The mayor of A is staff of the lead municipality (so he may submit a stage) and chairs the
Coordinating Committee (so he may approve): he submits, then tries to approve or return his
own deliverable. The coordinator of A manages the lead municipality: he tries to seat himself
(or anyone else) on the committee that approves what his organisation submits, and to make
himself its chair. Services, pages and API must all refuse; the chair or a national user
may change the committee; the decision trail shows who submitted beside who decided.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import (
    BodyKind,
    BodyMember,
    Contract,
    StageKind,
    StageStatus,
)
from localsafety.core.errors import DomainError
from localsafety.organisations.models import Membership


@pytest.fixture(autouse=True)
def _english(english_pages) -> None:
    """The pages' text is read in English here."""


def _committee(contract: Contract):
    return contract.bodies.get(kind=BodyKind.COMMITTEE)


def _core(contract: Contract):
    return contract.bodies.get(kind=BodyKind.CORE)


def _submitted_by(user, contract: Contract, kind: str = StageKind.DIAGNOSIS):
    stage = contract.stages.get(kind=kind)
    services.stage_decide(
        actor=user,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    return stage


# --- nobody judges a deliverable they submitted -------------------------------------------


@pytest.mark.parametrize("action", ["approve", "return"])
def test_the_mayor_who_submitted_cannot_judge_it_in_the_service(world, action):
    stage = _submitted_by(world.mayor_a, world.contract_a)
    with pytest.raises(PermissionDenied):
        services.stage_decide(
            actor=world.mayor_a,
            stage=stage,
            action=action,
            expected_version=stage.version,
            comment="Eu próprio",
        )
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED
    assert not stage.decisions.filter(action=action).exists()


def test_allowed_actions_do_not_offer_the_submitter_a_judgement(world):
    stage = _submitted_by(world.mayor_a, world.contract_a)
    assert services.allowed_actions(world.mayor_a, stage) == []
    assert set(services.allowed_actions(world.commander_a, stage)) == {"approve", "return"}


def test_the_mayor_who_submitted_cannot_approve_through_the_page(world, client_for):
    stage = _submitted_by(world.mayor_a, world.contract_a)
    client = client_for(world.mayor_a)
    url = reverse("contracts:stage", args=[world.contract_a.pk, stage.kind])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None  # no decision offered
    response = client.post(url, {"action": "approve", "version": stage.version, "comment": ""})
    assert response.status_code in {400, 403}
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED


def test_the_mayor_who_submitted_cannot_approve_through_the_api(world, client_for):
    stage = _submitted_by(world.mayor_a, world.contract_a)
    client = client_for(world.mayor_a)
    detail = client.get(reverse("api:stage-detail", args=[world.contract_a.pk, stage.kind]))
    assert detail.json()["allowed_actions"] == []
    response = client.post(
        reverse("api:stage-decide", args=[world.contract_a.pk, stage.kind]),
        {"action": "approve", "version": stage.version},
        content_type="application/json",
    )
    assert response.status_code == 403
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED


def test_a_national_user_who_submitted_the_plan_cannot_endorse_it(world):
    """Endorsement judges the deliverable too: the submitter never gives it."""
    Membership.objects.create(user=world.national, organisation=world.town_a)  # may submit
    diagnosis = _submitted_by(world.coordinator_a, world.contract_a)
    services.stage_decide(
        actor=world.commander_a, stage=diagnosis, action="approve", expected_version=2
    )
    plan = _submitted_by(world.national, world.contract_a, StageKind.PLAN)
    services.stage_decide(
        actor=world.mayor_a, stage=plan, action="approve", expected_version=plan.version
    )
    plan.refresh_from_db()
    assert services.allowed_actions(world.national, plan) == []  # neither endorse nor return
    with pytest.raises(PermissionDenied):
        services.stage_decide(
            actor=world.national, stage=plan, action="endorse", expected_version=plan.version
        )
    with pytest.raises(PermissionDenied):
        services.stage_decide(
            actor=world.national,
            stage=plan,
            action="return",
            expected_version=plan.version,
            comment="Eu próprio",
        )
    plan.refresh_from_db()
    assert plan.status == StageStatus.APPROVED


def test_someone_else_approves_and_the_trail_shows_both_people(world, client_for):
    stage = _submitted_by(world.mayor_a, world.contract_a)
    response = client_for(world.commander_a).post(
        reverse("api:stage-decide", args=[world.contract_a.pk, stage.kind]),
        {"action": "approve", "version": stage.version},
        content_type="application/json",
    )
    assert response.status_code == 201
    decision = response.json()["decision"]
    assert decision["actor"] == "Comandante Costa" and decision["submitted_by"] == "Mário Lisboa"

    trail = (
        client_for(world.partner_a)
        .get(reverse("api:stage-detail", args=[world.contract_a.pk, stage.kind]))
        .json()["decisions"]
    )
    by_action = {entry["action"]: entry for entry in trail}
    assert by_action["approve"]["actor"] == "Comandante Costa"
    assert by_action["approve"]["submitted_by"] == "Mário Lisboa"
    assert by_action["submit"]["submitted_by"] is None

    page = client_for(world.partner_a).get(
        reverse("contracts:stage", args=[world.contract_a.pk, stage.kind])
    )
    approval = next(d for d in page.context["decisions"] if d.action == "approve")
    assert approval.actor == world.commander_a and approval.submitted_by == world.mayor_a
    assert "Deliverable submitted by Mário Lisboa" in page.content.decode()


# --- nobody seats themselves; the committee is the chair's or national users' -------------


def test_the_coordinator_cannot_seat_himself_on_the_committee_in_the_service(world):
    committee = _committee(world.contract_a)
    for person in (world.coordinator_a, world.partner_a):
        with pytest.raises(PermissionDenied):
            services.body_member_add(
                actor=world.coordinator_a,
                body=committee,
                organisation=world.town_a if person == world.coordinator_a else world.ngo_a,
                person=person,
            )
    with pytest.raises(PermissionDenied):
        services.committee_chair_change(
            actor=world.coordinator_a,
            contract=world.contract_a,
            organisation=world.town_a,
            person=world.coordinator_a,
        )
    assert committee.members.count() == 2
    assert committee.members.get(role="chair").person == world.mayor_a


def test_the_coordinator_cannot_seat_himself_through_the_page(world, client_for):
    committee = _committee(world.contract_a)
    client = client_for(world.coordinator_a)
    page = client.get(reverse("contracts:governance", args=[world.contract_a.pk]))
    offered = page.context["member_form"].fields["body"].queryset
    assert list(offered) == [_core(world.contract_a)]  # the committee is not offered
    assert page.context["chair_form"] is None
    for login, organisation in (("coordinator_a", world.town_a), ("partner_a", world.ngo_a)):
        response = client.post(
            reverse("contracts:body_member_add", args=[world.contract_a.pk]),
            {
                "body": committee.pk,
                "organisation": organisation.pk,
                "person_login": login,
                "role": "member",
            },
        )
        assert response.status_code in {400, 403}
    response = client.post(
        reverse("contracts:chair_change", args=[world.contract_a.pk]),
        {"organisation": world.town_a.pk, "person_login": "coordinator_a"},
    )
    assert response.status_code == 403
    commander_seat = committee.members.get(person=world.commander_a)
    response = client.post(
        reverse("contracts:body_member_remove", args=[world.contract_a.pk, commander_seat.pk])
    )
    assert response.status_code == 403
    assert committee.members.count() == 2
    assert committee.members.get(role="chair").person == world.mayor_a


def test_the_coordinator_cannot_seat_himself_through_the_api(world, client_for):
    committee = _committee(world.contract_a)
    client = client_for(world.coordinator_a)
    url = reverse("api:body-member-add", args=[world.contract_a.pk, committee.pk])
    for person, organisation in (
        (world.coordinator_a, world.town_a),
        (world.partner_a, world.ngo_a),
    ):
        response = client.post(
            url,
            {"organisation": organisation.pk, "person": person.pk},
            content_type="application/json",
        )
        assert response.status_code == 403
    commander_seat = committee.members.get(person=world.commander_a)
    response = client.delete(
        reverse("api:body-member-remove", args=[world.contract_a.pk, commander_seat.pk])
    )
    assert response.status_code == 403
    assert committee.members.count() == 2


def test_the_lead_organisation_still_keeps_the_operational_core(world, client_for):
    core = _core(world.contract_a)
    response = client_for(world.coordinator_a).post(
        reverse("api:body-member-add", args=[world.contract_a.pk, core.pk]),
        {"organisation": world.psp.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert core.members.filter(organisation=world.psp).exists()


def test_the_chair_seats_others_on_the_committee_through_page_and_api(world, client_for):
    committee = _committee(world.contract_a)
    client = client_for(world.mayor_a)
    page = client.get(reverse("contracts:governance", args=[world.contract_a.pk]))
    assert committee in page.context["member_form"].fields["body"].queryset
    response = client.post(
        reverse("contracts:body_member_add", args=[world.contract_a.pk]),
        {
            "body": committee.pk,
            "organisation": world.town_a.pk,
            "person_login": "coordinator_a",
            "role": "member",
        },
    )
    assert response.status_code == 302
    seat = committee.members.get(person=world.coordinator_a)
    record = seat.history.latest()
    assert record.history_user == world.mayor_a
    assert record.history_change_reason == "seat added (committee) by the committee's chair"
    response = client.post(
        reverse("api:body-member-add", args=[world.contract_a.pk, committee.pk]),
        {"organisation": world.ngo_a.pk, "person": world.partner_a.pk},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_the_chair_cannot_give_himself_a_second_seat_or_name_himself(world):
    committee = _committee(world.contract_a)
    with pytest.raises(PermissionDenied):
        services.body_member_add(
            actor=world.mayor_a, body=committee, organisation=world.town_a, person=world.mayor_a
        )
    with pytest.raises(PermissionDenied):
        services.committee_chair_change(
            actor=world.mayor_a,
            contract=world.contract_a,
            organisation=world.town_a,
            person=world.mayor_a,
        )


def test_a_national_user_seats_others_audited_but_not_himself(world, client_for):
    committee = _committee(world.contract_a)
    with pytest.raises(PermissionDenied):
        services.body_member_add(
            actor=world.national, body=committee, organisation=world.ministry, person=world.national
        )
    response = client_for(world.national).post(
        reverse("contracts:chair_change", args=[world.contract_a.pk]),
        {"organisation": world.psp.pk, "person_login": "commander_a"},
    )
    assert response.status_code == 302
    chair = committee.members.get(role="chair")
    assert chair.person == world.commander_a
    record = chair.history.latest()
    assert record.history_user == world.national
    assert record.history_change_reason == "named chair (committee) by a national user"
    assert BodyMember.objects.filter(body=committee, person=world.mayor_a, role="member").exists()


def test_nobody_registers_a_contract_naming_himself_chair(world):
    before = Contract.objects.count()
    with pytest.raises(DomainError):
        services.contract_create(
            actor=world.coordinator_a,
            title="CLS Lisboa — Alvalade",
            category="neighbourhood",
            municipality=world.municipality_a,
            lead_organisation=world.town_a,
            chair=world.coordinator_a,
        )
    assert Contract.objects.count() == before
