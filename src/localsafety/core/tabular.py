"""Read messy tables (CSV, XLSX, ODS) as exported by police and statistics offices.

The format is recognised by the file's bytes, never by its name: an XLSX or ODS is a zip
(checked through ``core.archives``, bounded, macros refused) read with python-calamine; an old
Excel (BIFF) file by its OLE signature; anything else must be text, read with pyarrow's CSV
reader. Real exports are messy, and this module copes with:

- encodings: UTF-8, UTF-8 with a byte-order mark, Latin-1 / Windows-1252 (charset-normalizer
  decides between the single-byte ones); a file that mixes UTF-8 with another encoding is
  refused with the row of the first byte that is not UTF-8;
- separators ``;``, ``,``, tab and ``|``, sniffed from the first lines (quotes respected);
- header rows in Portuguese (headers are matched after :func:`header_key`: no accents, case or
  punctuation), blank rows (skipped, the row numbers of the others kept), merged header cells
  in a spreadsheet (refused, naming the cells) and empty or repeated headers (refused);
- every cell is read as **text**: nothing is evaluated, so ``=HYPERLINK(...)`` stays the text
  it is (spreadsheet formulas give their stored value, never a re-computation); typed values
  come from the vectorised parsers :func:`parse_numbers` (decimal commas) and
  :func:`parse_datetimes` (dd/mm/yyyy and ISO, with or without a time; 31/02 is refused);
- a size cap (``LOCALSAFETY_MAX_TABLE_FILE_BYTES``) checked from the file's size before a
  byte is read, and a row cap (``LOCALSAFETY_MAX_TABLE_ROWS``).

Problems are :class:`~localsafety.core.errors.ImportRefused` with ``file``, ``row``,
``column`` and ``reason`` (row numbers as a spreadsheet shows them: the header is row 1 when
it is the first line).
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.conf import settings
from django.utils.translation import gettext as _

from localsafety.core.archives import ArchiveRefused, inspect_archive
from localsafety.core.errors import ImportRefused
from localsafety.core.sizes import format_file_size

CSV, XLSX, ODS, XLS = "csv", "xlsx", "ods", "xls"
SEPARATORS = (";", ",", "\t", "|")
SNIFF_LINES = 20
PROBLEM_TEXT_CHARS = 300


@dataclass
class Table:
    """A table read as text: ``data`` has one string column per header, in file order."""

    name: str
    format: str
    columns: list[str]
    data: pa.Table
    #: The row number (1-based, as the file or spreadsheet shows it) of each data row.
    rows: np.ndarray
    encoding: str = ""
    separator: str = ""

    @property
    def row_count(self) -> int:
        return int(self.data.num_rows)

    def column(self, header: str) -> pa.Array:
        index = self.columns.index(header)
        chunked = self.data.column(index)
        return chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)

    def find(self, *candidates: str) -> str | None:
        """The first header that matches one of ``candidates`` (after :func:`header_key`)."""
        keys = {header_key(header): header for header in self.columns}
        for candidate in candidates:
            found = keys.get(header_key(candidate))
            if found is not None:
                return found
        return None


def problem(name: str, row: Any, column: str, reason: str) -> dict[str, str]:
    return {
        "file": name[:255],
        "row": str(row)[:100],
        "column": str(column)[:100],
        "reason": reason[:PROBLEM_TEXT_CHARS],
    }


def refuse(name: str, reason: str, *, row: Any = "", column: str = "") -> ImportRefused:
    return ImportRefused(reason, [problem(name, row, column, reason)])


def header_key(text: str) -> str:
    """A header as matched: no accents, lower case, words joined by one underscore."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


# --- size and format --------------------------------------------------------------------------


def max_file_bytes() -> int:
    return int(settings.LOCALSAFETY_MAX_TABLE_FILE_BYTES)


def check_size(name: str, size: int) -> None:
    """Refuse a file over the cap from its size alone (nothing is read)."""
    limit = max_file_bytes()
    if size > limit:
        raise refuse(
            name,
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": format_file_size(size, round_up=True), "limit": format_file_size(limit)},
        )


def _size_of(stream: IO[bytes]) -> int:
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        position = stream.tell()
        size = stream.seek(0, os.SEEK_END)
        stream.seek(position)
        return int(size)


