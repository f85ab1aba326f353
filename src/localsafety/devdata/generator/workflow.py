"""Stage progress through the contracts workflow: its transition table and ``is_complete``.

A contract's history is planned as a series of decisions, each applied through
``contracts.services.TRANSITIONS`` exactly as ``stage_decide`` applies it; completion is the
model's ``Stage.is_complete``; the next stage opens when the one before it is complete, as
``_advance_contract`` does. The plan is then written in bulk, with the decisions' dates in the
past (set after the insert, since ``decided_at`` is filled in on creation).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from localsafety.contracts.models import (
    STAGE_ORDER,
    Contract,
    DecisionAction,
    Stage,
    StageDecision,
    StageStatus,
)
from localsafety.contracts.services import TRANSITIONS
from localsafety.devdata.generator.base import BATCH_SIZE, GenerationError, bulk

# (action, status before, status after)
Decision = tuple[str, str, str]

SUBMIT, APPROVE, RETURN = DecisionAction.SUBMIT, DecisionAction.APPROVE, DecisionAction.RETURN
ENDORSE = DecisionAction.ENDORSE
# Where a stage under way may have got to: drawn at random among those that leave it incomplete.
PATHS_UNDER_WAY: list[list[str]] = [[], [SUBMIT], [SUBMIT, RETURN], [SUBMIT, APPROVE]]
RETURN_COMMENT = "Rever os dados de base e completar."


@dataclass
class PlannedStage:
    stage: Stage  # unsaved: kind, position, status
    decisions: list[Decision] = field(default_factory=list)

    def decide(self, action: str) -> None:
        """Apply ``action`` through the workflow's transition table."""
        sources, target = TRANSITIONS[action]
        if self.stage.status not in sources:
            raise GenerationError(f"{action} does not apply to a {self.stage.status} stage.")
        self.decisions.append((action, self.stage.status, target))
        self.stage.status = target

    def open(self) -> None:
        """The stage before is complete: this one starts (``_advance_contract``)."""
        self.decisions.append(
            (DecisionAction.START, StageStatus.NOT_STARTED, StageStatus.IN_PREPARATION)
        )
        self.stage.status = StageStatus.IN_PREPARATION


def _would_complete(kind: str, status: str, path: list[str]) -> bool:
    trial = PlannedStage(Stage(kind=kind, status=status))
    for action in path:
        trial.decide(action)
    return trial.stage.is_complete


def plan_stages(rng: random.Random, complete: int) -> list[PlannedStage]:
    """The four stages with ``complete`` of them done, the next under way, the rest not started.

    A finished stage was submitted (sometimes returned once and resubmitted), approved and, if
    it needs it, endorsed nationally; the stage under way stops anywhere short of complete.
    """
    plan: list[PlannedStage] = []
    previous_complete = True
    path: list[str]
    for position, kind in enumerate(STAGE_ORDER, start=1):
        first = position == 1  # contract_create opens the first stage
        planned = PlannedStage(
            Stage(
                kind=kind,
                position=position,
                status=StageStatus.IN_PREPARATION if first else StageStatus.NOT_STARTED,
            )
        )
        if not first and previous_complete:
            planned.open()
        if position <= complete:
            path = [SUBMIT, RETURN, SUBMIT] if rng.random() < 0.25 else [SUBMIT]
            path.append(APPROVE)
            if planned.stage.needs_national_endorsement:
                path.append(ENDORSE)
        elif position == complete + 1:
            status = planned.stage.status
            path = rng.choice([p for p in PATHS_UNDER_WAY if not _would_complete(kind, status, p)])
        else:
            path = []
        for action in path:
            planned.decide(action)
        if position <= complete and not planned.stage.is_complete:
            raise GenerationError(f"The {kind} stage did not complete.")
        previous_complete = planned.stage.is_complete
        plan.append(planned)
    return plan


def current_stage(plan: list[PlannedStage]) -> str:
    """``Contract.stage``: the first stage not complete (the last when all are)."""
    return next((p.stage.kind for p in plan if not p.stage.is_complete), STAGE_ORDER[-1])


@dataclass
class Deciders:
    """Who takes each kind of decision on one contract."""

    coordinator: int  # submits (and opens the next stage)
    chair: int  # approves or returns, for the Coordinating Committee
    town_hall: int
    national: list[int]  # one of them endorses, for the Interministerial Commission
    ministry: int


def write_stages(
    *,
    rng: random.Random,
    contracts: list[Contract],
    plans: list[list[PlannedStage]],
    deciders: list[Deciders],
) -> tuple[int, int]:
    """Insert the planned stages and their decisions; returns (stages, decisions)."""
    stages: list[Stage] = []
    for contract, plan in zip(contracts, plans, strict=True):
        assert contract.signed_on is not None
        for planned in plan:
            stage = planned.stage
            stage.contract_id = contract.pk
            stage.summary = (
                "Entregável sintético." if stage.status != StageStatus.NOT_STARTED else ""
            )
            stage.due_on = contract.signed_on + dt.timedelta(days=120 * stage.position)
            stage.version = 1 + len(planned.decisions)
            stages.append(stage)
    stages = bulk(Stage, stages)

    decisions: list[StageDecision] = []
    moments: list[dt.datetime] = []
    for index, (contract, plan, who) in enumerate(zip(contracts, plans, deciders, strict=True)):
        assert contract.signed_on is not None
        moment = dt.datetime.combine(contract.signed_on, dt.time(10), tzinfo=dt.UTC)
        for offset, planned in enumerate(plan):
            stage = stages[len(STAGE_ORDER) * index + offset]
            for action, before, after in planned.decisions:
                moment += dt.timedelta(days=rng.randint(7, 60), hours=rng.randint(0, 6))
                if action == ENDORSE:
                    actor, actor_org = rng.choice(who.national), who.ministry
                elif action in (APPROVE, RETURN):
                    actor, actor_org = who.chair, who.town_hall
                else:
                    actor, actor_org = who.coordinator, who.town_hall
                decisions.append(
                    StageDecision(
                        stage_id=stage.pk,
                        contract_id=stage.contract_id,
                        action=action,
                        actor_id=actor,
                        actor_organisation_id=actor_org,
                        status_before=before,
                        status_after=after,
                        comment=RETURN_COMMENT if action == RETURN else "",
                    )
                )
                moments.append(moment)
    decisions = bulk(StageDecision, decisions)
    # ``decided_at`` is stamped with now on insert; give each decision its date in the past.
    for decision, moment in zip(decisions, moments, strict=True):
        decision.decided_at = moment
    StageDecision.objects.bulk_update(decisions, ["decided_at"], batch_size=BATCH_SIZE)
    return len(stages), len(decisions)
