"""Reads for activities: lists, the execution summary, totals by axis and kind, the national
view and the measures an isolated action could serve.

Every read goes through ``Activity.objects.visible_to(user)`` (a partner: its own
organisation's; the committee and the lead: the whole contract; national users:
everything), and every summary is a fixed number of grouped queries, however many measures
and activities there are (pinned in the tests).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from localsafety.activities.models import Activity, ActivityCost, ActivityStatus
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Axis, Contract
from localsafety.plans.models import (
    APPROVED_VERSION_STATUSES,
    Computation,
    FundingSource,
    Indicator,
    InterventionKind,
    Measure,
    MeasureBudget,
    Milestone,
    PlanVersion,
)

ZERO = Decimal(0)


def activity_list(user: Any, contract: Contract) -> QuerySet[Activity]:
    return (
        Activity.objects.visible_to(user)
        .of_contract(contract)
        .select_related("contract", "organisation", "measure", "axis", "area")
        .order_by("-starts_on", "-pk")
    )


def activity_reader(user: Any, contract: Contract) -> str:
    """Which of ``contract``'s activities ``user`` reads, as a cache-key part: the whole
    contract, or only some organisations' (``Activity.objects.visible_to``'s rule). The
    fragment cache's audience names the contracts a person reads, not this finer rule, so a
    cached summary of activities adds it to its key."""
    scope = scope_for(user)
    if scope.is_national or contract.pk in (scope.committee_contract_ids | scope.lead_contract_ids):
        return "whole"
    return "organisations:" + ",".join(str(pk) for pk in sorted(scope.organisation_ids))


def version_in_force(contract: Contract) -> PlanVersion | None:
    """The latest approved (or endorsed) version of the contract's plan."""
    return (
        PlanVersion.objects.filter(contract=contract, status__in=APPROVED_VERSION_STATUSES)
        .order_by("-number")
        .first()
    )


def measures_in_force(contract: Contract) -> QuerySet[Measure]:
    """The measures activities may be logged against (the version in force)."""
    return (
        Measure.objects.filter(
            contract=contract, plan_version__status__in=APPROVED_VERSION_STATUSES
        )
        .filter(
            plan_version__number=PlanVersion.objects.filter(
                contract=contract, status__in=APPROVED_VERSION_STATUSES
            )
            .order_by("-number")
            .values("number")[:1]
        )
        .select_related("axis", "kind")
        .order_by("position", "pk")
    )


def measures_for_entry(contract: Contract, *, keep_id: int | None = None) -> QuerySet[Measure]:
    """The measures in force, plus the version a corrected activity already served."""
    in_force = measures_in_force(contract)
    if keep_id is None:
        return in_force
    return (
        Measure.objects.filter(Q(pk__in=in_force.values("pk")) | Q(pk=keep_id, contract=contract))
        .select_related("axis", "kind")
        .order_by("position", "pk")
    )


# --- the execution summary -----------------------------------------------------------------


@dataclass
class Figures:
    """What was done: activities held and scheduled, people, hours, money."""

    held: int = 0
    scheduled: int = 0
    people: int = 0
    staff_hours: Decimal = ZERO
    volunteer_hours: Decimal = ZERO
    spent: Decimal = ZERO
    spent_by_source: dict[int, Decimal] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        self.held += other.held
        self.scheduled += other.scheduled
        self.people += other.people
        self.staff_hours += other.staff_hours
        self.volunteer_hours += other.volunteer_hours
        self.spent += other.spent
        for source, amount in other.spent_by_source.items():
            self.spent_by_source[source] = self.spent_by_source.get(source, ZERO) + amount

    @property
    def hours(self) -> Decimal:
        return self.staff_hours + self.volunteer_hours


@dataclass
class MeasureExecution:
    measure: Measure
    done: Figures
    planned_activities: Decimal | None
    budget: Decimal
    budget_by_source: dict[int, Decimal]
    late_milestones: int

    @property
    def budget_share(self) -> float | None:
        if not self.budget:
            return None
        return float(self.done.spent / self.budget)


