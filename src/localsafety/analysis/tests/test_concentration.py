"""Concentration measures against brute-force definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localsafety.analysis.concentration import gini, lorenz_curve, top_share, top_shares


def _gini_brute_force(x: list[float]) -> float:
    n = len(x)
    mean = sum(x) / n
    return sum(abs(a - b) for a in x for b in x) / (2 * n * n * mean)


def _top_share_brute_force(x: list[float], fraction: float) -> float:
    """Give each place in turn from the busiest, a fraction of the last place if needed."""
    remaining = fraction * len(x)
    taken = 0.0
    for value in sorted(x, reverse=True):
        part = min(1.0, remaining)
        if part <= 1e-12:
            break
        taken += part * value
        remaining -= part
    return taken / sum(x)


counts = st.lists(st.integers(0, 30), min_size=1, max_size=60).filter(lambda x: sum(x) > 0)


@settings(max_examples=200, deadline=None)
@given(x=counts)
def test_gini_equals_the_mean_absolute_difference(x: list[int]) -> None:
    assert gini(x) == pytest.approx(_gini_brute_force([float(v) for v in x]), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(x=counts, fraction=st.sampled_from([0.01, 0.05, 0.1, 0.25, 0.333, 1.0]))
def test_top_share_equals_taking_places_one_by_one(x: list[int], fraction: float) -> None:
    assert top_share(x, fraction) == pytest.approx(
        _top_share_brute_force([float(v) for v in x], fraction), abs=1e-12
    )


@settings(max_examples=100, deadline=None)
@given(x=counts)
def test_gini_is_one_minus_twice_the_area_under_the_lorenz_curve(x: list[int]) -> None:
    curve = lorenz_curve(x)
    area = float(np.sum((curve.crime[1:] + curve.crime[:-1]) / 2 * np.diff(curve.places)))
    assert gini(x) == pytest.approx(1 - 2 * area, abs=1e-12)
    assert curve.crime[0] == 0 and curve.crime[-1] == 1
    assert np.all(np.diff(curve.crime) >= 0)


def test_ties_and_extremes() -> None:
    assert gini([3, 3, 3, 3]) == 0
    assert top_share([3, 3, 3, 3], 0.25) == pytest.approx(0.25)
    assert gini([0, 0, 0, 10]) == pytest.approx(3 / 4)  # (n - 1) / n
    hundred = [0] * 99 + [50]
    assert top_shares(hundred) == {0.01: 1.0, 0.05: 1.0}
    # 200 places, 1 % = the two busiest
    x = [10, 6] + [1] * 198
    assert top_share(x, 0.01) == pytest.approx(16 / 214)


def test_no_crime_is_undefined_not_equal() -> None:
    assert math.isnan(gini([0, 0, 0]))
    assert math.isnan(top_share([0, 0], 0.05))
    assert np.all(np.isnan(lorenz_curve([0, 0]).crime))


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        gini([])
    with pytest.raises(ValueError):
        gini([1, -1])
    with pytest.raises(ValueError):
        top_share([1, 2], 0)
