"""Writes for the stage workflow: decisions, the deliverable's summary, advancing the contract."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import (
    JUDGED_ACTIONS,
    Contract,
    DecisionAction,
    Stage,
    StageDecision,
    StageStatus,
)
from localsafety.contracts.services.common import (
    check_version,
    deny,
    organisation_for,
)
from localsafety.core.audit import mark_change, save_fields
from localsafety.core.errors import ConflictError, DomainError
from localsafety.organisations.models import User

# --- stage workflow -------------------------------------------------------------------------

#: "Is this stage decided on another page?" An app above (plans: the intervention plan's
#: versions) registers it with django-rules, so that a stage whose deliverable it keeps is
#: not approved from the stage page behind its back. ``test_rule(name, stage)``.
STAGE_DECIDED_ELSEWHERE_RULE = "localsafety.stage_decided_elsewhere"


def decided_elsewhere(stage: Stage) -> bool:
    """True when an app above keeps this stage's deliverable and takes its decisions."""
    from rules import rulesets

    return bool(rulesets.test_rule(STAGE_DECIDED_ELSEWHERE_RULE, stage))  # type: ignore[no-untyped-call]


TRANSITIONS: dict[str, tuple[set[str], str]] = {
    DecisionAction.SUBMIT: (
        {StageStatus.IN_PREPARATION, StageStatus.RETURNED},
        StageStatus.SUBMITTED,
    ),
    DecisionAction.APPROVE: ({StageStatus.SUBMITTED}, StageStatus.APPROVED),
    DecisionAction.RETURN: ({StageStatus.SUBMITTED}, StageStatus.RETURNED),
    DecisionAction.ENDORSE: ({StageStatus.APPROVED}, StageStatus.ENDORSED),
    DecisionAction.REOPEN: (
        {StageStatus.APPROVED, StageStatus.ENDORSED},
        StageStatus.IN_PREPARATION,
    ),
}


def latest_submission(stage: Stage) -> StageDecision | None:
    """The submission of the deliverable now under decision (its actor is the submitter)."""
    return (
        StageDecision.objects.filter(stage_id=stage.pk, action=DecisionAction.SUBMIT)
        .select_related("actor")
        .order_by("-decided_at", "-pk")
        .first()
    )


def _submitted_by(actor: Any, submission: StageDecision | None) -> bool:
    return submission is not None and submission.actor_id == actor.pk


def allowed_actions(actor: Any, stage: Stage) -> list[str]:
    """The decisions ``actor`` may take on ``stage`` now (for buttons and the API)."""
    scope = scope_for(actor)
    contract_id = stage.contract_id
    actions: list[str] = []
    for action, (sources, _target) in TRANSITIONS.items():
        if stage.status not in sources:
            continue
        if action == DecisionAction.SUBMIT and scope.can_submit_stage(contract_id):
            actions.append(action)
        elif action in {DecisionAction.APPROVE, DecisionAction.RETURN, DecisionAction.REOPEN}:
            if scope.can_decide_stage(contract_id):
                actions.append(action)
        elif action == DecisionAction.ENDORSE:
            if stage.needs_national_endorsement and scope.can_endorse_plan():
                actions.append(action)
    if JUDGED_ACTIONS.intersection(actions) and _submitted_by(actor, latest_submission(stage)):
        actions = [action for action in actions if action not in JUDGED_ACTIONS]
    return actions


