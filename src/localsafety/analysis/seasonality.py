"""When crime happens: profiles by month, weekday and hour, the weekday x hour heat grid, and
aoristic weighting for records known only to lie within a time range.

Times are ``numpy.datetime64`` values on the local wall clock (Europe/Lisbon for the mainland:
the caller converts aware datetimes before handing them in), so 22:00 means 22:00 where it
happened. Weekdays are numbered Monday = 0 to Sunday = 6 (ISO order), months 1 to 12.

Aoristic analysis (Ratcliffe and McCullagh 1998; Ratcliffe 2000) spreads a record whose time
is a range ``[start, end)`` (a burglary found in the morning, committed some time overnight)
over the hour bins it overlaps, in proportion to the overlap, so each record weighs exactly 1
in total. A record with ``end == start`` (exact time) puts its whole weight in its hour.

References: Ratcliffe, J. H. (2000). Aoristic analysis: the spatial interpretation of
unspecific temporal events. IJGIS 14(7), 669-679.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 168
# 1970-01-01 (the datetime64 epoch) was a Thursday: Monday-based weekday = (day + 3) % 7.
_EPOCH_WEEKDAY = 3
_CHUNK = 50_000


@dataclass(frozen=True)
class SeasonalProfile:
    """Weighted counts by month (12), weekday (7, Monday first), hour (24) and weekday x hour."""

    by_month: FloatArray
    by_weekday: FloatArray
    by_hour: FloatArray
    weekday_hour: FloatArray  # 7 x 24


def _datetimes(values: ArrayLike) -> NDArray[np.datetime64]:
    array = np.asarray(values)
    if array.dtype.kind != "M":
        array = array.astype("datetime64[s]")
    return array.astype("datetime64[s]").ravel()


def _weights(weights: ArrayLike | None, n: int) -> FloatArray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != (n,):
        raise ValueError("one weight per record")
    return w


def calendar_parts(
    times: ArrayLike,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Month (1-12), weekday (Monday = 0) and hour (0-23) of each time."""
    t = _datetimes(times)
    days = t.astype("datetime64[D]")
    month = (days.astype("datetime64[M]").astype(np.int64) % 12) + 1
    weekday = (days.astype(np.int64) + _EPOCH_WEEKDAY) % 7
    hour = (t - days).astype("timedelta64[h]").astype(np.int64)
    return month, weekday, hour


def seasonal_profile(times: ArrayLike, weights: ArrayLike | None = None) -> SeasonalProfile:
    """Counts (or summed weights) of records by month, weekday, hour and weekday x hour."""
    month, weekday, hour = calendar_parts(times)
    w = _weights(weights, len(month))
    grid = np.bincount(weekday * HOURS_PER_DAY + hour, weights=w, minlength=HOURS_PER_WEEK)
    return SeasonalProfile(
        by_month=np.bincount(month - 1, weights=w, minlength=12).astype(np.float64),
        by_weekday=np.bincount(weekday, weights=w, minlength=7).astype(np.float64),
        by_hour=np.bincount(hour, weights=w, minlength=HOURS_PER_DAY).astype(np.float64),
        weekday_hour=grid.reshape(7, HOURS_PER_DAY).astype(np.float64),
    )


def _hours_since_monday(times: ArrayLike) -> FloatArray:
    """Hours since the Monday 00:00 before the epoch (1969-12-29), as floats."""
    seconds = _datetimes(times).astype(np.int64).astype(np.float64)
    return seconds / 3600.0 + _EPOCH_WEEKDAY * HOURS_PER_DAY


def _folded_weights(start: FloatArray, end: FloatArray, period: int) -> FloatArray:
    """Each record's share of time in each of ``period`` hour bins of a repeating cycle."""
    n = len(start)
    out = np.zeros((n, period))
    length = end - start
    exact = length <= 0
    rows = np.arange(n)
    out[rows[exact], np.floor(start[exact]).astype(np.int64) % period] = 1.0
    spread = np.flatnonzero(~exact)
    for first in range(0, len(spread), _CHUNK):
        idx = spread[first : first + _CHUNK]
        s, span = start[idx], length[idx]
        cycles = np.floor(span / period)
        rest_end = s + (span - cycles * period)  # the part left after whole cycles: < period
        bins = np.floor(s)[:, None] + np.arange(period + 1)[None, :]
        overlap = np.clip(
            np.minimum(rest_end[:, None], bins + 1) - np.maximum(s[:, None], bins), 0, 1
        )
        folded = np.zeros((len(idx), period))
        column = (bins.astype(np.int64)) % period
        np.add.at(
            folded, (np.repeat(np.arange(len(idx)), period + 1), column.ravel()), overlap.ravel()
        )
        folded += cycles[:, None]
        out[idx] = folded / span[:, None]
    return out


def _ranges(start: ArrayLike, end: ArrayLike | None) -> tuple[FloatArray, FloatArray]:
    s = _hours_since_monday(start)
    e = s if end is None else _hours_since_monday(end)
    if e.shape != s.shape:
        raise ValueError("one end per start")
    if np.any(e < s):
        raise ValueError("a range ends before it starts")
    return s, e


def aoristic_hour_weights(start: ArrayLike, end: ArrayLike | None = None) -> FloatArray:
    """Per record, its weight in each hour of the day (``n x 24``; each row sums to 1)."""
    s, e = _ranges(start, end)
    return _folded_weights(s, e, HOURS_PER_DAY)


def aoristic_weekday_hour(start: ArrayLike, end: ArrayLike | None = None) -> FloatArray:
    """Aoristic heat grid: summed weights by weekday (rows, Monday first) and hour (7 x 24)."""
    s, e = _ranges(start, end)
    grid = np.zeros(HOURS_PER_WEEK)
    for first in range(0, len(s), _CHUNK):
        part = slice(first, first + _CHUNK)
        grid += _folded_weights(s[part], e[part], HOURS_PER_WEEK).sum(axis=0)
    return grid.reshape(7, HOURS_PER_DAY)
