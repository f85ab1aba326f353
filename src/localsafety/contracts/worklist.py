"""A person's own work across their contracts: what their home page reads.

Their contracts (the ones whose record they read as members) with each one's stage and
their part in it; what waits for their decision (deliverables submitted by someone else to a
committee they sit on; approved plans for national roles to endorse or return); what they
must do next (a deliverable to write, submit or revise; the committee meeting behind a
decision to record); and the newest changes on their contracts, from the history.

Every read goes through the access-filtered querysets (``visible_to``) and the person's scope;
the number of queries is fixed, whatever the number of contracts (``portal`` pins it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localsafety.contracts.access import UserScope, scope_for
from localsafety.contracts.history import recent_changes
from localsafety.contracts.models import (
    BodyKind,
    Contract,
    DecisionAction,
    Meeting,
    Stage,
    StageDecision,
    StageKind,
    StageStatus,
)
from localsafety.contracts.ownership import Need

#: How many waiting decisions a home page lists (national roles may have many); the rest
#: are counted and reached through the overview.
WAITING_SHOWN = 20
RECENT_SHOWN = 12

ROLE_LABELS = {
    "lead": _("Lead organisation"),
    "chair": _("Chair of the Coordinating Committee"),
    "committee": _("Coordinating Committee"),
    "partner": _("Operational Core partner"),
    "police": _("Security force"),
}


@dataclass
class MyContract:
    contract: Contract
    stage: Stage | None
    roles: list[str]

    @property
    def role_labels(self) -> list[str]:
        return [str(ROLE_LABELS[role]) for role in self.roles]


@dataclass
class Waiting:
    """A deliverable that waits for this person's decision."""

    stage: Stage
    kind: str  # "approve" (the committee) or "endorse" (national roles)
    submitted_by: str
    submitted_at: dt.datetime | None


@dataclass
class NextStep:
    """Something this person's organisation has to do on one of their contracts."""

    kind: str  # "write", "submit", "revise" or "meeting"
    contract: Contract
    stage: Stage | None = None
    reason: str = ""
    decided_at: dt.datetime | None = None
    decision_stage: str = ""
    decision_action: str = ""


@dataclass
class Home:
    contracts: list[MyContract] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    waiting_total: int = 0
    next_steps: list[NextStep] = field(default_factory=list)
    recent: list[dict[str, Any]] = field(default_factory=list)
    is_national: bool = False


def _roles(scope: UserScope, contract_id: int) -> list[str]:
    roles = []
    if contract_id in scope.lead_contract_ids:
        roles.append("lead")
    if contract_id in scope.chair_contract_ids:
        roles.append("chair")
    elif contract_id in scope.committee_contract_ids:
        roles.append("committee")
    if contract_id in scope.partner_contract_ids and contract_id not in scope.lead_contract_ids:
        roles.append("partner")
    if contract_id in scope.police_contract_ids:
        roles.append("police")
    return roles


def _latest(decisions: Any, value: str) -> Subquery:
    return Subquery(decisions.order_by("-decided_at", "-pk").values(value)[:1])


def my_contracts(user: Any) -> list[MyContract]:
    """The contracts whose record the person reads as a member (not every contract a
    national role may read), each with its current stage: two queries."""
    scope = scope_for(user)
    if not scope.member_contract_ids:
        return []
    # The committee's own decisions (a national return judges an approved plan instead).
    judged = StageDecision.objects.filter(
        contract_id=OuterRef("pk"),
        action__in=[DecisionAction.APPROVE, DecisionAction.RETURN],
        status_before=StageStatus.SUBMITTED,
    )
    committee_meetings = Meeting.objects.filter(
        contract_id=OuterRef("pk"), body__kind=BodyKind.COMMITTEE
    ).order_by("-held_on", "-pk")
    contracts = (
        Contract.objects.visible_to(user, Need.RECORD)
        .filter(pk__in=scope.member_contract_ids)
        .select_related("municipality")
        .only("pk", "title", "stage", "category", "signed_on", "is_published", "municipality__name")
        .annotate(
            last_judged_at=_latest(judged, "decided_at"),
            last_judged_action=_latest(judged, "action"),
            last_judged_stage=_latest(judged, "stage__kind"),
            last_committee_meeting=Subquery(committee_meetings.values("held_on")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "stages",
                queryset=Stage.objects.visible_to(user).order_by("position"),
                to_attr="ordered_stages",
            )
        )
        .order_by("title", "pk")
    )
    rows = []
    for contract in contracts:
        ordered: list[Stage] = getattr(contract, "ordered_stages", [])
        current = next((s for s in ordered if s.kind == contract.stage), None)
        rows.append(MyContract(contract, current, _roles(scope, contract.pk)))
    return rows


