"""The data of the diagnosis document's figures: a trend chart, a seasonality heat grid, a
hot-spot grid map and a choropleth, each with its caption, provenance and text alternative.

Everything returned is JSON (numbers, strings, lists), already projected to drawing
coordinates, so the approved diagnosis stores it and draws the same figures later
(``figure_svg``) whatever data arrives after. Only aggregates are read: published statistics,
and the contract's latest finished *aggregate* analysis run, whose stored results are already
suppressed (counts below ``LOCALSAFETY_SMALL_COUNT_THRESHOLD`` hidden, the rest as bands,
coarse cells only, no points). The document is shared by every member, police included, so
it never carries incident-level figures.
"""

from __future__ import annotations

import json
import math
from typing import Any

import h3
import numpy as np
from django.utils.translation import gettext as _

from localsafety.analysis.trends import mann_kendall, poisson_trend
from localsafety.contracts.models import Contract
from localsafety.diagnosis.analysis_figures import provenance as run_provenance
from localsafety.diagnosis.models import (
    AnalysisRun,
    CrimeCategory,
    IndicatorKind,
    RunStatus,
    StatisticsDataset,
    StatisticValue,
)
from localsafety.territory.models import Area, AreaKind, AreaPopulation

MAP_WIDTH = 480
MAP_MAX_HEIGHT = 520


# --- provenance of published statistics ---------------------------------------------------


def statistics_provenance(years: list[int], provisional: list[int]) -> dict[str, Any]:
    datasets = list(
        StatisticsDataset.objects.filter(is_current=True, values__indicator=IndicatorKind.CRIMES)
        .distinct()
        .order_by("-created_at")
        .values_list("title", "publisher", "created_at")[:3]
    )
    if datasets:
        source = "; ".join(
            f"{title} ({publisher})" if publisher else title for title, publisher, _at in datasets
        )
    else:
        source = _("no published statistics imported")
    period = f"{years[0]}–{years[-1]}" if years else ""
    return {
        "source": _("Source: %(source)s; INE, Census 2021 residents.") % {"source": source},
        "period": period,
        "provisional": ", ".join(str(y) for y in provisional),
        "imported_at": datasets[0][2].date().isoformat() if datasets else None,
    }


# --- trend ----------------------------------------------------------------------------------


def _trend_text(years: list[int], crimes: list[Any], residents: list[Any], rates: list[Any]) -> str:
    known = [i for i, c in enumerate(crimes) if c is not None and residents[i]]
    if len(known) < 3:
        return _("Too few published years for a trend test.")
    t = np.array([years[i] for i in known], dtype=float)
    counts = np.array([crimes[i] for i in known], dtype=float)
    exposure = np.array([residents[i] for i in known], dtype=float)
    parts = []
    try:
        fit = poisson_trend(counts, t, exposure=exposure)
    except ValueError:
        fit = None
    if fit is not None:
        if fit.p_value < 0.05:
            direction = _("rising") if fit.rate_ratio > 1 else _("falling")
        else:
            direction = _("no significant trend")
        parts.append(
            _(
                "Trend %(first)s–%(last)s (log-linear Poisson regression, quasi-Poisson errors): "
                "%(direction)s, rate × %(ratio)s per year (95 per cent interval %(low)s–%(high)s), "
                "p = %(p)s."
            )
            % {
                "first": int(t[0]),
                "last": int(t[-1]),
                "direction": direction,
                "ratio": f"{fit.rate_ratio:.3f}",
                "low": f"{fit.rate_ratio_lower:.3f}",
                "high": f"{fit.rate_ratio_upper:.3f}",
                "p": f"{fit.p_value:.3f}",
            }
        )
    values = np.array([rates[i] for i in known], dtype=float)
    mk = mann_kendall(values, t)
    parts.append(
        _("Mann-Kendall: S = %(s)s, p = %(p)s; Sen's slope %(slope)s per 1,000 residents a year.")
        % {"s": f"{mk.s:.0f}", "p": f"{mk.p_value:.3f}", "slope": f"{mk.sen_slope:+.2f}"}
    )
    return " ".join(parts)


