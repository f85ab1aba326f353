"""The diagnosis document: what the page, its PDF and the approved snapshot show.

:func:`live_document` computes it from the data now (crime figures suppressed as for any
non-police member, so the shared document never carries incident-level counts); when the
diagnosis stage is approved, :func:`freeze_on_approval` (a receiver of the stage decision)
stores it, and :func:`document_for` returns the frozen one while the stage stays approved.

The live document is the same for every reader (it is built as for an anonymous reader), so
:func:`cached_live_document` keeps it whole, per language, under a digest of everything it
is computed from (:func:`document_key`): the contract's generation (moved by every write to
a contract-owned row), the incident data, the published statistics, the indicator matrix,
the contract's analysis runs and approved snapshots, and the small-count threshold. New data
change the key at once, so the page never shows a stale document.

The approved snapshot keeps the document's text in every language of the site (figure titles,
captions, labels, problems' evidence labels), beside the numbers it shares: each reader reads
the frozen document in their own language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation
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
    AnalysisRun,
    DiagnosisSnapshot,
    IncidentCount,
    IncidentDataset,
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
#: How long a whole live document is kept (its key changes with every input it is built from).
DOCUMENT_SECONDS = 3600
T = TypeVar("T")

#: Bump when what :func:`live_document` computes changes shape.
DOCUMENT_VERSION = 1
#: The parts of the figures every language shares (``aggregates.approved_items`` reads them).
SHARED_FIGURES = ("rows", "years", "threshold")


def _statistics_state() -> tuple[Any, ...]:
    """What the published statistics' figures are computed from, as cheap aggregates: the
    current data sets, the populations and the municipalities' boundaries."""
    return (
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
    )


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
        _statistics_state(),
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


def _aggregate(queryset: Any, **aggregates: Any) -> list[tuple[str, Any]]:
    return sorted(queryset.aggregate(**aggregates).items())


def document_key(contract: Contract) -> str:
    """The cache key of the contract's live document in the current language: a digest of
    the version of everything :func:`live_document` reads, from a few aggregate queries."""
    generation = (
        Contract.objects.filter(pk=contract.pk).values_list("updated_at", flat=True).first()
    )
    inputs = (
        DOCUMENT_VERSION,
        contract.pk,
        # Moved by every write to a row of the contract (problems, evidence, areas, local
        # indicators, stages and decisions), and by a rename of its municipality or axes.
        generation.isoformat() if generation else None,
        get_language(),
        settings.LOCALSAFETY_SMALL_COUNT_THRESHOLD,
        # The incident counts kept at import: every import and deletion changes these.
        _aggregate(
            IncidentDataset.objects.all(),
            n=Count("pk"),
            top=Max("pk"),
            at=Max("finished_at"),
        ),
        # Counts written without a data set of their own (a recount, a bulk load).
        _aggregate(IncidentCount.objects.all(), top=Max("pk")),
        _statistics_state(),
        IndicatorMatrix.objects.order_by("-version").values_list("pk", "version").first(),
        # Runs finish through a bulk update, which moves no generation.
        _aggregate(
            AnalysisRun.objects.filter(contract=contract),
            n=Count("pk"),
            top=Max("pk"),
            at=Max("finished_at"),
        ),
        # Approved tables are known figures of the live crime table's suppression (a new one
        # also moves the generation; this holds should one be written in bulk).
        _aggregate(
            DiagnosisSnapshot.objects.filter(contract=contract), n=Count("pk"), top=Max("pk")
        ),
    )
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()
    return f"diagnosis:document:{digest}"


def cached_live_document(contract: Contract) -> dict[str, Any]:
    """:func:`live_document`, kept in the cache under :func:`document_key`."""
    key = document_key(contract)
    found = cache.get(key)
    if found is None:
        found = live_document(contract)
        cache.set(key, found, timeout=DOCUMENT_SECONDS)
    return found  # type: ignore[no-any-return]


