"""Writes for the plan and its versions: start, decide (through the stage workflow), revise."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localsafety.contracts.models import DecisionAction, Stage, StageKind, StageStatus
from localsafety.contracts.services import stage_decide
from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.errors import ConflictError, DomainError
from localsafety.organisations.models import User
from localsafety.plans.models import (
    APPROVED_VERSION_STATUSES,
    Indicator,
    MeasureBudget,
    MeasurePartner,
    Milestone,
    Objective,
    Plan,
    PlanVersion,
    VersionStatus,
)
from localsafety.plans.services.common import check_version, require_drafter


def plan_stage(contract_id: int) -> Stage:
    return Stage.objects.get(contract_id=contract_id, kind=StageKind.PLAN)


@transaction.atomic
def plan_create(*, actor: User, contract: Any, title: str) -> Plan:
    """Start the contract's plan with an empty first version (the Operational Core)."""
    require_drafter(actor, contract.pk)
    if Plan.objects.filter(contract=contract).exists():
        raise ConflictError(_("This contract already has an intervention plan."))
    plan = create_validated(
        Plan,
        actor=actor,
        reason="created",
        contract=contract,
        title=title.strip(),
        created_by=actor,
    )
    create_validated(
        PlanVersion,
        actor=actor,
        reason="created",
        plan=plan,
        contract=contract,
        number=1,
        created_by=actor,
    )
    return plan


@transaction.atomic
def plan_version_update(
    *, actor: User, version: PlanVersion, summary: str, expected_version: int | None
) -> PlanVersion:
    from localsafety.plans.services.common import require_editable

    require_drafter(actor, version.contract_id)
    locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
    check_version(locked, expected_version)
    require_editable(locked)
    locked.summary = summary.strip()
    locked.version += 1
    save_fields(locked, ["summary", "version"], actor=actor, reason="summary edited")
    return locked


def _decide(
    *, actor: User, version: PlanVersion, action: str, comment: str = ""
) -> tuple[PlanVersion, Stage]:
    """Apply ``action`` to the contract's plan stage (rights, separation of duties and the
    decision trail are the workflow's) and return the locked version and stage."""
    stage = Stage.objects.select_for_update().get(
        contract_id=version.contract_id, kind=StageKind.PLAN
    )
    stage_decide(
        actor=actor,
        stage=stage,
        action=action,
        expected_version=stage.version,
        comment=comment,
        summary=None,
    )
    stage.refresh_from_db()
    return version, stage


_EXPECTED: dict[str, set[str]] = {
    DecisionAction.SUBMIT: {VersionStatus.DRAFT, VersionStatus.RETURNED},
    DecisionAction.APPROVE: {VersionStatus.SUBMITTED},
    DecisionAction.RETURN: {VersionStatus.SUBMITTED},
    DecisionAction.ENDORSE: {VersionStatus.APPROVED},
}


@transaction.atomic
def plan_version_decide(
    *,
    actor: User,
    version: PlanVersion,
    action: str,
    expected_version: int | None,
    comment: str = "",
) -> PlanVersion:
    """Submit, approve, return (with comments) or endorse a version of the plan.

    The decision is the contract's PLAN stage decision (``contracts.services.stage_decide``),
    so the same people may take it and nobody judges what they submitted; the version follows.
    """
    if action not in _EXPECTED:
        raise DomainError(_("Unknown decision."), field="action")
    locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
    check_version(locked, expected_version)
    if locked.status not in _EXPECTED[action]:
        raise ConflictError(
            _("This version is now “%(status)s”; that decision no longer applies.")
            % {"status": locked.get_status_display()}
        )
    if action == DecisionAction.SUBMIT:
        require_drafter(actor, locked.contract_id)
        if not locked.measures.exists():
            raise DomainError(_("A plan needs at least one measure before it is submitted."))
        stage = plan_stage(locked.contract_id)
        if stage.status == StageStatus.NOT_STARTED:
            raise DomainError(
                _("The plan is submitted once the previous stage (the diagnosis) is approved.")
            )
        if stage.status in {StageStatus.APPROVED, StageStatus.ENDORSED}:
            raise DomainError(
                _(
                    "The plan in force is approved: the Coordinating Committee reopens the plan "
                    "stage (with a reason) before a new version is submitted."
                )
            )
    _decide(actor=actor, version=locked, action=action, comment=comment)
    now = timezone.now()
    fields = ["status", "version"]
    if action == DecisionAction.SUBMIT:
        locked.status = VersionStatus.SUBMITTED
        locked.submitted_by = actor
        locked.submitted_at = now
        fields += ["submitted_by", "submitted_at"]
    elif action == DecisionAction.RETURN:
        locked.status = VersionStatus.RETURNED
        locked.comments = comment.strip()
        fields.append("comments")
    elif action == DecisionAction.APPROVE:
        locked.status = VersionStatus.APPROVED
        locked.approved_by = actor
        locked.approved_at = now
        fields += ["approved_by", "approved_at"]
        for older in PlanVersion.objects.filter(
            plan_id=locked.plan_id, status__in=APPROVED_VERSION_STATUSES
        ).exclude(pk=locked.pk):
            older.status = VersionStatus.SUPERSEDED
            older.version += 1
            save_fields(older, ["status", "version"], actor=actor, reason="superseded")
    elif action == DecisionAction.ENDORSE:
        locked.status = VersionStatus.ENDORSED
        locked.endorsed_at = now
        fields.append("endorsed_at")
    locked.version += 1
    save_fields(locked, fields, actor=actor, reason=f"{action}: {comment}"[:100])
    return locked