@dataclass
class SourceLine:
    source: FundingSource
    planned: Decimal
    spent: Decimal


@dataclass
class Execution:
    contract: Contract
    version: PlanVersion | None
    measures: list[MeasureExecution]
    total: Figures
    isolated: Figures
    budget: Decimal
    planned_activities: Decimal
    late_milestones: int
    sources: list[SourceLine]
    today: dt.date


def _figures_by(rows: QuerySet[Activity], key: str) -> dict[Any, Figures]:
    """Held and scheduled activities, people, hours and money grouped by ``key``."""
    found: dict[Any, Figures] = defaultdict(Figures)
    grouped = (
        rows.exclude(status=ActivityStatus.CANCELLED)
        .order_by()
        .values(key, "status")
        .annotate(
            n=Count("pk"),
            people=Coalesce(Sum("participants"), 0),
            staff=Coalesce(Sum("staff_hours"), ZERO),
            volunteers=Coalesce(Sum("volunteer_hours"), ZERO),
            spent=Coalesce(Sum("cost_total"), ZERO),
        )
    )
    for row in grouped:
        figures = found[row[key]]
        if row["status"] == ActivityStatus.HELD:
            figures.held += row["n"]
            figures.people += row["people"]
            figures.staff_hours += row["staff"]
            figures.volunteer_hours += row["volunteers"]
            figures.spent += row["spent"]
        else:
            figures.scheduled += row["n"]
    return found


def execution(user: Any, contract: Contract, *, today: dt.date | None = None) -> Execution:
    """Per measure of the version in force and for the whole plan: activities planned versus
    held, people reached, hours, budget planned versus spent by source, late milestones.

    Activities count for the measure's lineage, so those that served an earlier version of
    the same measure count too. Seven queries, whatever the size of the plan.
    """
    today = today or timezone.localdate()
    version = version_in_force(contract)
    measures = (
        list(
            Measure.objects.filter(plan_version=version)
            .defer("description", "points", "place_note", "material")
            .select_related("axis", "kind", "responsible_organisation")
            .order_by("position", "pk")
        )
        if version
        else []
    )
    visible = Activity.objects.visible_to(user).of_contract(contract)
    by_lineage = _figures_by(visible.filter(measure__isnull=False), "measure__lineage")
    isolated = _figures_by(visible.filter(measure__isnull=True), "contract_id").get(
        contract.pk, Figures()
    )
    costs = (
        ActivityCost.objects.filter(
            activity__in=visible.filter(status=ActivityStatus.HELD).values("pk")
        )
        .order_by()
        .values("activity__measure__lineage", "funding_source_id")
        .annotate(amount=Sum("amount"))
    )
    # Spent by source is the plan's money: what the measures in force spent, so the column adds
    # up to the total spent beside the budget. An isolated action's cost is no part of it (it
    # is reported with the isolated actions), nor is a measure's that the version dropped.
    in_force = {measure.lineage for measure in measures}
    spent_by_source: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in costs:
        lineage = row["activity__measure__lineage"]
        if lineage not in in_force:
            continue
        source = row["funding_source_id"]
        spent_by_source[source] += row["amount"]
        by_lineage[lineage].spent_by_source[source] = row["amount"]
    budget_by_measure: dict[int, dict[int, Decimal]] = defaultdict(dict)
    milestones: dict[int, int] = {}
    targets: dict[int, Decimal] = {}
    if version:
        for measure_id, source_id, amount in (
            MeasureBudget.objects.filter(measure__plan_version=version)
            .order_by()
            .values_list("measure_id", "funding_source_id", "amount")
        ):
            budget_by_measure[measure_id][source_id] = amount
        milestones = dict(
            Milestone.objects.filter(
                measure__plan_version=version, done_on__isnull=True, due_on__lt=today
            )
            .order_by()
            .values("measure_id")
            .annotate(n=Count("pk"))
            .values_list("measure_id", "n")
        )
        targets = dict(
            Indicator.objects.filter(
                measure__plan_version=version,
                computation=Computation.ACTIVITY_COUNT,
                target_value__isnull=False,
            )
            .order_by()
            .values("measure_id")
            .annotate(target=Sum("target_value"))
            .values_list("measure_id", "target")
        )
    rows = []
    total = Figures()
    for measure in measures:
        done = by_lineage.get(measure.lineage, Figures())
        total.add(done)
        budget_lines = budget_by_measure.get(measure.pk, {})
        rows.append(
            MeasureExecution(
                measure=measure,
                done=done,
                planned_activities=targets.get(measure.pk),
                budget=sum(budget_lines.values(), ZERO),
                budget_by_source=budget_lines,
                late_milestones=milestones.get(measure.pk, 0),
            )
        )
    planned_by_source: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for lines in budget_by_measure.values():
        for source_id, amount in lines.items():
            planned_by_source[source_id] += amount
    sources = [
        SourceLine(
            source=source,
            planned=planned_by_source.get(source.pk, ZERO),
            spent=spent_by_source.get(source.pk, ZERO),
        )
        for source in FundingSource.objects.order_by("position", "code")
        if planned_by_source.get(source.pk) or spent_by_source.get(source.pk)
    ]
    return Execution(
        contract=contract,
        version=version,
        measures=rows,
        total=total,
        isolated=isolated,
        budget=sum(planned_by_source.values(), ZERO),
        planned_activities=sum(targets.values(), ZERO),
        late_milestones=sum(milestones.values()),
        sources=sources,
        today=today,
    )


