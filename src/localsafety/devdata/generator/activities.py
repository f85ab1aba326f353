"""Plans and activities at scale: per generated contract, one approved plan version with its
measures (budget lines, a milestone), and activities under them, a tenth of them isolated.

National scale: 500 contracts x 20 measures = 10,000 measures and x 400 activities =
200,000 activities (issue 10, Performance). Plans are written with ``bulk_create``;
activities and their costs with one ``executemany`` each (``activities.importing.raw_insert``),
so the national scale stays in seconds. Everything is marked with the run's note.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from localsafety.activities.importing import (
    ACTIVITY_COLUMNS,
    COST_COLUMNS,
    raw_insert,
)
from localsafety.activities.models import (
    PARTICIPANT_FIELDS,
    Activity,
    ActivityCost,
    ActivityKind,
)
from localsafety.contracts.generation import contract_generation_move
from localsafety.contracts.models import Axis, BodyMember, Contract
from localsafety.devdata.generator.base import SYNTHETIC, Scale, bulk
from localsafety.organisations.models import Membership
from localsafety.plans.models import (
    FundingSource,
    InterventionKind,
    Measure,
    MeasureBudget,
    Milestone,
    Objective,
    Plan,
    PlanVersion,
    VersionStatus,
)
from localsafety.plans.reference import ensure_plan_reference

#: Scale name -> (measures per contract, activities per contract).
PER_CONTRACT = {"national": (20, 400), "small": (3, 12)}
KIND_BY_AXIS = {"i": "session", "ii": "works", "iii": "visit", "iv": "event"}


def create_plans_and_activities(
    *, scale: Scale, rng: random.Random, note: str, log: Callable[[str], None]
) -> dict[str, int]:
    measures_each, activities_each = PER_CONTRACT.get(scale.name, (3, 12))
    ensure_plan_reference()
    contracts = list(Contract.objects.filter(source_note=note).order_by("pk"))
    if not contracts:
        return {}
    lead_ids = {contract.lead_organisation_id for contract in contracts}
    author_of: dict[int, int] = {}
    for organisation_id, user_id in (
        Membership.objects.filter(organisation_id__in=lead_ids)
        .order_by("organisation_id", "pk")
        .values_list("organisation_id", "user_id")
    ):
        author_of.setdefault(organisation_id, user_id)
    partners: dict[int, list[int]] = defaultdict(list)
    for contract_id, organisation_id in (
        BodyMember.objects.filter(body__contract__in=contracts, organisation__isnull=False)
        .order_by("body__contract_id", "organisation_id")
        .values_list("body__contract_id", "organisation_id")
        .distinct()
    ):
        partners[contract_id].append(organisation_id)
    contracts = [c for c in contracts if c.lead_organisation_id in author_of]
    axes = list(Axis.objects.national().order_by("position"))
    kinds: dict[str, list[int]] = defaultdict(list)
    for pk, axis_code in InterventionKind.objects.values_list("pk", "axis_code"):
        kinds[axis_code].append(pk)
    sources = list(FundingSource.objects.order_by("position").values_list("pk", flat=True))

    plans = bulk(
        Plan,
        [
            Plan(
                contract=contract,
                title=f"Plano de intervenção — {contract.title}",
                created_by_id=author_of[contract.lead_organisation_id],
            )
            for contract in contracts
        ],
    )
    versions = bulk(
        PlanVersion,
        [
            PlanVersion(
                plan=plan,
                contract_id=plan.contract_id,
                number=1,
                status=VersionStatus.APPROVED,
                summary=note,
                created_by_id=plan.created_by_id,
            )
            for plan in plans
        ],
    )
    objectives = bulk(
        Objective,
        [
            Objective(
                plan_version=version,
                contract_id=version.contract_id,
                title="Reduzir a insegurança no território do contrato",
            )
            for version in versions
        ],
    )
    by_contract = {contract.pk: contract for contract in contracts}
    measure_rows = []
    for version, objective in zip(versions, objectives, strict=True):
        contract = by_contract[version.contract_id]
        for position in range(measures_each):
            axis = axes[position % len(axes)]
            starts = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(1200))
            measure_rows.append(
                Measure(
                    plan_version=version,
                    contract_id=contract.pk,
                    objective=objective,
                    code=f"{position // len(axes) + 1}.{position % len(axes) + 1}",
                    title=f"Medida {position + 1} (sintética)",
                    axis=axis,
                    kind_id=rng.choice(kinds.get(axis.code) or kinds[""]),
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=rng.randrange(365, 1500)),
                    responsible_organisation_id=contract.lead_organisation_id,
                    published=rng.random() < 0.5,
                    position=position,
                )
            )
    measures = bulk(Measure, measure_rows)
    bulk(
        MeasureBudget,
        [
            MeasureBudget(
                measure=measure,
                contract_id=measure.contract_id,
                funding_source_id=rng.choice(sources[:3]),
                amount=Decimal(rng.randrange(1_000, 50_000)),
            )
            for measure in measures
        ],
    )
    today = timezone.localdate()
    bulk(
        Milestone,
        [
            Milestone(
                measure=measure,
                contract_id=measure.contract_id,
                title="Balanço intermédio",
                due_on=measure.starts_on + dt.timedelta(days=180),
                done_on=None if rng.random() < 0.3 else measure.starts_on + dt.timedelta(days=170),
            )
            for measure in measures
        ],
    )
    log(f"Plans: {len(plans)} approved, {len(measures)} measures.")

    measures_of: dict[int, list[Measure]] = defaultdict(list)
    for measure in measures:
        measures_of[measure.contract_id].append(measure)
    now = timezone.now()
    records: list[tuple[Any, ...]] = []
    costs: list[tuple[int, int]] = []  # (source, cents) per activity, in insertion order
    for contract in contracts:
        organisations = partners.get(contract.pk) or [contract.lead_organisation_id]
        creator = author_of[contract.lead_organisation_id]
        for _number in range(activities_each):
            isolated = rng.random() < 0.1
            measure = rng.choice(measures_of[contract.pk])
            last = min(measure.ends_on, today)
            span = max((last - measure.starts_on).days, 1)
            starts_on = measure.starts_on + dt.timedelta(days=rng.randrange(span))
            counts = [0] * len(PARTICIPANT_FIELDS)
            for _cell in range(2):
                counts[rng.randrange(len(counts))] += rng.randrange(1, 30)
            cents = rng.randrange(0, 200_000)
            amount = Decimal(cents) / 100
            records.append(
                (
                    contract.pk,
                    None if isolated else measure.pk,
                    measure.axis_id,
                    None if isolated else measure.kind_id,
                    None,
                    rng.choice(organisations),
                    KIND_BY_AXIS.get(measure.axis.code, ActivityKind.OTHER),
                    "held" if starts_on < today else "planned",
                    f"Atividade sintética {_number + 1}",
                    "",
                    starts_on,
                    None,
                    None,
                    "",
                    None,
                    None,
                    sum(counts),
                    Decimal(rng.randrange(1, 40)),
                    Decimal(rng.randrange(0, 20)),
                    amount,
                    None,
                    creator,
                    now,
                    1,
                    SYNTHETIC,
                    note,
                    *counts,
                )
            )
            costs.append((rng.choice(sources[:3]), cents))
    raw_insert(Activity, [*ACTIVITY_COLUMNS, *PARTICIPANT_FIELDS], records)
    ids = list(
        Activity.objects.filter(source_note=note).order_by("pk").values_list("pk", flat=True)
    )
    cost_rows = [
        (record[0], pk, source, Decimal(cents) / 100)
        for pk, record, (source, cents) in zip(ids, records, costs, strict=True)
        if cents
    ]
    raw_insert(ActivityCost, COST_COLUMNS, cost_rows)
    contract_generation_move(Q(source_note=note))
    log(f"Activities: {len(ids)} ({len(cost_rows)} with costs).")
    return {"plans": len(plans), "measures": len(measures), "activities": len(ids)}