def _language_entry(translations: dict[str, Any]) -> dict[str, Any] | None:
    """The stored text of the reader's language (``pt-pt``, ``pt`` and ``pt-PT`` alike)."""
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    if language in translations:
        return translations[language]  # type: ignore[no-any-return]
    prefix = language.split("-")[0]
    for code, entry in translations.items():
        if code.split("-")[0] == prefix:
            return entry  # type: ignore[no-any-return]
    return None


def _frozen(snapshot: DiagnosisSnapshot) -> dict[str, Any]:
    """The approved document in the reader's language (a snapshot stored before the text was
    kept in every language reads as it was approved)."""
    stored = dict(snapshot.figures or {})
    translations = stored.pop("languages", None) or {}
    figures, problems = stored, snapshot.problems
    entry = _language_entry(translations)
    if entry is not None:
        names = entry.get("categories") or {}
        figures = {
            **stored,
            **entry["figures"],
            "rows": [
                {**row, "category_name": names.get(row["category_code"], row["category_name"])}
                for row in stored.get("rows") or []
            ],
        }
        problems = entry["problems"]
    return {
        "frozen": True,
        "approved_at": snapshot.approved_at,
        "matrix_version": snapshot.matrix_version,
        "figures": figures,
        "problems": problems,
    }


def _approved_document(contract: Contract) -> dict[str, Any] | None:
    stage = contract.stages.filter(kind=StageKind.DIAGNOSIS).first()
    if stage is not None and stage.status in (StageStatus.APPROVED, StageStatus.ENDORSED):
        snapshot = (
            DiagnosisSnapshot.objects.filter(contract=contract).order_by("-approved_at").first()
        )
        if snapshot is not None:
            return _frozen(snapshot)
    return None


def document_for(contract: Contract) -> dict[str, Any]:
    """The frozen document while the diagnosis stays approved, else the live one."""
    return _approved_document(contract) or cached_live_document(contract)


def document_with(
    contract: Contract, render: Callable[[dict[str, Any]], T]
) -> tuple[dict[str, Any], T]:
    """:func:`document_for` and what ``render`` (a module-level function of the document
    alone, in the current language) makes of it: for the live document both are kept in the
    cache under :func:`document_key`, so a warm page draws no figure again."""
    approved = _approved_document(contract)
    if approved is not None:
        return approved, render(approved)
    key = f"{document_key(contract)}:{render.__module__}.{render.__qualname__}"
    found = cache.get(key)
    if found is None:
        document = live_document(contract)
        found = (document, render(document))
        cache.set(key, found, timeout=DOCUMENT_SECONDS)
    return found  # type: ignore[no-any-return]


def _text_of(document: dict[str, Any]) -> dict[str, Any]:
    """A document's parts that depend on the language: everything but the shared numbers."""
    figures = document["figures"]
    return {
        "figures": {k: v for k, v in figures.items() if k not in SHARED_FIGURES},
        "categories": {row["category_code"]: row["category_name"] for row in figures["rows"]},
        "problems": document["problems"],
    }


@receiver(post_save, sender=StageDecision, dispatch_uid="diagnosis_freeze_on_approval")
def freeze_on_approval(sender: Any, instance: StageDecision, created: bool, **kwargs: Any) -> None:
    if not created or instance.status_after != StageStatus.APPROVED:
        return
    if instance.stage.kind != StageKind.DIAGNOSIS:
        return
    contract = instance.stage.contract
    # Computed afresh (not from the cache), in every language of the site.
    current = (get_language() or settings.LANGUAGE_CODE).lower()
    documents: dict[str, dict[str, Any]] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            documents[code.lower()] = live_document(contract)
    document = documents.get(current) or next(iter(documents.values()))
    figures = {
        **document["figures"],
        "languages": {code: _text_of(doc) for code, doc in documents.items()},
    }
    DiagnosisSnapshot.objects.create(
        contract_id=instance.contract_id,
        decision=instance,
        approved_at=instance.decided_at,
        matrix_version=document["matrix_version"],
        figures=figures,
        problems=document["problems"],
    )