@transaction.atomic
def stage_decide(
    *,
    actor: User,
    stage: Stage,
    action: str,
    expected_version: int,
    comment: str = "",
    summary: str | None = None,
) -> StageDecision:
    """Apply one decision to a stage: who, when, what and why are recorded.

    Optimistic locking: the decision names the version the person saw; if another decision
    landed meanwhile the update matches no row and the person is told to reload.
    """
    if action not in TRANSITIONS:
        raise DomainError(_("Unknown decision."), field="action")
    scope = scope_for(actor)
    contract_id = stage.contract_id
    if action == DecisionAction.SUBMIT and not scope.can_submit_stage(contract_id):
        raise deny(_("Only the Operational Core submits a stage's deliverable."))
    if action in {DecisionAction.APPROVE, DecisionAction.RETURN, DecisionAction.REOPEN} and not (
        scope.can_decide_stage(contract_id)
    ):
        raise deny(
            _("Only members of the Coordinating Committee can approve, return or reopen a stage.")
        )
    if action == DecisionAction.ENDORSE:
        if not scope.can_endorse_plan():
            raise deny(_("Only the Interministerial Commission endorses intervention plans."))
        if not stage.needs_national_endorsement:
            raise DomainError(_("Only the intervention plan is endorsed nationally."))
    if action in {DecisionAction.RETURN, DecisionAction.REOPEN} and not comment.strip():
        raise DomainError(_("Say why: a reason is required."), field="comment")

    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    check_version(locked, expected_version)
    sources, target = TRANSITIONS[action]
    if locked.status not in sources:
        raise ConflictError(
            _("This stage is now “%(status)s”; that decision no longer applies. Reload the page.")
            % {"status": locked.get_status_display()}
        )
    submission = latest_submission(locked) if action in JUDGED_ACTIONS else None
    if _submitted_by(actor, submission):
        raise deny(
            _("You submitted this deliverable: someone else approves, returns or endorses it.")
        )
    if action == DecisionAction.SUBMIT:
        previous = Stage.objects.filter(contract_id=contract_id, position__lt=locked.position)
        if any(not earlier.is_complete for earlier in previous):
            raise DomainError(_("The previous stage must be approved first."))
    before = locked.status
    updated = Stage.objects.filter(pk=locked.pk, version=locked.version).update(
        status=target,
        version=locked.version + 1,
        **({"summary": summary} if summary is not None else {}),
    )
    if updated != 1:
        raise ConflictError(_("Someone else decided on this stage first. Reload the page."))
    locked.refresh_from_db()
    mark_change(locked, actor=actor, reason=f"{action}: {comment}"[:100])
    # Record the post-decision state in the stage's history (update() bypasses signals).
    locked.save(update_fields=["updated_at"])
    decision = StageDecision.objects.create(
        stage=locked,
        contract_id=locked.contract_id,
        action=action,
        actor=actor,
        actor_organisation=organisation_for(actor, locked.contract),
        status_before=before,
        status_after=target,
        comment=comment.strip(),
    )
    if submission is not None:
        decision.submitted_by = submission.actor
    _advance_contract(locked.contract, actor=actor)
    return decision


EDITABLE_STATUSES = {StageStatus.IN_PREPARATION, StageStatus.RETURNED}


@transaction.atomic
def stage_summary_update(
    *, actor: User, stage: Stage, summary: str, expected_version: int
) -> Stage:
    """The Operational Core writes the deliverable's summary while the stage is open."""
    if not scope_for(actor).can_submit_stage(stage.contract_id):
        raise deny(_("Only the Operational Core prepares a stage's deliverable."))
    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    check_version(locked, expected_version)
    if locked.status not in EDITABLE_STATUSES:
        raise ConflictError(
            _("This stage is “%(status)s”: its deliverable can no longer be edited.")
            % {"status": locked.get_status_display()}
        )
    locked.summary = summary.strip()
    locked.version += 1
    save_fields(locked, ["summary", "version", "updated_at"], actor=actor, reason="summary edited")
    return locked


def _advance_contract(contract: Contract, *, actor: User) -> None:
    """Open the next stage once the current one is complete; keep ``Contract.stage`` current."""
    stages = list(contract.stages.order_by("position"))
    current = stages[-1]
    for stage in stages:
        if not stage.is_complete:
            current = stage
            break
    for stage in stages:
        if stage.position == current.position and stage.status == StageStatus.NOT_STARTED:
            stage.status = StageStatus.IN_PREPARATION
            stage.version += 1
            save_fields(stage, ["status", "version", "updated_at"], actor=actor, reason="opened")
            StageDecision.objects.create(
                stage=stage,
                contract_id=stage.contract_id,
                action=DecisionAction.START,
                actor=actor,
                status_before=StageStatus.NOT_STARTED,
                status_after=StageStatus.IN_PREPARATION,
            )
    if contract.stage != current.kind:
        Contract.objects.filter(pk=contract.pk).update(stage=current.kind)
        contract.stage = current.kind
