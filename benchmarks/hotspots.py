"""Hot-spot benchmark: Getis-Ord Gi* on H3 cells, ours beside PySAL esda in the same run.

Generates incidents over mainland Portugal (default 5,000,000; ``BENCH_HOTSPOT_INCIDENTS``
for fewer), counts them per H3 resolution-9 cell and, on every non-empty cell with binary
k = 1 weights (self included), times:

1. ``localsafety.analysis.hotspots.getis_ord_gi_star`` (analytic) plus Benjamini-Hochberg FDR,
   beside ``esda.G_Local(star=True, transform="B", permutations=0)`` plus ``esda.fdr`` on the
   same cells and weights (target: at least 20x faster, z-scores equal to 1e-9);
2. both with ``BENCH_HOTSPOT_PERMUTATIONS`` conditional permutations (default 999; 0 skips),
   esda with ``n_jobs=1`` like ours (both on one core). esda's randomisation is written for
   numba; without numba it runs as plain Python, and the output says so.

Incidents: a mixture around 36 mainland towns (weighted by population), 2,000 street-scale
hot spots in them, and 2,500 villages spread over the mainland (a coarse outline), all
seeded (``BENCH_HOTSPOT_SEED``). Results go to ``benchmarks/results/hotspots.json``.
Run alone: ``BENCH_HOTSPOT_INCIDENTS=200000 .venv/bin/python benchmarks/hotspots.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from localsafety.analysis.hotspots import benjamini_hochberg, getis_ord_gi_star  # noqa: E402
from localsafety.analysis.weights import h3_kring_weights  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "hotspots.json"
RESOLUTION = 9
TARGET_SPEEDUP = 20.0
Z_TOLERANCE = 1e-9
T = TypeVar("T")

# name, latitude, longitude, resident population (thousands, Census 2021, rounded)
TOWNS = [
    ("Lisboa", 38.722, -9.139, 545), ("Porto", 41.150, -8.611, 232),
    ("Vila Nova de Gaia", 41.124, -8.612, 304), ("Amadora", 38.754, -9.230, 171),
    ("Sintra", 38.800, -9.378, 385), ("Cascais", 38.697, -9.421, 214),
    ("Loures", 38.831, -9.168, 201), ("Odivelas", 38.793, -9.183, 148),
    ("Oeiras", 38.691, -9.311, 171), ("Almada", 38.679, -9.157, 177),
    ("Seixal", 38.640, -9.102, 166), ("Barreiro", 38.663, -9.072, 78),
    ("Setúbal", 38.524, -8.888, 123), ("Matosinhos", 41.182, -8.689, 172),
    ("Maia", 41.236, -8.620, 141), ("Gondomar", 41.140, -8.532, 164),
    ("Braga", 41.545, -8.427, 193), ("Guimarães", 41.444, -8.296, 156),
    ("Vila Nova de Famalicão", 41.409, -8.519, 134), ("Coimbra", 40.203, -8.410, 140),
    ("Leiria", 39.744, -8.807, 129), ("Aveiro", 40.640, -8.654, 80),
    ("Viseu", 40.657, -7.914, 99), ("Faro", 37.019, -7.930, 67),
    ("Loulé", 37.138, -8.020, 73), ("Albufeira", 37.089, -8.250, 44),
    ("Portimão", 37.138, -8.538, 59), ("Évora", 38.571, -7.909, 53),
    ("Beja", 38.015, -7.863, 33), ("Santarém", 39.236, -8.687, 58),
    ("Castelo Branco", 39.822, -7.491, 52), ("Guarda", 40.537, -7.268, 40),
    ("Bragança", 41.806, -6.757, 34), ("Vila Real", 41.300, -7.744, 50),
    ("Viana do Castelo", 41.693, -8.834, 86), ("Portalegre", 39.297, -7.428, 22),
]  # fmt: skip

# A coarse outline of mainland Portugal (longitude, latitude), for placing villages.
MAINLAND = [
    (-8.87, 41.87), (-8.20, 42.15), (-8.08, 42.05), (-7.90, 41.87), (-7.45, 41.95),
    (-7.20, 41.88), (-6.90, 41.98), (-6.55, 41.95), (-6.19, 41.58), (-6.50, 41.30),
    (-6.80, 41.05), (-6.93, 40.90), (-6.83, 40.60), (-6.95, 40.25), (-7.00, 40.00),
    (-7.30, 39.65), (-7.35, 39.40), (-7.05, 38.90), (-7.20, 38.45), (-6.95, 38.20),
    (-7.45, 37.80), (-7.50, 37.55), (-7.41, 37.18), (-7.93, 37.00), (-8.95, 37.00),
    (-8.80, 37.60), (-8.88, 37.95), (-8.80, 38.40), (-9.20, 38.42), (-9.50, 38.78),
    (-9.40, 39.37), (-9.08, 39.60), (-8.87, 40.15), (-8.75, 40.64), (-8.68, 41.15),
    (-8.85, 41.70),
]  # fmt: skip

KM_PER_DEGREE_LAT = 111.2


def timed(function: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def _offsets(
    rng: np.random.Generator, lat: np.ndarray, sd_km: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian offsets in degrees around ``lat`` with ``sd_km`` kilometres."""
    n = len(lat)
    dlat = rng.normal(0.0, 1.0, n) * sd_km / KM_PER_DEGREE_LAT
    dlon = rng.normal(0.0, 1.0, n) * sd_km / (KM_PER_DEGREE_LAT * np.cos(np.radians(lat)))
    return dlat, dlon


