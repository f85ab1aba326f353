"""A small approved plan for contract A (and B) to log activities against.

Plans are built directly here (the plans app's services are another branch's work); the
activities app only needs a measure version in a known state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from localsafety.activities.rules import ActivityValues
from localsafety.contracts.models import Axis, Contract
from localsafety.plans.models import (
    FundingSource,
    InterventionKind,
    Measure,
    MeasureBudget,
    Milestone,
    Objective,
    Plan,
    PlanVersion,
    TargetGroup,
    VersionStatus,
)
from localsafety.plans.reference import ensure_plan_reference


@dataclass
class PlanFixture:
    plan: Plan
    version: PlanVersion
    measure: Measure
    other_measure: Measure


def approved_plan(
    contract: Contract,
    *,
    responsible: Any,
    created_by: Any,
    status: str = VersionStatus.APPROVED,
    number: int = 1,
    plan: Plan | None = None,
) -> PlanFixture:
    ensure_plan_reference()
    plan = plan or Plan.objects.create(contract=contract, title="Plan", created_by=created_by)
    version = PlanVersion.objects.create(
        plan=plan, contract=contract, number=number, status=status, created_by=created_by
    )
    objective = Objective.objects.create(
        plan_version=version, contract=contract, title="Fewer burglaries"
    )
    common = {
        "plan_version": version,
        "contract": contract,
        "objective": objective,
        "responsible_organisation": responsible,
        "ends_on": dt.date(2019, 12, 31),
    }
    measure = Measure.objects.create(
        code="1.1",
        title="Safe School sessions",
        axis=Axis.objects.national().get(code="i"),
        kind=InterventionKind.objects.get(code="school-prevention"),
        starts_on=dt.date(2017, 1, 1),
        **common,
    )
    measure.target_groups.set([TargetGroup.objects.get(code="young-people")])
    other = Measure.objects.create(
        code="2.1",
        title="Street lighting in the estate",
        axis=Axis.objects.national().get(code="ii"),
        kind=InterventionKind.objects.get(code="street-lighting"),
        starts_on=dt.date(2017, 6, 1),
        **common,
    )
    MeasureBudget.objects.create(
        measure=measure,
        contract=contract,
        funding_source=FundingSource.objects.get(code="municipality"),
        amount=Decimal("5000.00"),
    )
    Milestone.objects.create(
        measure=measure, contract=contract, title="First term", due_on=dt.date(2017, 6, 30)
    )
    return PlanFixture(plan=plan, version=version, measure=measure, other_measure=other)


def values(**overrides: Any) -> ActivityValues:
    base: dict[str, Any] = {
        "organisation_id": None,
        "kind": "session",
        "title": "Workshop at the school",
        "starts_on": dt.date(2017, 3, 1),
    }
    base.update(overrides)
    return ActivityValues(**base)


def source(code: str) -> int:
    return FundingSource.objects.get(code=code).pk
