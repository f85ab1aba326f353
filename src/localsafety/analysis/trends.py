"""Is crime rising or falling? Trend tests over a series of years or months.

Two complementary tests on one series of counts (or rates):

* Mann-Kendall (non-parametric: any monotone trend, robust to outliers) with the tie-corrected
  variance and Sen's slope (the median of all pairwise slopes) as the size of the trend;
* a log-linear Poisson regression ``log E[y_t] = a + b t (+ log exposure)``, fitted by
  iteratively reweighted least squares, whose ``exp(b)`` is the rate ratio per period; the
  standard error is scaled by the Pearson dispersion when counts vary more than a Poisson
  (quasi-Poisson), so over-dispersed crime counts do not look falsely significant.

A NaN (unpublished) value is left out with its time, never read as zero.

References: Mann, H. B. (1945). Nonparametric tests against trend. Econometrica 13, 245-259;
Kendall, M. G. (1975). Rank Correlation Methods. Griffin; Sen, P. K. (1968). Estimates of the
regression coefficient based on Kendall's tau. JASA 63, 1379-1389; McCullagh, P. and Nelder,
J. A. (1989). Generalized Linear Models, 2nd ed., sections 2.5 and 6.2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MannKendall:
    """Mann-Kendall S, its tie-corrected variance, z, two-sided p and Sen's slope."""

    n: int
    s: float
    variance: float
    z: float
    p_value: float
    tau: float  # S / (n (n - 1) / 2)
    sen_slope: float  # per unit of ``times``
    sen_intercept: float  # median of y - slope t


@dataclass(frozen=True)
class PoissonTrend:
    """Log-linear Poisson trend: ``exp(slope)`` is the rate ratio per unit of time."""

    intercept: float
    slope: float
    standard_error: float  # of the slope, scaled by sqrt(dispersion) when it exceeds 1
    dispersion: float  # Pearson chi-square / (n - 2)
    z: float
    p_value: float
    rate_ratio: float
    rate_ratio_lower: float
    rate_ratio_upper: float


def _series(values: ArrayLike, times: ArrayLike | None) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(values, dtype=np.float64).ravel()
    t = (
        np.arange(len(y), dtype=np.float64)
        if times is None
        else np.asarray(times, dtype=np.float64).ravel()
    )
    if t.shape != y.shape:
        raise ValueError("values and times must have the same length")
    known = np.isfinite(y)
    if not np.all(np.isfinite(t)):
        raise ValueError("times must be finite")
    order = np.argsort(t[known], kind="stable")
    return y[known][order], t[known][order]


def _tie_sizes(values: FloatArray) -> FloatArray:
    _, sizes = np.unique(values, return_counts=True)
    return sizes[sizes > 1].astype(np.float64)


def _kendall_variance(n: int, u: FloatArray, v: FloatArray) -> float:
    """Variance of S with ties in the values (``u``) and in the times (``v``), Kendall (1975)
    eq. 4.3; without tied times it is Mann-Kendall's usual tie-corrected variance."""
    base = float(n * (n - 1) * (2 * n + 5))
    base -= float((u * (u - 1) * (2 * u + 5)).sum()) + float((v * (v - 1) * (2 * v + 5)).sum())
    variance = base / 18.0
    if n > 2:
        variance += (
            float((u * (u - 1) * (u - 2)).sum())
            * float((v * (v - 1) * (v - 2)).sum())
            / (9.0 * n * (n - 1) * (n - 2))
        )
    variance += float((u * (u - 1)).sum()) * float((v * (v - 1)).sum()) / (2.0 * n * (n - 1))
    return variance


def _two_sided(z: float) -> float:
    return float(special.erfc(abs(z) / np.sqrt(2.0)))


