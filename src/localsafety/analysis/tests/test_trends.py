"""Trend tests against scipy and brute force (enumerated permutations, a direct optimiser)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from localsafety.analysis.trends import mann_kendall, poisson_trend


def _s_brute_force(y: list[float], t: list[float]) -> float:
    s = 0.0
    for i in range(len(y)):
        for j in range(len(y)):
            if t[j] > t[i]:
                s += np.sign(y[j] - y[i])
    return s


@settings(max_examples=60, deadline=None)
@given(y=st.lists(st.integers(0, 6), min_size=4, max_size=6))
def test_variance_of_s_is_its_exact_permutation_variance_with_ties(y: list[int]) -> None:
    """Enumerate every ordering of the values: the variance of S over them is Var S."""
    t = list(range(len(y)))
    result = mann_kendall(y)
    assert result.s == _s_brute_force([float(v) for v in y], t)
    values = [_s_brute_force(list(p), t) for p in itertools.permutations(y)]
    assert result.variance == pytest.approx(float(np.var(values)), rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    y=st.lists(st.integers(0, 40), min_size=5, max_size=30),
    tied_times=st.booleans(),
)
def test_without_continuity_the_p_value_is_scipys_kendall_tau(
    y: list[int], tied_times: bool
) -> None:
    t = [i // 2 for i in range(len(y))] if tied_times else list(range(len(y)))
    ours = mann_kendall(y, t, continuity=False)
    theirs = stats.kendalltau(t, y, method="asymptotic")
    if np.isnan(theirs.pvalue):
        assert ours.variance == 0 or ours.s == 0
        return
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(y=st.lists(st.floats(0, 1000, allow_nan=False), min_size=3, max_size=25))
def test_sen_slope_equals_scipys_theil_slope(y: list[float]) -> None:
    t = np.arange(len(y)) * 12.0  # months
    ours = mann_kendall(y, t)
    theirs = stats.theilslopes(y, t)
    assert ours.sen_slope == pytest.approx(theirs.slope, rel=1e-9, abs=1e-12)


def test_a_rising_series_is_significant_and_a_flat_one_is_not() -> None:
    rising = mann_kendall([410, 422, 435, 431, 460, 471, 480, 502, 515, 520])
    assert rising.p_value < 0.001 and rising.sen_slope > 0
    assert rising.s == 43  # 45 pairs, one pair falls (435 -> 431): 44 - 1
    flat = mann_kendall([5, 5, 5, 5, 5])
    assert flat.z == 0 and flat.p_value == 1


def test_unpublished_values_are_left_out_not_zero() -> None:
    with_gap = mann_kendall([10, 12, np.nan, 15, 17], [2021, 2022, 2023, 2024, 2025])
    without = mann_kendall([10, 12, 15, 17], [2021, 2022, 2024, 2025])
    assert with_gap == without


def _nll(beta: np.ndarray, y: np.ndarray, t: np.ndarray, offset: np.ndarray) -> float:
    eta = beta[0] + beta[1] * t + offset
    return float(np.sum(np.exp(eta) - y * eta))


def test_poisson_trend_equals_direct_maximum_likelihood() -> None:
    rng = np.random.default_rng(1)
    years = np.arange(2016, 2026, dtype=float)
    population = rng.integers(40_000, 50_000, len(years)).astype(float)
    counts = rng.poisson(population / 1000 * 30 * 1.04 ** (years - 2016)).astype(float)
    ours = poisson_trend(counts, years, exposure=population)
    offset = np.log(population)
    fit = optimize.minimize(
        _nll,
        x0=[np.log(counts.sum() / population.sum()) - 0.0 * 2016, 0.0],
        args=(counts, years - 2016, offset),
        method="Nelder-Mead",
        options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20000},
    )
    assert ours.slope == pytest.approx(fit.x[1], abs=1e-6)
    assert ours.intercept + ours.slope * 2016 == pytest.approx(fit.x[0], abs=1e-6)
    # standard error: inverse of the numerical Hessian of the log-likelihood at the optimum
    h = 1e-4
    hessian = np.zeros((2, 2))
    for a in range(2):
        for b in range(2):
            ea, eb = np.eye(2)[a] * h, np.eye(2)[b] * h
            hessian[a, b] = (
                _nll(fit.x + ea + eb, counts, years - 2016, offset)
                - _nll(fit.x + ea - eb, counts, years - 2016, offset)
                - _nll(fit.x - ea + eb, counts, years - 2016, offset)
                + _nll(fit.x - ea - eb, counts, years - 2016, offset)
            ) / (4 * h * h)
    se = float(np.sqrt(np.linalg.inv(hessian)[1, 1]))
    mu = np.exp(fit.x[0] + fit.x[1] * (years - 2016) + offset)
    dispersion = float(np.sum((counts - mu) ** 2 / mu) / (len(counts) - 2))
    assert ours.dispersion == pytest.approx(dispersion, rel=1e-5)
    assert ours.standard_error == pytest.approx(se * np.sqrt(max(dispersion, 1)), rel=1e-4)
    assert ours.rate_ratio == pytest.approx(np.exp(fit.x[1]), rel=1e-6)
    assert ours.rate_ratio_lower < ours.rate_ratio < ours.rate_ratio_upper


def test_poisson_trend_of_a_steady_series_finds_nothing_and_refuses_no_events() -> None:
    steady = poisson_trend([100, 100, 100, 100, 100])
    assert steady.slope == pytest.approx(0, abs=1e-12)
    assert steady.p_value == pytest.approx(1.0)
    with pytest.raises(ValueError):
        poisson_trend([0, 0, 0])
