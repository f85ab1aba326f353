"""Reads for intervention plans, through the contract-owned querysets; page queries do not
grow with the number of measures (everything a page shows is prefetched)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localsafety.contracts.models import Contract
from localsafety.contracts.ownership import Need
from localsafety.plans.models import (
    APPROVED_VERSION_STATUSES,
    Indicator,
    Measure,
    MeasureBudget,
    MeasurePartner,
    Milestone,
    Objective,
    Plan,
    PlanVersion,
)


def plan_of(user: Any, contract: Contract) -> Plan | None:
    return Plan.objects.visible_to(user).filter(contract=contract).first()


def versions_of(plan: Plan) -> list[PlanVersion]:
    return list(
        PlanVersion.objects.filter(plan=plan)
        .select_related("submitted_by", "approved_by")
        .order_by("-number")
    )


def version_in_force(versions: list[PlanVersion]) -> PlanVersion | None:
    return next((v for v in versions if v.status in APPROVED_VERSION_STATUSES), None)


def measure_queryset() -> QuerySet[Measure]:
    return with_details(Measure.objects.all())


def with_details(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    """Measures with everything a page, an export or a comparison shows, in a fixed number
    of queries whatever their number."""
    prefetches: list[Any] = [
        "target_groups",
        "areas",
        Prefetch("partners", MeasurePartner.objects.select_related("organisation")),
        Prefetch("budget_lines", MeasureBudget.objects.select_related("funding_source")),
        Prefetch("milestones", Milestone.objects.order_by("due_on", "pk")),
        Prefetch("indicators", Indicator.objects.select_related("template")),
    ]
    return queryset.select_related(
        "axis", "kind", "responsible_organisation", "partner_programme", "objective"
    ).prefetch_related(*prefetches)


def version_measures(version: PlanVersion) -> list[Measure]:
    return list(measure_queryset().filter(plan_version=version).order_by("position", "pk"))


#: Long fields of a measure that the outline and the timetable do not show.
UNSHOWN = ("description", "points", "place_note", "material")


def outline_measures(version: PlanVersion) -> list[Measure]:
    """What the version page shows of each measure (axis, kind, period, responsible
    organisation, its indicators' names): two queries, and only the rows it shows — a plan
    of 200 measures does not load their partners, budgets and milestones."""
    return list(
        Measure.objects.filter(plan_version=version)
        .defer(*UNSHOWN)
        .select_related("axis", "kind", "responsible_organisation")
        .prefetch_related(
            Prefetch(
                "indicators",
                Indicator.objects.only("pk", "measure_id", "name", "level", "position"),
            )
        )
        .order_by("position", "pk")
    )


def timetable_measures(version: PlanVersion) -> list[Measure]:
    """What the timetable draws (axis, responsible organisation, period, milestones): two
    queries."""
    return list(
        Measure.objects.filter(plan_version=version)
        .defer(*UNSHOWN)
        .select_related("axis", "responsible_organisation")
        .prefetch_related(Prefetch("milestones", Milestone.objects.order_by("due_on", "pk")))
        .order_by("position", "pk")
    )


@dataclass
class ObjectiveBlock:
    objective: Objective
    measures: list[Measure] = field(default_factory=list)


def version_tree(
    version: PlanVersion, measures: list[Measure] | None = None
) -> list[ObjectiveBlock]:
    """Objectives (with their problems) and, under each, its measures (``measures``: the
    version's measures as loaded by the caller; by default with every detail)."""
    objectives = list(
        Objective.objects.filter(plan_version=version)
        .prefetch_related("problems")
        .order_by("position", "pk")
    )
    blocks = {objective.pk: ObjectiveBlock(objective) for objective in objectives}
    for measure in version_measures(version) if measures is None else measures:
        blocks[measure.objective_id].measures.append(measure)
    return list(blocks.values())


def published_measures(user: Any, contract: Contract) -> list[Measure]:
    """What the public sees of the plan: the published measures of the version in force."""
    return list(
        Measure.objects.visible_to(user, Need.PAGE)
        .filter(
            contract=contract,
            published=True,
            plan_version__status__in=APPROVED_VERSION_STATUSES,
        )
        .select_related("axis", "kind", "responsible_organisation")
        .prefetch_related("target_groups", "areas")
        .order_by("axis__position", "position", "pk")
    )


def budget_total(measure: Measure) -> Decimal:
    return sum((line.amount for line in measure.budget_lines.all()), Decimal(0))


# --- comparing two versions ---------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class MeasureComparison:
    status: str  # added, removed, changed, unchanged
    before: Measure | None
    after: Measure | None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def measure(self) -> Measure:
        found = self.after or self.before
        assert found is not None
        return found

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


STATUS_LABELS = {
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "changed": gettext_lazy("changed"),
    "unchanged": gettext_lazy("unchanged"),
}


def plain_number(value: Decimal | None) -> str:
    """``100.000`` → ``100``, ``12.500`` → ``12.5``; None → ``–``."""
    if value is None:
        return "–"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _amount(value: Decimal) -> str:
    return f"{value:,.2f} €".replace(",", " ").replace(".", ",")


def measure_snapshot(measure: Measure) -> dict[str, str]:
    """What a comparison shows of a measure, as text, by translated label."""
    return {
        _("Reference"): measure.code,
        _("Measure"): measure.title,
        _("Description"): measure.description,
        _("Objective"): measure.objective.title,
        _("Intervention axis"): str(measure.axis),
        _("Kind of intervention"): str(measure.kind),
        _("Target groups"): ", ".join(sorted(str(g) for g in measure.target_groups.all())),
        _("Places"): ", ".join(sorted(a.name for a in measure.areas.all())),
        _("Points"): "; ".join(
            f"{p.get('label', '')} ({p.get('lat')}, {p.get('lon')})" for p in measure.points or []
        ),
        _("Start"): measure.starts_on.isoformat(),
        _("End"): measure.ends_on.isoformat(),
        _("Responsible organisation"): str(measure.responsible_organisation),
        _("Partners"): "; ".join(
            sorted(f"{p.organisation} ({p.role})" for p in measure.partners.all())
        ),
        _("Partner programme"): str(measure.partner_programme or ""),
        _("Staff"): str(measure.staff_count),
        _("Staff hours"): str(measure.staff_hours),
        _("Material resources"): measure.material,
        _("Budget"): "; ".join(
            f"{line.funding_source}: {_amount(line.amount)}" for line in measure.budget_lines.all()
        ),
        _("Milestones"): "; ".join(
            f"{m.title} ({m.due_on.isoformat()})" for m in measure.milestones.all()
        ),
        _("Indicators"): "; ".join(
            f"{i.name}: {plain_number(i.baseline_value)} → {plain_number(i.target_value)} {i.unit}"
            for i in measure.indicators.all()
        ),
    }


def previous_version(version: PlanVersion) -> PlanVersion | None:
    if version.based_on_id:
        return version.based_on
    return (
        PlanVersion.objects.filter(plan_id=version.plan_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def compare_versions(before: PlanVersion | None, after: PlanVersion) -> list[MeasureComparison]:
    """Measure by measure (matched by lineage): what was added, removed or changed."""
    old = {m.lineage: m for m in version_measures(before)} if before else {}
    new = {m.lineage: m for m in version_measures(after)}
    result: list[MeasureComparison] = []
    for lineage, measure in new.items():
        if lineage not in old:
            result.append(MeasureComparison("added", None, measure))
            continue
        a, b = measure_snapshot(old[lineage]), measure_snapshot(measure)
        changes = [FieldChange(label, a[label], b[label]) for label in b if a[label] != b[label]]
        result.append(
            MeasureComparison("changed" if changes else "unchanged", old[lineage], measure, changes)
        )
    for lineage, measure in old.items():
        if lineage not in new:
            result.append(MeasureComparison("removed", measure, None))
    return result


# --- the timetable ------------------------------------------------------------------------------


@dataclass
class GanttRow:
    measure: Measure
    group: str
    late_milestones: list[Milestone]

    @property
    def is_late(self) -> bool:
        return bool(self.late_milestones)


def gantt_rows(measures: list[Measure], today: dt.date) -> list[GanttRow]:
    """Measures grouped by axis, then by responsible organisation, in start order."""
    groups: dict[tuple[int, str, str], list[Measure]] = defaultdict(list)
    for measure in measures:
        key = (measure.axis.position, str(measure.axis), str(measure.responsible_organisation))
        groups[key].append(measure)
    rows = []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2])):
        for measure in sorted(groups[key], key=lambda m: (m.starts_on, m.pk)):
            late = [m for m in measure.milestones.all() if m.is_late(today)]
            rows.append(GanttRow(measure, f"{key[1]} — {key[2]}", late))
    return rows
