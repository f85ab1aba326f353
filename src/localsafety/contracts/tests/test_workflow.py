from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.urls import reverse
from rules import rulesets

from localsafety.contracts import services
from localsafety.contracts.models import (
    BodyKind,
    BodyMember,
    Contract,
    DecisionAction,
    Stage,
    StageDecision,
    StageKind,
    StageStatus,
)
from localsafety.contracts.ownership import Need
from localsafety.core.errors import ConflictError, DomainError
from localsafety.organisations import access as organisation_access
from localsafety.organisations.access import IS_NATIONAL_RULE
from localsafety.organisations.models import User


def _diagnosis(contract: Contract):
    return contract.stages.get(kind=StageKind.DIAGNOSIS)


def test_new_contract_has_chaired_committee_core_and_four_stages(world):
    contract = world.contract_a
    assert contract.bodies.count() == 2
    assert contract.bodies.get(kind="committee").members.get(role="chair").person == world.mayor_a
    assert [s.kind for s in contract.stages.order_by("position")] == [
        "diagnosis",
        "plan",
        "implementation",
        "evaluation",
    ]
    assert _diagnosis(contract).status == StageStatus.IN_PREPARATION


def test_contract_without_chair_is_refused_and_nothing_is_stored(world):
    before = Contract.objects.count()
    with pytest.raises(DomainError):
        services.contract_create(
            actor=world.coordinator_a,
            title="Sem presidente",
            category="municipality",
            municipality=world.municipality_a,
            lead_organisation=world.town_a,
            chair=None,
        )
    assert Contract.objects.count() == before


def test_submit_then_mayor_approves_and_plan_opens(world):
    stage = _diagnosis(world.contract_a)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action=DecisionAction.SUBMIT,
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED
    decision = services.stage_decide(
        actor=world.mayor_a,
        stage=stage,
        action=DecisionAction.APPROVE,
        expected_version=stage.version,
        comment="Bom trabalho",
    )
    assert decision.actor == world.mayor_a and decision.status_after == StageStatus.APPROVED
    world.contract_a.refresh_from_db()
    assert world.contract_a.stage == StageKind.PLAN
    assert world.contract_a.stages.get(kind=StageKind.PLAN).status == StageStatus.IN_PREPARATION


def test_partner_cannot_approve_and_other_mayor_cannot_approve(world):
    stage = _diagnosis(world.contract_a)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    for person in (world.partner_a, world.mayor_b, world.national):
        with pytest.raises(PermissionDenied):
            services.stage_decide(
                actor=person, stage=stage, action="approve", expected_version=stage.version
            )
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED
    assert stage.decisions.count() == 1


def test_a_decision_on_a_version_already_decided_is_a_conflict(world):
    stage = _diagnosis(world.contract_a)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    seen = stage.version
    services.stage_decide(
        actor=world.mayor_a,
        stage=stage,
        action="return",
        expected_version=seen,
        comment="Falta a matriz de indicadores",
    )
    with pytest.raises(ConflictError):
        services.stage_decide(
            actor=world.commander_a, stage=stage, action="approve", expected_version=seen
        )
    stage.refresh_from_db()
    assert stage.status == StageStatus.RETURNED


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two writers at once need a server database: SQLite's test database is one "
    "in-memory connection, and SQLite ignores SELECT ... FOR UPDATE",
)
@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_on_two_connections_one_wins(world):
    """The mayor returns and the commander approves the same submitted version, at the same
    moment, each on their own database connection: exactly one decision lands, the other is
    told someone else decided first."""
    stage = _diagnosis(world.contract_a)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    seen = stage.version
    attempts = [
        (world.mayor_a, "return", "Falta a matriz de indicadores"),
        (world.commander_a, "approve", ""),
    ]
    both_ready = threading.Barrier(len(attempts))
    outcomes: dict[str, object] = {}

    def decide(person, action: str, comment: str) -> None:
        try:
            mine = Stage.objects.get(pk=stage.pk)  # on this thread's own connection
            assert mine.version == seen
            both_ready.wait(timeout=10)  # both have read the same version; now both decide
            outcomes[action] = services.stage_decide(
                actor=person, stage=mine, action=action, expected_version=seen, comment=comment
            )
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[action] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    landed = [value for value in outcomes.values() if isinstance(value, StageDecision)]
    refused = [value for value in outcomes.values() if isinstance(value, ConflictError)]
    assert len(landed) == 1 and len(refused) == 1, outcomes
    stage.refresh_from_db()
    assert stage.version == seen + 1
    assert stage.status == landed[0].status_after
    assert stage.decisions.exclude(action="submit").count() == 1