def read_table(source: str | Path | bytes | IO[bytes], *, name: str | None = None) -> Table:
    """Read ``source`` (a path, bytes or a binary file) as a table of text; see the module doc."""
    if isinstance(source, str | Path):
        path = Path(source)
        shown = name or path.name
        check_size(shown, path.stat().st_size)
        with path.open("rb") as stream:
            return _read_stream(stream, shown)
    if isinstance(source, bytes):
        shown = name or "file"
        check_size(shown, len(source))
        return _read_stream(io.BytesIO(source), shown)
    shown = name or str(getattr(source, "name", "file"))
    check_size(shown, _size_of(source))
    source.seek(0)
    return _read_stream(source, shown)


def _read_stream(stream: IO[bytes], name: str) -> Table:
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream, name)
        table = _read_spreadsheet(stream.read(), name, kind)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        table = _read_spreadsheet(stream.read(), name, XLS)
    else:
        table = _read_csv(stream.read(), name)
    _check_row_cap(table)
    return table


def _check_row_cap(table: Table) -> None:
    limit = int(settings.LOCALSAFETY_MAX_TABLE_ROWS)
    if table.row_count > limit:
        raise refuse(
            table.name,
            _("The file has %(count)s rows; at most %(limit)s are read at once.")
            % {"count": table.row_count, "limit": limit},
        )


def _zip_kind(stream: IO[bytes], name: str) -> str:
    from localsafety.core.files import _office_problem

    try:
        contents = inspect_archive(stream, names_problem=_office_problem)
    except ArchiveRefused as exc:
        raise refuse(name, exc.message) from exc
    mimetype = contents.head_of("mimetype")
    if (
        mimetype is not None
        and mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet"
    ):
        return ODS
    if "xl/workbook.xml" in contents.names:
        return XLSX
    raise refuse(name, _("This archive is not a spreadsheet (XLSX or ODS)."))


# --- spreadsheets ------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as text: numbers without a spurious ``.0``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat())
    return str(value).strip()


def _read_spreadsheet(content: bytes, name: str, kind: str) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            raise refuse(name, _("The spreadsheet has no sheet."))
        sheet = workbook.get_sheet_by_index(0)
        grid = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except CalamineError as exc:
        raise refuse(name, _("The spreadsheet cannot be read: %(error)s") % {"error": exc}) from exc
    except (ValueError, zipfile.BadZipFile) as exc:
        raise refuse(name, _("The spreadsheet cannot be read: %(error)s") % {"error": exc}) from exc
    texts = [[_cell_text(value) for value in row] for row in grid]
    header_index = next((i for i, row in enumerate(texts) if any(row)), None)
    if header_index is None:
        raise refuse(name, _("The file has no header row."))
    for (start_row, start_col), (end_row, end_col) in merged:
        if start_row <= header_index <= end_row and end_col > start_col:
            cells = f"{_cell_name(start_row, start_col)}:{_cell_name(end_row, end_col)}"
            raise refuse(
                name,
                _(
                    "The header has merged cells (%(cells)s): unmerge them so that every column "
                    "has its own header."
                )
                % {"cells": cells},
                row=header_index + 1,
                column=cells,
            )
    header = texts[header_index]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    columns = _checked_headers(header[:width], name, header_index + 1)
    body = [(i + 1, row[:width]) for i, row in enumerate(texts) if i > header_index]
    body = [(number, row) for number, row in body if any(row)]
    data = pa.table(
        {
            str(index): pa.array(
                [row[index] if index < len(row) else "" for _n, row in body], pa.string()
            )
            for index in range(width)
        }
    )
    data = data.rename_columns(columns)
    rows = np.array([number for number, _row in body], dtype=np.int64)
    return Table(name=name, format=kind, columns=columns, data=data, rows=rows)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell_name(row: int, column: int) -> str:
    return f"{column_letter(column)}{row + 1}"


def _checked_headers(header: list[str], name: str, row: int) -> list[str]:
    columns = [str(text).strip() for text in header]
    for index, text in enumerate(columns):
        if not text:
            raise refuse(
                name,
                _("Column %(number)s has no header (a merged or empty header cell).")
                % {"number": index + 1},
                row=row,
                column=str(index + 1),
            )
    seen: dict[str, int] = {}
    for index, text in enumerate(columns):
        key = header_key(text)
        if key in seen:
            raise refuse(
                name,
                _("Columns %(first)s and %(second)s have the same header “%(header)s”.")
                % {"first": seen[key] + 1, "second": index + 1, "header": text},
                row=row,
                column=text,
            )
        seen[key] = index
    return columns


# --- CSV ---------------------------------------------------------------------------------------


