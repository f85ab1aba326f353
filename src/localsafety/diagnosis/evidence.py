"""The evidence a problem links to (issue 9, point 5): a figure of the diagnosis document, an
indicator of the filled matrix, an aggregate analysis run of the contract, or a hot spot (a
significant hot cell of such a run).

A link is written as one string, its *key* (``figure:trend``, ``indicator:<code>``,
``run:<id>``, ``hotspot:<run id>:<cell>``): the problem form's checkboxes carry keys, the API
takes objects and turns them into keys. :func:`check_links` validates keys for a contract and
returns the records to store; :func:`link_views` gives each stored link its label and URL, as
the problems page, the document, its PDF and the approved snapshot show them. Labels of hot
spots carry only what the run stored for every member (suppressed counts, bands).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from localsafety.contracts.models import Contract
from localsafety.core.errors import DomainError
from localsafety.diagnosis.figure_data import gi_bin
from localsafety.diagnosis.models import (
    AnalysisRun,
    DocumentFigure,
    EvidenceKind,
    LocalIndicator,
    ProblemEvidence,
    RunStatus,
)
from localsafety.diagnosis.selectors import current_matrix, matrix_indicators

#: How many of the contract's newest aggregate runs the problem form offers (with their hot
#: cells); a link to an older run stays offered on the problems that have it.
FORM_RUNS = 5

CONFIDENCE = {3: "99 %", 2: "95 %", 1: "90 %"}


@dataclass(frozen=True)
class LinkView:
    key: str
    kind: str
    label: str
    url: str


def evidence_runs(contract: Contract) -> Any:
    """The contract's finished aggregate runs (every member may read them; never a police
    run, whose results are for its force only)."""
    return AnalysisRun.objects.filter(
        contract=contract, police_organisation__isnull=True, status=RunStatus.DONE
    ).order_by("-finished_at", "-pk")


def indicator_names(contract: Contract) -> dict[str, str]:
    """Code → name of the current national matrix's indicators and the contract's own."""
    names = {i.code: str(i) for i in matrix_indicators(current_matrix())}
    for local in LocalIndicator.objects.filter(contract=contract):
        names.setdefault(local.code, str(local))
    return names


def hot_cells(run: AnalysisRun) -> list[dict[str, Any]]:
    """The run's significant hot cells (Gi* class above zero), most significant first."""
    cells = [c for c in (run.results or {}).get("cells") or [] if gi_bin(c) > 0]
    return sorted(cells, key=lambda c: (-gi_bin(c), c["cell"]))


def run_label(run: AnalysisRun) -> str:
    return _("Analysis run %(id)s: %(start)s to %(end)s (H3 resolution %(r)s)") % {
        "id": run.pk,
        "start": run.period_start.isoformat(),
        "end": run.period_end.isoformat(),
        "r": run.resolution,
    }


def hotspot_label(cell: dict[str, Any]) -> str:
    """ "Hot spot 99 % — cell 8839336…, 10–24 incidents" (the count as the run stored it for
    every member: a band, or hidden)."""
    confidence = CONFIDENCE.get(gi_bin(cell), "")
    short = f"{cell['cell'][:8]}…"
    if cell.get("count") is None:
        return _("Hot spot %(confidence)s — cell %(cell)s, incidents hidden") % {
            "confidence": confidence,
            "cell": short,
        }
    return _("Hot spot %(confidence)s — cell %(cell)s, %(count)s incidents") % {
        "confidence": confidence,
        "cell": short,
        "count": cell["count"],
    }


def _document_url(contract: Contract, anchor: str) -> str:
    return reverse("diagnosis:document", args=[contract.pk]) + f"#{anchor}"


def _run_url(contract: Contract, run_id: int, cell: str = "") -> str:
    url = reverse("analyses:run", args=[contract.pk, run_id])
    return f"{url}#cell-{cell}" if cell else url


