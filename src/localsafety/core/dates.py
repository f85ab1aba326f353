"""One date style per kind of use, in each language (issue 8, point 5).

- **prose** (a sentence, a heading, a summary list): ``DATE_FORMAT`` — "14 de julho de 2016"
  in pt-PT (months in lower case, as Portuguese writes them), "14 July 2016" in English;
- **tables** (a column of dates, a history, a list): ``SHORT_DATE_FORMAT`` — "14/07/2016" in
  both languages.

The formats live in ``localsafety/formats/<language>/formats.py`` (``FORMAT_MODULE_PATH``);
the month names are Django's, translated to lower case in our catalogue. Templates use the
filters of ``core/templatetags/dates.py``; code uses these functions.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

# Django's month names, which our catalogue translates in lower case ("julho"): Portuguese
# writes months in lower case, Django's own pt catalogue capitalises them. Listed here so
# that the catalogue keeps them.
MONTHS = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def prose_date(value: dt.date | dt.datetime | None) -> str:
    """ "14 de julho de 2016" / "14 July 2016"."""
    return "" if value is None else date_format(_local(value), "DATE_FORMAT")


def table_date(value: dt.date | dt.datetime | None) -> str:
    """ "14/07/2016"."""
    return "" if value is None else date_format(_local(value), "SHORT_DATE_FORMAT")


def prose_datetime(value: dt.datetime | None) -> str:
    """ "14 de julho de 2016, 10:30" / "14 July 2016, 10:30"."""
    return "" if value is None else date_format(_local(value), "DATETIME_FORMAT")


def table_datetime(value: dt.datetime | None) -> str:
    """ "14/07/2016 10:30"."""
    return "" if value is None else date_format(_local(value), "SHORT_DATETIME_FORMAT")
