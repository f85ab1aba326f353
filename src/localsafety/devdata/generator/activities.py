"""Plans and activities at scale: per generated contract, one approved plan version with its
measures (target groups, partners, budget lines, a milestone, an output and an outcome
indicator), and activities under them, a tenth of them isolated.

National scale (issue 10, Performance): 500 contracts, 10,000 measures, 200,000 activities.
The first contract's plan is the large one (200 measures, so the timetable of a large plan is
measured); the other 9,800 measures are spread evenly over the other contracts, and every
contract gets 20 activities per measure. Plans are written with ``bulk_create``; activities
and their costs with one ``executemany`` each (``activities.importing.raw_insert``), so the
national scale stays in seconds. Everything is marked with the run's note.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
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
    Computation,
    Direction,
    Frequency,
    FundingSource,
    Indicator,
    IndicatorLevel,
    IndicatorTemplate,
    InterventionKind,
    Measure,
    MeasureBudget,
    MeasurePartner,
    Milestone,
    Objective,
    Plan,
    PlanVersion,
    TargetGroup,
    VersionStatus,
)
from localsafety.plans.reference import ensure_plan_reference


@dataclass(frozen=True)
class PlanSizes:
    measures_per_contract: int
    #: The first contract's plan: the large plan whose pages the benchmark times.
    largest_plan: int
    activities_per_measure: int

    def measures(self, contracts: int) -> list[int]:
        """Measures per contract, largest first, summing to ``measures_per_contract`` each."""
        if contracts == 0:
            return []
        total = self.measures_per_contract * contracts
        largest = min(self.largest_plan, total - (contracts - 1))
        rest, extra = divmod(total - largest, contracts - 1) if contracts > 1 else (0, 0)
        return [largest] + [rest + (1 if index < extra else 0) for index in range(contracts - 1)]


#: Scale name -> sizes. National: 500 x 20 = 10,000 measures (one plan of 200), x 20 =
#: 200,000 activities.
SIZES = {"national": PlanSizes(20, 200, 20), "small": PlanSizes(3, 8, 4)}
ROLES = ["Parceiro executor", "Apoio logístico", "Cofinanciador", "Sinalização de casos"]
KIND_BY_AXIS = {"i": "session", "ii": "works", "iii": "visit", "iv": "event"}


def create_plans_and_activities(
    *, scale: Scale, rng: random.Random, note: str, log: Callable[[str], None]
) -> dict[str, int]:
    sizes = SIZES.get(scale.name, SIZES["small"])
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
    for version, objective, measures_each in zip(
        versions, objectives, sizes.measures(len(versions)), strict=True
    ):
        contract = by_contract[version.contract_id]
        others = [o for o in partners.get(contract.pk, []) if o != contract.lead_organisation_id]
        for position in range(measures_each):
            axis = axes[position % len(axes)]
            starts = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(1200))
            responsible = contract.lead_organisation_id
            if others and rng.random() < 0.4:
                responsible = rng.choice(others)
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
                    responsible_organisation_id=responsible,
                    staff_count=rng.randrange(1, 6),
                    staff_hours=Decimal(rng.randrange(20, 400)),
                    published=rng.random() < 0.5,
                    position=position,
                )
            )
    measures = bulk(Measure, measure_rows)
    _measure_details(measures, partners=partners, sources=sources, rng=rng)
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
        ]
        + [
            Milestone(
                measure=measure,
                contract_id=measure.contract_id,
                title="Relatório final",
                due_on=measure.ends_on,
                done_on=measure.ends_on if measure.ends_on < today else None,
            )
            for measure in measures
            if rng.random() < 0.5
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
        served = measures_of[contract.pk]
        for _number in range(sizes.activities_per_measure * len(served)):
            isolated = rng.random() < 0.1
            measure = rng.choice(served)
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


def _measure_details(
    measures: list[Measure],
    *,
    partners: dict[int, list[int]],
    sources: list[int],
    rng: random.Random,
) -> None:
    """What a written measure carries besides its dates: target groups, partners with their
    roles, a budget line or two, an output indicator from the national catalogue (computed
    from the activities) and an outcome indicator defined locally."""
    groups = list(TargetGroup.objects.order_by("position").values_list("pk", flat=True))
    template = IndicatorTemplate.objects.filter(computation=Computation.ACTIVITY_COUNT).first()
    through = Measure.target_groups.through
    bulk(
        through,
        [
            through(measure_id=measure.pk, targetgroup_id=group)
            for measure in measures
            for group in rng.sample(groups, min(len(groups), rng.randrange(1, 3)))
        ],
    )
    partner_rows = []
    for measure in measures:
        candidates = [
            o
            for o in partners.get(measure.contract_id, [])
            if o != measure.responsible_organisation_id
        ]
        for organisation in rng.sample(candidates, min(len(candidates), rng.randrange(1, 3))):
            partner_rows.append(
                MeasurePartner(
                    measure=measure,
                    contract_id=measure.contract_id,
                    organisation_id=organisation,
                    role=rng.choice(ROLES),
                    terms="Protocolo de colaboração (sintético)",
                )
            )
    bulk(MeasurePartner, partner_rows)
    bulk(
        MeasureBudget,
        [
            MeasureBudget(
                measure=measure,
                contract_id=measure.contract_id,
                funding_source_id=source,
                amount=Decimal(rng.randrange(1_000, 50_000)),
            )
            for measure in measures
            for source in rng.sample(sources[:3], rng.randrange(1, 3))
        ],
    )
    indicators = []
    for measure in measures:
        if template is not None:
            indicators.append(
                Indicator(
                    measure=measure,
                    contract_id=measure.contract_id,
                    template=template,
                    level=template.level,
                    name=template.name_pt,
                    definition=template.definition_pt,
                    unit=template.unit,
                    direction=template.direction,
                    source=template.source,
                    frequency=template.frequency,
                    computation=template.computation,
                    target_value=Decimal(rng.randrange(10, 60)),
                    target_on=measure.ends_on,
                    position=0,
                )
            )
        baseline = Decimal(rng.randrange(20, 80))
        indicators.append(
            Indicator(
                measure=measure,
                contract_id=measure.contract_id,
                level=IndicatorLevel.OUTCOME,
                name="Residentes que se sentem inseguros à noite (sintético)",
                unit="%",
                direction=Direction.LOWER,
                source="Inquérito local de segurança",
                frequency=Frequency.YEARLY,
                baseline_value=baseline,
                baseline_on=measure.starts_on,
                target_value=baseline - Decimal(rng.randrange(5, 15)),
                target_on=measure.ends_on,
                position=1,
            )
        )
    bulk(Indicator, indicators)