# --- totals the way the national level counts them -----------------------------------------


@dataclass
class TotalLine:
    label: str
    code: str
    initiatives: int
    people: int
    investment: Decimal


@dataclass
class Totals:
    by_axis: list[TotalLine]
    by_kind: list[TotalLine]
    initiatives: int
    people: int
    investment: Decimal


def totals(rows: QuerySet[Activity]) -> Totals:
    """Initiatives (activities held), people involved and investment, by national axis and
    by kind of intervention. A contract's own axes count under "other axes"; isolated
    actions without an axis under "no axis". Two grouped queries and two small lookups."""
    held = rows.filter(status=ActivityStatus.HELD).order_by()
    measures = {
        "initiatives": Count("pk"),
        "people": Coalesce(Sum("participants"), 0),
        "investment": Coalesce(Sum("cost_total"), ZERO),
    }
    axis_rows = list(held.values("axis_id").annotate(**measures))
    kind_rows = list(held.values("intervention_kind_id").annotate(**measures))
    axes = {axis.pk: axis for axis in Axis.objects.filter(pk__in=[r["axis_id"] for r in axis_rows])}
    kinds = {
        kind.pk: kind
        for kind in InterventionKind.objects.filter(
            pk__in=[r["intervention_kind_id"] for r in kind_rows]
        )
    }
    from django.utils.translation import gettext as _

    national: dict[str, TotalLine] = {}
    for row in axis_rows:
        axis = axes.get(row["axis_id"])
        if axis is None:
            key, label = "none", _("No axis (isolated actions)")
        elif axis.contract_id is None:
            key, label = axis.code, str(axis)
        else:
            key, label = "own", _("Contracts' own axes")
        line = national.setdefault(key, TotalLine(label, key, 0, 0, ZERO))
        line.initiatives += row["initiatives"]
        line.people += row["people"]
        line.investment += row["investment"]
    order = {axis.code: axis.position for axis in Axis.objects.national()}
    by_axis = sorted(national.values(), key=lambda line: (order.get(line.code, 99), line.code))
    by_kind = sorted(
        (
            TotalLine(
                str(kinds[row["intervention_kind_id"]])
                if row["intervention_kind_id"] in kinds
                else _("Not classified"),
                kinds[row["intervention_kind_id"]].code
                if row["intervention_kind_id"] in kinds
                else "",
                row["initiatives"],
                row["people"],
                row["investment"],
            )
            for row in kind_rows
        ),
        key=lambda line: -line.initiatives,
    )
    return Totals(
        by_axis=by_axis,
        by_kind=by_kind,
        initiatives=sum(line.initiatives for line in by_axis),
        people=sum(line.people for line in by_axis),
        investment=sum((line.investment for line in by_axis), ZERO),
    )


