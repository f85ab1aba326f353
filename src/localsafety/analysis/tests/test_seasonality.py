"""Seasonal profiles against Python's calendar, aoristic weights against minute-by-minute
brute force and hand-worked edges."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localsafety.analysis.seasonality import (
    aoristic_hour_weights,
    aoristic_weekday_hour,
    calendar_parts,
    seasonal_profile,
)


def _np(values: list[dt.datetime]) -> np.ndarray:
    return np.array(values, dtype="datetime64[s]")


moments = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1))


@settings(max_examples=200, deadline=None)
@given(times=st.lists(moments, min_size=1, max_size=30))
def test_calendar_parts_and_profile_equal_pythons_calendar(times: list[dt.datetime]) -> None:
    month, weekday, hour = calendar_parts(_np(times))
    assert list(month) == [t.month for t in times]
    assert list(weekday) == [t.weekday() for t in times]
    assert list(hour) == [t.hour for t in times]
    profile = seasonal_profile(_np(times))
    grid = np.zeros((7, 24))
    for t in times:
        grid[t.weekday(), t.hour] += 1
    np.testing.assert_array_equal(profile.weekday_hour, grid)
    np.testing.assert_array_equal(profile.by_hour, grid.sum(axis=0))
    assert profile.by_month.sum() == len(times)


def _minute_brute_force(start: dt.datetime, end: dt.datetime) -> np.ndarray:
    """Walk the range a minute at a time (ranges on whole minutes): 7 x 24 shares."""
    grid = np.zeros((7, 24))
    minutes = int((end - start).total_seconds() // 60)
    for k in range(minutes):
        moment = start + dt.timedelta(minutes=k)
        grid[moment.weekday(), moment.hour] += 1
    return grid / minutes


ranges = st.tuples(
    st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 1, 1)).map(
        lambda t: t.replace(second=0, microsecond=0)
    ),
    st.integers(1, 60 * 24 * 9),  # up to nine days, in minutes
)


@settings(max_examples=60, deadline=None)
@given(items=st.lists(ranges, min_size=1, max_size=5))
def test_aoristic_weights_equal_minute_by_minute_brute_force(
    items: list[tuple[dt.datetime, int]],
) -> None:
    starts = [s for s, _ in items]
    ends = [s + dt.timedelta(minutes=m) for s, m in items]
    grid = aoristic_weekday_hour(_np(starts), _np(ends))
    expected = sum(_minute_brute_force(s, e) for s, e in zip(starts, ends, strict=True))
    np.testing.assert_allclose(grid, expected, atol=1e-9)
    per_record = aoristic_hour_weights(_np(starts), _np(ends))
    np.testing.assert_allclose(per_record.sum(axis=1), 1.0)
    np.testing.assert_allclose(per_record.sum(axis=0), expected.sum(axis=0), atol=1e-9)


def test_a_range_within_one_hour_puts_everything_in_that_hour() -> None:
    w = aoristic_hour_weights(
        _np([dt.datetime(2025, 3, 4, 10, 15)]), _np([dt.datetime(2025, 3, 4, 10, 45)])
    )
    assert w[0, 10] == 1 and w.sum() == 1
    # ending exactly on the hour does not touch the next hour
    w = aoristic_hour_weights(
        _np([dt.datetime(2025, 3, 4, 10)]), _np([dt.datetime(2025, 3, 4, 11)])
    )
    assert w[0, 10] == 1 and w[0, 11] == 0


def test_a_range_across_midnight_spreads_over_both_days() -> None:
    # Friday 22:30 to Saturday 01:30: three hours
    start, end = dt.datetime(2025, 3, 7, 22, 30), dt.datetime(2025, 3, 8, 1, 30)
    w = aoristic_hour_weights(_np([start]), _np([end]))[0]
    assert w[22] == pytest.approx(0.5 / 3) and w[23] == pytest.approx(1 / 3)
    assert w[0] == pytest.approx(1 / 3) and w[1] == pytest.approx(0.5 / 3)
    grid = aoristic_weekday_hour(_np([start]), _np([end]))
    assert grid[4, 23] == pytest.approx(1 / 3) and grid[5, 0] == pytest.approx(1 / 3)
    assert grid.sum() == pytest.approx(1)


def test_a_range_over_more_than_a_day() -> None:
    # exactly one day: every hour a 24th
    start = dt.datetime(2025, 3, 4, 7)
    w = aoristic_hour_weights(_np([start]), _np([start + dt.timedelta(hours=24)]))[0]
    np.testing.assert_allclose(w, 1 / 24)
    # 30 hours from 07:00: hours 07..12 twice, the rest once
    w = aoristic_hour_weights(_np([start]), _np([start + dt.timedelta(hours=30)]))[0]
    expected = np.full(24, 1 / 30)
    expected[7:13] = 2 / 30
    np.testing.assert_allclose(w, expected)
    # more than a week still sums to one per record on the weekday x hour grid
    grid = aoristic_weekday_hour(_np([start]), _np([start + dt.timedelta(days=10, hours=5)]))
    assert grid.sum() == pytest.approx(1)


def test_exact_times_and_bad_ranges() -> None:
    t = _np([dt.datetime(2025, 3, 9, 23, 59, 59)])  # a Sunday
    grid = aoristic_weekday_hour(t)
    assert grid[6, 23] == 1 and grid.sum() == 1
    with pytest.raises(ValueError):
        aoristic_hour_weights(_np([dt.datetime(2025, 1, 2)]), _np([dt.datetime(2025, 1, 1)]))
