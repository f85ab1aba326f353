from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import BodyKind, BodyMember, StageKind, StageStatus

pytestmark = pytest.mark.django_db


def _committee(contract):
    return contract.bodies.get(kind=BodyKind.COMMITTEE)


def _stage(contract, kind=StageKind.DIAGNOSIS):
    return contract.stages.get(kind=kind)


# --- bodies --------------------------------------------------------------------------------


def test_bodies_show_people_only_to_members(world, published_b, api_for):
    url = reverse("api:contract-bodies", args=[world.contract_b.pk])
    public = api_for(world.stranger).get(url).json()
    assert [body["kind"] for body in public] == ["committee", "core"]
    committee = public[0]
    chair = next(m for m in committee["members"] if m["role"] == "chair")
    assert chair["organisation"]["id"] == world.town_b.pk
    assert chair["person"] is None and chair["person_name"] is None
    assert all(m["person_name"] is None for body in public for m in body["members"])

    own = api_for(world.partner_b).get(url).json()
    chair = next(m for m in own[0]["members"] if m["role"] == "chair")
    assert chair["person"] == world.mayor_b.pk
    assert chair["person_name"] == "Manuel Serpa"


@pytest.mark.parametrize("who", [None, "stranger", "partner_b"])
def test_bodies_of_unpublished_contract_are_404(world, api_for, who):
    user = getattr(world, who) if who else None
    url = reverse("api:contract-bodies", args=[world.contract_a.pk])
    assert api_for(user).get(url).status_code == 404


