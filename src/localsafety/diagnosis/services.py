"""Writes of the diagnosis: the problems found, and their priority.

The Operational Core (its member organisations and the lead organisation) records and edits
problems; only the Coordinating Committee's members set their priority. Every write names the
version it read (``core.locking``) and is kept in the history with who and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Axis, Contract
from localsafety.core.audit import create_validated, save_fields
from localsafety.core.errors import DomainError
from localsafety.core.locking import require_version
from localsafety.diagnosis.evidence import check_links
from localsafety.diagnosis.indicators import CRIME_CATEGORIES, FORMULAS
from localsafety.diagnosis.models import (
    Indicator,
    IndicatorMatrix,
    LocalIndicator,
    Problem,
    ProblemEvidence,
)
from localsafety.diagnosis.selectors import axes_of
from localsafety.organisations.models import User

MAX_PRIORITY = 99


def _require_core(actor: User, contract: Contract) -> None:
    if not scope_for(actor).in_operational_core(contract.pk):
        raise PermissionDenied(_("Only the contract's Operational Core records problems."))


def _check_axis(contract: Contract, axis: Axis | None) -> None:
    if axis is not None and not axes_of(contract).filter(pk=axis.pk).exists():
        raise DomainError(_("Choose one of the contract's intervention axes."), field="axis")


@transaction.atomic
def problem_create(
    *,
    actor: User,
    contract: Contract,
    title: str,
    description: str = "",
    axis: Axis | None = None,
    evidence: str = "",
    evidence_links: Iterable[str] = (),
) -> Problem:
    """Record a problem; ``evidence_links`` are keys of ``diagnosis.evidence`` (figures,
    indicators, aggregate runs and hot spots of the contract)."""
    _require_core(actor, contract)
    _check_axis(contract, axis)
    links = check_links(contract, evidence_links)
    problem = create_validated(
        Problem,
        actor=actor,
        reason="created",
        contract=contract,
        title=title,
        description=description,
        axis=axis,
        evidence=evidence,
        created_by=actor,
    )
    _store_links(problem, links)
    return problem


def _store_links(problem: Problem, links: list[ProblemEvidence]) -> None:
    """Replace the problem's evidence links (the contract copied from the problem)."""
    ProblemEvidence.objects.filter(problem=problem).delete()
    for link in links:
        link.problem = problem
        link.contract_id = problem.contract_id
        link.full_clean()
    ProblemEvidence.objects.bulk_create(links)


@transaction.atomic
def problem_update(
    *,
    actor: User,
    problem: Problem,
    expected_version: int | None,
    title: str,
    description: str,
    axis: Axis | None,
    evidence: str,
    evidence_links: Iterable[str] | None = None,
) -> Problem:
    """Correct a problem's text, axis or evidence (the Operational Core); not its priority.
    ``evidence_links`` replaces the linked evidence (None leaves it as it is)."""
    _require_core(actor, problem.contract)
    _check_axis(problem.contract, axis)
    links = None if evidence_links is None else check_links(problem.contract, evidence_links)
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    require_version(locked.version, expected_version)
    locked.title = title
    locked.description = description
    locked.axis = axis
    locked.evidence = evidence
    locked.version += 1
    save_fields(
        locked,
        ["title", "description", "axis", "evidence", "version"],
        actor=actor,
        reason="edited",
    )
    if links is not None:
        _store_links(locked, links)
    return locked


@transaction.atomic
def problem_prioritise(
    *, actor: User, problem: Problem, expected_version: int | None, priority: int | None
) -> Problem:
    """Set (or clear) a problem's priority: 1 is the most urgent. Committee members only."""
    if not scope_for(actor).can_decide_stage(problem.contract_id):
        raise PermissionDenied(_("Only the Coordinating Committee prioritises problems."))
    if priority is not None and not 1 <= priority <= MAX_PRIORITY:
        raise DomainError(
            _("The priority is a whole number from 1 to %(max)s.") % {"max": MAX_PRIORITY},
            field="priority",
        )
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    require_version(locked.version, expected_version)
    locked.priority = priority
    locked.version += 1
    save_fields(locked, ["priority", "version"], actor=actor, reason="prioritised")
    return locked


# --- the indicator matrix ------------------------------------------------------------------

INDICATOR_FIELDS = (
    "code",
    "name_en",
    "name_pt",
    "definition",
    "unit",
    "theme",
    "source",
    "formula",
    "parameter",
)


def _check_formula(values: dict[str, Any]) -> None:
    formula = FORMULAS.get(values.get("formula", ""))
    if formula is None:
        raise DomainError(_("Choose one of the computations the platform knows."), field="formula")
    parameter = values.get("parameter", "")
    if formula.needs_category and parameter not in CRIME_CATEGORIES:
        raise DomainError(_("This computation needs a crime category."), field="parameter")
    if not formula.needs_category and parameter:
        raise DomainError(_("This computation takes no crime category."), field="parameter")


@transaction.atomic
def indicator_matrix_change(
    *,
    actor: User,
    expected_version: int | None,
    note: str,
    replace: str | None = None,
    values: dict[str, Any],
) -> IndicatorMatrix:
    """Make a new version of the national matrix with one indicator added or changed.

    ``replace`` is the code of the indicator being changed (None adds one). National roles
    only. Earlier versions stay as they were: a diagnosis built on one keeps it.
    """
    if not scope_for(actor).is_national:
        raise PermissionDenied(_("Only national users set the national indicator matrix."))
    _check_formula(values)
    current = IndicatorMatrix.objects.select_for_update().order_by("-version").first()
    require_version(current.version if current else 0, expected_version)
    indicators = list(current.indicators.all()) if current else []
    codes = {indicator.code for indicator in indicators}
    if replace is not None and replace not in codes:
        raise DomainError(_("That indicator is not in the current matrix."))
    if values["code"] != replace and values["code"] in codes:
        raise DomainError(_("Another indicator already has this code."), field="code")
    matrix = create_validated(
        IndicatorMatrix,
        actor=actor,
        version=(current.version if current else 0) + 1,
        note=note,
        created_by=actor,
    )
    copies = []
    for old in indicators:
        fields = {name: getattr(old, name) for name in (*INDICATOR_FIELDS, "position")}
        if old.code == replace:
            fields.update(values)
        copies.append(Indicator(matrix=matrix, **fields))
    if replace is None:
        copies.append(Indicator(matrix=matrix, position=len(copies) + 1, **values))
    for indicator in copies:
        indicator.full_clean()
    Indicator.objects.bulk_create(copies)
    return matrix


@transaction.atomic
def local_indicator_create(
    *, actor: User, contract: Contract, values: dict[str, Any]
) -> LocalIndicator:
    """A contract adds an indicator of its own (the Operational Core)."""
    _require_core(actor, contract)
    _check_formula(values)
    if LocalIndicator.objects.filter(contract=contract, code=values["code"]).exists():
        raise DomainError(_("Another indicator already has this code."), field="code")
    position = LocalIndicator.objects.filter(contract=contract).count() + 1
    return create_validated(
        LocalIndicator,
        actor=actor,
        reason="created",
        contract=contract,
        created_by=actor,
        position=position,
        **values,
    )
