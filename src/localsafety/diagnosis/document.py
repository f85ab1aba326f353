"""The diagnosis document: what the page, its PDF and the approved snapshot show.

:func:`live_document` computes it from the data now (crime figures suppressed as for any
non-police member, so the shared document never carries incident-level counts); when the
diagnosis stage is approved, :func:`freeze_on_approval` (a receiver of the stage decision)
stores it, and :func:`document_for` returns the frozen one while the stage stays approved.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import get_language

from localsafety.contracts.models import Contract, StageDecision, StageKind, StageStatus
from localsafety.diagnosis.aggregates import contract_crime_table
from localsafety.diagnosis.comparison import crime_rate_comparison
from localsafety.diagnosis.evidence import problems_with_views
from localsafety.diagnosis.figure_data import (
    choropleth_figure,
    heat_figure,
    hotspot_figure,
    latest_aggregate_run,
    trend_figure,
)
from localsafety.diagnosis.indicator_values import filled_matrix
from localsafety.diagnosis.models import (
    DiagnosisSnapshot,
    IndicatorMatrix,
    LocalIndicator,
    Problem,
    StatisticsDataset,
)
from localsafety.diagnosis.selectors import current_matrix, matrix_indicators
from localsafety.territory.models import Area, AreaKind, AreaPopulation

#: How long the figures of published statistics are kept: new data change their key at once;
#: this bounds what a change the key cannot see (a boundary rewritten in bulk) may leave.
PUBLISHED_FIGURES_SECONDS = 3600


def _published_figures(
    contract: Contract, matrix: IndicatorMatrix | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The filled matrix and the choropleth, kept in the cache under a digest of what they
    are computed from (current data sets, populations, municipalities, the contract's areas
    and indicators): reading and projecting a region's boundaries and summing every
    municipality's series is most of the page's time, and these change only on an import."""
    national = list(matrix_indicators(matrix))
    local = list(LocalIndicator.objects.filter(contract=contract))
    inputs = (
        2,  # bump when the computation changes
        contract.pk,
        contract.municipality_id,
        get_language(),
        sorted(contract.areas.values_list("pk", flat=True)),
        list(
            StatisticsDataset.objects.filter(is_current=True)
            .order_by("pk")
            .values_list("pk", "finished_at", "created_count")
        ),
        sorted(
            AreaPopulation.objects.aggregate(
                n=Count("pk"),
                people=Sum("population"),
                young=Sum("population_under15"),
                old=Sum("population_65plus"),
            ).items()
        ),
        sorted(
            Area.objects.filter(kind=AreaKind.MUNICIPALITY)
            .aggregate(n=Count("pk"), at=Max("updated_at"))
            .items()
        ),
        [(i.pk, i.formula, i.parameter) for i in national],
        [(i.pk, i.version, i.formula, i.parameter, i.name_en, i.name_pt) for i in local],
    )
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()
    key = f"diagnosis:published-figures:{digest}"
    found = cache.get(key)
    if found is None:
        found = (filled_matrix(contract, national, local), choropleth_figure(contract))
        cache.set(key, found, timeout=PUBLISHED_FIGURES_SECONDS)
    return found  # type: ignore[no-any-return]


def live_document(contract: Contract) -> dict[str, Any]:
    table = contract_crime_table(AnonymousUser(), contract)
    rates, rates_provenance = crime_rate_comparison(contract.municipality)
    matrix = current_matrix()
    problems = list(
        Problem.objects.filter(contract=contract)
        .select_related("axis")
        .prefetch_related("evidence_links__run")
    )
    evidence = problems_with_views(contract, problems)
    rate_rows = [asdict(row) for row in rates]
    run = latest_aggregate_run(contract)
    indicators, choropleth = _published_figures(contract, matrix)
    return {
        "frozen": False,
        "approved_at": None,
        "matrix_version": matrix.version if matrix else None,
        "figures": {
            "rows": [asdict(row) for row in table.rows],
            "years": table.years,
            "threshold": table.threshold,
            "provenance": str(table.provenance),
            "rates": rate_rows,
            "rates_provenance": str(rates_provenance),
            # The document's figures and the filled matrix, as data: the approved snapshot
            # stores them, so an approved diagnosis draws the same figures for ever.
            "trend": trend_figure(rate_rows, contract.municipality.name),
            "heat": heat_figure(run),
            "hotspots": hotspot_figure(run, contract),
            "choropleth": choropleth,
            "indicators": indicators,
        },
        "problems": [
            {
                "title": p.title,
                "description": p.description,
                "axis": str(p.axis) if p.axis else "",
                "evidence": p.evidence,
                # Labels and URLs as of now: the approved snapshot keeps them as they were.
                "evidence_links": [
                    {"kind": view.kind, "label": view.label, "url": view.url}
                    for view in evidence[p.pk]
                ],
                "priority": p.priority,
            }
            for p in problems
        ],
    }


def document_for(contract: Contract) -> dict[str, Any]:
    """The frozen document while the diagnosis stays approved, else the live one."""
    stage = contract.stages.filter(kind=StageKind.DIAGNOSIS).first()
    if stage is not None and stage.status in (StageStatus.APPROVED, StageStatus.ENDORSED):
        snapshot = (
            DiagnosisSnapshot.objects.filter(contract=contract).order_by("-approved_at").first()
        )
        if snapshot is not None:
            return {
                "frozen": True,
                "approved_at": snapshot.approved_at,
                "matrix_version": snapshot.matrix_version,
                "figures": snapshot.figures,
                "problems": snapshot.problems,
            }
    return live_document(contract)


@receiver(post_save, sender=StageDecision, dispatch_uid="diagnosis_freeze_on_approval")
def freeze_on_approval(sender: Any, instance: StageDecision, created: bool, **kwargs: Any) -> None:
    if not created or instance.status_after != StageStatus.APPROVED:
        return
    if instance.stage.kind != StageKind.DIAGNOSIS:
        return
    document = live_document(instance.stage.contract)
    DiagnosisSnapshot.objects.create(
        contract_id=instance.contract_id,
        decision=instance,
        approved_at=instance.decided_at,
        matrix_version=document["matrix_version"],
        figures=document["figures"],
        problems=document["problems"],
    )
