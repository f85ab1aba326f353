"""Crime rates per 1,000 residents with exact Poisson confidence intervals.

A count of incidents is treated as one draw from a Poisson distribution; its exact
(Garwood 1936) interval comes from the chi-square quantiles, and the rate's interval is the
count's interval divided by the population. Where an adjusted population is supplied (residents
plus the average number of visitors present, as in tourist municipalities like Albufeira,
where per-resident rates are inflated by people who do not live there) the same rate and
interval are given against it. A blank (NaN) count is unpublished, never zero: its rate is NaN.

Reference: Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28,
437-442; Ulm, K. (1990). A simple method to calculate the confidence interval of a
standardized mortality ratio. American Journal of Epidemiology 131(2), 373-375.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class RateInterval:
    """A rate and its exact interval, per ``per`` people of ``population``."""

    rate: FloatArray
    lower: FloatArray
    upper: FloatArray
    population: FloatArray


@dataclass(frozen=True)
class Rates:
    """Counts with their rates against residents and, if given, an adjusted population."""

    count: FloatArray
    count_lower: FloatArray
    count_upper: FloatArray
    residents: RateInterval
    adjusted: RateInterval | None
    per: float
    confidence: float


def poisson_interval(counts: ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Exact (Garwood) two-sided interval for the mean of a Poisson count.

    ``lower = chi2.ppf(alpha / 2, 2x) / 2`` (0 when ``x = 0``) and
    ``upper = chi2.ppf(1 - alpha / 2, 2x + 2) / 2``, ``alpha = 1 - confidence``: the means at
    which seeing ``x`` or more (fewer) has probability ``alpha / 2``. NaN stays NaN.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie in (0, 1)")
    x = np.asarray(counts, dtype=np.float64)
    known = np.isfinite(x)
    if np.any(x[known] < 0) or np.any(x[known] != np.floor(x[known])):
        raise ValueError("counts must be non-negative whole numbers (or NaN when unpublished)")
    alpha = 1.0 - confidence
    lower = np.full(x.shape, np.nan)
    upper = np.full(x.shape, np.nan)
    positive = known & (x > 0)
    lower[known & (x == 0)] = 0.0
    lower[positive] = stats.chi2.ppf(alpha / 2, 2 * x[positive]) / 2
    upper[known] = stats.chi2.ppf(1 - alpha / 2, 2 * x[known] + 2) / 2
    return lower, upper


def _per(values: FloatArray, population: FloatArray, per: float) -> FloatArray:
    usable = np.isfinite(population) & (population > 0)
    out = np.full(np.broadcast(values, population).shape, np.nan)
    np.divide(values * per, population, out=out, where=usable)
    return out


def rates_per_thousand(
    counts: ArrayLike,
    population: ArrayLike,
    *,
    adjusted_population: ArrayLike | None = None,
    confidence: float = 0.95,
    per: float = 1000.0,
) -> Rates:
    """Rates per ``per`` (1,000) residents with exact Poisson intervals.

    Parameters
    ----------
    counts
        Incidents per area (whole numbers; NaN = unpublished).
    population
        Residents per area; a missing or non-positive population gives a NaN rate.
    adjusted_population
        Optional population the same areas are also measured against (residents plus the
        average visitors present); NaN where there is none.
    confidence
        Two-sided confidence level of the intervals.
    per
        Rates are per this many people.

    Notes
    -----
    The population is taken as exact (a census count), so only the count's Poisson
    uncertainty enters the interval.
    """
    x = np.asarray(counts, dtype=np.float64)
    lower, upper = poisson_interval(x, confidence)
    residents = np.broadcast_to(np.asarray(population, dtype=np.float64), x.shape)

    def interval(pop: FloatArray) -> RateInterval:
        return RateInterval(_per(x, pop, per), _per(lower, pop, per), _per(upper, pop, per), pop)

    adjusted = None
    if adjusted_population is not None:
        adjusted = interval(
            np.broadcast_to(np.asarray(adjusted_population, dtype=np.float64), x.shape)
        )
    return Rates(x, lower, upper, interval(residents), adjusted, per, confidence)
