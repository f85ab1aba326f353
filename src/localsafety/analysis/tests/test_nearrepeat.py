"""Knox test against a brute-force pair loop, the exact Knox expectation and explicit edges."""

from __future__ import annotations

import numpy as np
import pytest

from localsafety.analysis.nearrepeat import band_of, knox_test

DISTANCE_EDGES = [100.0, 200.0, 300.0]
TIME_EDGES = [7.0, 14.0, 21.0]


def _incidents(seed: int, n: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1500, n).round()
    y = rng.uniform(0, 1500, n).round()
    days = rng.integers(0, 120, n).astype(float)
    return x, y, days


def _brute_force_table(x: np.ndarray, y: np.ndarray, days: np.ndarray) -> np.ndarray:
    def band(value: float, edges: list[float]) -> int:
        for b, edge in enumerate(edges):
            if value <= edge:
                return b
        return len(edges)

    table = np.zeros((len(DISTANCE_EDGES) + 1, len(TIME_EDGES) + 1), dtype=int)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            d = float(np.hypot(x[i] - x[j], y[i] - y[j]))
            table[band(d, DISTANCE_EDGES), band(abs(days[i] - days[j]), TIME_EDGES)] += 1
    return table


def test_observed_table_equals_a_loop_over_every_pair() -> None:
    x, y, days = _incidents(1)
    result = knox_test(
        x, y, days, distance_edges=DISTANCE_EDGES, time_edges_days=TIME_EDGES, permutations=0
    )
    np.testing.assert_array_equal(result.observed, _brute_force_table(x, y, days))
    assert result.observed.sum() == 60 * 59 // 2


def test_pairs_exactly_on_an_edge_fall_in_the_band_the_edge_closes() -> None:
    # (0, 0)-(60, 80) is exactly 100 m; (0, 0)-(120, 160) exactly 200 m.
    x = np.array([0.0, 60.0, 120.0, 0.0])
    y = np.array([0.0, 80.0, 160.0, 100.5])
    days = np.array(["2025-01-01", "2025-01-08", "2025-01-15", "2025-01-08T00:00:01"])
    result = knox_test(
        x,
        y,
        days.astype("datetime64[s]"),
        distance_edges=DISTANCE_EDGES,
        time_edges_days=TIME_EDGES,
        permutations=0,
    )
    # 100 m and exactly 7 days apart: the first band of each ("0-100 m", "0-7 days"),
    # where the Near Repeat Calculator's "101-200 / 8-14" labels would put it elsewhere
    expected = np.zeros((4, 4), dtype=int)
    expected[0, 0] += 1  # 0-1: 100 m, 7 days
    expected[1, 1] += 1  # 0-2: 200 m, 14 days
    expected[0, 0] += 1  # 1-2: 100 m, 7 days
    expected[1, 1] += 1  # 0-3: 100.5 m, 7 days and 1 s
    expected[0, 0] += 1  # 1-3: hypot(60, 19.5) = 63 m, 1 s
    expected[1, 0] += 1  # 2-3: hypot(120, 59.5) = 134 m, 6 days 23:59:59
    np.testing.assert_array_equal(result.observed, expected)


def test_band_of_includes_the_upper_edge_and_a_zero_edge_is_its_own_band() -> None:
    assert list(band_of([0, 99.9, 100, 100.01, 300, 301], [100, 200, 300])) == [0, 0, 0, 1, 2, 3]
    assert list(band_of([0, 0.5, 1, 2], [0, 1])) == [0, 1, 1, 2]


def test_simulated_mean_matches_the_exact_knox_expectation() -> None:
    """Shuffling times gives each pair of places a uniformly random pair of distinct times,
    so E[cell] = row total x column total / all pairs. The Monte-Carlo mean of R draws has sd
    at most sqrt(cell variance / R) <= sqrt(row total / R): held to 5 of those."""
    x, y, days = _incidents(2)
    result = knox_test(
        x,
        y,
        days,
        distance_edges=DISTANCE_EDGES,
        time_edges_days=TIME_EDGES,
        permutations=2000,
        seed=1,
    )
    observed = result.observed
    exact = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    bound = 5 * np.sqrt(observed.sum(axis=1, keepdims=True) / 2000) + 1e-9
    assert np.all(np.abs(result.expected - exact) <= bound)


def test_p_values_equal_a_brute_force_simulation_with_the_same_draws() -> None:
    x, y, days = _incidents(3, n=30)
    result = knox_test(
        x,
        y,
        days,
        distance_edges=DISTANCE_EDGES,
        time_edges_days=TIME_EDGES,
        permutations=50,
        seed=9,
    )
    rng = np.random.default_rng(9)
    observed = _brute_force_table(x, y, days)
    at_least = np.zeros_like(observed)
    for _ in range(50):
        at_least += _brute_force_table(x, y, days[rng.permutation(30)]) >= observed
    np.testing.assert_allclose(result.p_value, (at_least + 1) / 51)


def test_a_planted_near_repeat_pattern_is_found() -> None:
    rng = np.random.default_rng(4)
    # 40 background burglaries, then 20 repeats within 50 m and 3 days of 20 of them
    x, y, days = _incidents(4, n=40)
    pick = rng.choice(40, 20, replace=False)
    x = np.concatenate([x, x[pick] + rng.uniform(-30, 30, 20)])
    y = np.concatenate([y, y[pick] + rng.uniform(-30, 30, 20)])
    days = np.concatenate([days, days[pick] + rng.integers(1, 4, 20)])
    result = knox_test(
        x,
        y,
        days,
        distance_edges=DISTANCE_EDGES,
        time_edges_days=TIME_EDGES,
        permutations=199,
        seed=2,
    )
    assert result.p_value[0, 0] <= 0.01
    assert result.ratio[0, 0] > 3
    again = knox_test(
        x,
        y,
        days,
        distance_edges=DISTANCE_EDGES,
        time_edges_days=TIME_EDGES,
        permutations=199,
        seed=2,
    )
    np.testing.assert_array_equal(result.p_value, again.p_value)


def test_bad_edges_are_refused() -> None:
    x, y, days = _incidents(5, n=5)
    with pytest.raises(ValueError):
        knox_test(x, y, days, distance_edges=[200, 100], time_edges_days=[7])
