"""Ids and numbers from query strings, parsed in one place (finding 11).

``?parent=99999999999999999999999`` once reached the database and came back as a server error
(SQLite cannot bind it; PostgreSQL's bigint cannot hold it). Every id a view reads from a
query string goes through :func:`int_param` / :func:`int_list_param`: a whole number within
``1..MAX_ID`` (the largest id either database stores), or a :class:`BadParameter` (400) that
names the parameter. The API's serializers use the same bounds (``api.serializers.IdField``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.translation import gettext as _

from localsafety.core.errors import DomainError

#: The largest value of a PostgreSQL bigint and of an SQLite INTEGER: no id is larger.
MAX_ID = 2**63 - 1
#: How many ids one query string may list (``?ids=1,2,3``).
MAX_IDS = 1000

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,20}")


class BadParameter(DomainError):
    """A query-string parameter is not what the view accepts (400)."""


def _parse(name: str, raw: str, minimum: int, maximum: int) -> int:
    text = raw.strip()
    if not _WHOLE_NUMBER.fullmatch(text) or not minimum <= int(text) <= maximum:
        raise BadParameter(
            _("%(name)s must be a whole number from %(minimum)s to %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum},
            field=name,
        )
    return int(text)


def int_param(
    params: Mapping[str, str], name: str, *, minimum: int = 1, maximum: int = MAX_ID
) -> int | None:
    """The whole number in ``params[name]``; None when absent or empty."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    return _parse(name, raw, minimum, maximum)


def int_list_param(
    params: Mapping[str, str],
    name: str,
    *,
    minimum: int = 1,
    maximum: int = MAX_ID,
    max_items: int = MAX_IDS,
) -> list[int]:
    """The comma-separated whole numbers in ``params[name]`` (empty when absent)."""
    parts = [part for part in (params.get(name) or "").split(",") if part.strip()]
    if len(parts) > max_items:
        raise BadParameter(
            _("%(name)s lists more than %(count)s values.") % {"name": name, "count": max_items},
            field=name,
        )
    return [_parse(name, part, minimum, maximum) for part in parts]
