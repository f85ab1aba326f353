"""Optimistic locking: an edit names the version of the record it was made on (finding 13).

Every edit form carries the version it read in a hidden field, every API update sends it, and
the service compares it with the stored row, locked, before writing: a missing version is
refused (400) rather than waved through, a stale one is a conflict (409) — the second of two
edits made from the same old form never silently wins.

Records with a ``version`` column (contracts, stages, meetings) compare that number. Records
without one (organisations, contract zones) compare :func:`content_version`, a digest of the
editable fields as stored: it changes whenever any writer (a service, an import, the admin)
changes what the form showed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.db.models import Field, Model
from django.utils.translation import gettext as _

from localsafety.core.errors import ConflictError, DomainError

VERSION_FIELD = "version"


def missing_version_message() -> str:
    return _(
        "This change does not say which version of the record it was made on. "
        "Reload the page and make it again."
    )


def conflict_message() -> str:
    return _(
        "Someone else changed this record while you were working on it. "
        "Reload the page to see their change, then try again."
    )


def require_version(current: int | str, expected: int | str | None) -> None:
    """Refuse an edit without a version (400) or made on another version (409)."""
    if expected is None or expected == "":
        raise DomainError(missing_version_message(), field=VERSION_FIELD)
    if str(current) != str(expected):
        raise ConflictError(conflict_message())


def content_version(instance: Model, fields: Iterable[str]) -> str:
    """A digest of ``fields`` as ``instance`` holds them: the version of a record that has no
    version column. Foreign keys count by id."""
    values = []
    for name in fields:
        field = instance._meta.get_field(name)
        assert isinstance(field, Field), name  # a concrete column, not a relation's other side
        values.append([name, field.value_from_object(instance)])
    text = json.dumps(values, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
