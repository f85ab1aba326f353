"""Reads of the diagnosis, through the contract-owned querysets."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from localsafety.contracts.models import Axis, Contract
from localsafety.contracts.ownership import Need
from localsafety.diagnosis.models import Indicator, IndicatorMatrix, LocalIndicator, Problem


def problem_list(user: Any, contract: Contract) -> QuerySet[Problem]:
    """The contract's problems, most urgent first (unprioritised last)."""
    return (
        Problem.objects.visible_to(user, Need.RECORD)
        .of_contract(contract)
        .select_related("axis", "created_by")
    )


def problems_with_evidence(user: Any, contract: Contract) -> list[Problem]:
    """The contract's problems, each with ``evidence_views``: its evidence links' labels and
    URLs (``diagnosis.evidence.link_views``)."""
    from localsafety.diagnosis.evidence import problems_with_views
    from localsafety.diagnosis.models import ProblemEvidence

    links: QuerySet[ProblemEvidence] = ProblemEvidence.objects.visible_to(
        user, Need.RECORD
    ).select_related("run")
    problems = list(
        problem_list(user, contract).prefetch_related(Prefetch("evidence_links", queryset=links))
    )
    views = problems_with_views(contract, problems)
    for problem in problems:
        problem.evidence_views = views[problem.pk]  # type: ignore[attr-defined]
    return problems


def axes_of(contract: Contract) -> QuerySet[Axis]:
    """The axes a problem of ``contract`` may name: the contract's national axes and its own."""
    return Axis.objects.filter(contracts=contract) | Axis.objects.filter(contract=contract)


def current_matrix() -> IndicatorMatrix | None:
    """The newest version of the national indicator matrix (public reference data)."""
    return IndicatorMatrix.objects.order_by("-version").first()


def matrix_indicators(matrix: IndicatorMatrix | None) -> QuerySet[Indicator]:
    if matrix is None:
        return Indicator.objects.none()
    return matrix.indicators.all()


def local_indicator_list(user: Any, contract: Contract) -> QuerySet[LocalIndicator]:
    return LocalIndicator.objects.visible_to(user, Need.RECORD).of_contract(contract)
