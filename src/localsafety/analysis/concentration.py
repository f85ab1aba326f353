"""How concentrated crime is among places: top-share, Lorenz curve and Gini coefficient.

"Places" are the units handed in (H3 cells, street segments, parishes), *including* those with
no crime: leaving the zeros out makes crime look evenly spread. With no crime at all the
measures are undefined (NaN).

Reference: Weisburd, D. (2015). The law of crime concentration and the criminology of place.
Criminology 53(2), 133-157; Bernasco, W. and Steenbeek, W. (2017). More places than crimes:
implications for evaluating the law of crime concentration at place. Journal of Quantitative
Criminology 33, 451-467 (why the Gini is bounded when crimes are fewer than places).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Lorenz:
    """Cumulative share of places (ascending by crime) against cumulative share of crime,
    both starting at 0 and ending at 1."""

    places: FloatArray
    crime: FloatArray


def _counts(counts: ArrayLike) -> FloatArray:
    x = np.asarray(counts, dtype=np.float64).ravel()
    if len(x) == 0:
        raise ValueError("no places")
    if not np.all(np.isfinite(x)) or np.any(x < 0):
        raise ValueError("counts must be finite and non-negative")
    return x


def top_share(counts: ArrayLike, fraction: float) -> float:
    """Share of all crime in the ``fraction`` of places with the most crime.

    ``fraction * n`` places are taken from the top; when that is not a whole number the last
    place counts in proportion (the Lorenz curve read at ``1 - fraction``), so the share
    grows smoothly with the fraction and does not depend on how ties are ordered.
    """
    if not 0 < fraction <= 1:
        raise ValueError("fraction must lie in (0, 1]")
    x = _counts(counts)
    total = float(x.sum())
    if total == 0:
        return float("nan")
    descending = np.sort(x)[::-1]
    places = fraction * len(x)
    whole = int(np.floor(places + 1e-9))
    share = float(descending[:whole].sum())
    if whole < len(x):
        share += (places - whole) * float(descending[whole])
    return min(share / total, 1.0)


def top_shares(
    counts: ArrayLike, fractions: tuple[float, ...] = (0.01, 0.05)
) -> dict[float, float]:
    """:func:`top_share` for several fractions (by default the top 1 % and 5 % of places)."""
    return {fraction: top_share(counts, fraction) for fraction in fractions}


def lorenz_curve(counts: ArrayLike) -> Lorenz:
    """Lorenz curve of crime over places (``n + 1`` points)."""
    x = _counts(counts)
    total = float(x.sum())
    places = np.arange(len(x) + 1) / len(x)
    if total == 0:
        return Lorenz(places, np.full(len(x) + 1, np.nan))
    crime = np.concatenate([[0.0], np.cumsum(np.sort(x))]) / total
    crime[-1] = 1.0
    return Lorenz(places, crime)


def gini(counts: ArrayLike) -> float:
    """Gini coefficient: mean absolute difference between places over twice the mean.

    ``G = sum_i sum_j |x_i - x_j| / (2 n^2 mean)``, computed from the sorted counts as
    ``sum_i (2i - n - 1) x_(i) / (n sum x)`` (0 = crime spread evenly, ``(n - 1) / n`` = all
    crime in one place).
    """
    x = np.sort(_counts(counts))
    n = len(x)
    total = float(x.sum())
    if total == 0:
        return float("nan")
    rank = np.arange(1, n + 1)
    return float(((2 * rank - n - 1) * x).sum() / (n * total))