def mann_kendall(
    values: ArrayLike, times: ArrayLike | None = None, *, continuity: bool = True
) -> MannKendall:
    """Mann-Kendall trend test with Sen's slope.

    Parameters
    ----------
    values
        The series (counts or rates); NaN is left out.
    times
        Time of each value (e.g. years, or months numbered consecutively); ``0, 1, ...``
        when omitted. Pairs at the same time count neither way.
    continuity
        Move S one unit towards 0 before dividing by its standard deviation.

    Notes
    -----
    ``S = sum_{i<j} sign(t_j - t_i) sign(y_j - y_i)``; without tied times,
    ``Var S = [n(n-1)(2n+5) - sum_g u_g(u_g-1)(2u_g+5)] / 18`` over groups of ``u_g`` tied
    values (with tied times, Kendall's full correction for ties on both sides). Sen's slope
    is the median of ``(y_j - y_i) / (t_j - t_i)`` over pairs with different times.
    """
    y, t = _series(values, times)
    n = len(y)
    if n < 3:
        raise ValueError("a trend needs at least three known values")
    i, j = np.triu_indices(n, k=1)
    dt = t[j] - t[i]
    dy = y[j] - y[i]
    s = float((np.sign(dt) * np.sign(dy)).sum())
    variance = _kendall_variance(n, _tie_sizes(y), _tie_sizes(t))
    shift = float(np.sign(s)) if continuity else 0.0
    z = (s - shift) / np.sqrt(variance) if variance > 0 else 0.0
    if continuity and abs(s) <= 1:
        z = 0.0
    apart = dt != 0
    slope = float(np.median(dy[apart] / dt[apart])) if apart.any() else float("nan")
    intercept = float(np.median(y - slope * t))
    return MannKendall(n, s, variance, z, _two_sided(z), s / (n * (n - 1) / 2), slope, intercept)


def poisson_trend(
    counts: ArrayLike,
    times: ArrayLike | None = None,
    *,
    exposure: ArrayLike | None = None,
    confidence: float = 0.95,
    iterations: int = 50,
) -> PoissonTrend:
    """Log-linear Poisson regression of counts on time (quasi-Poisson standard error).

    Parameters
    ----------
    counts
        Counts per period (NaN = unpublished, left out).
    times
        Time of each count; ``0, 1, ...`` when omitted. Centred internally, so the
        intercept is the log expected count (per unit exposure) at time 0.
    exposure
        Population (or days) per period; its log is the offset, so the slope is a trend in
        the rate rather than the count.
    confidence
        Level of the rate ratio's interval.
    iterations
        Upper bound on IRLS iterations (it converges in a handful).
    """
    y_all = np.asarray(counts, dtype=np.float64).ravel()
    t_all = (
        np.arange(len(y_all), dtype=np.float64)
        if times is None
        else np.asarray(times, dtype=np.float64).ravel()
    )
    e_all = (
        np.ones_like(y_all) if exposure is None else np.asarray(exposure, dtype=np.float64).ravel()
    )
    known = np.isfinite(y_all) & np.isfinite(e_all)
    y, t, e = y_all[known], t_all[known], e_all[known]
    if len(y) < 3:
        raise ValueError("a trend needs at least three known counts")
    if np.any(y < 0) or np.any(e <= 0):
        raise ValueError("counts must be non-negative and exposures positive")
    if y.sum() == 0:
        raise ValueError("no events: the trend is undefined")
    centre = float(t.mean())
    x = np.column_stack([np.ones_like(t), t - centre])
    offset = np.log(e)
    beta = np.array([np.log(y.sum() / e.sum()), 0.0])
    for _ in range(iterations):
        mu = np.exp(x @ beta + offset)
        # Fisher scoring: (X' W X) delta = X' (y - mu), W = mu for the log link.
        information = x.T @ (x * mu[:, None])
        delta = np.linalg.solve(information, x.T @ (y - mu))
        beta = beta + delta
        if np.max(np.abs(delta)) < 1e-12:
            break
    mu = np.exp(x @ beta + offset)
    information = x.T @ (x * mu[:, None])
    covariance = np.linalg.inv(information)
    dispersion = float(((y - mu) ** 2 / mu).sum() / (len(y) - 2)) if len(y) > 2 else 1.0
    scale = max(dispersion, 1.0)
    se = float(np.sqrt(covariance[1, 1] * scale))
    slope = float(beta[1])
    z = slope / se if se > 0 else 0.0
    quantile = float(stats.norm.ppf(0.5 + confidence / 2))
    return PoissonTrend(
        intercept=float(beta[0] - beta[1] * centre),
        slope=slope,
        standard_error=se,
        dispersion=dispersion,
        z=z,
        p_value=_two_sided(z),
        rate_ratio=float(np.exp(slope)),
        rate_ratio_lower=float(np.exp(slope - quantile * se)),
        rate_ratio_upper=float(np.exp(slope + quantile * se)),
    )
