"""``{% load dates %}``: the four date styles of ``core.dates`` and stored notes translated."""

from __future__ import annotations

from typing import Any

from django import template

from localsafety.core import dates
from localsafety.core.notes import translated_note

register = template.Library()

register.filter("prose_date", dates.prose_date)
register.filter("table_date", dates.table_date)
register.filter("prose_datetime", dates.prose_datetime)
register.filter("table_datetime", dates.table_datetime)


@register.filter
def source_note(note: Any) -> str:
    """A record's source note in the page's language (``core.notes``)."""
    return translated_note(note)
