"""Writes for what a plan version holds: objectives, measures (partners, budget, milestones)
and indicators. Every change needs an editable version, the Operational Core's rights and the
version of the record it was made on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.errors import DomainError
from localsafety.diagnosis.models import Problem
from localsafety.organisations.models import Organisation, User
from localsafety.plans.models import (
    Computation,
    FundingSource,
    Indicator,
    IndicatorTemplate,
    Measure,
    MeasureBudget,
    MeasurePartner,
    Milestone,
    Objective,
    PlanVersion,
)
from localsafety.plans.money import parse_amount
from localsafety.plans.points import points_problems
from localsafety.plans.services.common import (
    can_judge,
    check_version,
    contract_organisation_ids,
    require_drafter,
    require_editable,
)
from localsafety.territory.models import Area

# --- objectives ---------------------------------------------------------------------------------


def _problems_of(contract_id: int, problems: Iterable[Problem | int]) -> list[Problem]:
    ids = {problem if isinstance(problem, int) else problem.pk for problem in problems}
    found = list(Problem.objects.filter(contract_id=contract_id, pk__in=ids))
    if len(found) != len(ids):
        raise DomainError(_("A problem chosen belongs to another contract."), field="problems")
    return found


@transaction.atomic
def objective_create(
    *,
    actor: User,
    version: PlanVersion,
    title: str,
    description: str = "",
    problems: Iterable[Problem | int] = (),
    problem_statement: str = "",
) -> Objective:
    require_drafter(actor, version.contract_id)
    locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
    require_editable(locked)
    chosen = _problems_of(locked.contract_id, problems)
    if not chosen and not problem_statement.strip():
        raise DomainError(
            _("Say which problem the objective answers: choose one or type it in."),
            field="problems",
        )
    objective = create_validated(
        Objective,
        actor=actor,
        reason="created",
        plan_version=locked,
        contract_id=locked.contract_id,
        title=title.strip(),
        description=description.strip(),
        problem_statement=problem_statement.strip(),
        position=locked.objectives.count() + 1,
    )
    objective.problems.set(chosen)
    return objective


@transaction.atomic
def objective_update(
    *,
    actor: User,
    objective: Objective,
    expected_version: int | None,
    title: str,
    description: str = "",
    problems: Iterable[Problem | int] = (),
    problem_statement: str = "",
) -> Objective:
    require_drafter(actor, objective.contract_id)
    locked = (
        Objective.objects.select_for_update().select_related("plan_version").get(pk=objective.pk)
    )
    check_version(locked, expected_version)
    require_editable(locked.plan_version)
    chosen = _problems_of(locked.contract_id, problems)
    if not chosen and not problem_statement.strip():
        raise DomainError(
            _("Say which problem the objective answers: choose one or type it in."),
            field="problems",
        )
    locked.title = title.strip()
    locked.description = description.strip()
    locked.problem_statement = problem_statement.strip()
    locked.version += 1
    save_fields(
        locked,
        ["title", "description", "problem_statement", "version"],
        actor=actor,
        reason="edited",
    )
    locked.problems.set(chosen)
    return locked


@transaction.atomic
def objective_delete(*, actor: User, objective: Objective, expected_version: int | None) -> None:
    require_drafter(actor, objective.contract_id)
    locked = (
        Objective.objects.select_for_update().select_related("plan_version").get(pk=objective.pk)
    )
    check_version(locked, expected_version)
    require_editable(locked.plan_version)
    mark_change(locked, actor=actor, reason="deleted")
    locked.delete()


# --- measures -----------------------------------------------------------------------------------

#: The fields of a measure a form or the API may set (besides the related lists).
MEASURE_FIELDS = (
    "code",
    "title",
    "description",
    "axis",
    "kind",
    "place_note",
    "points",
    "starts_on",
    "ends_on",
    "responsible_organisation",
    "partner_programme",
    "staff_count",
    "staff_hours",
    "material",
)


def _check_measure_values(contract_id: int, values: Mapping[str, Any]) -> None:
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends < starts:
        raise DomainError(_("The end is before the start."), field="ends_on")
    axis = values.get("axis")
    if axis is not None and not (axis.contract_id is None or axis.contract_id == contract_id):
        raise DomainError(_("This axis belongs to another contract."), field="axis")
    responsible = values.get("responsible_organisation")
    if responsible is not None and responsible.pk not in contract_organisation_ids(contract_id):
        raise DomainError(
            _("%(organisation)s is not a member of this contract.") % {"organisation": responsible},
            field="responsible_organisation",
        )
    points = values.get("points")
    if points is not None:
        _check_points(points)


def _check_points(points: Any) -> None:
    """Labelled points in Portugal, at most ``MAX_POINTS`` (plans.points says why not)."""
    problems = points_problems(points)
    if problems:
        raise DomainError(" ".join(problems), field="points")


def _check_areas(contract_id: int, areas: Iterable[Area]) -> list[Area]:
    """Places of a measure: the contract's covered areas or its own zones."""
    chosen = list(areas)
    allowed = set(
        Area.objects.filter(covering_contracts__pk=contract_id).values_list("pk", flat=True)
    ) | set(Area.objects.filter(owner_contract_id=contract_id).values_list("pk", flat=True))
    if any(area.pk not in allowed for area in chosen):
        raise DomainError(_("A place chosen is not an area of this contract."), field="areas")
    return chosen