def test_the_chair_adds_and_removes_a_committee_member(world, api_for):
    # Committee seats are the chair's (or national users') to give, no longer the lead
    # organisation's (issue 7, finding 5).
    committee = _committee(world.contract_a)
    client = api_for(world.mayor_a)
    response = client.post(
        reverse("api:body-member-add", args=[world.contract_a.pk, committee.pk]),
        {"organisation": world.ngo_a.pk, "person": world.partner_a.pk, "role": "member"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["person_name"] == "Paula Parceira"
    member = BodyMember.objects.get(pk=response.json()["id"])
    assert member.body == committee and member.person == world.partner_a

    removed = client.delete(
        reverse("api:body-member-remove", args=[world.contract_a.pk, member.pk])
    )
    assert removed.status_code == 204
    assert not BodyMember.objects.filter(pk=member.pk).exists()


def test_member_input_is_checked(world, api_for, english):
    english(world.mayor_a)
    committee = _committee(world.contract_a)
    url = reverse("api:body-member-add", args=[world.contract_a.pk, committee.pk])
    client = api_for(world.mayor_a)  # the committee's chair gives its seats
    missing_org = client.post(url, {"organisation": 999999}, format="json")
    assert missing_org.status_code == 400 and "organisation" in missing_org.json()["errors"]
    # A person must belong to the organisation that takes the seat.
    wrong_person = client.post(
        url, {"organisation": world.ngo_a.pk, "person": world.partner_b.pk}, format="json"
    )
    assert wrong_person.status_code == 400 and "person" in wrong_person.json()["errors"]
    second_chair = client.post(
        url, {"organisation": world.ngo_a.pk, "person_name": "X", "role": "chair"}, format="json"
    )
    assert second_chair.status_code == 400
    assert "chair" in second_chair.json()["detail"] and list(second_chair.json()["errors"]) == [
        "role"
    ]


def test_chair_cannot_be_removed(world, api_for):
    chair = _committee(world.contract_a).members.get(role="chair")
    response = api_for(world.mayor_a).delete(
        reverse("api:body-member-remove", args=[world.contract_a.pk, chair.pk])
    )
    assert response.status_code == 400
    assert BodyMember.objects.filter(pk=chair.pk).exists()


def test_read_only_members_get_403_on_member_changes(world, api_for):
    committee = _committee(world.contract_a)
    commander_seat = committee.members.get(person=world.commander_a)
    for user in (world.commander_a, world.partner_a):
        client = api_for(user)
        add = client.post(
            reverse("api:body-member-add", args=[world.contract_a.pk, committee.pk]),
            {"organisation": world.ngo_a.pk, "person_name": "Alguém"},
            format="json",
        )
        assert add.status_code == 403
        remove = client.delete(
            reverse("api:body-member-remove", args=[world.contract_a.pk, commander_seat.pk])
        )
        assert remove.status_code == 403
    assert committee.members.count() == 2


def test_outsiders_get_404_on_member_changes(world, api_for):
    committee = _committee(world.contract_a)
    seat = committee.members.get(person=world.commander_a)
    client = api_for(world.partner_b)
    add = client.post(
        reverse("api:body-member-add", args=[world.contract_a.pk, committee.pk]),
        {"organisation": world.ngo_b.pk},
        format="json",
    )
    assert add.status_code == 404
    assert (
        client.delete(
            reverse("api:body-member-remove", args=[world.contract_a.pk, seat.pk])
        ).status_code
        == 404
    )
    # A body or member of another contract is not found under this contract.
    other_body = _committee(world.contract_b)
    assert (
        api_for(world.coordinator_a)
        .post(
            reverse("api:body-member-add", args=[world.contract_a.pk, other_body.pk]),
            {"organisation": world.ngo_a.pk},
            format="json",
        )
        .status_code
        == 404
    )
    assert api_for(None).post(
        reverse("api:body-member-add", args=[world.contract_a.pk, committee.pk]),
        {"organisation": world.ngo_a.pk},
        format="json",
    ).status_code in {401, 403}


# --- stages --------------------------------------------------------------------------------


def test_stage_list(world, published_b, api_for):
    response = api_for(None).get(reverse("api:contract-stages", args=[world.contract_b.pk]))
    assert [(s["kind"], s["status"]) for s in response.json()] == [
        ("diagnosis", "in_preparation"),
        ("plan", "not_started"),
        ("implementation", "not_started"),
        ("evaluation", "not_started"),
    ]
    for who in (None, world.stranger, world.partner_b):
        assert (
            api_for(who).get(reverse("api:contract-stages", args=[world.contract_a.pk])).status_code
            == 404
        )


def test_stage_detail_shows_decisions_to_members_and_allowed_actions(world, published_b, api_for):
    url = reverse("api:stage-detail", args=[world.contract_b.pk, "diagnosis"])
    public = api_for(world.stranger).get(url).json()
    assert public["status"] == "in_preparation"
    assert public["decisions"] is None and public["summary"] is None
    assert public["allowed_actions"] == []
    own = api_for(world.partner_b).get(url).json()
    # A partner reads the stage but the deliverable is the lead organisation's (issue 8).
    assert own["allowed_actions"] == []
    assert [d["action"] for d in own["decisions"]] == []
    assert api_for(world.coordinator_b).get(url).json()["allowed_actions"] == ["submit"]
    # The mayor's municipality leads the contract, so it may submit too; the nation may not.
    assert api_for(world.mayor_b).get(url).json()["allowed_actions"] == ["submit"]
    assert api_for(world.national).get(url).json()["allowed_actions"] == []
    assert (
        api_for(world.partner_b)
        .get(reverse("api:stage-detail", args=[world.contract_b.pk, "nonsense"]))
        .status_code
        == 404
    )
    for who in (None, world.stranger, world.partner_b):
        a_url = reverse("api:stage-detail", args=[world.contract_a.pk, "diagnosis"])
        assert api_for(who).get(a_url).status_code == 404


def test_submit_then_mayor_approves_through_the_api(world, api_for):
    stage = _stage(world.contract_a)
    url = reverse("api:stage-decide", args=[world.contract_a.pk, "diagnosis"])
    submitted = api_for(world.coordinator_a).post(
        url,
        {"action": "submit", "version": stage.version, "summary": "Diagnóstico escrito."},
        format="json",
    )
    assert submitted.status_code == 201, submitted.json()
    assert submitted.json()["stage"]["status"] == "submitted"

    detail_url = reverse("api:stage-detail", args=[world.contract_a.pk, "diagnosis"])
    seen = api_for(world.mayor_a).get(detail_url).json()
    assert seen["allowed_actions"] == ["approve", "return"]
    approved = api_for(world.mayor_a).post(
        url, {"action": "approve", "version": seen["version"], "comment": "Bom"}, format="json"
    )
    assert approved.status_code == 201, approved.json()
    body = approved.json()
    assert body["decision"]["action"] == "approve"
    assert body["decision"]["actor"] == "Mário Lisboa"
    assert body["stage"]["status"] == "approved"
    stage.refresh_from_db()
    assert stage.status == StageStatus.APPROVED
    world.contract_a.refresh_from_db()
    assert world.contract_a.stage == StageKind.PLAN
    decisions = api_for(world.partner_a).get(detail_url).json()["decisions"]
    assert [d["action"] for d in decisions] == ["approve", "submit"]
    assert decisions[0]["comment"] == "Bom"


def test_partner_cannot_approve(world, api_for, english):
    english(world.partner_a)
    stage = _stage(world.contract_a)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    url = reverse("api:stage-decide", args=[world.contract_a.pk, "diagnosis"])
    response = api_for(world.partner_a).post(
        url, {"action": "approve", "version": stage.version}, format="json"
    )
    assert response.status_code == 403
    assert "Coordinating Committee" in response.json()["detail"]
    outsider = api_for(world.partner_b).post(
        url, {"action": "approve", "version": stage.version}, format="json"
    )
    assert outsider.status_code == 404
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED


def test_stale_stage_version_is_409(world, api_for, english):
    english(world.mayor_a)
    stage = _stage(world.contract_a)
    url = reverse("api:stage-decide", args=[world.contract_a.pk, "diagnosis"])
    first = api_for(world.coordinator_a).post(
        url,
        {"action": "submit", "version": stage.version, "summary": "Diagnóstico escrito."},
        format="json",
    )
    assert first.status_code == 201
    stale = api_for(world.mayor_a).post(
        url, {"action": "approve", "version": stage.version}, format="json"
    )
    assert stale.status_code == 409
    assert "Reload" in stale.json()["detail"]
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED


def test_decision_input_is_checked(world, api_for):
    stage = _stage(world.contract_a)
    url = reverse("api:stage-decide", args=[world.contract_a.pk, "diagnosis"])
    client = api_for(world.mayor_a)
    assert client.post(url, {"action": "start", "version": 1}, format="json").status_code == 400
    assert client.post(url, {"action": "approve"}, format="json").status_code == 400
    wrong_state = client.post(url, {"action": "approve", "version": stage.version}, format="json")
    assert wrong_state.status_code == 409  # still in preparation: approve no longer applies