def generate_incidents(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of ``count`` incidents (see the module docstring)."""
    import shapely

    rng = np.random.default_rng(seed)
    town_lat = np.array([t[1] for t in TOWNS])
    town_lon = np.array([t[2] for t in TOWNS])
    population = np.array([t[3] for t in TOWNS], dtype=float)
    town_p = population / population.sum()
    town_sd = np.clip(0.35 * np.sqrt(population), 1.2, 5.0)

    hot_town = rng.choice(len(TOWNS), size=2000, p=town_p)
    dlat, dlon = _offsets(rng, town_lat[hot_town], town_sd[hot_town] / 2)
    hot_lat, hot_lon = town_lat[hot_town] + dlat, town_lon[hot_town] + dlon
    hot_p = 1.0 / np.arange(1, 2001) ** 0.5
    hot_p /= hot_p.sum()

    outline = shapely.Polygon(MAINLAND)
    lon0, lat0, lon1, lat1 = outline.bounds
    candidates_lon = rng.uniform(lon0, lon1, 20000)
    candidates_lat = rng.uniform(lat0, lat1, 20000)
    inside = shapely.contains_xy(outline, candidates_lon, candidates_lat)
    village_lat, village_lon = candidates_lat[inside][:2500], candidates_lon[inside][:2500]

    part = rng.multinomial(count, [0.55, 0.35, 0.10])
    lats, lons = [], []
    chosen = rng.choice(len(TOWNS), size=part[0], p=town_p)
    dlat, dlon = _offsets(rng, town_lat[chosen], town_sd[chosen])
    lats.append(town_lat[chosen] + dlat)
    lons.append(town_lon[chosen] + dlon)
    chosen = rng.choice(len(hot_lat), size=part[1], p=hot_p)
    dlat, dlon = _offsets(rng, hot_lat[chosen], 0.12)
    lats.append(hot_lat[chosen] + dlat)
    lons.append(hot_lon[chosen] + dlon)
    chosen = rng.integers(0, len(village_lat), size=part[2])
    dlat, dlon = _offsets(rng, village_lat[chosen], 0.4)
    lats.append(village_lat[chosen] + dlat)
    lons.append(village_lon[chosen] + dlon)
    return np.concatenate(lats), np.concatenate(lons)


def count_per_cell(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-empty resolution-9 cells (64-bit ids) and their incident counts."""
    import h3.api.basic_int as h3_int

    to_cell = h3_int.latlng_to_cell
    cells = np.fromiter(
        (to_cell(a, b, RESOLUTION) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)),
        np.uint64,
        len(lat),
    )
    unique, counts = np.unique(cells, return_counts=True)
    return unique, counts.astype(np.float64)