@transaction.atomic
def measure_create(
    *,
    actor: User,
    objective: Objective,
    values: Mapping[str, Any],
    target_groups: Iterable[Any] = (),
    areas: Iterable[Area] = (),
    budget: Mapping[FundingSource, Any] | None = None,
) -> Measure:
    """Add a measure under an objective of an editable version."""
    require_drafter(actor, objective.contract_id)
    version = PlanVersion.objects.select_for_update().get(pk=objective.plan_version_id)
    require_editable(version)
    unknown = set(values) - set(MEASURE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]})
    _check_measure_values(version.contract_id, values)
    chosen_areas = _check_areas(version.contract_id, areas)
    measure = create_validated(
        Measure,
        actor=actor,
        reason="created",
        plan_version=version,
        contract_id=version.contract_id,
        objective=objective,
        position=version.measures.count() + 1,
        **values,
    )
    measure.target_groups.set(list(target_groups))
    measure.areas.set(chosen_areas)
    if budget:
        _set_budget(measure, budget)
    return measure


@transaction.atomic
def measure_update(
    *,
    actor: User,
    measure: Measure,
    expected_version: int | None,
    changes: Mapping[str, Any],
    target_groups: Iterable[Any] | None = None,
    areas: Iterable[Area] | None = None,
    budget: Mapping[FundingSource, Any] | None = None,
) -> Measure:
    """Change a measure; a second edit made on the same old version is a conflict."""
    require_drafter(actor, measure.contract_id)
    locked = Measure.objects.select_for_update().select_related("plan_version").get(pk=measure.pk)
    check_version(locked, expected_version)
    require_editable(locked.plan_version)
    unknown = set(changes) - set(MEASURE_FIELDS) - {"objective"}
    if unknown:
        raise DomainError(_("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]})
    objective = changes.get("objective")
    if objective is not None and objective.plan_version_id != locked.plan_version_id:
        raise DomainError(_("The objective belongs to another version."), field="objective")
    merged = {name: getattr(locked, name) for name in ("starts_on", "ends_on")} | dict(changes)
    _check_measure_values(locked.contract_id, merged)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    save_fields(locked, [*changes, "version", "updated_at"], actor=actor, reason="edited")
    if target_groups is not None:
        locked.target_groups.set(list(target_groups))
    if areas is not None:
        locked.areas.set(_check_areas(locked.contract_id, areas))
    if budget is not None:
        _set_budget(locked, budget)
    return locked


def _set_budget(measure: Measure, budget: Mapping[FundingSource, Any]) -> None:
    """One line per funding source; an empty or zero amount removes the line."""
    for source, raw in budget.items():
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            MeasureBudget.objects.filter(measure=measure, funding_source=source).delete()
            continue
        amount = parse_amount(raw, field=f"budget_{source.code}")
        if amount == Decimal(0):
            MeasureBudget.objects.filter(measure=measure, funding_source=source).delete()
            continue
        MeasureBudget.objects.update_or_create(
            measure=measure,
            funding_source=source,
            defaults={"amount": amount, "contract_id": measure.contract_id},
        )


@transaction.atomic
def measure_delete(*, actor: User, measure: Measure, expected_version: int | None) -> None:
    require_drafter(actor, measure.contract_id)
    locked = Measure.objects.select_for_update().select_related("plan_version").get(pk=measure.pk)
    check_version(locked, expected_version)
    require_editable(locked.plan_version)
    mark_change(locked, actor=actor, reason="deleted")
    locked.delete()


@transaction.atomic
def measure_publish(
    *, actor: User, measure: Measure, published: bool, expected_version: int | None
) -> Measure:
    """The Coordinating Committee decides what the public sees of the plan."""
    if not can_judge(actor, measure.contract_id):
        raise PermissionDenied(
            _("Only the Coordinating Committee decides which measures are published.")
        )
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    check_version(locked, expected_version)
    locked.published = published
    locked.version += 1
    save_fields(
        locked,
        ["published", "version", "updated_at"],
        actor=actor,
        reason="published" if published else "unpublished",
    )
    return locked


def _editable_measure(actor: User, measure: Measure) -> Measure:
    require_drafter(actor, measure.contract_id)
    locked = Measure.objects.select_for_update().select_related("plan_version").get(pk=measure.pk)
    require_editable(locked.plan_version)
    return locked


def _bump(measure: Measure, actor: User, reason: str) -> None:
    """A change to a measure's partners, milestones or indicators is a change of the measure."""
    measure.version += 1
    save_fields(measure, ["version", "updated_at"], actor=actor, reason=reason)


@transaction.atomic
def measure_partner_add(
    *,
    actor: User,
    measure: Measure,
    expected_version: int | None,
    organisation: Organisation,
    role: str,
    terms: str = "",
) -> MeasurePartner:
    locked = _editable_measure(actor, measure)
    check_version(locked, expected_version)
    if organisation.pk not in contract_organisation_ids(locked.contract_id):
        raise DomainError(
            _("%(organisation)s is not a member of this contract.")
            % {"organisation": organisation},
            field="organisation",
        )
    if locked.partners.filter(organisation=organisation).exists():
        raise DomainError(
            _("%(organisation)s is already a partner of this measure.")
            % {"organisation": organisation},
            field="organisation",
        )
    partner = create_validated(
        MeasurePartner,
        actor=actor,
        reason="added",
        measure=locked,
        contract_id=locked.contract_id,
        organisation=organisation,
        role=role.strip(),
        terms=terms.strip(),
    )
    _bump(locked, actor, "partner added")
    return partner


@transaction.atomic
def measure_partner_remove(
    *, actor: User, partner: MeasurePartner, expected_version: int | None
) -> None:
    locked = _editable_measure(actor, partner.measure)
    check_version(locked, expected_version)
    mark_change(partner, actor=actor, reason="removed")
    partner.delete()
    _bump(locked, actor, "partner removed")


@transaction.atomic
def milestone_add(
    *,
    actor: User,
    measure: Measure,
    expected_version: int | None,
    title: str,
    due_on: dt.date,
    done_on: dt.date | None = None,
) -> Milestone:
    locked = _editable_measure(actor, measure)
    check_version(locked, expected_version)
    if not locked.starts_on <= due_on <= locked.ends_on:
        raise DomainError(
            _("A milestone falls within its measure (%(start)s to %(end)s).")
            % {"start": locked.starts_on.isoformat(), "end": locked.ends_on.isoformat()},
            field="due_on",
        )
    milestone = create_validated(
        Milestone,
        actor=actor,
        reason="added",
        measure=locked,
        contract_id=locked.contract_id,
        title=title.strip(),
        due_on=due_on,
        done_on=done_on,
    )
    _bump(locked, actor, "milestone added")
    return milestone


@transaction.atomic
def milestone_remove(*, actor: User, milestone: Milestone, expected_version: int | None) -> None:
    locked = _editable_measure(actor, milestone.measure)
    check_version(locked, expected_version)
    mark_change(milestone, actor=actor, reason="removed")
    milestone.delete()
    _bump(locked, actor, "milestone removed")


# --- indicators ---------------------------------------------------------------------------------

INDICATOR_FIELDS = (
    "template",
    "level",
    "name",
    "definition",
    "unit",
    "direction",
    "source",
    "frequency",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "computation",
    "computation_params",
)


def _indicator_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A catalogue indicator fills what was left empty from the catalogue; a computed
    indicator takes no typed baseline (it is computed) but keeps its target."""
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(name)s.") % {"name": sorted(unknown)[0]})
    result = dict(values)
    if not result.get("frequency"):
        result.pop("frequency", None)  # the model's default (yearly)
    if result.get("computation") is None:
        result["computation"] = ""
    template: IndicatorTemplate | None = result.get("template")
    if template is not None:
        for name in ("level", "unit", "direction", "source", "frequency", "computation"):
            if not result.get(name):
                result[name] = getattr(template, name)
        if not result.get("name"):
            result["name"] = template.name
        if not result.get("definition"):
            result["definition"] = template.definition
    computation = result.get("computation") or ""
    if computation and computation not in Computation.values:
        raise DomainError(_("Unknown computation."), field="computation")
    if computation and result.get("baseline_value") is not None:
        raise DomainError(
            _("A computed indicator's baseline is computed from the platform's data, not typed."),
            field="baseline_value",
        )
    params = result.get("computation_params")
    if params is not None and not isinstance(params, dict):
        raise DomainError(_("The computation's parameters are not valid."), field="computation")
    return result


@transaction.atomic
def indicator_create(*, actor: User, measure: Measure, values: Mapping[str, Any]) -> Indicator:
    locked = _editable_measure(actor, measure)
    cleaned = _indicator_values(values)
    indicator = create_validated(
        Indicator,
        actor=actor,
        reason="created",
        measure=locked,
        contract_id=locked.contract_id,
        position=locked.indicators.count() + 1,
        **cleaned,
    )
    return indicator


@transaction.atomic
def indicator_update(
    *,
    actor: User,
    indicator: Indicator,
    expected_version: int | None,
    changes: Mapping[str, Any],
) -> Indicator:
    _editable_measure(actor, indicator.measure)
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    check_version(locked, expected_version)
    current = {name: getattr(locked, name) for name in INDICATOR_FIELDS}
    cleaned = _indicator_values(current | dict(changes))
    for name in changes:
        setattr(locked, name, cleaned.get(name, getattr(locked, name)))
    locked.version += 1
    save_fields(locked, [*changes, "version"], actor=actor, reason="edited")
    return locked


@transaction.atomic
def indicator_delete(*, actor: User, indicator: Indicator, expected_version: int | None) -> None:
    _editable_measure(actor, indicator.measure)
    locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
    check_version(locked, expected_version)
    mark_change(locked, actor=actor, reason="deleted")
    locked.delete()