def test_return_and_reopen_need_a_reason(world):
    stage = _diagnosis(world.contract_a)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    with pytest.raises(DomainError):
        services.stage_decide(
            actor=world.mayor_a,
            stage=stage,
            action="return",
            expected_version=stage.version,
            comment="  ",
        )


def test_plan_needs_national_endorsement(world):
    contract = world.contract_a
    diagnosis = _diagnosis(contract)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=diagnosis,
        action="submit",
        expected_version=1,
        summary="Entregável escrito.",
    )
    services.stage_decide(
        actor=world.mayor_a, stage=diagnosis, action="approve", expected_version=2
    )
    plan = contract.stages.get(kind=StageKind.PLAN)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=plan,
        action="submit",
        expected_version=plan.version,
        summary="Entregável escrito.",
    )
    plan.refresh_from_db()
    services.stage_decide(
        actor=world.mayor_a, stage=plan, action="approve", expected_version=plan.version
    )
    contract.refresh_from_db()
    assert contract.stage == StageKind.PLAN
    plan.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.stage_decide(
            actor=world.mayor_a, stage=plan, action="endorse", expected_version=plan.version
        )
    services.stage_decide(
        actor=world.national, stage=plan, action="endorse", expected_version=plan.version
    )
    contract.refresh_from_db()
    assert contract.stage == StageKind.IMPLEMENTATION


def test_visibility_querysets(world):
    ids = set(Contract.objects.visible_to(world.partner_a).values_list("pk", flat=True))
    assert ids == {world.contract_a.pk}
    assert set(Contract.objects.visible_to(world.stranger, Need.PAGE)) == set()
    assert Contract.objects.visible_to(world.national).count() == 2
    world.contract_b.is_published = True
    world.contract_b.save()
    assert list(Contract.objects.visible_to(None, Need.PAGE)) == [world.contract_b]
    # The default need is the strict one: a published contract's record stays its members'.
    assert list(Contract.objects.visible_to(None)) == []
    assert list(Contract.objects.visible_to(world.stranger)) == []


# Who may do what, written out by hand from the world's story (not computed from the scope
# the rules wrap): a rule wired to the wrong predicate, or a scope that widens, changes a cell.
READERS = {
    "a": {"national", "mayor_a", "coordinator_a", "commander_a", "partner_a"},
    "b": {"national", "mayor_b", "coordinator_b", "partner_b"},
}
EXPECTED_PERMISSIONS = {
    "contracts.read_contract": READERS,
    "contracts.manage_contract": {
        "a": {"mayor_a", "coordinator_a"},
        "b": {"mayor_b", "coordinator_b"},
    },
    "contracts.decide_stage": {"a": {"mayor_a", "commander_a"}, "b": {"mayor_b"}},
    # The deliverable is the whole contract's: the lead organisation's, not a partner's.
    "contracts.submit_stage": {
        "a": {"mayor_a", "coordinator_a"},
        "b": {"mayor_b", "coordinator_b"},
    },
    # Seats and chair of the committee: its chair or national users, never the coordinator.
    "contracts.change_committee": {"a": {"mayor_a", "national"}, "b": {"mayor_b", "national"}},
}
# Members' names of an organisation: for readers of a contract it leads or sits on.
MEMBER_VIEWERS = {
    "town_a": READERS["a"],
    "psp": READERS["a"],
    "ngo_a": READERS["a"],
    "town_b": READERS["b"],
    "ngo_b": READERS["b"],
    "ministry": set(),  # sits only on the national commission, which is no contract
}


