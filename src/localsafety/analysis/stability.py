"""Do last year's hot spots still hold this year's crime? PAI, PEI and overlap.

Predictive Accuracy Index (Chainey, Tompson and Uhlig 2008): the share of this year's crime
in last year's hot spots over the share of the study area they cover,
``PAI = (n / N) / (a / A)``. Predictive Efficiency Index (Hunt 2016): the crime captured over
the most any area of the same size could have captured, ``PEI = n / n*`` (0..1). For cells of
equal area ``n*`` is the crime of the ``k`` busiest cells this year, ``k`` = number of hot-spot
cells; with areas it is the fractional-knapsack bound (cells by density, the last one in
part), which is at least the true maximum, so PEI is then never overstated.

References: Chainey, S., Tompson, L. and Uhlig, S. (2008). The utility of hotspot mapping for
predicting spatial patterns of crime. Security Journal 21, 4-28; Hunt, J. M. (2016). Do crime
hot spots move? National Institute of Justice Journal 277.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class HotspotStability:
    """How well a set of hot-spot cells captures a later period's crime."""

    captured: float  # n: crime of the period in the hot spots
    total: float  # N
    hit_rate: float  # n / N
    area_share: float  # a / A
    pai: float
    best_captured: float  # n*: the most an area of the same size could capture
    pei: float


def pai_pei(
    counts: ArrayLike, hotspots: ArrayLike, areas: ArrayLike | None = None
) -> HotspotStability:
    """PAI and PEI of ``hotspots`` (a mask over the study area's cells) for ``counts``.

    Parameters
    ----------
    counts
        This period's crime per cell, for every cell of the study area (zeros included).
    hotspots
        Boolean mask of the cells chosen as hot spots from an earlier period.
    areas
        Area of each cell (any unit); equal areas when omitted.
    """
    x = np.asarray(counts, dtype=np.float64).ravel()
    mask = np.asarray(hotspots, dtype=bool).ravel()
    if mask.shape != x.shape:
        raise ValueError("counts and hotspots must cover the same cells")
    if not np.all(np.isfinite(x)) or np.any(x < 0):
        raise ValueError("counts must be finite and non-negative")
    area = np.ones_like(x) if areas is None else np.asarray(areas, dtype=np.float64).ravel()
    if area.shape != x.shape or np.any(area <= 0):
        raise ValueError("areas must be positive, one per cell")
    total = float(x.sum())
    captured = float(x[mask].sum())
    hot_area = float(area[mask].sum())
    area_share = hot_area / float(area.sum())
    nan = float("nan")
    if total == 0 or hot_area == 0:
        return HotspotStability(captured, total, nan, area_share, nan, 0.0, nan)
    hit_rate = captured / total
    if areas is None:
        best = float(np.sort(x)[::-1][: int(mask.sum())].sum())
    else:
        order = np.argsort(-x / area, kind="stable")
        filled = np.cumsum(area[order])
        whole = int(np.searchsorted(filled, hot_area, side="right"))
        best = float(x[order][:whole].sum())
        if whole < len(x):
            used = float(filled[whole - 1]) if whole > 0 else 0.0
            best += x[order][whole] * (hot_area - used) / area[order][whole]
    pei = captured / best if best > 0 else nan
    return HotspotStability(
        captured, total, hit_rate, area_share, hit_rate / area_share, best, min(pei, 1.0)
    )


def hotspot_overlap(before: ArrayLike, after: ArrayLike) -> float:
    """Jaccard overlap of two hot-spot masks: cells hot in both over cells hot in either."""
    a = np.asarray(before, dtype=bool).ravel()
    b = np.asarray(after, dtype=bool).ravel()
    if a.shape != b.shape:
        raise ValueError("masks must cover the same cells")
    union = int((a | b).sum())
    return float((a & b).sum()) / union if union else float("nan")