def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def detect_encoding(content: bytes, name: str) -> tuple[str, bytes]:
    """(encoding, the content as UTF-8 without a byte-order mark)."""
    if content.startswith(b"\xef\xbb\xbf"):
        body = content[3:]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _mixed(content, name, exc.start + 3) from exc
        return "utf-8-sig", body
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return "utf-16", content.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise refuse(name, _("The file's text encoding is not recognised.")) from exc
    if b"\x00" in content[:4096]:
        raise refuse(name, _("This is not a text (CSV) file nor a spreadsheet."))
    try:
        content.decode("utf-8")
        return "utf-8", content
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # Valid multi-byte UTF-8 sequences before the bad byte: a file of mixed encodings.
    if re.search(rb"[\xc2-\xf4][\x80-\xbf]", content[:first_bad]):
        raise _mixed(content, name, first_bad)
    from charset_normalizer import from_bytes

    sample = content[: 1 << 16]
    best = from_bytes(sample, cp_isolation=["cp1252", "latin_1"]).best()
    encoding = "cp1252" if best is None else best.encoding
    try:
        content.decode(encoding)
    except UnicodeDecodeError:
        encoding = "latin_1"
    text = sample[:4096].decode(encoding, "replace")
    if sum(not (ch.isprintable() or ch.isspace()) for ch in text) > 8:
        raise refuse(name, _("The file's text encoding is not recognised."))
    # A single-byte encoding: the CSV reader decodes it block by block (no second copy).
    return encoding, content


def _mixed(content: bytes, name: str, offset: int) -> ImportRefused:
    return refuse(
        name,
        _(
            "The file mixes text encodings: this row is not UTF-8 while others are. "
            "Export the whole file again in one encoding (UTF-8)."
        ),
        row=_line_of(content, offset),
    )


def sniff_separator(text: str, name: str) -> str:
    """The separator whose count (outside quotes) is the same on the first lines."""
    lines = [line for line in text.splitlines()[: SNIFF_LINES * 2] if line.strip()][:SNIFF_LINES]
    if not lines:
        raise refuse(name, _("The file is empty."))
    best, best_count = "", 0
    for separator in SEPARATORS:
        counts = [_count_outside_quotes(line, separator) for line in lines]
        header_count = counts[0]
        if header_count == 0:
            continue
        # Trailing lines may be cut (the sample's last line): compare the full ones.
        consistent = sum(count == header_count for count in counts[:-1] or counts)
        if consistent >= max(1, (len(counts[:-1] or counts)) * 0.8) and header_count > best_count:
            best, best_count = separator, header_count
    if not best:
        if len(lines) >= 1 and all(
            _count_outside_quotes(line, s) == 0 for line in lines[:1] for s in SEPARATORS
        ):
            return ";"  # one column: the header check will say what is missing
        raise refuse(
            name,
            _(
                "The column separator is not recognised: the first lines do not have the same "
                "number of “;”, “,” or tab separators."
            ),
            row=1,
        )
    return best


