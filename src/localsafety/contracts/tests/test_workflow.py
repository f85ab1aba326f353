from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from localsafety.contracts import services
from localsafety.contracts.models import Contract, DecisionAction, StageKind, StageStatus
from localsafety.contracts.ownership import Need
from localsafety.core.errors import ConflictError, DomainError


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
        actor=world.partner_a,
        stage=stage,
        action=DecisionAction.SUBMIT,
        expected_version=stage.version,
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
        actor=world.partner_a, stage=stage, action="submit", expected_version=stage.version
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


def test_two_deciders_at_once_get_a_conflict(world):
    stage = _diagnosis(world.contract_a)
    services.stage_decide(
        actor=world.partner_a, stage=stage, action="submit", expected_version=stage.version
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


def test_return_and_reopen_need_a_reason(world):
    stage = _diagnosis(world.contract_a)
    services.stage_decide(
        actor=world.partner_a, stage=stage, action="submit", expected_version=stage.version
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
        actor=world.partner_a, stage=diagnosis, action="submit", expected_version=1
    )
    services.stage_decide(
        actor=world.mayor_a, stage=diagnosis, action="approve", expected_version=2
    )
    plan = contract.stages.get(kind=StageKind.PLAN)
    services.stage_decide(
        actor=world.coordinator_a, stage=plan, action="submit", expected_version=plan.version
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


def test_django_permissions_agree_with_the_access_rules(world):
    contract = world.contract_a
    assert world.partner_a.has_perm("contracts.read_contract", contract)
    assert not world.partner_b.has_perm("contracts.read_contract", contract)
    assert world.coordinator_a.has_perm("contracts.manage_contract", contract)
    assert not world.commander_a.has_perm("contracts.manage_contract", contract)
    assert world.commander_a.has_perm("contracts.decide_stage", contract)
    assert not world.partner_a.has_perm("contracts.decide_stage", contract)
    assert world.partner_a.has_perm("contracts.submit_stage", contract)


def test_reopen_with_a_reason_brings_the_stage_back(world):
    contract = world.contract_a
    stage = _diagnosis(contract)
    services.stage_decide(actor=world.partner_a, stage=stage, action="submit", expected_version=1)
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