def national_totals(*, until: dt.date | None = None) -> Totals:
    """Totals over every contract: public aggregates (counts, people, money), no record."""
    rows = Activity.objects.all()
    if until is not None:
        rows = rows.filter(starts_on__lte=until)
    return totals(rows)


@dataclass
class ContractLine:
    contract_id: int
    title: str
    initiatives: int
    people: int
    investment: Decimal
    isolated: int


def national_by_contract(user: Any, *, until: dt.date | None = None) -> list[ContractLine]:
    """Per contract, for national users (through ``visible_to``: others see their own)."""
    rows = Activity.objects.visible_to(user).filter(status=ActivityStatus.HELD)
    if until is not None:
        rows = rows.filter(starts_on__lte=until)
    grouped = (
        rows.order_by()
        .values("contract_id", "contract__title")
        .annotate(
            initiatives=Count("pk"),
            people=Coalesce(Sum("participants"), 0),
            investment=Coalesce(Sum("cost_total"), ZERO),
            isolated=Count("pk", filter=Q(measure__isnull=True)),
        )
        .order_by("-initiatives", "contract__title")
    )
    return [
        ContractLine(
            contract_id=row["contract_id"],
            title=row["contract__title"],
            initiatives=row["initiatives"],
            people=row["people"],
            investment=row["investment"],
            isolated=row["isolated"],
        )
        for row in grouped
    ]


@dataclass
class NationalSummary:
    to_date: Totals
    all_years: Totals
    #: Per contract, for national users only (None for everyone else).
    by_contract: list[ContractLine] | None


def _totals_from(rows: list[dict[str, Any]], prefix: str) -> Totals:
    """``totals`` over rows already grouped by contract, axis and kind (``prefix`` picks the
    figures: ``""`` for all years, ``"to_"`` for those up to the date)."""
    from django.utils.translation import gettext as _

    by_axis: dict[Any, list[int | Decimal]] = defaultdict(lambda: [0, 0, ZERO])
    by_kind: dict[Any, list[int | Decimal]] = defaultdict(lambda: [0, 0, ZERO])
    for row in rows:
        if not row[f"{prefix}initiatives"]:
            continue
        for key, table in ((row["axis_id"], by_axis), (row["intervention_kind_id"], by_kind)):
            line = table[key]
            line[0] += row[f"{prefix}initiatives"]
            line[1] += row[f"{prefix}people"]
            line[2] += row[f"{prefix}investment"]
    axes = {axis.pk: axis for axis in Axis.objects.filter(pk__in=[k for k in by_axis if k])}
    kinds = {k.pk: k for k in InterventionKind.objects.filter(pk__in=[k for k in by_kind if k])}
    national: dict[str, TotalLine] = {}
    for axis_id, (initiatives, people, investment) in by_axis.items():
        axis = axes.get(axis_id)
        if axis is None:
            key, label = "none", _("No axis (isolated actions)")
        elif axis.contract_id is None:
            key, label = axis.code, str(axis)
        else:
            key, label = "own", _("Contracts' own axes")
        total = national.setdefault(key, TotalLine(label, key, 0, 0, ZERO))
        total.initiatives += int(initiatives)
        total.people += int(people)
        total.investment += Decimal(investment)
    order = {axis.code: axis.position for axis in axes.values() if axis.contract_id is None}
    by_axis_lines = sorted(
        national.values(), key=lambda line: (order.get(line.code, 99), line.code)
    )
    by_kind_lines = sorted(
        (
            TotalLine(
                str(kinds[kind_id]) if kind_id in kinds else _("Not classified"),
                kinds[kind_id].code if kind_id in kinds else "",
                int(initiatives),
                int(people),
                Decimal(investment),
            )
            for kind_id, (initiatives, people, investment) in by_kind.items()
        ),
        key=lambda line: -line.initiatives,
    )
    return Totals(
        by_axis=by_axis_lines,
        by_kind=by_kind_lines,
        initiatives=sum(line.initiatives for line in by_axis_lines),
        people=sum(line.people for line in by_axis_lines),
        investment=sum((line.investment for line in by_axis_lines), ZERO),
    )


