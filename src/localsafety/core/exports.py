"""Spreadsheet-safe exports: every CSV the project writes goes through here.

A spreadsheet opens a CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return before one of them) as a formula: a contract titled
``=HYPERLINK("http://evil","Open")`` becomes a live link, ``=cmd|...`` worse (OWASP "CSV
Injection"). :func:`safe_cell` prefixes such text with a single quote, which spreadsheets show
as text; numbers are left as numbers (``-3`` stays a number). :func:`csv_response` is the one
way to answer a CSV: it applies :func:`safe_cell` to every cell, the header included;
:func:`xlsx_response` the one way to answer an XLSX workbook, the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

#: What makes a spreadsheet read a cell as a formula (OWASP), with the full-width forms
#: some spreadsheets also accept, and a line feed for good measure.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

#: Values written as they are: a spreadsheet reads them as numbers or dates, never formulas.
PLAIN_TYPES = (bool, int, float, Decimal, dt.date)


def safe_cell(value: Any) -> Any:
    """``value`` ready for a spreadsheet cell: text that would run as a formula is quoted.

    Numbers, dates and None pass unchanged; anything else is text (``str(value)``) and gets a
    leading ``'`` when it begins with a formula trigger.
    """
    if value is None or isinstance(value, PLAIN_TYPES):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def csv_response(
    *,
    filename: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    delimiter: str = ";",
) -> HttpResponse:
    """A CSV download (UTF-8 with a BOM so Excel reads the accents), every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=delimiter)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return response


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    *,
    filename: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    sheet_title: str = "Sheet",
) -> HttpResponse:
    """An XLSX download (one sheet, written streaming), every cell made safe."""
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(sheet_title)[:31] or "Sheet")
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
