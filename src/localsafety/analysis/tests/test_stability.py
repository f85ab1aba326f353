"""PAI and PEI against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from localsafety.analysis.stability import hotspot_overlap, pai_pei


def test_pai_and_pei_of_a_hand_worked_example() -> None:
    # 10 cells, 100 crimes this year; last year's hot spots are cells 0 and 1.
    counts = [30, 10, 25, 5, 5, 5, 5, 5, 5, 5]
    hot = [True, True] + [False] * 8
    result = pai_pei(counts, hot)
    # n/N = 40/100 = 0.4; a/A = 2/10 = 0.2; PAI = 2.0
    assert result.hit_rate == pytest.approx(0.4)
    assert result.area_share == pytest.approx(0.2)
    assert result.pai == pytest.approx(2.0)
    # The two busiest cells this year hold 30 + 25 = 55: PEI = 40 / 55
    assert result.best_captured == 55
    assert result.pei == pytest.approx(40 / 55)


def test_pei_is_one_when_the_hot_spots_are_the_busiest_cells() -> None:
    result = pai_pei([30, 10, 25, 5], [True, False, True, False])
    assert result.pei == 1.0
    assert result.pai == pytest.approx((55 / 70) / 0.5)


def test_with_areas() -> None:
    # cell areas 1, 2, 1, 4 (A = 8); hot spots = cell 1 (area 2, 20 crimes) of 100
    counts = [40, 20, 30, 10]
    result = pai_pei(counts, [False, True, False, False], areas=[1, 2, 1, 4])
    assert result.pai == pytest.approx((20 / 100) / (2 / 8))
    # best area 2: densities 40, 10, 30, 2.5 -> cells 0 and 2 (area 2) hold 70
    assert result.best_captured == pytest.approx(70)
    assert result.pei == pytest.approx(20 / 70)
    # best area 3 (cells 1 and 2 hot): 40 + 30 + half of cell 1's 20 = 80
    two = pai_pei(counts, [False, True, True, False], areas=[1, 2, 1, 4])
    assert two.best_captured == pytest.approx(80)


def test_no_crime_this_year_is_undefined() -> None:
    result = pai_pei([0, 0, 0], [True, False, False])
    assert math.isnan(result.pai) and math.isnan(result.pei)


def test_overlap_of_hot_spot_sets() -> None:
    assert hotspot_overlap([1, 1, 0, 0], [0, 1, 1, 0]) == pytest.approx(1 / 3)
    assert math.isnan(hotspot_overlap([0, 0], [0, 0]))
    with pytest.raises(ValueError):
        pai_pei([1, 2], [True])
    assert np.isfinite(pai_pei([1, 2], [True, False]).pai)
