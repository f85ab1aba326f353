"""Names as a Portuguese reader searches and sorts them (issue 8, point 6).

``fold`` turns a name into its *key*: lower case, without accents or cedillas, spaces
collapsed ("São Brás de Alportel" -> "sao bras de alportel"). Models keep the key of their
name in an indexed column (``core.fields.FoldedKeyField``), so that searching ("loule" finds
Loulé) and sorting (Alcácer do Sal before Alcoutim, Évora among the E's) are plain indexed
comparisons that behave the same on SQLite and PostgreSQL, with no extension or collation
installed. Ties between names with the same key are broken by the name itself.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """The search and sort key of ``text``: case and accents dropped, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())


def portuguese_sort_key(text: str) -> tuple[str, str]:
    """Sort key for names sorted in Python, the same order as the stored keys give."""
    return (fold(text), text)
