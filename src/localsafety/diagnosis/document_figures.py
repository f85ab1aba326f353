"""The document's figures ready to show: SVG, caption, provenance lines and a text alternative
(a table), built from the document's stored figure data. The page and the PDF both read
:func:`document_figures`, so they show the same figures with the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from localsafety.core.dates import prose_date
from localsafety.diagnosis.analyses import band_label
from localsafety.diagnosis.analysis_figures import WEEKDAYS
from localsafety.diagnosis.figure_svg import (
    choropleth_svg,
    gi_label,
    heat_svg,
    hotspot_svg,
    trend_svg,
)


@dataclass
class Table:
    head: list[str]
    rows: list[list[str]]
    #: Wide tables (the heat grid) are folded away in the page and left out of the PDF.
    wide: bool = False


@dataclass
class Figure:
    key: str
    title: str
    svg: str
    caption: str
    provenance: list[str]
    table: Table
    notes: list[str] = field(default_factory=list)


def rate_text(value: float | None) -> str:
    """One decimal, rounded (Django's number_format truncates), in the page's language."""
    return "—" if value is None else str(floatformat(value, 1))


def _date(value: str | None) -> str:
    if not value:
        return ""
    parsed = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    return prose_date(parsed)


def provenance_lines(found: dict[str, Any]) -> list[str]:
    lines = [str(found.get("source", ""))]
    if found.get("period"):
        lines.append(_("Period: %(period)s.") % {"period": found["period"]})
    if found.get("provisional"):
        lines.append(_("Provisional: %(years)s.") % {"years": found["provisional"]})
    if found.get("method"):
        lines.append(_("Method: %(method)s.") % {"method": str(found["method"]).rstrip(".")})
    if found.get("finished_at"):
        lines.append(_("Analysis run of %(date)s.") % {"date": _date(found["finished_at"])})
    elif found.get("imported_at"):
        lines.append(_("Imported on %(date)s.") % {"date": _date(found["imported_at"])})
    return [line for line in lines if line]


def _trend(figure: dict[str, Any]) -> Figure:
    provisional = set(figure["provisional"])
    head = [_("Area"), *(f"{y}*" if y in provisional else str(y) for y in figure["years"])]
    rows = [[s["name"], *(rate_text(v) for v in s["rates"])] for s in figure["series"]]
    notes = [_("* provisional")] if provisional else []
    return Figure(
        "trend",
        figure["title"],
        trend_svg(figure),
        figure["caption"],
        provenance_lines(figure["provenance"]),
        Table(head, rows),
        notes,
    )


def _heat(figure: dict[str, Any]) -> Figure:
    days = [str(day) for day in WEEKDAYS]
    hidden = _("suppressed")
    rows = [
        [days[d], *(hidden if v is None else str(v) for v in row)]
        for d, row in enumerate(figure["grid"])
    ]
    bands = figure.get("bands") or []
    notes = []
    if bands:
        labels = ", ".join(band_label(edge, bands) for edge in bands)
        notes.append(_("Bands: %(bands)s.") % {"bands": labels})
    return Figure(
        "heat",
        figure["title"],
        heat_svg(figure, days),
        figure["caption"],
        provenance_lines(figure["provenance"]),
        Table([_("Weekday"), *(f"{h}h" for h in range(24))], rows, wide=True),
        notes,
    )


def _hotspots(figure: dict[str, Any]) -> Figure:
    significant = sorted(
        (c for c in figure["cells"] if c["bin"] != 0), key=lambda c: (-c["bin"], c["cell"])
    )
    rows = [
        [c["cell"], _("suppressed") if c["count"] is None else str(c["count"]), gi_label(c["bin"])]
        for c in significant
    ]
    notes = [
        "; ".join(f"{gi_label(b)}: {n}" for b, n in figure["classes"] if n),
    ]
    return Figure(
        "hotspots",
        figure["title"],
        hotspot_svg(figure),
        figure["caption"],
        provenance_lines(figure["provenance"]),
        Table([_("Cell"), _("Incidents"), _("Class")], rows),
        notes,
    )


def _choropleth(figure: dict[str, Any]) -> Figure:
    classes = figure["classes"]
    rows = [
        [
            area["name"] + (" ◆" if area["own"] else ""),
            "—" if area["crimes"] is None else str(area["crimes"]),
            "—" if area["residents"] is None else str(area["residents"]),
            rate_text(area["rate"]),
            _("unpublished") if area["class"] is None else classes[area["class"]],
        ]
        for area in figure["areas"]
    ]
    return Figure(
        "choropleth",
        figure["title"],
        choropleth_svg(figure),
        figure["caption"],
        provenance_lines(figure["provenance"]),
        Table(
            [
                _("Municipality"),
                _("Crimes registered"),
                _("Residents"),
                _("Per 1,000 residents"),
                _("Class"),
            ],
            rows,
        ),
    )


def document_figures(document: dict[str, Any]) -> list[Figure]:
    """The document's figures in reading order (those without data left out)."""
    figures = document.get("figures") or {}
    builders = (
        ("trend", _trend),
        ("choropleth", _choropleth),
        ("heat", _heat),
        ("hotspots", _hotspots),
    )
    return [build(figures[key]) for key, build in builders if figures.get(key)]


def indicator_value_text(value: float | None) -> str:
    return rate_text(value)


@dataclass
class IndicatorLine:
    name: str
    code: str
    local: bool
    unit: str
    source: str
    formula: str
    year: str
    values: list[str]
    computable: bool
    reason: str
    note: str


def indicator_lines(document: dict[str, Any]) -> tuple[list[str], list[IndicatorLine], str]:
    """The filled matrix as rows of text: (column names, rows, provenance)."""
    matrix = (document.get("figures") or {}).get("indicators")
    if not matrix:
        return [], [], ""
    columns = [name for _key, name in matrix["columns"]]
    keys = [key for key, _name in matrix["columns"]]
    lines = []
    for row in matrix["rows"]:
        year = ""
        if row["year"]:
            year = f"{row['year']} ({_('provisional')})" if row["provisional"] else str(row["year"])
        lines.append(
            IndicatorLine(
                name=row["name"],
                code=row["code"],
                local=row["local"],
                unit=row["unit"],
                source=row["source"],
                formula=row["formula"],
                year=year,
                values=[indicator_value_text(row["values"].get(key)) for key in keys],
                computable=row["computable"],
                reason=row["reason"],
                note=row["note"],
            )
        )
    return columns, lines, str(matrix.get("provenance", ""))
