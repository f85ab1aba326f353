"""English left on Portuguese pages: text a page shows that is an English catalogue message.

The pt-PT catalogue (``locale/pt_PT/LC_MESSAGES/django.po``) says which English messages have a
Portuguese translation. A pt-PT page that shows one of those English messages as a whole piece
of text (a text node, a heading, a button, an ``aria-label``, a ``title``, a placeholder) did not
translate it: a label typed in a template without ``{% translate %}``, a string stored in the
database in English, a ``gettext`` called at import time. Messages that are also Portuguese
(a msgstr of the catalogue, such as "Data") or that stay the same in both languages are not
looked for.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import localsafety

CATALOGUE = Path(localsafety.__file__).parent / "locale" / "pt_PT" / "LC_MESSAGES" / "django.po"
_TEXT_ATTRIBUTES = frozenset({"title", "aria-label", "placeholder", "alt", "aria-description"})
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def _unquote(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@cache
def catalogue() -> dict[str, str]:
    """English msgid -> Portuguese msgstr, singular messages only."""
    entries: dict[str, str] = {}
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        joined = "\n".join(lines)
        if "msgid" not in joined or "msgid_plural" in joined or "msgctxt" in joined:
            continue
        head, _sep, tail = joined.partition("msgstr")
        msgid = _unquote("".join(re.findall(r'"(.*)"', head)))
        msgstr = _unquote("".join(re.findall(r'"(.*)"', tail)))
        if msgid:
            entries[msgid] = msgstr
    return entries


@cache
def _english_patterns() -> tuple[set[str], list[re.Pattern[str]]]:
    """Messages to look for: exact texts, and patterns for messages with placeholders."""
    entries = catalogue()
    portuguese = {_key(msgstr) for msgstr in entries.values()}
    exact: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for msgid, msgstr in entries.items():
        english = _key(msgid)
        if not msgstr or english == _key(msgstr) or english in portuguese:
            continue
        if not re.search(r"[A-Za-z]{2}", english):
            continue
        if _PLACEHOLDER.search(english):
            pieces = _PLACEHOLDER.split(english)
            if sum(len(piece.strip()) for piece in pieces) < 8:
                continue  # "%(name)s (%(code)s)" says nothing about its language
            patterns.append(re.compile("^" + ".+?".join(map(re.escape, pieces)) + "$", re.I))
        else:
            exact.add(english)
    return exact, patterns


def _normal(text: str) -> str:
    return " ".join(text.split())


def _key(text: str) -> str:
    """Messages are compared without case: "Version" on a page is the msgid "version"."""
    return _normal(text).casefold()


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        # Open elements that said they are in English (``lang="en"``: a cited title).
        self._english: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self._skip += 1
        # A cited work keeps its own title; an element in English says so with ``lang``.
        if tag == "cite" or ((dict(attrs).get("lang") or "").startswith("en") and tag != "html"):
            self._english.append(tag)
        for name, value in attrs:
            if value and (
                name in _TEXT_ATTRIBUTES
                or (name == "value" and tag == "input" and ("type", "submit") in attrs)
            ):
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"} and self._skip:
            self._skip -= 1
        if self._english and self._english[-1] == tag:
            self._english.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._english and data.strip():
            self.texts.append(data)


def page_texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return [_normal(text) for text in parser.texts if _normal(text)]


def english_on_page(html: str) -> list[str]:
    """The pieces of text on ``html`` that are untranslated English catalogue messages."""
    exact, patterns = _english_patterns()
    found = []
    for text in page_texts(html):
        key = _key(text)
        candidates = {key, key.rstrip(":").strip(), key.strip("()").strip()}
        if (
            candidates & exact
            or any(pattern.match(text) for pattern in patterns)
            or ENGLISH_WORDS.search(text)
        ):
            found.append(text)
    return found


#: Words of English that Portuguese never uses: a sentence with one was not translated
#: (a string typed without ``{% translate %}``, a reason stored in English, a library's text).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|with|by|from|is|are|was|this|that|these|those|which|their|its|your|you|"
    r"will|been|has|have|to|in|on|at|or|an|not|into|than|then|there|here|when|where|"
    r"who|what|why|how)\b"
)
