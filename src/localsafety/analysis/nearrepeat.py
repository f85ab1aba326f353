"""Near-repeat analysis: the Knox test over distance and time bands, with Monte-Carlo inference.

Every pair of incidents is classified by how far apart they are (distance bands) and how long
apart they happened (time bands). If incidents close in space also tend to be close in time
(a burglary followed by others next door within days), the close-close cells hold more pairs
than chance. Chance is simulated by shuffling the times among the places (Knox 1964; Johnson
et al. 2007; the Near Repeat Calculator of Ratcliffe 2009): the pairs' distances stay, their
time gaps are redrawn.

Bands are given by their *upper* edges and include them: with distance edges
``[100, 200]`` the bands are ``0 <= d <= 100``, ``100 < d <= 200`` and ``d > 200``; a pair
exactly 100 m apart is in the first band, a pair 7 days apart is in ``0-7 days`` with time
edges ``[7, 14]``. An edge of 0 makes a band of its own (same place or same day). The Near
Repeat Calculator labels its bands ``1-100, 101-200`` and so moves every edge by one unit;
here the edges are exactly the numbers given. Times are compared in whole seconds, so a gap
of exactly 7 days never rounds to either side.

References: Knox, G. (1964). The detection of space-time interactions. Applied Statistics 13,
25-29; Johnson, S. D. et al. (2007). Space-time patterns of risk: a cross national assessment
of residential burglary victimization. J. Quantitative Criminology 23, 201-219.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
SECONDS_PER_DAY = 86_400
_BLOCK_VALUES = 4_000_000


@dataclass(frozen=True)
class KnoxTable:
    """Pairs per distance band (rows) and time band (columns), the last row and column
    being "beyond the last edge"; ``expected`` is the mean over the simulations, ``p_value``
    ``(#simulations >= observed + 1) / (permutations + 1)`` per cell."""

    distance_edges: FloatArray
    time_edges_days: FloatArray
    observed: IntArray
    expected: FloatArray
    ratio: FloatArray  # observed / expected (the Knox ratio)
    p_value: FloatArray
    permutations: int


def _seconds(times: ArrayLike) -> IntArray:
    array = np.asarray(times)
    if array.dtype.kind == "M":
        return array.astype("datetime64[s]").astype(np.int64).ravel()
    days = np.asarray(array, dtype=np.float64).ravel()
    return np.round(days * SECONDS_PER_DAY).astype(np.int64)


def _edges(edges: ArrayLike, what: str) -> FloatArray:
    e = np.asarray(edges, dtype=np.float64).ravel()
    if len(e) == 0 or np.any(e < 0) or np.any(np.diff(e) <= 0):
        raise ValueError(f"{what} edges must be non-negative and strictly increasing")
    return e


def band_of(values: ArrayLike, upper_edges: ArrayLike) -> IntArray:
    """Band index of each value: ``b`` where ``edge[b-1] < value <= edge[b]``; values above
    the last edge get ``len(edges)``."""
    return np.searchsorted(np.asarray(upper_edges), np.asarray(values), side="left").astype(
        np.int64
    )


def knox_test(
    x: ArrayLike,
    y: ArrayLike,
    times: ArrayLike,
    *,
    distance_edges: ArrayLike,
    time_edges_days: ArrayLike,
    permutations: int = 999,
    seed: int | None = None,
) -> KnoxTable:
    """Knox test with Monte-Carlo p-values per distance x time band.

    Parameters
    ----------
    x, y
        Projected coordinates in metres (e.g. ETRS89 / PT-TM06), one incident each.
    times
        ``datetime64`` values, or numbers of days.
    distance_edges
        Upper edges of the distance bands in metres, e.g. ``[100, 200, 300, 400]``.
    time_edges_days
        Upper edges of the time bands in days, e.g. ``[7, 14, 21, 28]``.
    permutations
        Simulations (each shuffles the times among the incidents: ``rng.permutation(n)``).
    seed
        Seed of the simulations.
    """
    px = np.asarray(x, dtype=np.float64).ravel()
    py = np.asarray(y, dtype=np.float64).ravel()
    t = _seconds(times)
    n = len(px)
    if py.shape != (n,) or t.shape != (n,):
        raise ValueError("x, y and times must have one value per incident")
    if n < 2:
        raise ValueError("at least two incidents are needed")
    d_edges = _edges(distance_edges, "distance")
    t_edges = _edges(time_edges_days, "time")
    t_edge_seconds = np.round(t_edges * SECONDS_PER_DAY).astype(np.int64)
    rows, cols = len(d_edges) + 1, len(t_edges) + 1

    # Only pairs within the largest distance need a band of their own; the rest are "beyond",
    # and their time bands follow from all pairs' time gaps minus the close pairs'.
    tree = cKDTree(np.column_stack([px, py]))
    reach = float(d_edges[-1]) * (1 + 1e-9) + 1e-9  # the edge itself must be found
    pairs = tree.query_pairs(reach, output_type="ndarray").astype(np.int64)
    i, j = pairs[:, 0], pairs[:, 1]
    distance_band = band_of(np.hypot(px[i] - px[j], py[i] - py[j]), d_edges)
    close = distance_band < len(d_edges)
    i, j, distance_band = i[close], j[close], distance_band[close]
    all_pairs_by_time = _time_bands_of_all_pairs(t, t_edge_seconds)

    def table(gaps: IntArray) -> IntArray:
        cells = distance_band * cols + band_of(gaps, t_edge_seconds)
        counts = np.bincount(cells, minlength=rows * cols).reshape(rows, cols)
        counts[-1] = all_pairs_by_time - counts[:-1].sum(axis=0)
        return counts.astype(np.int64)

    observed = table(np.abs(t[i] - t[j]))
    rng = np.random.default_rng(seed)
    at_least = np.zeros((rows, cols), dtype=np.int64)
    total = np.zeros((rows, cols))
    block = max(1, _BLOCK_VALUES // max(len(i), n))
    done = 0
    while done < permutations:
        count = min(block, permutations - done)
        shuffled = np.stack([t[rng.permutation(n)] for _ in range(count)])
        gaps = np.abs(shuffled[:, i] - shuffled[:, j])
        for row in gaps:
            simulated = table(row)
            at_least += simulated >= observed
            total += simulated
        done += count
    expected = total / permutations if permutations else np.full((rows, cols), np.nan)
    ratio = np.divide(observed, expected, out=np.full((rows, cols), np.nan), where=expected > 0)
    p_value = np.asarray((at_least + 1.0) / (permutations + 1.0), dtype=np.float64)
    return KnoxTable(d_edges, t_edges, observed, expected, ratio, p_value, permutations)


def _time_bands_of_all_pairs(seconds: IntArray, upper: IntArray) -> IntArray:
    """Pairs per time band over all ``n (n - 1) / 2`` pairs, from the sorted times."""
    ordered = np.sort(seconds)
    n = len(ordered)
    index = np.arange(n)
    within = np.array(
        [
            int((np.searchsorted(ordered, ordered + edge, side="right") - index - 1).sum())
            for edge in upper
        ],
        dtype=np.int64,
    )
    cumulative = np.concatenate([within, [n * (n - 1) // 2]])
    return np.diff(np.concatenate([[0], cumulative])).astype(np.int64)
