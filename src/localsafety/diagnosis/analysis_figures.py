"""What the analysis pages draw and download, from a run's stored results.

Everything here reads ``run.results``, which holds only what the run's audience may see
(``diagnosis.analyses``): the map, the SVG figures, the CSV and the GeoJSON downloads of one
run therefore show the same, equally suppressed, figures. SVG geometry is computed here as
numbers; the templates write the elements (no chart library, no script).
"""

from __future__ import annotations

import functools
from typing import Any

import h3
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localsafety.diagnosis.analyses import band_label
from localsafety.diagnosis.models import AnalysisRun

WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
HEAT_CELL = 22
HEAT_LEFT = 90
HEAT_TOP = 24
LORENZ_SIZE = 240
LORENZ_MARGIN = 36


@functools.lru_cache(maxsize=200_000)
def cell_ring(cell: str) -> list[list[float]]:
    """A cell's closed boundary as [lon, lat] pairs; cells never change, so kept per process
    (callers only serialise it, never change it)."""
    ring = [[round(lng, 6), round(lat, 6)] for lat, lng in h3.cell_to_boundary(cell)]
    return [*ring, ring[0]]


def cell_features(run: AnalysisRun) -> dict[str, Any]:
    """The run's cells as GeoJSON polygons (``h3.cell_to_boundary``), with their figures."""
    words = {
        "suppressed": _("suppressed"),
        "hot": _("hot spot"),
        "cold": _("cold spot"),
        "incidents": _("incidents: %(n)s"),
    }
    features = []
    for cell in (run.results or {}).get("cells", []):
        code = cell["cell"]
        properties = dict(cell)
        del properties["cell"]
        properties["code"] = properties["name"] = code
        properties["category"] = cell["hotspot"] or "cell"
        properties["label"] = cell_label(cell, words)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [cell_ring(code)]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def cell_label(cell: dict[str, Any], words: dict[str, str]) -> str:
    count = words["suppressed"] if cell["count"] is None else str(cell["count"])
    first = words["incidents"] % {"n": count}
    kind = words.get(cell["hotspot"]) if cell["hotspot"] else None
    return f"{first} · {kind}" if kind else first


