"""One value as a person types it, in a form, an API call or a spreadsheet cell read by
:mod:`localsafety.core.tabular`: ``1.234,56 €`` and decimal commas, ``dd/mm/yyyy`` dates,
counts of people. Each parser returns the typed value or raises ``ValueError`` with a reason
for the person (translated). The vectorised column parsers of ``core.tabular`` serve imports
of millions of rows; these serve row-by-row checks, where each row meets per-row rules anyway.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

#: A cell as the parsers take it: text (a form, a CSV or a spreadsheet read as text by
#: ``core.tabular``) or a value already typed (an API's JSON number, a date).
Cell = Any


_CURRENCY = re.compile(r"(€|eur(os?)?)", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_GROUPED_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^-?\d{1,3}(,\d{3}){2,}$")


def parse_decimal(cell: Cell, *, places: int = 2, point_is_decimal: bool = False) -> Decimal:
    """``1.234,56 €`` → 1234.56; ``1234.56``, ``1 234,56``, ``1,5`` and numbers from a
    workbook too. Portuguese usage decides the ambiguous cases: a comma is the decimal mark,
    a dot followed by groups of exactly three digits separates thousands (``2.500`` is 2500)
    — unless ``point_is_decimal`` (a number cell of a workbook, read as text with a decimal
    point; coordinates): then a lone dot is always the decimal point (``38.123`` is 38.123).
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
        elif _GROUPED_DOT.match(text) and not point_is_decimal:
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


def parse_count(cell: Cell, *, point_is_decimal: bool = False) -> int:
    """A whole number of people, ``0`` for an empty cell."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return 0
    value = parse_decimal(cell, places=0, point_is_decimal=point_is_decimal)
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
