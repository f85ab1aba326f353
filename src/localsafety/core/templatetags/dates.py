"""``{% load dates %}``: the four date styles of ``core.dates`` and stored notes translated."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from localsafety.core import dates

register = template.Library()

register.filter("prose_date", dates.prose_date)
register.filter("table_date", dates.table_date)
register.filter("prose_datetime", dates.prose_datetime)
register.filter("table_datetime", dates.table_datetime)

#: What separates the parts of a stored note: a catalogue message, then a citation.
NOTE_SEPARATOR = " | "


@register.filter
def source_note(note: Any) -> str:
    """A record's source note, read in the page's language: the notes the application writes
    itself (reference loads, the demo) are catalogue messages, stored in English and shown
    translated; what follows `` | `` (a citation, a title) is shown as written."""
    text = str(note or "")
    return " — ".join(gettext(part) for part in text.split(NOTE_SEPARATOR) if part)