def trend_figure(rates: list[dict[str, Any]], municipality: str) -> dict[str, Any] | None:
    """The rate comparison's rows (``comparison.crime_rate_comparison``) as a line chart."""
    if not rates:
        return None
    years = sorted({row["year"] for row in rates})
    provisional = sorted({row["year"] for row in rates if row["provisional"]})
    names: list[str] = []
    for row in rates:
        if row["area"] not in names:
            names.append(row["area"])
    by = {(row["area"], row["year"]): row for row in rates}
    series: list[dict[str, Any]] = []
    for name in names:
        rows = [by.get((name, year)) for year in years]
        series.append(
            {
                "name": name,
                "rates": [None if r is None or r["rate"] is None else r["rate"] for r in rows],
                "crimes": [None if r is None else r["crimes"] for r in rows],
                "residents": [None if r is None else r["residents"] for r in rows],
            }
        )
    own = series[0]
    title = _(
        "Registered crime per 1,000 residents, %(first)s–%(last)s: %(area)s, its region "
        "and Portugal"
    ) % {
        "first": years[0],
        "last": years[-1],
        "area": municipality,
    }
    caption = _trend_text(years, own["crimes"], own["residents"], own["rates"])
    return {
        "title": title,
        "description": _(
            "Line chart of registered crimes per 1,000 residents by year for %(areas)s; "
            "the table below gives every value."
        )
        % {"areas": ", ".join(names)},
        "years": years,
        "provisional": provisional,
        "series": series,
        "caption": caption,
        "provenance": {
            **statistics_provenance(years, provisional),
            "method": _(
                "Crimes per 1,000 residents (Census 2021); region and country are sums of "
                "their municipalities; the trend tests read the municipality's series."
            ),
        },
    }


# --- the latest aggregate analysis run --------------------------------------------------------


def latest_aggregate_run(contract: Contract) -> AnalysisRun | None:
    """The contract's newest finished aggregate run (suppressed when stored; no points)."""
    return (
        AnalysisRun.objects.filter(
            contract=contract, police_organisation__isnull=True, status=RunStatus.DONE
        )
        .select_related("requested_by")
        .order_by("-finished_at", "-pk")
        .first()
    )