def esda_weights(binary_without_self: Any) -> Any:
    """The same neighbours as a libpysal ``W`` (esda's usual input)."""
    import libpysal

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands: isolated non-empty cells
        return libpysal.weights.WSP(binary_without_self).to_W(silence_warnings=True)


def numba_note() -> str:
    if importlib.util.find_spec("numba") is None:
        return (
            "numba is NOT installed: esda's conditional randomisation falls back to plain "
            "Python (libpysal.common.jit is a no-op), one site at a time"
        )
    from importlib.metadata import version

    return (
        f"numba {version('numba')} is installed: esda's conditional randomisation is compiled "
        "(compiled once on a small problem before it is timed)"
    )


def warm_up_esda(esda: Any, seed: int) -> None:
    """Compile esda's numba functions on a tiny problem, so that its timing is the run's."""
    if importlib.util.find_spec("numba") is None:
        return
    import libpysal

    w = libpysal.weights.lat2W(5, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = np.arange(25, dtype=np.float64)
        esda.G_Local(values, w, transform="B", star=True, permutations=9, seed=seed, n_jobs=1)


def main() -> int:
    incidents = int(os.environ.get("BENCH_HOTSPOT_INCIDENTS", "5000000"))
    permutations = int(os.environ.get("BENCH_HOTSPOT_PERMUTATIONS", "999"))
    seed = int(os.environ.get("BENCH_HOTSPOT_SEED", "20260101"))
    import esda

    print(f"[hot spots] {incidents:,} incidents, H3 resolution {RESOLUTION}", flush=True)
    (lat, lon), generate_s = timed(lambda: generate_incidents(incidents, seed))
    (cells, counts), count_s = timed(lambda: count_per_cell(lat, lon))
    n = len(cells)
    print(
        f"[hot spots] generated in {generate_s:.1f} s; counted in {count_s:.1f} s: "
        f"{n:,} non-empty cells (max {int(counts.max())} incidents in one)",
        flush=True,
    )
    weights, weights_s = timed(lambda: h3_kring_weights(cells, 1, include_self=True))
    without_self, _ = timed(lambda: h3_kring_weights(cells, 1, include_self=False))
    islands = int((np.diff(without_self.indptr) == 0).sum())
    print(
        f"[hot spots] our k=1 weights from h3.grid_disk: {weights_s:.2f} s "
        f"({weights.nnz:,} entries; {islands:,} cells have no non-empty neighbour)",
        flush=True,
    )
    w_esda, w_esda_s = timed(lambda: esda_weights(without_self))
    print(f"[hot spots] libpysal W from the same neighbours: {w_esda_s:.2f} s", flush=True)

    def ours_analytic() -> tuple[Any, Any]:
        result = getis_ord_gi_star(counts, weights)
        return result, benjamini_hochberg(result.p_value, 0.05)

    # One warm-up on a slice (imports, first-touch allocations), then the timed run.
    getis_ord_gi_star(counts[:100], weights[:100, :100])
    (ours, ours_fdr), ours_s = timed(ours_analytic)

    def esda_analytic() -> tuple[Any, float]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = esda.G_Local(counts, w_esda, transform="B", star=True, permutations=0)
            return g, esda.fdr(2 * g.p_norm, 0.05)

    (theirs, esda_cut), esda_s = timed(esda_analytic)
    z_diff = float(np.max(np.abs(ours.z - theirs.Zs)))
    # esda.fdr returns the BH line's cut-off (Bonferroni's when every test is rejected):
    # the same cells fall at or below it as are rejected here.
    same_rejections = bool(np.array_equal(ours_fdr.rejected, 2 * theirs.p_norm <= esda_cut))
    speedup = esda_s / ours_s
    analytic_ok = speedup >= TARGET_SPEEDUP and z_diff <= Z_TOLERANCE and same_rejections
    print(
        f"[hot spots] Gi* analytic + FDR: ours {ours_s:.3f} s, esda {esda_s:.3f} s "
        f"-> {speedup:.1f}x (target >= {TARGET_SPEEDUP:.0f}x); "
        f"max |z ours - z esda| = {z_diff:.1e} (target <= {Z_TOLERANCE:.0e}); "
        f"{int(ours_fdr.rejected.sum()):,} cells significant at FDR 5 % "
        f"({'the same cells' if same_rejections else 'NOT the same cells'} as under "
        f"esda.fdr's cut-off {esda_cut:.2e}); {'PASS' if analytic_ok else 'FAIL'}",
        flush=True,
    )
    record: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_end": None,
        },
        "incidents": incidents,
        "cells": n,
        "islands": islands,
        "generate_s": round(generate_s, 2),
        "count_s": round(count_s, 2),
        "our_weights_s": round(weights_s, 3),
        "libpysal_w_s": round(w_esda_s, 3),
        "analytic": {
            "ours_s": round(ours_s, 4),
            "esda_s": round(esda_s, 4),
            "speedup": round(speedup, 1),
            "max_abs_z_difference": z_diff,
            "fdr_significant": int(ours_fdr.rejected.sum()),
            "fdr_same_cells_as_esda": same_rejections,
            "pass": analytic_ok,
        },
        "numba": numba_note(),
    }

    if permutations > 0:
        print(f"[hot spots] {numba_note()}", flush=True)
        warm_up_esda(esda, seed)
        cpu_started = time.process_time()
        perm_ours, perm_ours_s = timed(
            lambda: getis_ord_gi_star(counts, weights, permutations=permutations, seed=seed)
        )
        ours_cores = (time.process_time() - cpu_started) / perm_ours_s
        print(
            f"[hot spots] ours, {permutations} permutations: {perm_ours_s:.2f} s, "
            f"one core at most (CPU time / wall {ours_cores:.2f}): esda runs with n_jobs=1, the "
            "same one core",
            flush=True,
        )

        def esda_permutations() -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return esda.G_Local(
                    counts,
                    w_esda,
                    transform="B",
                    star=True,
                    permutations=permutations,
                    seed=seed,
                    n_jobs=1,
                    keep_simulations=False,
                )

        perm_esda, perm_esda_s = timed(esda_permutations)
        assert perm_ours.p_sim is not None
        with_neighbours = np.diff(without_self.indptr) > 0
        ours_p = perm_ours.p_sim[with_neighbours]
        esda_p = np.asarray(perm_esda.p_sim, dtype=np.float64)[with_neighbours]
        # Two independent estimates of one p: each has sd ~ sqrt(p (1 - p) / P).
        p_mid = (ours_p + esda_p) / 2
        sd = np.sqrt(2 * p_mid * (1 - p_mid) / permutations) + 1 / (permutations + 1)
        within = float(np.mean(np.abs(ours_p - esda_p) <= 4 * sd))
        perm_ok = perm_ours_s <= perm_esda_s
        print(
            f"[hot spots] Gi* with {permutations} permutations: ours {perm_ours_s:.2f} s, "
            f"esda {perm_esda_s:.2f} s (n_jobs=1) -> {perm_esda_s / perm_ours_s:.1f}x; "
            f"p_sim mean ours {ours_p.mean():.4f} / esda {esda_p.mean():.4f}, "
            f"{within:.2%} of cells within 4 sd of each other; "
            f"{'PASS' if perm_ok else 'FAIL'} (no slower than esda)",
            flush=True,
        )
        record["permutations"] = {
            "count": permutations,
            "ours_s": round(perm_ours_s, 3),
            "ours_cores_used": round(ours_cores, 2),
            "esda_n_jobs": 1,
            "esda_s": round(perm_esda_s, 3),
            "speedup": round(perm_esda_s / perm_ours_s, 1),
            "p_sim_mean_ours": round(float(ours_p.mean()), 5),
            "p_sim_mean_esda": round(float(esda_p.mean()), 5),
            "share_within_4_sd": round(within, 5),
            "pass": perm_ok,
        }
    record["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"[hot spots] results: {RESULTS.relative_to(REPO)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
