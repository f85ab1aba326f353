"""Source notes in the reader's language.

The notes the application writes itself (reference loads, the demo) are catalogue messages,
stored in English and shown translated; what follows `` | `` in a stored note (a citation, a
title) is shown as written. A note a person typed is not a catalogue message: it shows as typed.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

#: What separates the parts of a stored note: a catalogue message, then a citation.
NOTE_SEPARATOR = " | "


def translated_note(note: Any) -> str:
    text = str(note or "")
    return " — ".join(gettext(part) for part in text.split(NOTE_SEPARATOR) if part)


def note_html(note: Any) -> SafeString:
    """The same for a page: the citations that follow the message are marked as ``<cite>``
    (a work's title keeps its own language)."""
    text = str(note or "")
    first, *citations = [part for part in text.split(NOTE_SEPARATOR) if part] or [""]
    return format_html(
        "{}{}",
        gettext(first),
        format_html_join("", " — <cite>{}</cite>", ((citation,) for citation in citations)),
    )