def _count_outside_quotes(line: str, separator: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == separator and not quoted:
            count += 1
    return count


def _read_csv(content: bytes, name: str) -> Table:
    encoding, body = detect_encoding(content, name)
    text_encoding = "utf-8" if encoding in ("utf-8", "utf-8-sig", "utf-16") else encoding
    sample = body[: 1 << 16].decode(text_encoding, "ignore")
    separator = sniff_separator(sample, name)
    header_line = _first_non_blank_line(body)
    header = _header_cells(body, header_line, separator, text_encoding)
    try:
        data = pacsv.read_csv(
            io.BytesIO(body),
            # Every column as text (codes keep their leading zeros: 0213 is Serpa, not 213).
            read_options=pacsv.ReadOptions(
                skip_rows=header_line,
                autogenerate_column_names=True,
                block_size=1 << 24,
                encoding="utf8" if text_encoding == "utf-8" else text_encoding,
            ),
            parse_options=pacsv.ParseOptions(delimiter=separator, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{index}": pa.string() for index in range(len(header))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise _csv_problem(exc, name, header_line, separator) from exc
    if data.num_columns != len(header):
        raise refuse(
            name,
            _("The rows have %(got)s columns where the header has %(expected)s.")
            % {"got": data.num_columns, "expected": len(header)},
            row=header_line + 1,
        )
    while header and not header[-1].strip() and _all_blank(data.column(len(header) - 1)):
        data = data.remove_column(len(header) - 1)
        header.pop()
    columns = _checked_headers(header, name, header_line)
    data = pa.table([_as_text(data.column(i)) for i in range(len(columns))], names=columns)
    rows = _row_numbers(body, header_line, data.num_rows)
    blank = _blank_rows(data)
    if blank is not None:
        data = data.filter(pa.array(~blank))
        rows = rows[~blank]
    return Table(
        name=name,
        format=CSV,
        columns=columns,
        data=data,
        rows=rows,
        encoding=encoding,
        separator=separator,
    )


def _header_cells(body: bytes, header_line: int, separator: str, encoding: str) -> list[str]:
    """The header row's cells (quotes respected), read by Python's csv module."""
    import csv

    lines = body.split(b"\n", header_line)
    line = lines[header_line - 1] if len(lines) >= header_line else b""
    text = line.decode(encoding, "replace").rstrip("\r")
    return next(csv.reader([text], delimiter=separator), [])


def _first_non_blank_line(body: bytes) -> int:
    number = 1
    for line in body.split(b"\n", 200):
        if line.strip(b"\r\n\t ;,|"):
            return number
        number += 1
    return 1


def _csv_problem(exc: Exception, name: str, header_line: int, separator: str) -> ImportRefused:
    text = str(exc)
    match = re.search(r"Expected (\d+) columns, got (\d+)", text)
    row_match = re.search(r"[Rr]ow #?(\d+)", text)
    if match:
        row = row_match.group(1) if row_match else ""
        return refuse(
            name,
            _("A row has %(got)s columns where the header has %(expected)s (separator “%(sep)s”).")
            % {
                "got": match.group(2),
                "expected": match.group(1),
                "sep": separator.replace("\t", "tab"),
            },
            row=row,
        )
    if "UTF8" in text or "utf8" in text:
        return refuse(name, _("The file's text encoding is not recognised."))
    return refuse(name, _("The file cannot be read as CSV: %(error)s") % {"error": text[:200]})


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Every column as trimmed text (the reader may type a column of digits as numbers)."""
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = pc.cast(column, pa.string())
    column = pc.fill_null(column, "")
    return pc.utf8_trim_whitespace(column)


def _all_blank(column: pa.ChunkedArray) -> bool:
    text = _as_text(column)
    return bool(pc.all(pc.equal(pc.utf8_length(text), 0)).as_py() in (True, None))


def _blank_rows(data: pa.Table) -> np.ndarray | None:
    if data.num_rows == 0 or data.num_columns == 0:
        return None
    blank = np.ones(data.num_rows, dtype=bool)
    for column in data.columns:
        blank &= pc.equal(pc.utf8_length(column), 0).to_numpy(zero_copy_only=False)
    return blank if blank.any() else None


def _row_numbers(body: bytes, header_line: int, count: int) -> np.ndarray:
    """File line numbers of the data rows (blank lines are skipped by the reader)."""
    sequential = np.arange(header_line + 1, header_line + 1 + count, dtype=np.int64)
    if b"\n\n" not in body and b"\n\r\n" not in body:
        return sequential
    raw = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(raw)]))
    lengths = stops - starts
    carriage = (lengths > 0) & (raw[np.maximum(stops - 1, 0)] == 13)
    lengths = lengths - carriage
    numbers = np.flatnonzero(lengths > 0) + 1
    numbers = numbers[numbers > header_line]
    if len(numbers) != count:
        return sequential
    return numbers.astype(np.int64)


# --- typed values --------------------------------------------------------------------------------

_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


@dataclass
class Parsed:
    values: np.ndarray
    #: A value is present but is not of the type.
    invalid: np.ndarray
    #: The cell is empty.
    empty: np.ndarray


def parse_numbers(column: pa.Array) -> Parsed:
    """Numbers with a decimal point or a decimal comma (decided per column: a column with a
    comma uses it as the decimal mark, and dots and spaces in it are thousands separators)."""
    text = pc.utf8_trim_whitespace(pc.fill_null(column, ""))
    empty = pc.equal(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    if pc.any(pc.match_substring(text, ",")).as_py():
        text = pc.replace_substring(text, ".", "")
        text = pc.replace_substring(text, " ", "")
        text = pc.replace_substring(text, "\u00a0", "")
        text = pc.replace_substring(text, ",", ".")
    valid = pc.match_substring_regex(text, _NUMBER).to_numpy(zero_copy_only=False)
    values = np.full(len(text), np.nan)
    if valid.any():
        chosen = pc.filter(text, pa.array(valid))
        values[valid] = pc.cast(chosen, pa.float64()).to_numpy(zero_copy_only=False)
    invalid = ~valid & ~empty
    values[~valid] = np.nan
    return Parsed(values=values, invalid=invalid, empty=empty)


_DMY = (
    r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:[ T]+(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\.\d+)?)?$"
)
_ISO = (
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\.\d+)?)?$"
)
_TIME = r"^(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?$"


@dataclass
class ParsedDates:
    #: Local wall-clock times (``datetime64[s]``); NaT where missing or invalid.
    values: np.ndarray
    #: The value gave a time of day (else only the day is known).
    has_time: np.ndarray
    invalid: np.ndarray
    empty: np.ndarray


def _ints(struct: pa.StructArray, field: str, default: int) -> np.ndarray:
    text = struct.field(field)
    text = pc.if_else(pc.equal(pc.utf8_length(text), 0), str(default), text)
    result: np.ndarray = pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False)
    return result


def parse_datetimes(column: pa.Array, times: pa.Array | None = None) -> ParsedDates:
    """Dates as ``dd/mm/yyyy`` (also ``-`` or ``.``) or ISO ``yyyy-mm-dd``, each with an
    optional time (``hh:mm[:ss]``); ``times`` is an optional separate time column. A date
    that does not exist (31/02, month 13, 25:00) is invalid, never rolled over."""
    text = pc.utf8_trim_whitespace(pc.fill_null(column, ""))
    size = len(text)
    empty = pc.equal(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    year = np.zeros(size, np.int64)
    month = np.zeros(size, np.int64)
    day = np.zeros(size, np.int64)
    hour = np.zeros(size, np.int64)
    minute = np.zeros(size, np.int64)
    second = np.zeros(size, np.int64)
    has_time = np.zeros(size, dtype=bool)
    matched = np.zeros(size, dtype=bool)
    for pattern in (_DMY, _ISO):
        found = pc.extract_regex(text, pattern)
        ok = found.is_valid().to_numpy(zero_copy_only=False) & ~matched
        if not ok.any():
            continue
        year[ok] = _ints(found, "y", 0)[ok]
        month[ok] = _ints(found, "m", 0)[ok]
        day[ok] = _ints(found, "d", 0)[ok]
        hour[ok] = _ints(found, "H", 0)[ok]
        minute[ok] = _ints(found, "M", 0)[ok]
        second[ok] = _ints(found, "S", 0)[ok]
        timed = pc.utf8_length(found.field("H")).to_numpy(zero_copy_only=False) > 0
        has_time[ok] = timed[ok]
        matched |= ok
    if times is not None:
        time_text = pc.utf8_trim_whitespace(pc.fill_null(times, ""))
        found = pc.extract_regex(time_text, _TIME)
        ok = found.is_valid().to_numpy(zero_copy_only=False) & ~has_time
        bad_time = ~found.is_valid().to_numpy(zero_copy_only=False) & (
            pc.utf8_length(time_text).to_numpy(zero_copy_only=False) > 0
        )
        hour[ok] = _ints(found, "H", 0)[ok]
        minute[ok] = _ints(found, "M", 0)[ok]
        second[ok] = _ints(found, "S", 0)[ok]
        has_time |= ok
        matched &= ~bad_time
    good = matched & (year >= 1900) & (year <= 2100) & (month >= 1) & (month <= 12) & (day >= 1)
    good &= (hour < 24) & (minute < 60) & (second < 60)
    months = (np.where(good, year, 1970) - 1970) * 12 + np.where(good, month, 1) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    next_first = (months + 1).astype("datetime64[M]").astype("datetime64[D]")
    days_in_month = (next_first - first).astype(np.int64)
    good &= day <= days_in_month
    values = first.astype("datetime64[s]") + (
        (np.where(good, day, 1) - 1) * 86400 + hour * 3600 + minute * 60 + second
    ).astype("timedelta64[s]")
    values[~good] = np.datetime64("NaT")
    return ParsedDates(values=values, has_time=has_time & good, invalid=~good & ~empty, empty=empty)


def row_problems(
    table: Table, mask: np.ndarray, column: str, reason: str, *, values: pa.Array | None = None
) -> tuple[list[dict[str, str]], int]:
    """Problems for the rows where ``mask`` is true (the first few, and how many in all)."""
    indexes = np.flatnonzero(mask)
    shown = indexes[: int(settings.LOCALSAFETY_IMPORT_PROBLEMS_SHOWN)]
    found = []
    for index in shown:
        text = reason
        if values is not None:
            value = values[int(index)].as_py()
            text = f"{reason} (“{str(value)[:60]}”)"
        found.append(problem(table.name, int(table.rows[index]), column, text))
    return found, int(len(indexes))
