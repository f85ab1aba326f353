"""The incident counts kept current at import (``IncidentCount``).

Areas are counted by year and month (1–12), H3 cells by year (month 0 = the whole year).

An import adds the counts of the records it stores, grouped by unit (parish, municipality,
H3 cell at resolutions 7 and 8: resolution 9 is the owning force's alone, read from its
records), year, month (of the local start time) and category, in the
same transaction as the records: one ``INSERT … ON CONFLICT … DO UPDATE SET count = count +
excluded.count`` (SQLite and PostgreSQL alike; on PostgreSQL many rows a statement, given as
arrays). ``recount`` rebuilds an organisation's counts from its records (after a deletion, or
to check the running sums).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, transaction

from localsafety.diagnosis.importing.locations import h3_hex
from localsafety.diagnosis.models import CountUnit, Incident, IncidentCount
from localsafety.territory.models import Area

COUNT_COLUMNS = ("organisation_id", "unit", "unit_code", "year", "month", "category_id", "count")


#: On PostgreSQL, count rows per upsert statement (one round trip for many rows, given as
#: arrays: ``unnest`` turns them into rows; each key appears once in a statement, as ON
#: CONFLICT DO UPDATE requires).
ROWS_PER_STATEMENT = 50_000


def _upsert_sql(rows: int = 1) -> str:
    quote = connection.ops.quote_name
    table = quote(IncidentCount._meta.db_table)
    names = ", ".join(quote(name) for name in COUNT_COLUMNS)
    key = ", ".join(quote(name) for name in COUNT_COLUMNS[:-1])
    count = quote("count")
    values = ", ".join([f"({', '.join(['%s'] * len(COUNT_COLUMNS))})"] * rows)
    return (
        f"INSERT INTO {table} ({names}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )


def _upsert_arrays_sql() -> str:
    """PostgreSQL: the upsert of rows given as one array per column (``unnest``): a short
    statement whatever the number of rows (thousands of placeholders cost more to send and
    parse than the rows themselves)."""
    quote = connection.ops.quote_name
    table = quote(IncidentCount._meta.db_table)
    names = ", ".join(quote(name) for name in COUNT_COLUMNS)
    key = ", ".join(quote(name) for name in COUNT_COLUMNS[:-1])
    count = quote("count")
    arrays = "%s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::bigint[], %s::bigint[], "
    return (
        f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}%s::bigint[]) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )


def _upsert(rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(_upsert_sql(), rows)  # in process: no round trips to save
            return
        sql = _upsert_arrays_sql()
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            cursor.execute(sql, [list(column) for column in zip(*chunk, strict=True)])


def _grouped(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    chosen = frame[frame[key] != 0]
    if key.startswith("h3_"):
        # Cells are counted by year (month 0): a cell's monthly count by category is below
        # the suppression threshold almost everywhere, and would make the table as large as
        # the records. Months are counted by area (parish, municipality).
        chosen = chosen.assign(month=0)
    return (
        chosen.groupby([key, "year", "month", "category_id"], sort=False)
        .size()
        .reset_index(name="count")
    )


def add_counts(
    *,
    organisation_id: int,
    category_id: np.ndarray,
    local_from: np.ndarray,
    parish_id: np.ndarray,
    municipality_id: np.ndarray,
    cells: dict[str, np.ndarray],
) -> int:
    """Add these records' counts; returns the number of count rows written."""
    if not len(category_id):
        return 0
    months = local_from.astype("datetime64[M]").astype(np.int64)
    frame = pd.DataFrame(
        {
            "category_id": category_id,
            "year": months // 12 + 1970,
            "month": months % 12 + 1,
            "parish": parish_id,
            "municipality": municipality_id,
            **cells,
        }
    )
    area_ids = set(np.unique(parish_id).tolist()) | set(np.unique(municipality_id).tolist())
    area_codes = dict(Area.objects.filter(pk__in=area_ids - {0}).values_list("pk", "code"))
    written = 0
    for unit in CountUnit:
        key = unit.value
        grouped = _grouped(frame, key)
        if grouped.empty:
            continue
        if key.startswith("h3_"):
            codes = h3_hex(grouped[key].to_numpy())
        else:
            codes = [area_codes[pk] for pk in grouped[key].tolist()]
        # In the unique key's order (unit, code, year, month, category): each upsert lands
        # beside the previous one in the index instead of at a random page.
        order = np.lexsort(
            (
                grouped["category_id"].to_numpy(),
                grouped["month"].to_numpy(),
                grouped["year"].to_numpy(),
                np.asarray(codes, dtype=object).astype(str),
            )
        )
        grouped = grouped.iloc[order]
        codes = [codes[index] for index in order.tolist()]
        rows: list[tuple[Any, ...]] = list(
            zip(
                [organisation_id] * len(grouped),
                [key] * len(grouped),
                codes,
                grouped["year"].tolist(),
                grouped["month"].tolist(),
                grouped["category_id"].tolist(),
                grouped["count"].tolist(),
                strict=True,
            )
        )
        _upsert(rows)  # one unit at a time: bounded memory
        written += len(rows)
    return written


@transaction.atomic
def recount(organisation_id: int) -> int:
    """Rebuild the organisation's counts from its stored records."""
    IncidentCount.objects.filter(organisation_id=organisation_id).delete()
    values = Incident.objects.filter(organisation_id=organisation_id).values_list(
        "category_id", "occurred_from", "parish_id", "municipality_id", "h3_7", "h3_8"
    )
    rows = list(values)
    if not rows:
        return 0
    frame = pd.DataFrame(
        rows, columns=["category_id", "at", "parish", "municipality", "h3_7", "h3_8"]
    ).fillna(0)
    local = pd.DatetimeIndex(frame["at"]).tz_convert("Europe/Lisbon").tz_localize(None).to_numpy()
    return add_counts(
        organisation_id=organisation_id,
        category_id=frame["category_id"].to_numpy(np.int64),
        local_from=local.astype("datetime64[s]"),
        parish_id=frame["parish"].to_numpy(np.int64),
        municipality_id=frame["municipality"].to_numpy(np.int64),
        cells={key: frame[key].to_numpy(np.int64) for key in ("h3_7", "h3_8")},
    )