def check_links(contract: Contract, keys: Iterable[str]) -> list[ProblemEvidence]:
    """The (unsaved) evidence records the keys name, or DomainError on the first that does
    not belong to the contract: a figure the document does not have, an indicator code of
    neither the current matrix nor the contract's own, a run of another contract, a police
    run or one not finished, a cell that is not a significant hot cell of its run."""
    out: list[ProblemEvidence] = []
    seen: set[str] = set()
    runs: dict[int, AnalysisRun | None] = {}
    names: dict[str, str] | None = None

    def run_of(text: str) -> AnalysisRun:
        if not text.isdigit() or len(text) > 12:
            raise DomainError(_("Choose one of the contract's aggregate analysis runs."))
        run_id = int(text)
        if run_id not in runs:
            runs[run_id] = evidence_runs(contract).filter(pk=run_id).first()
        found = runs[run_id]
        if found is None:
            raise DomainError(_("Choose one of the contract's aggregate analysis runs."))
        return found

    for key in keys:
        if key in seen:
            continue
        seen.add(key)
        kind, _sep, rest = str(key).partition(":")
        position = len(out)
        if kind == EvidenceKind.FIGURE:
            if rest not in DocumentFigure.values:
                raise DomainError(_("Choose one of the document's figures."))
            out.append(ProblemEvidence(kind=kind, figure=rest, position=position))
        elif kind == EvidenceKind.INDICATOR:
            names = indicator_names(contract) if names is None else names
            if rest not in names:
                raise DomainError(
                    _("Choose an indicator of the current matrix or of the contract.")
                )
            out.append(ProblemEvidence(kind=kind, indicator_code=rest, position=position))
        elif kind == EvidenceKind.RUN:
            out.append(ProblemEvidence(kind=kind, run=run_of(rest), position=position))
        elif kind == EvidenceKind.HOTSPOT:
            run_text, _sep, cell = rest.partition(":")
            run = run_of(run_text)
            if cell not in {c["cell"] for c in hot_cells(run)}:
                raise DomainError(_("Choose a significant hot cell of the analysis run."))
            out.append(ProblemEvidence(kind=kind, run=run, cell=cell, position=position))
        else:
            raise DomainError(_("Unknown kind of evidence."))
    return out


def link_views(
    contract: Contract,
    links: Iterable[ProblemEvidence],
    names: dict[str, str] | None = None,
) -> list[LinkView]:
    """Label and URL of each stored link (figures and indicators: their anchors in the
    document; runs: the run page; hot spots: the run page at the cell). ``names`` are the
    indicators' (:func:`indicator_names`), read here when not given and needed."""
    links = list(links)
    if names is None:
        names = (
            indicator_names(contract)
            if any(link.kind == EvidenceKind.INDICATOR for link in links)
            else {}
        )
    out = []
    for link in links:
        if link.kind == EvidenceKind.FIGURE:
            label = str(DocumentFigure(link.figure).label)
            url = _document_url(contract, f"figure-{link.figure}")
        elif link.kind == EvidenceKind.INDICATOR:
            name = names.get(link.indicator_code, link.indicator_code)
            label = _("Indicator: %(name)s") % {"name": name}
            url = _document_url(contract, f"indicator-{link.indicator_code}")
        elif link.kind == EvidenceKind.RUN:
            assert link.run is not None
            label = run_label(link.run)
            url = _run_url(contract, link.run.pk)
        else:
            assert link.run is not None
            cell = next((c for c in hot_cells(link.run) if c["cell"] == link.cell), None)
            label = hotspot_label(cell or {"cell": link.cell, "count": None})
            label = f"{label} ({run_label(link.run)})"
            url = _run_url(contract, link.run.pk, link.cell)
        out.append(LinkView(key=link.key, kind=link.kind, label=label, url=url))
    return out


def problems_with_views(contract: Contract, problems: list[Any]) -> dict[int, list[LinkView]]:
    """Problem id → the views of its evidence links, for ``problems`` fetched with
    ``prefetch_related("evidence_links__run")`` (the indicators' names read once)."""
    links = {p.pk: list(p.evidence_links.all()) for p in problems}
    kinds = {link.kind for found in links.values() for link in found}
    names = indicator_names(contract) if EvidenceKind.INDICATOR in kinds else {}
    return {pk: link_views(contract, found, names) for pk, found in links.items()}


def evidence_choices(
    contract: Contract, linked: Iterable[ProblemEvidence] = ()
) -> dict[str, list[tuple[str, str]]]:
    """The problem form's choices, kind → [(key, label)]: the four figures, the indicators,
    the newest aggregate runs (and any run already linked) and their hot cells."""
    linked = list(linked)
    runs = list(evidence_runs(contract)[:FORM_RUNS])
    have = {run.pk for run in runs}
    extra = {link.run_id for link in linked if link.run_id and link.run_id not in have}
    if extra:
        runs += list(evidence_runs(contract).filter(pk__in=extra))
    return {
        EvidenceKind.FIGURE: [(f"figure:{f.value}", str(f.label)) for f in DocumentFigure],
        EvidenceKind.INDICATOR: [
            (f"indicator:{code}", name) for code, name in indicator_names(contract).items()
        ],
        EvidenceKind.RUN: [(f"run:{run.pk}", run_label(run)) for run in runs],
        EvidenceKind.HOTSPOT: [
            (f"hotspot:{run.pk}:{cell['cell']}", f"{hotspot_label(cell)} ({run_label(run)})")
            for run in runs
            for cell in hot_cells(run)
        ],
    }
