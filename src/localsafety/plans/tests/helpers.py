"""Plans for tests: contract A's diagnosis approved (so its plan stage is open) and a small
plan (two problems, objectives, measures, indicators), built through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from localsafety.contracts import services as contract_services
from localsafety.contracts.models import Axis, Stage, StageKind
from localsafety.diagnosis.models import Problem
from localsafety.plans import services
from localsafety.plans.models import (
    FundingSource,
    IndicatorTemplate,
    InterventionKind,
    Measure,
    Plan,
    PlanVersion,
    TargetGroup,
)
from localsafety.plans.reference import ensure_plan_reference


def open_plan_stage(world: Any) -> Stage:
    """Contract A's diagnosis submitted by the coordinator and approved by the commander."""
    stage = Stage.objects.get(contract=world.contract_a, kind=StageKind.DIAGNOSIS)
    contract_services.stage_decide(
        actor=world.coordinator_a, stage=stage, action="submit", expected_version=stage.version
    )
    stage.refresh_from_db()
    contract_services.stage_decide(
        actor=world.commander_a, stage=stage, action="approve", expected_version=stage.version
    )
    return Stage.objects.get(contract=world.contract_a, kind=StageKind.PLAN)


def problems(world: Any) -> list[Problem]:
    return [
        Problem.objects.create(
            contract=world.contract_a,
            title="Burglaries in the estate",
            priority=1,
            created_by=world.coordinator_a,
        ),
        Problem.objects.create(
            contract=world.contract_a,
            title="Young people out of school",
            priority=2,
            created_by=world.coordinator_a,
        ),
    ]


def measure_values(world: Any, **overrides: Any) -> dict[str, Any]:
    values = {
        "title": "School mediation",
        "axis": Axis.objects.national().get(code="i"),
        "kind": InterventionKind.objects.get(code="mediation"),
        "starts_on": dt.date(2017, 1, 1),
        "ends_on": dt.date(2017, 12, 31),
        "responsible_organisation": world.ngo_a,
    }
    values.update(overrides)
    return values


def sample_plan(world: Any, *, measures: int = 2) -> tuple[Plan, PlanVersion, list[Measure]]:
    """A draft plan of contract A: one objective per problem, ``measures`` measures, each
    with a catalogue indicator and a municipal budget line."""
    ensure_plan_reference()
    found = problems(world)
    plan = services.plan_create(actor=world.coordinator_a, contract=world.contract_a, title="Plan")
    version = plan.versions.get()
    objectives = [
        services.objective_create(
            actor=world.coordinator_a, version=version, title=f"Answer {p.title}", problems=[p]
        )
        for p in found
    ]
    made = []
    for index in range(measures):
        measure = services.measure_create(
            actor=world.coordinator_a,
            objective=objectives[index % 2],
            values=measure_values(
                world,
                code=f"M{index + 1}",
                title=f"Measure {index + 1}",
                starts_on=dt.date(2017, 1, 1) + dt.timedelta(days=index),
            ),
            target_groups=[TargetGroup.objects.get(code="young-people")],
            budget={FundingSource.objects.get(code="municipality"): "1.000,00 €"},
        )
        services.indicator_create(
            actor=world.coordinator_a,
            measure=measure,
            values={
                "template": IndicatorTemplate.objects.get(code="people-reached"),
                "target_value": 100,
            },
        )
        measure.refresh_from_db()
        made.append(measure)
    version.refresh_from_db()
    return plan, version, made
