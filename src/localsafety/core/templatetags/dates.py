"""``{% load dates %}``: the four date styles of ``core.dates`` and stored notes translated."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from localsafety.core import dates
from localsafety.core.notes import note_html

register = template.Library()

register.filter("prose_date", dates.prose_date)
register.filter("table_date", dates.table_date)
register.filter("prose_datetime", dates.prose_datetime)
register.filter("table_datetime", dates.table_datetime)


@register.filter
def source_note(note: Any) -> SafeString:
    """A record's source note in the page's language (``core.notes``)."""
    return note_html(note)
