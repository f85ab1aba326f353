"""Exact Poisson intervals against scipy's Poisson distribution and a published table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from localsafety.analysis.rates import poisson_interval, rates_per_thousand


def test_interval_matches_the_published_table() -> None:
    """95 % exact limits for a Poisson count (e.g. Ulm 1990; Sahai and Khurshid 1993)."""
    lower, upper = poisson_interval([0, 1, 5, 10, 20], 0.95)
    np.testing.assert_allclose(lower, [0.0, 0.0253, 1.6235, 4.7954, 12.2165], atol=5e-4)
    np.testing.assert_allclose(upper, [3.6889, 5.5716, 11.6683, 18.3904, 30.8884], atol=5e-4)


@settings(max_examples=100, deadline=None)
@given(count=st.integers(0, 5000), confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_limits_are_where_the_poisson_tails_equal_half_alpha(count: int, confidence: float) -> None:
    """Garwood: P(X >= x | lower) = alpha / 2 and P(X <= x | upper) = alpha / 2."""
    alpha = 1 - confidence
    lower, upper = poisson_interval([count], confidence)
    assert stats.poisson.cdf(count, upper[0]) == pytest.approx(alpha / 2, rel=1e-6)
    if count == 0:
        assert lower[0] == 0
    else:
        assert stats.poisson.sf(count - 1, lower[0]) == pytest.approx(alpha / 2, rel=1e-6)
    assert lower[0] <= count <= upper[0]


def test_rates_per_thousand_residents_and_against_an_adjusted_population() -> None:
    # Albufeira-like: 44,000 residents, 70,000 people present on average.
    result = rates_per_thousand([2200, 30], [44000, 1500], adjusted_population=[70000, np.nan])
    lower, upper = poisson_interval([2200, 30])
    np.testing.assert_allclose(result.residents.rate, [50.0, 20.0])
    np.testing.assert_allclose(result.residents.lower, lower / [44, 1.5])
    np.testing.assert_allclose(result.residents.upper, upper / [44, 1.5])
    assert result.adjusted is not None
    assert result.adjusted.rate[0] == pytest.approx(2200 / 70)
    assert result.adjusted.upper[0] == pytest.approx(upper[0] / 70)
    assert np.isnan(result.adjusted.rate[1])  # no adjusted population there


def test_unpublished_counts_and_missing_populations_give_no_rate() -> None:
    result = rates_per_thousand([np.nan, 5, 5], [1000, 0, np.nan])
    assert np.all(np.isnan(result.residents.rate))
    assert np.isnan(result.count_lower[0]) and np.isnan(result.count_upper[0])
    assert result.count_upper[1] == pytest.approx(11.6683, abs=5e-4)


def test_counts_must_be_whole_and_non_negative() -> None:
    with pytest.raises(ValueError):
        poisson_interval([1.5])
    with pytest.raises(ValueError):
        poisson_interval([-1])