@transaction.atomic
def plan_version_new(*, actor: User, plan: Plan, expected_version: int | None) -> PlanVersion:
    """Open a new version, copied from the version in force: the only way an approved plan
    changes. Measures, objectives and indicators keep their lineage, so the versions compare
    measure by measure and activities keep the measure version they served."""
    require_drafter(actor, plan.contract_id)
    locked_plan = Plan.objects.select_for_update().get(pk=plan.pk)
    check_version(locked_plan, expected_version)
    latest = PlanVersion.objects.filter(plan=locked_plan).order_by("-number").first()
    if latest is None or latest.status not in APPROVED_VERSION_STATUSES:
        raise ConflictError(
            _("A new version starts from the approved plan; the latest version is not approved.")
        )
    new = create_validated(
        PlanVersion,
        actor=actor,
        reason=f"copied from v{latest.number}",
        plan=locked_plan,
        contract_id=locked_plan.contract_id,
        number=latest.number + 1,
        based_on=latest,
        summary=latest.summary,
        created_by=actor,
    )
    copy_version_content(source=latest, target=new)
    locked_plan.version += 1
    mark_change(locked_plan, actor=actor, reason="new version")
    locked_plan.save(update_fields=["version"])
    return new


def copy_version_content(*, source: PlanVersion, target: PlanVersion) -> None:
    """Copy objectives, measures and everything under them, keeping lineage keys."""
    objective_map: dict[int, Objective] = {}
    for objective in source.objectives.prefetch_related("problems"):
        problems = list(objective.problems.all())
        old_pk = objective.pk
        objective.pk = None
        objective.id = None
        objective._state.adding = True
        objective._prefetched_objects_cache = {}  # type: ignore[attr-defined]  # else set() compares with the source's
        objective.plan_version = target
        objective.version = 1
        objective.save()
        objective.problems.set(problems)
        objective_map[old_pk] = objective
    measures = source.measures.prefetch_related(
        "target_groups", "areas", "partners", "budget_lines", "milestones", "indicators"
    )
    for measure in measures:
        groups = list(measure.target_groups.all())
        areas = list(measure.areas.all())
        partners = list(measure.partners.all())
        budget = list(measure.budget_lines.all())
        milestones = list(measure.milestones.all())
        indicators = list(measure.indicators.all())
        measure.pk = None
        measure.id = None
        measure._state.adding = True
        measure._prefetched_objects_cache = {}  # type: ignore[attr-defined]
        measure.plan_version = target
        measure.objective = objective_map[measure.objective_id]
        measure.version = 1
        measure.save()
        measure.target_groups.set(groups)
        measure.areas.set(areas)
        children: list[MeasurePartner | MeasureBudget | Milestone | Indicator] = [
            *partners,
            *budget,
            *milestones,
            *indicators,
        ]
        for row in children:
            row.pk = None
            row.id = None
            row._state.adding = True
            row.measure = measure
            if isinstance(row, Indicator):
                row.version = 1
            row.save()
