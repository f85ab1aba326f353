"""Reading the spreadsheets people actually keep: CSV (any of ``;`` ``,`` tab; UTF-8 or
Latin-1), XLSX and ODS (python-calamine), with decimal commas, ``1.234,56 €``, and dates
written ``dd/mm/yyyy``.

Nothing here knows what the columns mean: :func:`read_table` returns the header and the rows
with their row numbers as the person sees them in their spreadsheet program, or raises
``TableProblem`` for a file that cannot be read as a table (merged header cells, no header,
an unknown format). The cell parsers (:func:`parse_decimal`, :func:`parse_date`,
:func:`parse_count`) raise ``ValueError`` with a reason for the person.

(No shared messy-table reader exists in ``core`` yet; when one lands, this module is the one
to replace.)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


class TableProblem(Exception):
    """The file cannot be read as one table; ``message`` says why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    #: Normalised header names (``normalise_header``), one per column.
    headers: list[str]
    #: The header as written, for messages.
    labels: list[str]
    #: (row number as the spreadsheet shows it, cells) for every non-empty row.
    rows: list[tuple[int, list[Cell]]]


def normalise_header(text: Any) -> str:
    """``"Custo — Município (€)"`` → ``"custo_municipio"``: lower case, no accents, words
    joined by ``_``, bracketed units dropped."""
    value = str(text or "").strip()
    value = re.sub(r"\(.*?\)", " ", value)
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9+]+", "_", value.lower()).strip("_")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_table(data: bytes, *, content_type: str) -> Table:
    """The first sheet (or the CSV) as a table: the first non-empty row is the header."""
    if content_type in (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    ):
        return _read_workbook(data)
    if content_type == "text/plain":
        return _read_csv(data)
    raise TableProblem(_("Upload a spreadsheet: CSV, XLSX or ODS."))


def _table(rows: Iterator[tuple[int, list[Cell]]]) -> Table:
    header: list[Cell] | None = None
    body: list[tuple[int, list[Cell]]] = []
    for number, cells in rows:
        if not any(_filled(cell) for cell in cells):
            continue
        if header is None:
            header = cells
            continue
        body.append((number, cells))
    if header is None:
        raise TableProblem(_("The file is empty: no header row was found."))
    labels = [str(cell).strip() if _filled(cell) else "" for cell in header]
    while labels and not labels[-1]:
        labels.pop()
    headers = [normalise_header(label) for label in labels]
    width = len(headers)
    for index, name in enumerate(headers):
        if not name and any(index < len(cells) and _filled(cells[index]) for _n, cells in body):
            raise TableProblem(
                _(
                    "Column %(column)s holds data but has no header (merged header cells?): "
                    "give every column its own header in one row."
                )
                % {"column": column_letter(index)}
            )
    seen: dict[str, int] = {}
    for index, name in enumerate(headers):
        if name and name in seen:
            raise TableProblem(
                _("Columns %(first)s and %(second)s have the same header (%(name)s).")
                % {
                    "first": column_letter(seen[name]),
                    "second": column_letter(index),
                    "name": labels[index],
                }
            )
        seen[name] = index
    for number, cells in body:
        extra = cells[width:]
        if any(_filled(cell) for cell in extra):
            column = width + next(i for i, cell in enumerate(extra) if _filled(cell))
            raise TableProblem(
                _("Row %(row)s has data in column %(column)s, which has no header.")
                % {"row": number, "column": column_letter(column)}
            )
        del cells[width:]
        cells.extend([None] * (width - len(cells)))
    return Table(headers=headers, labels=labels, rows=body)


def _filled(cell: Cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _read_workbook(data: bytes) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        merged = sheet.merged_cell_ranges or []
        values = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for a bad file
        message = _("The spreadsheet could not be read: %(error)s") % {"error": exc}
        raise TableProblem(message) from None
    header_index = next(
        (i for i, cells in enumerate(values) if any(_filled(cell) for cell in cells)), None
    )
    for (top, left), (bottom, right) in merged:
        if header_index is not None and top <= header_index <= bottom:
            raise TableProblem(
                _(
                    "The header has merged cells (%(range)s): give every column its own "
                    "header in one row."
                )
                % {"range": f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"}
            )
    return _table((number, list(cells)) for number, cells in enumerate(values, 1))


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:8192]
    first_line = sample.splitlines()[0] if sample else ""
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        message = _("The CSV file could not be read: %(error)s") % {"error": exc}
        raise TableProblem(message) from None
    return _table((number, list(cells)) for number, cells in rows)


# --- cells -------------------------------------------------------------------------------

_CURRENCY = re.compile(r"(€|eur(os?)?)", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_GROUPED_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^-?\d{1,3}(,\d{3}){2,}$")


def parse_decimal(cell: Cell, *, places: int = 2) -> Decimal:
    """``1.234,56 €`` → 1234.56; ``1234.56``, ``1 234,56``, ``1,5`` and numbers from a
    workbook too. Portuguese usage decides the ambiguous cases: a comma is the decimal mark,
    a dot followed by groups of exactly three digits separates thousands (``2.500`` is 2500).
    """
    if isinstance(cell, bool) or cell is None:
        raise ValueError(_("a number is needed"))
    if isinstance(cell, int | float):
        value = Decimal(str(cell))
    else:
        text = _SPACES.sub("", _CURRENCY.sub("", str(cell))).strip()
        if not text:
            raise ValueError(_("a number is needed"))
        if "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif "," in text:
            text = text.replace(",", "") if _GROUPED_COMMA.match(text) else text.replace(",", ".")
        elif _GROUPED_DOT.match(text):
            text = text.replace(".", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("%(value)s is not a number (write e.g. 1234,56)") % {"value": str(cell)[:40]}
            ) from None
    if not value.is_finite():
        raise ValueError(_("a number is needed"))
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):
        raise ValueError(
            _("%(value)s has more than %(places)s decimal places")
            % {"value": str(cell)[:40], "places": places}
        )
    return value.quantize(quantum)


def parse_count(cell: Cell) -> int:
    """A whole number of people, ``0`` for an empty cell."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return 0
    value = parse_decimal(cell, places=0)
    if value < 0:
        raise ValueError(_("a count cannot be negative"))
    if value > 1_000_000:
        raise ValueError(_("%(value)s is too large a count") % {"value": value})
    return int(value)


_DATE_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(cell: Cell) -> dt.date:
    """``31/12/2019``, ``31-12-2019``, ``31.12.2019``, ``2019-12-31`` or a workbook date."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = str(cell or "").strip()
    if not text:
        raise ValueError(_("a date is needed"))
    text = text.split(" ")[0]
    match = _DATE_DMY.match(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        match = _DATE_ISO.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("%(value)s is not a real date") % {"value": text[:40]}) from None
    raise ValueError(
        _("%(value)s is not a date (write day/month/year, e.g. 31/12/2019)") % {"value": text[:40]}
    )


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