def _run_provenance(run: AnalysisRun) -> dict[str, Any]:
    found = run_provenance(run)
    return {
        "source": str(found["source"]),
        "period": str(found["period"]),
        "method": f"{found['grid']}; {found['audience']}",
        "run": run.pk,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def heat_figure(run: AnalysisRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    season = (run.results or {}).get("seasonality") or {}
    grid = season.get("grid")
    if not grid:
        return None
    return {
        "title": _("When crime happens: weekday by hour of the day"),
        "description": _(
            "Heat grid of incidents by weekday (rows) and hour (columns), shown as count bands; "
            "suppressed cells are grey. The table below gives every cell."
        ),
        "grid": grid,
        "bands": (run.results or {}).get("bands") or [],
        "caption": _(
            "Incidents weighted over their time range (aoristic), counted by weekday and hour "
            "in Lisbon time; small counts suppressed, the rest shown as bands."
        ),
        "provenance": {
            **_run_provenance(run),
            "method": _("Aoristic weekday × hour grid") + "; " + _run_provenance(run)["method"],
        },
    }


# --- geometry -------------------------------------------------------------------------------


def _rings(text: str) -> list[list[list[float]]]:
    """Every ring of a GeoJSON (Polygon, MultiPolygon, Feature, FeatureCollection) text."""
    if not text:
        return []
    data = json.loads(text)
    if data.get("type") == "FeatureCollection":
        found: list[list[list[float]]] = []
        for feature in data["features"]:
            found += _rings(json.dumps(feature))
        return found
    if data.get("type") == "Feature":
        data = data["geometry"] or {}
    if data.get("type") == "Polygon":
        return [list(ring) for ring in data["coordinates"]]
    if data.get("type") == "MultiPolygon":
        return [list(ring) for polygon in data["coordinates"] for ring in polygon]
    return []


class Projection:
    """Longitude/latitude to drawing units: equirectangular at the middle latitude, fitted to
    ``MAP_WIDTH`` (and at most ``MAP_MAX_HEIGHT``), north up."""

    def __init__(self, rings: list[list[list[float]]]) -> None:
        lons = [p[0] for ring in rings for p in ring]
        lats = [p[1] for ring in rings for p in ring]
        self.west, self.east = min(lons), max(lons)
        self.south, self.north = min(lats), max(lats)
        self.squash = math.cos(math.radians((self.south + self.north) / 2))
        span_x = max((self.east - self.west) * self.squash, 1e-9)
        span_y = max(self.north - self.south, 1e-9)
        margin = 6
        self.scale = min((MAP_WIDTH - 2 * margin) / span_x, (MAP_MAX_HEIGHT - 2 * margin) / span_y)
        self.margin = margin
        self.width = MAP_WIDTH
        self.height = math.ceil(span_y * self.scale + 2 * margin)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x = self.margin + (lon - self.west) * self.squash * self.scale
        y = self.margin + (self.north - lat) * self.scale
        return x, y

    def path(self, rings: list[list[list[float]]]) -> str:
        out = []
        for ring in rings:
            points = [self.point(p[0], p[1]) for p in ring]
            # Drop points closer than half a unit to the last kept: invisible, and it keeps the
            # stored document small.
            kept = [points[0]]
            for x, y in points[1:]:
                if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= 0.5:
                    kept.append((x, y))
            if len(kept) < 3:
                continue
            out.append("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in kept) + " Z")
        return " ".join(out)


# --- hot spots ------------------------------------------------------------------------------


def gi_bin(cell: dict[str, Any]) -> int:
    """The cell's Gi* class, -3 to 3 (99 / 95 / 90 per cent); runs stored before classes were
    kept give their FDR class at the run's alpha (0.05 by default: 95 per cent)."""
    if "gi_bin" in cell:
        return int(cell["gi_bin"])
    return {"hot": 2, "cold": -2}.get(cell.get("hotspot") or "", 0)


def hotspot_figure(run: AnalysisRun | None, contract: Contract) -> dict[str, Any] | None:
    if run is None:
        return None
    cells = (run.results or {}).get("cells") or []
    if not cells:
        return None
    outline_areas = [contract.municipality, *contract.areas.exclude(pk=contract.municipality_id)]
    outlines = [_rings(area.geometry) for area in outline_areas if area.geometry]
    cell_rings = {
        cell["cell"]: [[[lng, lat] for lat, lng in h3.cell_to_boundary(cell["cell"])]]
        for cell in cells
    }
    everything = [ring for rings in outlines for ring in rings] + [
        ring for rings in cell_rings.values() for ring in rings
    ]
    projection = Projection(everything)
    shown = []
    classes = {b: 0 for b in (3, 2, 1, 0, -1, -2, -3)}
    for cell in cells:
        klass = gi_bin(cell)
        classes[klass] += 1
        shown.append(
            {
                "cell": cell["cell"],
                "count": cell["count"],
                "bin": klass,
                "d": projection.path(cell_rings[cell["cell"]]),
            }
        )
    alpha = (run.results or {}).get("hotspot_summary", {}).get("alpha", 0.05)
    return {
        "title": _("Hot spots on the H3 grid (resolution %(r)s)") % {"r": run.resolution},
        "description": _(
            "Map of the territory's grid cells coloured by their Getis-Ord Gi* class (hot and "
            "cold spots at 99, 95 and 90 per cent confidence), with the territory's outline. "
            "The table below lists the cells by class."
        ),
        "size": [projection.width, projection.height],
        "cells": shown,
        "outlines": [projection.path(rings) for rings in outlines],
        "classes": [[b, n] for b, n in classes.items()],
        "caption": _(
            "Getis-Ord Gi* on incident counts per cell over the period (neighbours: the ring "
            "of adjacent cells), p-values corrected for the false-discovery rate (alpha "
            "%(alpha)s). Counts below the threshold are suppressed; others are bands."
        )
        % {"alpha": alpha},
        "provenance": _run_provenance(run),
    }


# --- choropleth -------------------------------------------------------------------------------


def class_breaks(values: list[float], classes: int = 5) -> list[float]:
    """Quantile breaks (inner edges, rounded to one decimal, increasing, no repeats)."""
    if not values:
        return []
    quantiles = np.quantile(np.array(values), [i / classes for i in range(1, classes)])
    breaks: list[float] = []
    for q in quantiles:
        edge = round(float(q), 1)
        if (not breaks or edge > breaks[-1]) and edge > round(min(values), 1):
            breaks.append(edge)
    return breaks


def class_of(value: float, breaks: list[float]) -> int:
    return int(np.searchsorted(np.array(breaks), value, side="right"))


def choropleth_figure(contract: Contract) -> dict[str, Any] | None:
    municipality = contract.municipality
    if not municipality.nuts2_code:
        return None
    areas = list(
        Area.objects.filter(
            kind=AreaKind.MUNICIPALITY,
            owner_contract__isnull=True,
            nuts2_code=municipality.nuts2_code,
        )
        .exclude(geometry="")
        .only("pk", "code", "name", "geometry")
        .order_by("name")
    )
    if not areas:
        return None
    total = CrimeCategory.objects.filter(level="total").first()
    values = list(
        StatisticValue.objects.filter(
            indicator=IndicatorKind.CRIMES,
            dataset__is_current=True,
            category=total,
            area_id__in=[a.pk for a in areas],
        ).values_list("area_id", "year", "value", "provisional")
    )
    own_years = sorted(
        {
            year
            for area_id, year, value, _p in values
            if area_id == municipality.pk and value is not None
        }
    )
    if not own_years:
        return None
    year = own_years[-1]
    crimes = {area_id: value for area_id, y, value, _p in values if y == year}
    provisional = any(p for _a, y, _v, p in values if y == year)
    residents: dict[int, int | None] = {}
    for area_id, people in (
        AreaPopulation.objects.filter(area_id__in=[a.pk for a in areas])
        .order_by("area_id", "year")
        .values_list("area_id", "population")
    ):
        residents[area_id] = people
    rates: dict[int, float | None] = {}
    for area in areas:
        count, living = crimes.get(area.pk), residents.get(area.pk)
        rates[area.pk] = float(count) / living * 1000 if count is not None and living else None
    breaks = class_breaks([r for r in rates.values() if r is not None])
    projection = Projection([ring for area in areas for ring in _rings(area.geometry)])
    shown = []
    for area in areas:
        rate = rates[area.pk]
        shown.append(
            {
                "code": area.code,
                "name": area.name,
                "rate": None if rate is None else rate,
                "crimes": None if crimes.get(area.pk) is None else int(crimes[area.pk]),  # type: ignore[arg-type]
                "residents": residents.get(area.pk),
                "class": None if rate is None else class_of(rate, breaks),
                "own": area.pk == municipality.pk,
                "d": projection.path(_rings(area.geometry)),
            }
        )
    edges = [f"{b:.1f}" for b in breaks]
    labels = []
    for i in range(len(breaks) + 1):
        if i == 0:
            labels.append(_("under %(b)s") % {"b": edges[0]} if edges else _("all"))
        elif i == len(breaks):
            labels.append(_("%(b)s or more") % {"b": edges[-1]})
        else:
            labels.append(f"{edges[i - 1]}–{edges[i]}")
    region = _("Region %(code)s") % {"code": municipality.nuts2_code}
    note = f" ({_('provisional')})" if provisional else ""
    return {
        "title": _(
            "Registered crime per 1,000 residents in %(year)s%(note)s: the municipalities of "
            "%(region)s"
        )
        % {"year": year, "note": note, "region": region},
        "description": _(
            "Map of the region's municipalities shaded by their registered crime rate in five "
            "quantile classes, %(area)s outlined; the table below gives every rate."
        )
        % {"area": municipality.name},
        "year": year,
        "provisional": provisional,
        "size": [projection.width, projection.height],
        "areas": shown,
        "breaks": breaks,
        "classes": labels,
        "caption": _("%(area)s is outlined in black. Classes are quantiles of the region's rates.")
        % {"area": municipality.name},
        "provenance": {
            **statistics_provenance([year], [year] if provisional else []),
            "method": _("Crimes per 1,000 residents (Census 2021); class breaks: quantiles."),
        },
    }