def point_features(run: AnalysisRun) -> dict[str, Any]:
    """Incident points (police runs only hold any)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point["lon"], point["lat"]]},
                "properties": {"category": point["category"], "at": point["at"]},
            }
            for point in (run.results or {}).get("points", [])
        ],
    }


def _blend(share: float) -> str:
    """White to dark red."""
    share = min(max(share, 0.0), 1.0)
    red = round(255 - share * (255 - 140))
    other = round(255 - share * 255)
    return f"#{red:02x}{other:02x}{other:02x}"


def heat_grid(run: AnalysisRun) -> dict[str, Any] | None:
    """The 7 x 24 grid as SVG markup, written here in one pass: numbers in SVG attributes
    must not be localised (a decimal comma breaks them), and 168 cells rendered through the
    template language would cost more than the rest of the page."""
    grid = ((run.results or {}).get("seasonality") or {}).get("grid")
    if not grid:
        return None
    bands = (run.results or {}).get("bands")
    if bands:
        # An aggregate run's grid holds bands: shaded by the band's rank.
        labels = [band_label(edge, bands) for edge in bands]
        rank = {label: (i + 1) / len(labels) for i, label in enumerate(labels)}
        top = 1.0
    else:
        rank = {}
        shown = [value for row in grid for value in row if value is not None]
        top = max(shown) if shown else 0.0
    days = [str(name) for name in WEEKDAYS]
    escaped = [str(escape(name)) for name in days]
    hidden = str(escape(_("suppressed")))
    size = HEAT_CELL
    width, height = HEAT_LEFT + 24 * size + 4, HEAT_TOP + 7 * size + 4
    parts = [
        f'<text x="{HEAT_LEFT + h * size + size // 2}" y="14" font-size="10" '
        f'text-anchor="middle">{h}h</text>'
        for h in range(0, 24, 3)
    ]
    parts += [
        f'<text x="4" y="{HEAT_TOP + d * size + 15}" font-size="10">{name}</text>'
        for d, name in enumerate(escaped)
    ]
    for day, row in enumerate(grid):
        for hour, value in enumerate(row):
            if value is None:
                colour, text = "#d0d4d9", hidden
            elif isinstance(value, str):
                colour, text = _blend(rank.get(value, 1.0)), escape(value)
            else:
                colour, text = _blend(value / top if top else 0.0), f"{value:.1f}"
            parts.append(
                f'<rect x="{HEAT_LEFT + hour * size}" y="{HEAT_TOP + day * size}" '
                f'width="{size}" height="{size}" fill="{colour}" stroke="#ffffff">'
                f"<title>{escaped[day]} {hour:02d}:00 — {text}</title></rect>"
            )
    return {
        "svg": mark_safe("".join(parts)),  # noqa: S308 - every text above is escaped
        "width": width,
        "height": height,
        "rows": list(zip(days, grid, strict=True)),
        "top": top,
    }


def lorenz(run: AnalysisRun) -> dict[str, Any] | None:
    found = (run.results or {}).get("concentration")
    if not found:
        return None
    size, margin = LORENZ_SIZE, LORENZ_MARGIN
    points = " ".join(
        f"{margin + x * size:.1f},{margin + (1 - y) * size:.1f}"
        for x, y in found["lorenz"]
        if x is not None and y is not None
    )
    return {
        "points": points,
        "size": size,
        "margin": margin,
        "total": size + 2 * margin,
        "end": margin + size,
        **found,
    }


def knox_rows(run: AnalysisRun) -> list[dict[str, Any]]:
    """The Knox table by distance band (rows) and time band (columns), labelled."""
    table = (run.results or {}).get("near_repeat")
    if not table:
        return []
    d_edges = [0.0, *table["distance_edges_m"]]
    rows = []
    for r, observed in enumerate(table["observed"]):
        if r < len(table["distance_edges_m"]):
            label = f"{d_edges[r]:g}–{d_edges[r + 1]:g} m"
        else:
            label = f"> {d_edges[-1]:g} m"
        rows.append(
            {
                "label": label,
                "cells": [
                    {
                        "observed": observed[c],
                        "expected": table["expected"][r][c],
                        "ratio": table["ratio"][r][c],
                        "p": table["p_value"][r][c],
                    }
                    for c in range(len(observed))
                ],
            }
        )
    return rows


def knox_columns(run: AnalysisRun) -> list[str]:
    table = (run.results or {}).get("near_repeat")
    if not table:
        return []
    t_edges = [0.0, *table["time_edges_days"]]
    labels = [f"{t_edges[i]:g}–{t_edges[i + 1]:g} d" for i in range(len(t_edges) - 1)]
    return [*labels, f"> {t_edges[-1]:g} d"]


def _grid_text(run: AnalysisRun) -> str:
    years = (run.results or {}).get("cell_years")
    if not years:
        return _("H3 resolution %(r)s") % {"r": run.resolution}
    return _("H3 resolution %(r)s, cells counted over the calendar years %(first)s–%(last)s") % {
        "r": run.resolution,
        "first": years[0],
        "last": years[1],
    }


def provenance(run: AnalysisRun) -> dict[str, Any]:
    """Source, period and method, shown beneath every figure and sent with the API."""
    if run.datasets:
        forces = sorted({entry["organisation"] for entry in run.datasets})
        source = _("Police incident records (%(forces)s), %(count)s data set(s)") % {
            "forces": ", ".join(forces),
            "count": len(run.datasets),
        }
    else:
        source = _("Police incident records (no data set covers the period)")
    audience = (
        _("police run: this force's records only")
        if run.is_police
        else _("aggregate run: counts below %(n)s suppressed")
        % {"n": (run.results or {}).get("threshold")}
    )
    return {
        "source": source,
        "period": f"{run.period_start:%Y-%m-%d} – {run.period_end:%Y-%m-%d}",
        "grid": _grid_text(run),
        "audience": audience,
        "requested_by": run.requested_by.get_full_name() or run.requested_by.get_username(),
        "finished_at": run.finished_at,
        "parameters": run.parameters,
    }