def test_django_permissions_answer_as_the_world_says_for_every_person(world):
    contracts = {"a": world.contract_a, "b": world.contract_b}
    wrong = []
    for name, user in world.users.items():
        for permission, holders in EXPECTED_PERMISSIONS.items():
            for letter, contract in contracts.items():
                if user.has_perm(permission, contract) != (name in holders[letter]):
                    wrong.append((name, permission, letter))
        for organisation, viewers in MEMBER_VIEWERS.items():
            allowed = user.has_perm("organisations.view_members", getattr(world, organisation))
            if allowed != (name in viewers):
                wrong.append((name, "organisations.view_members", organisation))
        if bool(rulesets.test_rule(IS_NATIONAL_RULE, user)) != (name == "national"):
            wrong.append((name, IS_NATIONAL_RULE, None))
    assert not wrong, wrong
    # The earlier spot checks, kept.
    contract = world.contract_a
    assert world.partner_a.has_perm("contracts.read_contract", contract)
    assert not world.partner_b.has_perm("contracts.read_contract", contract)
    assert world.coordinator_a.has_perm("contracts.manage_contract", contract)
    assert not world.commander_a.has_perm("contracts.manage_contract", contract)
    assert world.commander_a.has_perm("contracts.decide_stage", contract)
    assert not world.partner_a.has_perm("contracts.decide_stage", contract)
    assert not world.partner_a.has_perm("contracts.submit_stage", contract)
    assert not world.coordinator_a.has_perm("contracts.change_committee", contract)


def test_leaving_the_national_commission_ends_national_rights(world, client_for):
    national = world.national
    assert organisation_access.is_national(national)
    assert national.has_perm("organisations.view_members", world.town_a)
    page = reverse("organisations:detail", args=[world.town_a.pk])
    assert "Carla Coordenadora" in client_for(national).get(page).content.decode()

    BodyMember.objects.filter(person=national, body__kind=BodyKind.INTERMINISTERIAL).delete()
    former = User.objects.get(pk=national.pk)  # a fresh object: the scope is memoised per object
    assert not organisation_access.is_national(former)
    assert not rulesets.test_rule(IS_NATIONAL_RULE, former)
    assert not former.has_perm("contracts.read_contract", world.contract_a)
    assert not former.has_perm("organisations.view_members", world.town_a)
    assert "Carla Coordenadora" not in client_for(former).get(page).content.decode()


def test_reopen_with_a_reason_brings_the_stage_back(world):
    contract = world.contract_a
    stage = _diagnosis(contract)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=1,
        summary="Entregável escrito.",
    )
    services.stage_decide(actor=world.mayor_a, stage=stage, action="approve", expected_version=2)
    stage.refresh_from_db()
    with pytest.raises(DomainError):
        services.stage_decide(
            actor=world.mayor_a, stage=stage, action="reopen", expected_version=stage.version
        )
    with pytest.raises(PermissionDenied):
        services.stage_decide(
            actor=world.partner_a,
            stage=stage,
            action="reopen",
            expected_version=stage.version,
            comment="Dados novos",
        )
    decision = services.stage_decide(
        actor=world.commander_a,
        stage=stage,
        action="reopen",
        expected_version=stage.version,
        comment="Novos dados da PSP sobre 2016",
    )
    assert decision.status_after == StageStatus.IN_PREPARATION
    assert decision.comment == "Novos dados da PSP sobre 2016"
    contract.refresh_from_db()
    assert contract.stage == StageKind.DIAGNOSIS
    assert [d.action for d in stage.decisions.order_by("pk")] == ["submit", "approve", "reopen"]
