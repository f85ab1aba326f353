"""The demo's activities: synthetic measures and activities whose sums reproduce the published
totals to 2019 (FACTS.md: Amante, Saraiva & Sá Marques 2021) — 280 initiatives (132 axis i,
24 axis ii, 73 axis iii, 51 axis iv), 14,352 people involved, about EUR 1 million — spread
over the real demo contracts signed by then.

Every number on the national page is computed from these rows (``activities.selectors``);
nothing here is shown as typed. The published totals are the targets the split is made to
meet, and a test sums the rows back. Everything here is synthetic (``data_origin``), except
the totals it reproduces. A few isolated actions (2020–2021, so the 2019 totals stay exact)
and some scheduled activities show the rest of the workflow.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from localsafety.activities import services
from localsafety.activities.models import Activity, ActivityStatus, participant_field
from localsafety.activities.rules import ActivityRules, ActivityValues
from localsafety.contracts.models import Axis, BodyKind, BodyMember, Contract
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

SOURCE_TOTALS = (
    "Synthetic activity; the sums over all demo activities to 2019 reproduce the published "
    "totals (Amante, Saraiva & Sá Marques 2021, Crime Prevention and Community Safety 23)."
)
#: The published totals to 2019 the demo reproduces (FACTS.md).
PUBLISHED_UNTIL = dt.date(2019, 12, 31)
INITIATIVES_BY_AXIS = {"i": 132, "ii": 24, "iii": 73, "iv": 51}
PEOPLE = 14_352
INVESTMENT = Decimal("1000000.00")

# Per axis: the measure the demo plan holds, its kind of intervention, target group, the kind
# of activity and the age group most of its participants are in.
AXIS_MEASURES = {
    "i": (
        "Prevenção da delinquência juvenil nas escolas",
        "school-prevention",
        "young-people",
        "session",
        "12_17",
    ),
    "ii": (
        "Iluminação e requalificação do espaço público",
        "street-lighting",
        "estate-residents",
        "works",
        "25_64",
    ),
    "iii": (
        "Visitas de apoio a idosos que vivem sós",
        "elderly-visits",
        "elderly-alone",
        "visit",
        "65plus",
    ),
    "iv": (
        "Sensibilização para a cidadania e a igualdade",
        "citizenship-awareness",
        "women",
        "event",
        "18_24",
    ),
}
TITLES = {
    "session": "Sessão de prevenção",
    "works": "Intervenção no espaço público",
    "visit": "Visita domiciliária",
    "event": "Ação de sensibilização",
}


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, whole numbers that add up exactly
    (largest remainder)."""
    scale = sum(weights)
    raw = [total * weight / scale for weight in weights]
    parts = [int(value) for value in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for index in order[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _demo_plan(contract: Contract, coordinator_org: int, rng: random.Random) -> dict[str, Measure]:
    """An approved synthetic plan with one measure per national axis (contracts that have
    a plan already keep it: their in-force measures are used by axis)."""
    existing = (
        PlanVersion.objects.filter(
            contract=contract, status__in=[VersionStatus.APPROVED, VersionStatus.ENDORSED]
        )
        .order_by("-number")
        .first()
    )
    if existing is not None:
        found: dict[str, Measure] = {}
        for measure in Measure.objects.filter(
            plan_version=existing, starts_on__lte=dt.date(2019, 6, 30)
        ).select_related("axis"):
            found.setdefault(measure.axis.code, measure)
        return found
    if Plan.objects.filter(contract=contract).exists():
        return {}
    creator = contract.lead_organisation.memberships.select_related("user").first()
    author = creator.user if creator else None
    if author is None:
        return {}
    plan = Plan.objects.create(
        contract=contract, title=f"Plano de intervenção — {contract.title}", created_by=author
    )
    version = PlanVersion.objects.create(
        plan=plan,
        contract=contract,
        number=1,
        status=VersionStatus.APPROVED,
        summary="Plano sintético da demonstração.",
        created_by=author,
    )
    objective = Objective.objects.create(
        plan_version=version,
        contract=contract,
        title="Reduzir a insegurança e a delinquência no território do contrato",
    )
    starts = max(contract.signed_on or dt.date(2016, 7, 14), dt.date(2016, 9, 1))
    sources = {source.code: source for source in FundingSource.objects.all()}
    measures = {}
    for position, (code, (title, kind, group, _activity, _age)) in enumerate(
        AXIS_MEASURES.items(), start=1
    ):
        measure = Measure.objects.create(
            plan_version=version,
            contract=contract,
            objective=objective,
            code=f"{position}.1",
            title=title,
            axis=Axis.objects.national().get(code=code),
            kind=InterventionKind.objects.get(code=kind),
            starts_on=starts,
            ends_on=dt.date(2021, 12, 31),
            responsible_organisation_id=coordinator_org,
            published=True,
            position=position,
        )
        measure.target_groups.set([TargetGroup.objects.get(code=group)])
        zones = list(contract.areas.filter(kind="zone")[:1])
        measure.areas.set(zones or [contract.municipality])
        for source_code, share in (("ministry", 0.6), ("municipality", 0.4)):
            MeasureBudget.objects.create(
                measure=measure,
                contract=contract,
                funding_source=sources[source_code],
                amount=Decimal(rng.randrange(8_000, 20_000)) * Decimal(str(share)),
            )
        Milestone.objects.create(
            measure=measure,
            contract=contract,
            title="Primeiro balanço",
            due_on=starts + dt.timedelta(days=365),
            done_on=starts + dt.timedelta(days=360) if position % 2 else None,
        )
        measures[code] = measure
    return measures


@transaction.atomic
def load_activities_demo() -> int:
    """Create the demo's plans and activities once; returns the activities created."""
    if Activity.objects.filter(source_note=SOURCE_TOTALS).exists():
        return 0
    ensure_plan_reference()
    rng = random.Random(2019)  # noqa: S311 - demo data, reproducible
    contracts = list(
        Contract.objects.filter(signed_on__lte=dt.date(2018, 12, 31))
        .select_related("lead_organisation", "municipality")
        .order_by("signed_on", "pk")
    )
    plans: dict[int, dict[str, Measure]] = {}
    partners: dict[int, list[int]] = {}
    for contract in contracts:
        core_orgs = list(
            BodyMember.objects.filter(body__contract=contract, body__kind=BodyKind.CORE)
            .values_list("organisation_id", flat=True)
            .distinct()
            .order_by("organisation_id")
        )
        partners[contract.pk] = core_orgs or [contract.lead_organisation_id]
        measures = _demo_plan(contract, contract.lead_organisation_id, rng)
        if measures:
            plans[contract.pk] = measures
    eligible = [contract for contract in contracts if contract.pk in plans]
    # Who does what: each axis's initiatives dealt, from a shuffled start, over the contracts
    # whose plan in force has a measure on that axis.
    slots: list[tuple[Contract, str]] = []
    for axis, count in INITIATIVES_BY_AXIS.items():
        serving = [contract for contract in eligible if axis in plans[contract.pk]]
        if not serving:
            return 0
        offset = rng.randrange(len(serving))
        slots += [(serving[(offset + n) % len(serving)], axis) for n in range(count)]
    people = _split(PEOPLE, [rng.uniform(0.3, 2.0) for _slot in slots])
    cents = _split(int(INVESTMENT * 100), [rng.uniform(0.2, 2.5) for _slot in slots])
    sources = {source.code: source.pk for source in FundingSource.objects.all()}
    coordinators: dict[int, object] = {}
    rules_by_contract: dict[int, ActivityRules] = {}
    created: list[int] = []
    for (contract, axis), count, amount in zip(slots, people, cents, strict=True):
        actor = coordinators.get(contract.pk)
        if actor is None:
            membership = (
                contract.lead_organisation.memberships.filter(role="manager")
                .select_related("user")
                .first()
            )
            if membership is None:
                continue
            actor = coordinators[contract.pk] = membership.user
            rules_by_contract[contract.pk] = ActivityRules(actor=actor, contract=contract)
        measure = plans[contract.pk][axis]
        _title, _kind, _group, activity_kind, age = AXIS_MEASURES[axis]
        first_day = max(measure.starts_on, contract.signed_on or measure.starts_on)
        span = (PUBLISHED_UNTIL - first_day).days
        starts_on = first_day + dt.timedelta(days=rng.randrange(max(span, 1)))
        women = count * rng.randint(40, 60) // 100
        participants = {
            participant_field("women", age): women,
            participant_field("men", age): count - women,
        }
        money = Decimal(amount) / 100
        ministry = (money * Decimal("0.6")).quantize(Decimal("0.01"))
        activity = services.activity_create(
            actor=actor,  # type: ignore[arg-type]
            contract=contract,
            rules=rules_by_contract[contract.pk],
            values=ActivityValues(
                organisation_id=rng.choice(partners[contract.pk]),
                kind=activity_kind,
                title=f"{TITLES[activity_kind]} (sintético)",
                starts_on=starts_on,
                measure_id=measure.pk,
                status=ActivityStatus.HELD,
                staff_hours=Decimal(rng.randrange(2, 40)),
                volunteer_hours=Decimal(rng.randrange(0, 20)),
                participants=participants,
                costs={sources["ministry"]: ministry, sources["municipality"]: money - ministry},
            ),
        )
        created.append(activity.pk)
    Activity.objects.filter(pk__in=created).update(
        data_origin="synthetic", source_note=SOURCE_TOTALS
    )
    extra = _isolated_and_scheduled(eligible, plans, coordinators, rules_by_contract, rng)
    return len(created) + extra


def _isolated_and_scheduled(
    eligible: list[Contract],
    plans: dict[int, dict[str, Measure]],
    coordinators: dict[int, object],
    rules_by_contract: dict[int, ActivityRules],
    rng: random.Random,
) -> int:
    """A few isolated actions (2020–2021: after the published period) and scheduled ones."""
    created = 0
    note = "Synthetic: an isolated action of the demo (after the published period)."
    for contract in [c for c in eligible if {"i", "iii"} <= set(plans[c.pk])][:4]:
        actor = coordinators.get(contract.pk)
        if actor is None:
            continue
        rules = rules_by_contract[contract.pk]
        zone = contract.areas.filter(kind="zone").first()
        activity = services.activity_create(
            actor=actor,  # type: ignore[arg-type]
            contract=contract,
            rules=rules,
            values=ActivityValues(
                organisation_id=contract.lead_organisation_id,
                kind="sport",
                title="Torneio de futebol de rua (ação isolada, sintético)",
                starts_on=dt.date(2020, 6, 1) + dt.timedelta(days=rng.randrange(400)),
                axis_id=plans[contract.pk]["i"].axis_id,
                target_group_id=TargetGroup.objects.get(code="young-people").pk,
                area_id=zone.pk if zone else None,
                participants={participant_field("men", "12_17"): rng.randrange(10, 40)},
            ),
        )
        scheduled = services.activity_create(
            actor=actor,  # type: ignore[arg-type]
            contract=contract,
            rules=rules,
            values=ActivityValues(
                organisation_id=contract.lead_organisation_id,
                kind="visit",
                title="Visitas de proximidade previstas (sintético)",
                starts_on=dt.date(2021, 3, 1),
                measure_id=plans[contract.pk]["iii"].pk,
                status=ActivityStatus.PLANNED,
            ),
        )
        Activity.objects.filter(pk__in=[activity.pk, scheduled.pk]).update(
            data_origin="synthetic", source_note=note
        )
        created += 2
    return created
