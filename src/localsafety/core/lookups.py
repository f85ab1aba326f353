"""Integer lookups that cannot overflow the database (finding 11, the ORM's half).

Django (5.0+) answers ``filter(pk=huge)`` with no rows instead of sending a number the
database cannot hold, but not ``pk__in=[huge]`` nor ``parent_id=huge`` (a foreign key): SQLite
raises ``OverflowError`` and the request fails with a server error. Input is validated where
it comes in (``core.params``, the API's ``IdField``); these lookups are the second wall, for
input that reaches a query another way (a form's ``ModelMultipleChoiceField``, a body id):
a value no integer column can hold matches nothing, exactly as Django's own exact lookup does.
Registered once by ``CoreConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _bounds(field: Any, connection: Any) -> tuple[int | None, int | None] | None:
    """The column's integer range, or None when it is not an integer column."""
    target = getattr(field, "target_field", field)  # a foreign key stores its target's type
    try:
        return connection.ops.integer_field_range(target.get_internal_type())  # type: ignore[no-any-return]
    except KeyError:
        return None


def _fits(value: Any, bounds: tuple[int | None, int | None]) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return True
    low, high = bounds
    return (low is None or value >= low) and (high is None or value <= high)


def _drop_out_of_range(lookup: Any, connection: Any) -> None:
    if lookup.rhs_is_direct_value():
        bounds = _bounds(lookup.lhs.output_field, connection)
        if bounds is not None:
            lookup.rhs = [value for value in lookup.rhs if _fits(value, bounds)]


class IntegerInWithinRange(In[Any]):
    """``pk__in=[...]``: values no column can hold are dropped (none left: no rows)."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        _drop_out_of_range(self, connection)
        return super().process_rhs(compiler, connection)


class RelatedInWithinRange(RelatedIn):
    """``parent__in=[...]`` / ``parent_id__in=[...]`` on a foreign key, likewise."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        _drop_out_of_range(self, connection)
        return super().process_rhs(compiler, connection)


class RelatedExactWithinRange(RelatedExact):
    """``parent_id=huge`` matches nothing, as ``pk=huge`` does."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            bounds = _bounds(self.lhs.output_field, connection)
            if bounds is not None and not _fits(self.rhs, bounds):
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerInWithinRange, lookup_name="in")
    ForeignKey.register_lookup(RelatedInWithinRange, lookup_name="in")
    ForeignKey.register_lookup(RelatedExactWithinRange, lookup_name="exact")