def national_summary(*, until: dt.date, with_contracts: bool) -> NationalSummary:
    """The national page in one pass over the activities: totals by axis and kind of
    intervention for all years and up to ``until``, and (``with_contracts``: for national
    users, who read every activity) the per-contract lines. One grouped query by contract,
    axis and kind (a few thousand rows at national scale, summed here), plus the names of
    the axes, kinds and contracts: the same figures as ``national_totals`` and
    ``national_by_contract``, which scan the table once each."""
    early = Q(starts_on__lte=until)
    rows = list(
        Activity.objects.filter(status=ActivityStatus.HELD)
        .order_by()
        .values("contract_id", "axis_id", "intervention_kind_id")
        .annotate(
            initiatives=Count("pk"),
            people=Coalesce(Sum("participants"), 0),
            investment=Coalesce(Sum("cost_total"), ZERO),
            isolated=Count("pk", filter=Q(measure__isnull=True)),
            to_initiatives=Count("pk", filter=early),
            to_people=Coalesce(Sum("participants", filter=early), 0),
            to_investment=Coalesce(Sum("cost_total", filter=early), ZERO),
        )
    )
    by_contract = None
    if with_contracts:
        lines: dict[int, ContractLine] = {}
        for row in rows:
            line = lines.setdefault(
                row["contract_id"], ContractLine(row["contract_id"], "", 0, 0, ZERO, 0)
            )
            line.initiatives += row["initiatives"]
            line.people += row["people"]
            line.investment += row["investment"]
            line.isolated += row["isolated"]
        for pk, title in Contract.objects.filter(pk__in=list(lines)).values_list("pk", "title"):
            lines[pk].title = title
        by_contract = sorted(lines.values(), key=lambda line: (-line.initiatives, line.title))
    return NationalSummary(
        to_date=_totals_from(rows, "to_"),
        all_years=_totals_from(rows, ""),
        by_contract=by_contract,
    )


# --- isolated actions and the measures they could serve ------------------------------------


@dataclass
class Suggestion:
    measure: Measure
    reasons: list[str]


def isolated_with_suggestions(
    user: Any, contract: Contract, *, limit: int = 3
) -> list[tuple[Activity, list[Suggestion]]]:
    """Each isolated action with the measures in force it could serve: same axis, same place
    (the area or its parent among the measure's places) and same target group, best first.
    Three queries: the actions, the measures with their places and target groups."""
    from django.utils.translation import gettext as _

    actions = list(
        activity_list(user, contract).filter(measure__isnull=True).select_related("target_group")
    )
    if not actions:
        return []
    measures = list(measures_in_force(contract).prefetch_related("areas", "target_groups"))
    found = []
    for action in actions:
        place_ids = {action.area_id, getattr(action.area, "parent_id", None)} - {None}
        scored = []
        for measure in measures:
            reasons = []
            if action.axis_id and measure.axis_id == action.axis_id:
                reasons.append(_("same axis"))
            if place_ids and place_ids & {area.pk for area in measure.areas.all()}:
                reasons.append(_("same place"))
            if action.target_group_id and action.target_group_id in {
                group.pk for group in measure.target_groups.all()
            }:
                reasons.append(_("same target group"))
            if reasons:
                scored.append((len(reasons), measure.position, measure.pk, measure, reasons))
        scored.sort(key=lambda item: (-item[0], item[1], item[2]))
        found.append((action, [Suggestion(item[3], item[4]) for item in scored[:limit]]))
    return found


def published_progress(contract: Contract) -> dict[Any, Figures]:
    """Progress of the *published* measures of the version in force, by measure lineage:
    what the contract's public page may show beside them (aggregates only: activities held
    and scheduled, people, hours, money; no activity record). Two queries."""
    version = version_in_force(contract)
    if version is None:
        return {}
    lineages = Measure.objects.filter(plan_version=version, published=True).values("lineage")
    rows = Activity.objects.filter(contract=contract, measure__lineage__in=lineages)
    return dict(_figures_by(rows, "measure__lineage"))