def waiting_for(user: Any) -> tuple[list[Waiting], int]:
    """Deliverables waiting for the person's decision, oldest submission first, and how many
    there are: submitted stages of contracts whose committee they sit on, and (national
    roles) approved plans to endorse or return; never what they submitted themselves."""
    scope = scope_for(user)
    condition = Q(pk__in=[])
    if scope.committee_contract_ids:
        condition |= Q(status=StageStatus.SUBMITTED, contract_id__in=scope.committee_contract_ids)
    if scope.can_endorse_plan():
        condition |= Q(status=StageStatus.APPROVED, kind=StageKind.PLAN)
    submissions = StageDecision.objects.filter(
        stage_id=OuterRef("pk"), action=DecisionAction.SUBMIT
    )
    stages: Any = (
        Stage.objects.visible_to(user)
        .filter(condition)
        .annotate(
            submitter_id=_latest(submissions, "actor_id"),
            submitter_first=_latest(submissions, "actor__first_name"),
            submitter_last=_latest(submissions, "actor__last_name"),
            submitted_at=_latest(submissions, "decided_at"),
        )
        # Nobody judges what they submitted (``stage_decide``): not listed for them either.
        .filter(Q(submitter_id__isnull=True) | ~Q(submitter_id=user.pk))
        .select_related("contract", "contract__municipality")
        .only(
            "pk",
            "kind",
            "status",
            "summary",
            "position",
            "contract__id",
            "contract__title",
            "contract__municipality__name",
        )
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
    )
    total = stages.count()
    rows = [
        Waiting(
            stage=stage,
            kind="endorse" if stage.status == StageStatus.APPROVED else "approve",
            submitted_by=f"{stage.submitter_first} {stage.submitter_last}".strip(),
            submitted_at=stage.submitted_at,
        )
        for stage in stages[:WAITING_SHOWN]
    ]
    return rows, total


def next_steps(user: Any, contracts: list[MyContract]) -> list[NextStep]:
    """What the person's organisation has to do: from what ``my_contracts`` read, no query.

    The lead organisation writes, submits or revises the open stage's deliverable; anyone
    who records the contract's meetings is reminded of a committee decision with no
    committee meeting recorded on or after its day.
    """
    scope = scope_for(user)
    steps: list[NextStep] = []
    for row in contracts:
        contract, stage = row.contract, row.stage
        if (
            stage is not None
            and scope.can_submit_stage(contract.pk)
            and stage.status in {StageStatus.IN_PREPARATION, StageStatus.RETURNED}
        ):
            if stage.status == StageStatus.RETURNED:
                kind = "revise"
            elif stage.summary.strip():
                kind = "submit"
            else:
                kind = "write"
            steps.append(NextStep(kind=kind, contract=contract, stage=stage))
        annotated: Any = contract  # my_contracts' annotations
        judged_at = annotated.last_judged_at
        met_on = annotated.last_committee_meeting
        if (
            judged_at is not None
            and scope.can_contribute(contract.pk)
            and (met_on is None or met_on < timezone.localdate(judged_at))
        ):
            steps.append(
                NextStep(
                    kind="meeting",
                    contract=contract,
                    decided_at=judged_at,
                    decision_stage=str(StageKind(annotated.last_judged_stage).label),
                    decision_action=str(annotated.last_judged_action),
                )
            )
    return steps


def home_for(user: Any) -> Home:
    scope = scope_for(user)
    contracts = my_contracts(user)
    waiting, total = waiting_for(user)
    titles = {row.contract.pk: row.contract.title for row in contracts}
    return Home(
        contracts=contracts,
        waiting=waiting,
        waiting_total=total,
        next_steps=next_steps(user, contracts),
        recent=recent_changes(user, titles, limit=RECENT_SHOWN),
        is_national=scope.is_national,
    )
