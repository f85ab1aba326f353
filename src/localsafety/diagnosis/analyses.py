"""The analyses of a contract's territory, computed from the crime data (issue 9, point 3).

``compute(run)`` reads what a run needs and hands it to the pure functions of
``localsafety.analysis``; it never writes. Counts per H3 cell come from the aggregates kept
current at import (``IncidentCount``), never from the incident table; only the heat grid
(which needs the time of day), the near-repeat test and the police point map read incident
rows, as arrays, in one query each.

What comes back is shaped for the run's audience (issue 9, point 4):

- a **police run** (``run.police_organisation`` set) reads that force's records only and
  keeps everything: z-scores, p-values, counts, the near-repeat table and points;
- an **aggregate run** reads every force's counts on a coarse grid (resolution 7 or 8) and
  keeps no points, no near-repeat table and no z-score; every count below
  ``LOCALSAFETY_SMALL_COUNT_THRESHOLD`` is suppressed, and when only one would be, the next
  smallest is too, so that it cannot be derived from a total; the others are shown as bands
  (10–24, 25–49, …), so that two runs over overlapping periods cannot give a small count of
  their difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import h3
import numpy as np
import pandas as pd
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from pyproj import Transformer
from shapely.geometry import shape

from localsafety.analysis import concentration, hotspots, nearrepeat, seasonality, stability
from localsafety.analysis.weights import h3_kring_weights
from localsafety.diagnosis.models import (
    AnalysisRun,
    CrimeCategory,
    DatasetStatus,
    Incident,
    IncidentCount,
    IncidentDataset,
)

Progress = Callable[[int, str], None]

#: Resolutions others than the owning police may see; the police may also use 9.
PUBLIC_RESOLUTIONS = (7, 8)
POLICE_RESOLUTIONS = (7, 8, 9)
DEFAULT_PARAMETERS: dict[str, Any] = {
    "k": 1,
    "alpha": 0.05,
    "permutations": 99,
    "seed": 20240101,
    "distance_edges_m": [100, 200, 300, 400],
    "time_edges_days": [7, 14, 21, 28],
    "knox_permutations": 99,
    "knox_max_incidents": 5000,
    "max_points": 2000,
}
_IN_CHUNK = 500
_TO_PT_TM06: dict[str, Transformer] = {}


class AnalysisImpossible(ValueError):
    """The run cannot be computed (no boundary, no cells); the message is for the user."""


@dataclass(frozen=True)
class Counts:
    cells: np.ndarray  # uint64, every cell of the territory, sorted
    period: np.ndarray  # count per cell over the period
    by_year: dict[int, np.ndarray]  # count per cell per calendar year touched


def small_count_threshold() -> int:
    return int(settings.LOCALSAFETY_SMALL_COUNT_THRESHOLD)


#: Upper edges of the bands that aggregate runs show instead of exact counts.
_BAND_EDGES = (25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000)


def band_edges(threshold: int) -> list[int]:
    """Lower edges of the count bands: the threshold, then 25, 50, 100, 250, …"""
    return [threshold, *(edge for edge in _BAND_EDGES if edge > threshold)]


def band_label(value: float, edges: list[int]) -> str:
    """The band holding ``value`` (at least the first edge): "10–24", …, "≥ 100000".

    Aggregate runs show bands, not counts: two runs over overlapping periods (2023–2024 and
    2024) would otherwise give a small count of the difference (2023) exactly; the difference
    of two bands is an interval at least as wide as the threshold.
    """
    position = int(np.searchsorted(edges, value, side="right")) - 1
    low = edges[max(position, 0)]
    if position + 1 < len(edges):
        return f"{low}–{edges[position + 1] - 1}"
    return f"≥ {low}"


def suppressed_mask(values: np.ndarray, threshold: int) -> np.ndarray:
    """Cells to hide: below the threshold (and above zero: an empty cell tells nothing that
    the grid does not), plus the next smallest when only one is hidden."""
    values = np.asarray(values, dtype=np.float64)
    hidden = (values > 0) & (values < threshold)
    if int(hidden.sum()) == 1:
        candidates = np.where(~hidden & (values > 0))[0]
        if len(candidates):
            hidden[candidates[np.argmin(values[candidates])]] = True
    return hidden


# --- what the run reads -------------------------------------------------------------------


def leaf_category_ids(codes: Iterable[str]) -> list[int]:
    """Ids of the leaves under the chosen nodes (every leaf when none is chosen)."""
    rows = list(CrimeCategory.objects.values_list("pk", "code", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pk, _code, parent in rows:
        children.setdefault(parent, []).append(pk)
    by_code = {code: pk for pk, code, _parent in rows}
    chosen = [by_code[code] for code in codes if code in by_code]
    if not chosen:
        chosen = [pk for pk, _code, parent in rows if parent is None]
    leaves: list[int] = []
    stack = list(chosen)
    while stack:
        node = stack.pop()
        below = children.get(node, [])
        if below:
            stack.extend(below)
        else:
            leaves.append(node)
    return sorted(set(leaves))


def territory_cells(run: AnalysisRun) -> np.ndarray:
    """Every H3 cell of the run's resolution whose centre lies in the contract's municipality."""
    geometry = run.contract.municipality.geometry
    if not geometry:
        raise AnalysisImpossible(
            _("The municipality's boundary is not loaded: the territory has no grid yet.")
        )
    polygon = shape(_geojson(geometry))
    cells = h3.geo_to_cells(polygon, run.resolution)
    if len(cells) < 3:
        raise AnalysisImpossible(_("The territory is too small for this grid resolution."))
    return np.sort(np.fromiter((h3.str_to_int(c) for c in cells), np.uint64, len(cells)))


def _geojson(text: str) -> dict[str, Any]:
    import json

    data = json.loads(text)
    if data.get("type") == "Feature":
        return dict(data["geometry"])
    if data.get("type") == "FeatureCollection":
        return dict(data["features"][0]["geometry"])
    return dict(data)


def _organisation_condition(run: AnalysisRun) -> Q:
    if run.police_organisation_id is None:
        return Q()
    return Q(organisation_id=run.police_organisation_id)


def cell_counts(run: AnalysisRun, cells: np.ndarray, category_ids: list[int]) -> Counts:
    """Counts per territory cell over the period's calendar years, and per year for the
    period's last year and the one before (hot-spot stability).

    Resolutions 7 and 8 come from ``IncidentCount`` (cells are counted by year there);
    resolution 9 is the owning force's alone and is counted from its own records (a police
    run only), as arrays in one query.
    """
    first_year, last_year = run.period_start.year, run.period_end.year
    years = range(min(first_year, last_year - 1), last_year + 1)
    if run.resolution == 9:
        frame = _finest_counts(run, category_ids, years)
    else:
        frame = _aggregate_counts(run, cells, category_ids, years)
    index = pd.Series(np.arange(len(cells)), index=cells.astype(np.int64))
    period = np.zeros(len(cells))
    by_year = {last_year - 1: np.zeros(len(cells)), last_year: np.zeros(len(cells))}
    if not frame.empty:
        position = index.reindex(frame["cell"].to_numpy(np.int64)).to_numpy()
        inside_territory = ~np.isnan(position)
        frame = frame[inside_territory]
        position = position[inside_territory].astype(np.int64)
        year = frame["year"].to_numpy(np.int64)
        counts = frame["count"].to_numpy(np.float64)
        in_period = (year >= first_year) & (year <= last_year)
        np.add.at(period, position[in_period], counts[in_period])
        for chosen_year, target in by_year.items():
            chosen = year == chosen_year
            np.add.at(target, position[chosen], counts[chosen])
    return Counts(cells, period, by_year)


def _aggregate_counts(
    run: AnalysisRun, cells: np.ndarray, category_ids: list[int], years: range
) -> pd.DataFrame:
    codes = [format(int(cell), "x") for cell in cells]
    base = IncidentCount.objects.filter(
        _organisation_condition(run),
        unit=f"h3_{run.resolution}",
        category_id__in=category_ids,
        year__gte=years.start,
        year__lt=years.stop,
    )
    rows: list[tuple[str, int, int]] = []
    for first in range(0, len(codes), _IN_CHUNK):
        chunk = codes[first : first + _IN_CHUNK]
        rows += list(base.filter(unit_code__in=chunk).values_list("unit_code", "year", "count"))
    frame = pd.DataFrame(rows, columns=["code", "year", "count"])
    frame["cell"] = [int(code, 16) for code in frame["code"]]
    return frame


def _finest_counts(run: AnalysisRun, category_ids: list[int], years: range) -> pd.DataFrame:
    """Resolution 9 from the force's own records (never counted in the aggregates)."""
    if run.police_organisation_id is None:
        raise AnalysisImpossible(_("Only the police may analyse the finest grid."))
    start = dt.datetime(years.start, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(years.stop, 1, 1, tzinfo=dt.UTC)
    rows = list(
        Incident.objects.filter(
            organisation_id=run.police_organisation_id,
            occurred_from__gte=start,
            occurred_from__lt=end,
            category_id__in=category_ids,
            h3_9__isnull=False,
        )
        .order_by()
        .values_list("h3_9", "occurred_from")
    )
    if not rows:
        return pd.DataFrame({"cell": [], "year": [], "count": []})
    local = _local(row[1] for row in rows)
    frame = pd.DataFrame(
        {
            "cell": np.array([row[0] for row in rows], dtype=np.int64),
            "year": local.astype("datetime64[Y]").astype(np.int64) + 1970,
        }
    )
    return frame.groupby(["cell", "year"]).size().reset_index(name="count")


def _incidents(run: AnalysisRun, category_ids: list[int]) -> Any:
    start = dt.datetime.combine(run.period_start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(run.period_end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return Incident.objects.filter(
        _organisation_condition(run),
        municipality_id=run.contract.municipality_id,
        category_id__in=category_ids,
        occurred_from__gte=start,
        occurred_from__lt=end,
    ).order_by()


def _local(values: Iterable[dt.datetime]) -> np.ndarray:
    index = pd.DatetimeIndex(list(values))
    if index.tz is None:
        index = index.tz_localize("UTC")
    local: np.ndarray = index.tz_convert("Europe/Lisbon").tz_localize(None).to_numpy()
    return local


def datasets_used(run: AnalysisRun) -> list[dict[str, Any]]:
    """Provenance: the finished data sets whose records overlap the period.

    A police run names the files (its own force's); an aggregate run names only the force,
    the source and the period (file names are the force's record).
    """
    queryset = (
        IncidentDataset.objects.filter(_organisation_condition(run), status=DatasetStatus.DONE)
        .exclude(period_end__lt=run.period_start)
        .exclude(period_start__gt=run.period_end)
        .select_related("organisation", "source")
        .order_by("organisation_id", "period_start", "pk")
    )
    used = []
    for dataset in queryset:
        entry: dict[str, Any] = {
            "organisation": dataset.organisation.short_name or dataset.organisation.name,
            "from": dataset.period_start.isoformat() if dataset.period_start else None,
            "to": dataset.period_end.isoformat() if dataset.period_end else None,
        }
        if run.is_police:
            entry.update(
                {
                    "id": dataset.pk,
                    "source": dataset.source.name,
                    "file": dataset.original_name,
                    "checksum": dataset.checksum,
                    "imported_at": dataset.created_at.isoformat(),
                }
            )
        used.append(entry)
    return used


# --- the analyses ---------------------------------------------------------------------------


def _hot_spots(counts: Counts, parameters: dict[str, Any]) -> dict[str, np.ndarray]:
    k = int(parameters["k"])
    alpha = float(parameters["alpha"])
    weights = h3_kring_weights(counts.cells, k, include_self=True)
    values = counts.period
    if float(values.std()) == 0:
        zeros = np.zeros(len(values))
        return {
            "z": zeros,
            "p": np.ones(len(values)),
            "q": np.ones(len(values)),
            "class": np.zeros(len(values), dtype=np.int8),
            "bin": np.zeros(len(values), dtype=np.int8),
            "lisa": np.zeros(len(values), dtype=np.int8),
            "lisa_significant": np.zeros(len(values), dtype=bool),
        }
    gi = hotspots.getis_ord_gi_star(values, weights)
    fdr = hotspots.benjamini_hochberg(gi.p_value, alpha)
    lisa_weights = h3_kring_weights(counts.cells, k, include_self=False, transform="row")
    lisa = hotspots.local_moran(
        values,
        lisa_weights,
        permutations=int(parameters["permutations"]),
        seed=int(parameters["seed"]),
    )
    p_sim = lisa.p_sim if lisa.p_sim is not None else lisa.p_value
    return {
        "z": gi.z,
        "p": gi.p_value,
        "q": fdr.q_values,
        "class": (np.sign(gi.z) * fdr.rejected).astype(np.int8),
        "bin": confidence_bins(gi.z, fdr.q_values),
        "lisa": lisa.quadrant,
        "lisa_significant": hotspots.benjamini_hochberg(p_sim, alpha).rejected,
    }


def confidence_bins(z: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Gi* classes as hot-spot maps show them: the sign of z times 3, 2 or 1 when the
    FDR-adjusted p-value is below 0.01, 0.05 or 0.10 (99, 95, 90 per cent), else 0."""
    q = np.asarray(q, dtype=np.float64)
    level = np.where(q < 0.01, 3, np.where(q < 0.05, 2, np.where(q < 0.10, 1, 0)))
    bins: np.ndarray = (np.sign(np.asarray(z)) * level).astype(np.int8)
    return bins


def _stability(counts: Counts, parameters: dict[str, Any]) -> dict[str, Any] | None:
    years = sorted(counts.by_year)
    before, after = counts.by_year[years[0]], counts.by_year[years[1]]
    if float(before.std()) == 0 or float(after.sum()) == 0:
        return None
    weights = h3_kring_weights(counts.cells, int(parameters["k"]), include_self=True)
    gi = hotspots.getis_ord_gi_star(before, weights)
    hot = hotspots.hot_and_cold_spots(gi, float(parameters["alpha"])) > 0
    if not hot.any():
        return {"hot_year": years[0], "crime_year": years[1], "hotspots": 0}
    result = stability.pai_pei(after, hot)
    return {
        "hot_year": years[0],
        "crime_year": years[1],
        "hotspots": int(hot.sum()),
        "hit_rate": _round(result.hit_rate),
        "area_share": _round(result.area_share),
        "pai": _round(result.pai),
        "pei": _round(result.pei),
    }


def _concentration(values: np.ndarray) -> dict[str, Any] | None:
    if float(values.sum()) == 0:
        return None
    lorenz = concentration.lorenz_curve(values)
    # At most 101 points: the curve is drawn, not read cell by cell.
    step = max(1, len(lorenz.places) // 100)
    points = list(range(0, len(lorenz.places), step))
    if points[-1] != len(lorenz.places) - 1:
        points.append(len(lorenz.places) - 1)
    return {
        "places": len(values),
        "top_1": _round(concentration.top_share(values, 0.01)),
        "top_5": _round(concentration.top_share(values, 0.05)),
        "gini": _round(concentration.gini(values)),
        "lorenz": [[_round(lorenz.places[i]), _round(lorenz.crime[i])] for i in points],
    }


def _seasonality(run: AnalysisRun, category_ids: list[int]) -> dict[str, Any]:
    rows = list(_incidents(run, category_ids).values_list("occurred_from", "occurred_to"))
    if not rows:
        return {"grid": [[0.0] * 24 for _ in range(7)], "records": 0, "ranged": 0}
    starts = _local(row[0] for row in rows)
    ends = _local(row[1] for row in rows)
    grid = seasonality.aoristic_weekday_hour(starts, ends)
    return {
        "grid": np.round(grid, 2).tolist(),
        "records": len(rows),
        "ranged": int((ends != starts).sum()),
    }


def _projected(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if "t" not in _TO_PT_TM06:
        _TO_PT_TM06["t"] = Transformer.from_crs("EPSG:4326", "EPSG:3763", always_xy=True)
    x, y = _TO_PT_TM06["t"].transform(lon, lat)
    return np.asarray(x), np.asarray(y)


def _located(run: AnalysisRun, category_ids: list[int], limit: int) -> list[tuple[Any, ...]]:
    return list(
        _incidents(run, category_ids)
        .filter(lon__isnull=False, lat__isnull=False)
        .order_by("-occurred_from", "-pk")
        .values_list("lon", "lat", "occurred_from", "category__code", "category__is_sensitive")[
            :limit
        ]
    )


def _near_repeat(rows: list[tuple[Any, ...]], parameters: dict[str, Any]) -> dict[str, Any] | None:
    if len(rows) < 3:
        return None
    lon = np.array([row[0] for row in rows], dtype=np.float64)
    lat = np.array([row[1] for row in rows], dtype=np.float64)
    x, y = _projected(lon, lat)
    times = _local(row[2] for row in rows).astype("datetime64[s]")
    table = nearrepeat.knox_test(
        x,
        y,
        times,
        distance_edges=parameters["distance_edges_m"],
        time_edges_days=parameters["time_edges_days"],
        permutations=int(parameters["knox_permutations"]),
        seed=int(parameters["seed"]),
    )
    return {
        "incidents": len(rows),
        "distance_edges_m": [float(e) for e in table.distance_edges],
        "time_edges_days": [float(e) for e in table.time_edges_days],
        "observed": table.observed.tolist(),
        "expected": np.round(table.expected, 2).tolist(),
        "ratio": [[_round(v) for v in row] for row in table.ratio],
        "p_value": np.round(table.p_value, 4).tolist(),
        "permutations": table.permutations,
    }


def _round(value: float, digits: int = 4) -> float | None:
    value = float(value)
    if not np.isfinite(value):
        return None
    return round(value, digits)


LISA_NAMES = {0: "", **hotspots.QUADRANT_NAMES}


def _cells(counts: Counts, spots: dict[str, np.ndarray], *, police: bool) -> list[dict[str, Any]]:
    values = counts.period
    hidden = (
        np.zeros(len(values), dtype=bool)
        if police
        else suppressed_mask(values, small_count_threshold())
    )
    cells = []
    for i, cell in enumerate(counts.cells):
        spot = int(spots["class"][i])
        level = int(spots["bin"][i])
        if values[i] == 0 and spot == 0 and level == 0:
            continue
        entry: dict[str, Any] = {
            "cell": format(int(cell), "x"),
            "count": None if hidden[i] else _shown(values[i], police=police),
            "hotspot": {1: "hot", -1: "cold", 0: ""}[spot],
            "gi_bin": level,
            "lisa": LISA_NAMES[int(spots["lisa"][i])] if spots["lisa_significant"][i] else "",
        }
        if police:
            entry.update(
                {
                    "z": _round(spots["z"][i]),
                    "p": _round(spots["p"][i], 6),
                    "q": _round(spots["q"][i], 6),
                }
            )
        cells.append(entry)
    return cells


def _shown(value: float, *, police: bool) -> int | str:
    if police:
        return int(value)
    return band_label(value, band_edges(small_count_threshold()))


def _suppressed_grid(grid: list[list[float]]) -> list[list[str | None]]:
    flat = np.asarray(grid, dtype=np.float64).ravel()
    hidden = suppressed_mask(flat, small_count_threshold())
    edges = band_edges(small_count_threshold())
    shown: list[str | None] = [
        None if h else band_label(v, edges) for v, h in zip(flat, hidden, strict=True)
    ]
    return [shown[day * 24 : (day + 1) * 24] for day in range(7)]


def compute(run: AnalysisRun, progress: Progress) -> dict[str, Any]:
    """Every analysis of ``run``, shaped for its audience (see the module docstring)."""
    police = run.is_police
    if not police and run.resolution not in PUBLIC_RESOLUTIONS:
        raise AnalysisImpossible(_("Only the police may analyse the finest grid."))
    parameters = {**DEFAULT_PARAMETERS, **(run.parameters or {})}
    category_ids = leaf_category_ids(run.categories)
    progress(5, _("Building the territory's grid"))
    cells = territory_cells(run)
    progress(15, _("Reading the counts per cell"))
    counts = cell_counts(run, cells, category_ids)
    progress(35, _("Finding hot spots"))
    spots = _hot_spots(counts, parameters)
    progress(55, _("Measuring concentration and stability"))
    results: dict[str, Any] = {
        "resolution": run.resolution,
        # Cells are counted by calendar year (the aggregates keep cells by year).
        "cell_years": [min(run.period_start.year, run.period_end.year), run.period_end.year],
        "cells": _cells(counts, spots, police=police),
        "hotspot_summary": {
            "cells": len(cells),
            "hot": int((spots["class"] > 0).sum()),
            "cold": int((spots["class"] < 0).sum()),
            "alpha": parameters["alpha"],
        },
        "concentration": _concentration(counts.period),
        "stability": _stability(counts, parameters),
    }
    progress(70, _("Building the weekly heat grid"))
    season = _seasonality(run, category_ids)
    if police:
        results["seasonality"] = season
        results["total"] = int(counts.period.sum())
        progress(80, _("Testing for near repeats"))
        recent = _located(run, category_ids, int(parameters["knox_max_incidents"]))
        results["near_repeat"] = _near_repeat(recent, parameters)
        results["points"] = [
            {
                "lon": round(float(row[0]), 6),
                "lat": round(float(row[1]), 6),
                "at": row[2].isoformat(),
                "category": row[3],
            }
            for row in recent[: int(parameters["max_points"])]
        ]
    else:
        results["seasonality"] = {"grid": _suppressed_grid(season["grid"])}
    results["threshold"] = None if police else small_count_threshold()
    if not police:
        results["bands"] = band_edges(small_count_threshold())
    progress(95, _("Storing the results"))
    return results
