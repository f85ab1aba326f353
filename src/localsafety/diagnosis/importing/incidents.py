"""Import police incident records: validate every row, then store all of them or nothing.

The table comes from ``core.tabular`` (any encoding, separator or spreadsheet); this module
maps its columns (``fields``), parses them at once (numpy/pyarrow, no per-row Python except
the H3 call), collects every problem as file/row/column/reason and refuses the file whole if
there is any. Otherwise one transaction stores the new records -- ``executemany`` on SQLite,
one ``COPY ... FROM STDIN`` on PostgreSQL (``copy_blocks``: text formatted by pyarrow) --
(records of the same source already stored are skipped: re-importing does not duplicate) and
adds their counts to the aggregates (``aggregates.add_counts``).

Times are local (Europe/Lisbon) wall-clock times as police exports write them; they are stored
in UTC. A record with only a day is the range 00:00–23:59:59 of that day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localsafety.core.errors import ImportRefused
from localsafety.core.tabular import Table, header_key, parse_datetimes, parse_numbers, row_problems
from localsafety.diagnosis.importing import aggregates
from localsafety.diagnosis.importing.fields import FIELDS_BY_NAME, INCIDENT_FIELDS, guess_columns
from localsafety.diagnosis.importing.locations import area_index, h3_cells, h3_parent, to_wgs84
from localsafety.diagnosis.models import (
    CrimeCategory,
    Incident,
    IncidentDataset,
    IncidentSource,
    LocationMethod,
)
from localsafety.diagnosis.taxonomy import LEAF_CODES
from localsafety.territory.models import Area, AreaKind

ProgressCallback = Callable[[int, str], None]
RECORD_ID_CHARS = 64
LOCAL_TIME_ZONE = "Europe/Lisbon"
#: Rows inserted per ``executemany`` call (bounded memory for the tuples).
INSERT_BATCH = 50_000


@dataclass
class IncidentImportResult:
    rows: int = 0
    created: int = 0
    skipped: int = 0
    swapped: int = 0
    period: tuple[Any, Any] = (None, None)
    notes: list[str] = field(default_factory=list)
    #: The municipalities (area ids) that received new records.
    municipality_ids: list[int] = field(default_factory=list)


class _Problems:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.items: list[dict[str, str]] = []
        self.total = 0

    def add(
        self, mask: np.ndarray, column: str, reason: str, values: pa.Array | None = None
    ) -> None:
        if not mask.any():
            return
        found, count = row_problems(self.table, mask, column, reason, values=values)
        room = int(settings.LOCALSAFETY_IMPORT_PROBLEMS_SHOWN) - len(self.items)
        self.items += found[: max(room, 0)]
        self.total += count

    def add_file(self, column: str, reason: str) -> None:
        self.items.append({"file": self.table.name, "row": "", "column": column, "reason": reason})
        self.total += 1

    def refuse(self) -> None:
        if self.total:
            raise ImportRefused(
                _("The file was refused: %(count)s problem(s). Nothing was stored.")
                % {"count": self.total},
                self.items,
                total=self.total,
            )


def category_lookup(source: IncidentSource) -> dict[str, int]:
    """The source's codes (and the taxonomy's own leaf codes and names) -> category id."""
    categories = {row.code: row for row in CrimeCategory.objects.filter(code__in=LEAF_CODES)}
    lookup: dict[str, int] = {}
    for row in categories.values():
        lookup[header_key(row.code)] = row.pk
        lookup[header_key(row.name)] = row.pk
        lookup[header_key(row.name_pt)] = row.pk
    for code, target in (source.category_codes or {}).items():
        if target in categories:
            lookup[header_key(code)] = categories[target].pk
    return lookup


def map_unique(column: pa.Array, function: Callable[[str], Any]) -> np.ndarray:
    """``function`` of each value, called once per distinct value (codes repeat a lot)."""
    encoded = pc.dictionary_encode(column)
    mapped = np.array([function(value) for value in encoded.dictionary.to_pylist()] + [None])
    indices = encoded.indices.fill_null(len(mapped) - 1).to_numpy(zero_copy_only=False)
    result: np.ndarray = mapped[indices]
    return result


def _text(table: Table, columns: dict[str, str], name: str) -> pa.Array | None:
    header = columns.get(name)
    return table.column(header) if header else None


def local_to_utc(values: np.ndarray) -> np.ndarray:
    """Local wall-clock ``datetime64[s]`` to UTC ``datetime64[s]`` (DST gaps move forward)."""
    index = pd.DatetimeIndex(values)
    ambiguous = np.ones(len(index), dtype=bool)  # the first (summer-time) instance
    local = index.tz_localize(LOCAL_TIME_ZONE, ambiguous=ambiguous, nonexistent="shift_forward")
    result: np.ndarray = local.tz_convert("UTC").tz_localize(None).to_numpy()
    return result.astype("datetime64[s]")


def prepare(
    table: Table, source: IncidentSource, columns: dict[str, str] | None = None
) -> dict[str, Any]:
    """Every row parsed and checked; ``ImportRefused`` lists all the problems found."""
    columns = columns or guess_columns(table, source.columns)
    problems = _Problems(table)
    for spec in INCIDENT_FIELDS:
        if spec.required and not columns.get(spec.name):
            problems.add_file(
                str(spec.label),
                _("No column for “%(field)s”: map it (headers found: %(headers)s).")
                % {"field": spec.label, "headers": ", ".join(table.columns)[:200]},
            )
    has_point = bool(columns.get("x") and columns.get("y"))
    if not has_point and not columns.get("parish_code"):
        problems.add_file(
            str(FIELDS_BY_NAME["x"].label),
            _("No location: map the coordinate columns (X/Y) or a parish code column."),
        )
    problems.refuse()
    size = table.row_count

    # Record ids: present, short enough, unique in the file.
    ids = _text(table, columns, "record_id")
    assert ids is not None
    id_header = columns["record_id"]
    id_lengths = pc.utf8_length(ids).to_numpy(zero_copy_only=False)
    problems.add(id_lengths == 0, id_header, _("The record id is empty."))
    problems.add(
        id_lengths > RECORD_ID_CHARS,
        id_header,
        _("The record id is longer than %(count)s characters.") % {"count": RECORD_ID_CHARS},
    )
    id_values = ids.to_numpy(zero_copy_only=False)
    duplicated = pd.Series(id_values).duplicated(keep=False).to_numpy() & (id_lengths > 0)
    if duplicated.any():
        problems.add(
            duplicated,
            id_header,
            _("The record id appears more than once in the file."),
            values=ids,
        )

    # Times.
    date_header = columns["occurred_at"]
    start = parse_datetimes(table.column(date_header), _text(table, columns, "time"))
    problems.add(start.empty, date_header, _("The date is empty."))
    problems.add(
        start.invalid,
        date_header,
        _("Not a date that exists (dd/mm/yyyy or yyyy-mm-dd, with an optional hh:mm)."),
        values=table.column(date_header),
    )
    day = np.timedelta64(86399, "s")
    occurred_from = start.values
    occurred_to = np.where(start.has_time, start.values, start.values + day)
    if columns.get("occurred_to"):
        end_header = columns["occurred_to"]
        end = parse_datetimes(table.column(end_header), _text(table, columns, "time_to"))
        problems.add(
            end.invalid,
            end_header,
            _("Not a date that exists (dd/mm/yyyy or yyyy-mm-dd, with an optional hh:mm)."),
            values=table.column(end_header),
        )
        given = ~end.empty & ~end.invalid
        end_values = np.where(end.has_time, end.values, end.values + day)
        occurred_to = np.where(given, end_values, occurred_to)
        backwards = given & ~start.invalid & ~start.empty & (end_values < occurred_from)
        problems.add(backwards, end_header, _("The range ends before it starts."))
    future = occurred_from > np.datetime64(
        timezone.now().replace(tzinfo=None), "s"
    ) + np.timedelta64(1, "D")
    problems.add(future & ~start.invalid, date_header, _("The date is in the future."))

    # Categories.
    category_header = columns["category"]
    codes = table.column(category_header)
    lookup = category_lookup(source)
    category_ids = map_unique(codes, lambda code: lookup.get(header_key(code)))
    unknown = pd.isna(category_ids.astype(float))
    problems.add(
        unknown,
        category_header,
        _("Unknown category code: map it to a category of the taxonomy."),
        values=codes,
    )

    # Locations.
    lon = np.full(size, np.nan)
    lat = np.full(size, np.nan)
    swapped = np.zeros(size, dtype=bool)
    point_given = np.zeros(size, dtype=bool)
    if has_point:
        x_header, y_header = columns["x"], columns["y"]
        x = parse_numbers(table.column(x_header))
        y = parse_numbers(table.column(y_header))
        problems.add(x.invalid, x_header, _("Not a number."), values=table.column(x_header))
        problems.add(y.invalid, y_header, _("Not a number."), values=table.column(y_header))
        problems.add(x.empty ^ y.empty, x_header, _("Only one of the two coordinates is given."))
        located = to_wgs84(x.values, y.values, source.coordinate_system)
        problems.add(
            located.metres_as_degrees,
            x_header,
            _(
                "The source declares degrees (WGS84) but these are metres: choose ETRS89 / "
                "PT-TM06 in the mapping."
            ),
        )
        problems.add(located.outside, x_header, _("The point is outside Portugal."))
        lon, lat, swapped = located.lon, located.lat, located.swapped
        point_given = ~x.empty | ~y.empty

    parish_ids = np.zeros(size, dtype=np.int64)
    parishes = Area.objects.official().filter(kind=AreaKind.PARISH)
    cells_9 = h3_cells(lon, lat, 9)
    cells_7 = h3_parent(cells_9, 7)
    if has_point:
        index = area_index(parishes)
        if index:
            parish_ids = index.locate(lon, lat, cells_7)
    if columns.get("parish_code"):
        parish_header = columns["parish_code"]
        parish_codes = table.column(parish_header)
        code_ids = dict(parishes.values_list("code", "pk"))
        by_code = (
            pd.Series(parish_codes.to_numpy(zero_copy_only=False))
            .map(code_ids)
            .fillna(0)
            .to_numpy()
            .astype(np.int64)
        )
        given = pc.utf8_length(parish_codes).to_numpy(zero_copy_only=False) > 0
        problems.add(
            given & (by_code == 0),
            parish_header,
            _("Unknown parish code (DICOFRE)."),
            values=parish_codes,
        )
        parish_ids = np.where(parish_ids == 0, by_code, parish_ids)
    else:
        given = np.zeros(size, dtype=bool)
    problems.add(
        ~point_given & ~given,
        columns.get("x") or columns.get("parish_code") or "",
        _("The record has no location (coordinates or parish code)."),
    )
    problems.refuse()

    municipality_ids = np.zeros(size, dtype=np.int64)
    if parish_ids.any():
        parent_of = dict(parishes.values_list("pk", "parent_id"))
        municipality_ids = (
            pd.Series(parish_ids).map(parent_of).fillna(0).to_numpy().astype(np.int64)
        )
    missing = (municipality_ids == 0) & ~np.isnan(lon)
    if missing.any():
        index = area_index(Area.objects.official().filter(kind=AreaKind.MUNICIPALITY))
        if index:
            found = index.locate(np.where(missing, lon, np.nan), lat, cells_7)
            municipality_ids = np.where(missing, found, municipality_ids)

    local_from = occurred_from
    return {
        "rows": size,
        "record_id": id_values,
        "category_id": category_ids.astype(np.int64),
        "occurred_from": local_to_utc(occurred_from),
        "occurred_to": local_to_utc(occurred_to),
        "local_from": local_from,
        "lon": lon,
        "lat": lat,
        "method": np.where(np.isnan(lon), LocationMethod.CODE.value, LocationMethod.POINT.value),
        "parish_id": parish_ids,
        "municipality_id": municipality_ids,
        "h3_9": cells_9,
        "h3_8": h3_parent(cells_9, 8),
        "h3_7": cells_7,
        "swapped": int(swapped.sum()),
    }


def _epoch_seconds(values: np.ndarray) -> list[int]:
    """UTC ``datetime64[s]`` as whole seconds since 1970 (the INSERT turns them into the
    database's timestamp: one integer per value instead of a formatted text)."""
    seconds: list[int] = values.astype("datetime64[s]").astype(np.int64).tolist()
    return seconds


def _nullable(values: np.ndarray, absent: np.ndarray) -> list[Any]:
    listed: list[Any] = values.tolist()
    for index in np.flatnonzero(absent):
        listed[index] = None
    return listed


#: The columns of the INSERT: the first three are the data set's (literals in the statement,
#: the same for every row); the others are bound per row, in this order.
INSERT_COLUMNS = (
    "organisation_id",
    "dataset_id",
    "source_id",
    "source_record_id",
    "category_id",
    "occurred_from",
    "occurred_to",
    "lon",
    "lat",
    "location_method",
    "parish_id",
    "municipality_id",
    "h3_7",
    "h3_8",
    "h3_9",
)


def _timestamp_mark() -> str:
    """The placeholder of a timestamp given as seconds since 1970 (UTC)."""
    if connection.vendor == "sqlite":
        # Django's SQLite text form of an aware time in UTC: "YYYY-MM-DD HH:MM:SS".
        return "datetime(%s, 'unixepoch')"
    return "to_timestamp(%s)"


def insert_sql(dataset: IncidentDataset) -> str:
    """One row's INSERT: the data set's organisation, id and source as literals (integers
    from the database, not input), then a mark per bound value (``incident_rows``)."""
    table = connection.ops.quote_name(Incident._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in INSERT_COLUMNS)
    owner = (dataset.organisation_id, dataset.pk, dataset.source_id)
    literals = [str(int(value)) for value in owner]
    stamp = _timestamp_mark()
    marks = ["%s", "%s", stamp, stamp] + ["%s"] * (len(INSERT_COLUMNS) - 7)
    values = ", ".join(literals + marks)
    return f"INSERT INTO {table} ({names}) VALUES ({values})"  # noqa: S608 - names from the model


def incident_rows(prepared: dict[str, Any], keep: np.ndarray) -> Any:
    """The rows to insert, as tuples of the bound values of ``insert_sql`` (only ``keep``),
    in batches of ``INSERT_BATCH``: Python objects exist for one batch at a time."""
    chosen = np.flatnonzero(keep)
    for start in range(0, len(chosen), INSERT_BATCH):
        yield list(_row_batch(prepared, chosen[start : start + INSERT_BATCH]))


def _row_batch(prepared: dict[str, Any], keep: np.ndarray) -> Any:
    no_point = np.isnan(prepared["lon"][keep])
    no_parish = prepared["parish_id"][keep] == 0
    no_municipality = prepared["municipality_id"][keep] == 0
    return zip(
        prepared["record_id"][keep].tolist(),
        prepared["category_id"][keep].tolist(),
        _epoch_seconds(prepared["occurred_from"][keep]),
        _epoch_seconds(prepared["occurred_to"][keep]),
        _nullable(prepared["lon"][keep], no_point),
        _nullable(prepared["lat"][keep], no_point),
        prepared["method"][keep].tolist(),
        _nullable(prepared["parish_id"][keep], no_parish),
        _nullable(prepared["municipality_id"][keep], no_municipality),
        _nullable(prepared["h3_7"][keep], no_point),
        _nullable(prepared["h3_8"][keep], no_point),
        _nullable(prepared["h3_9"][keep], no_point),
        strict=True,
    )


def copy_sql() -> str:
    """PostgreSQL's ``COPY ... FROM STDIN`` (text format) of every column of ``INSERT_COLUMNS``,
    the rows given by ``copy_blocks``."""
    table = connection.ops.quote_name(Incident._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in INSERT_COLUMNS)
    return f"COPY {table} ({names}) FROM STDIN"


def _copy_text(values: Any, absent: np.ndarray | None = None) -> pa.Array:
    """One column in COPY's text form (``\\N`` where ``absent``), cast by pyarrow in C."""
    array = pa.array(values, mask=absent).cast(pa.string())
    return array.fill_null("\\N") if absent is not None and absent.any() else array


def _copy_escaped(values: np.ndarray) -> pa.Array:
    """Free text in COPY's text form: backslash, tab, newline and carriage return escaped."""
    array = pa.array(values, type=pa.string())
    for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        array = pc.replace_substring(array, raw, escaped)
    return array


def _copy_stamp(values: np.ndarray) -> pa.Array:
    """UTC ``datetime64[s]`` as ``YYYY-MM-DD HH:MM:SS+00`` (explicitly UTC, whatever the
    session's time zone)."""
    text = pa.array(values.astype("datetime64[s]")).cast(pa.string())
    return pc.binary_join_element_wise(text, "+00", "")


def copy_blocks(
    prepared: dict[str, Any], keep: np.ndarray, dataset: IncidentDataset
) -> Iterator[tuple[int, memoryview]]:
    """The rows of ``keep`` as COPY text, in blocks of ``INSERT_BATCH`` rows: (row count,
    the block's bytes). Every column is formatted at once by pyarrow (no Python per row);
    the values are those ``incident_rows`` binds (floats in their shortest exact form)."""
    owner = "\t".join(
        str(int(value)) for value in (dataset.organisation_id, dataset.pk, dataset.source_id)
    )
    chosen = np.flatnonzero(keep)
    for start in range(0, len(chosen), INSERT_BATCH):
        rows = chosen[start : start + INSERT_BATCH]
        no_point = np.isnan(prepared["lon"][rows])
        columns = [
            _copy_escaped(prepared["record_id"][rows]),
            _copy_text(prepared["category_id"][rows]),
            _copy_stamp(prepared["occurred_from"][rows]),
            _copy_stamp(prepared["occurred_to"][rows]),
            _copy_text(prepared["lon"][rows], no_point),
            _copy_text(prepared["lat"][rows], no_point),
            _copy_text(prepared["method"][rows]),
            _copy_text(prepared["parish_id"][rows], prepared["parish_id"][rows] == 0),
            _copy_text(prepared["municipality_id"][rows], prepared["municipality_id"][rows] == 0),
            _copy_text(prepared["h3_7"][rows], no_point),
            _copy_text(prepared["h3_8"][rows], no_point),
            _copy_text(prepared["h3_9"][rows], no_point),
        ]
        line = pc.binary_join_element_wise(owner, *columns, "\t")
        lines = pc.binary_join_element_wise(line, "", "\n")
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
        first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
        yield len(rows), memoryview(lines.buffers()[2])[first:last]


def _copy_rows(
    prepared: dict[str, Any],
    keep: np.ndarray,
    dataset: IncidentDataset,
    on_block: Callable[[int], None],
) -> None:
    """PostgreSQL: the rows of ``keep`` with a ``COPY ... FROM STDIN`` per block, in the
    caller's transaction (a failure anywhere raises, and the transaction rolls every row
    back). ``on_block`` runs between two COPY statements: the connection is busy during one
    (a progress update on it then would wait for ever)."""
    sql = copy_sql()
    with connection.cursor() as cursor:
        for count, block in copy_blocks(prepared, keep, dataset):
            with cursor.cursor.copy(sql) as copy:
                copy.write(block)
            on_block(count)


#: On SQLite, an import of at least this many records that is at least half the size of the
#: table rebuilds the incident table's secondary indexes (time, H3 cell) after its rows
#: instead of updating them row by row (``_rebuilt_indexes``).
REBUILD_INDEXES_MIN_ROWS = 50_000


@contextmanager
def _rebuilt_indexes(count: int) -> Iterator[None]:
    """Inside the import's transaction on SQLite: drop the incident table's own secondary
    indexes (time, H3 cell: random keys, each insert a page search) before a large insert
    and create them again, from their stored definition, afterwards: sorting every entry
    once is several times cheaper than as many random inserts. The DDL is part of the
    transaction: a failed import rolls it back with the rows, and readers (WAL) keep the
    snapshot they started with. The unique (source, record id) key is never dropped."""
    definitions = _indexes_to_rebuild(count)
    with connection.cursor() as cursor:
        for name, _sql in definitions:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in definitions:
            cursor.execute(sql)


def _indexes_to_rebuild(count: int) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes worth rebuilding for ``count`` new rows."""
    if connection.vendor != "sqlite" or count < REBUILD_INDEXES_MIN_ROWS:
        return []
    table = Incident._meta.db_table
    names = {index.name for index in Incident._meta.indexes}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        low, high = cursor.fetchone()
        stored = 0 if low is None else int(high) - int(low) + 1  # at least the rows stored
        if stored > 2 * count:
            return []
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
        return [(name, sql) for name, sql in cursor.fetchall() if name in names]


def store(
    prepared: dict[str, Any], dataset: IncidentDataset, progress: ProgressCallback
) -> IncidentImportResult:
    """Store the new records and add their counts, in the caller's transaction."""
    result = IncidentImportResult(rows=prepared["rows"], swapped=prepared["swapped"])
    # One import of a source at a time: the second waits here, then sees the first's records.
    IncidentSource.objects.select_for_update().filter(pk=dataset.source_id).exists()
    existing = set(
        Incident.objects.filter(source_id=dataset.source_id).values_list(
            "source_record_id", flat=True
        )
    )
    if existing:
        keep = ~pd.Series(prepared["record_id"]).isin(existing).to_numpy()
    else:
        keep = np.ones(prepared["rows"], dtype=bool)
    result.created = int(keep.sum())
    result.skipped = prepared["rows"] - result.created
    sql = insert_sql(dataset)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A page cache large enough for the indexes of a big import (the default 2 MB
            # makes every insert into a random-keyed index read pages from disk).
            cursor.execute("PRAGMA cache_size = -262144")
    done = 0

    def stored(count: int) -> None:
        nonlocal done
        done += count
        progress(70 + int(20 * done / max(result.created, 1)), _("Storing records"))

    # A savepoint when the caller's transaction is open: the dropped indexes come back even
    # when a caller without one (the demo data) fails half-way.
    with transaction.atomic(), _rebuilt_indexes(result.created):
        if connection.vendor == "postgresql":
            if result.created:
                _copy_rows(prepared, keep, dataset, stored)
        else:
            with connection.cursor() as cursor:
                for batch in incident_rows(prepared, keep):
                    cursor.executemany(sql, batch)
                    stored(len(batch))
    progress(92, _("Updating the aggregates"))
    aggregates.add_counts(
        organisation_id=dataset.organisation_id,
        category_id=prepared["category_id"][keep],
        local_from=prepared["local_from"][keep],
        parish_id=prepared["parish_id"][keep],
        municipality_id=prepared["municipality_id"][keep],
        cells={
            "h3_7": prepared["h3_7"][keep],
            "h3_8": prepared["h3_8"][keep],
        },
    )
    if result.created:
        municipalities = np.unique(prepared["municipality_id"][keep])
        result.municipality_ids = [int(pk) for pk in municipalities if pk]
        days = prepared["local_from"][keep].astype("datetime64[D]")
        result.period = (days.min().item(), days.max().item())
    return result


def import_incidents(
    table: Table,
    *,
    dataset: IncidentDataset,
    columns: dict[str, str] | None = None,
    progress: ProgressCallback | None = None,
) -> IncidentImportResult:
    """Validate ``table`` (refused whole on any problem), then store it atomically."""
    report = progress or (lambda _percent, _message: None)
    report(10, _("Checking every row"))
    prepared = prepare(table, dataset.source, columns)
    report(70, _("Storing records"))
    with transaction.atomic():
        return store(prepared, dataset, report)
