"""Lookups from user input and write checks, shared by every app.

``get_object_for_user`` fetches one row from an *already access-filtered* queryset and
answers 404 for "missing" and "not yours" alike; ``require`` raises 403 when a person who
may see a record tries something they may not do. Neither knows what the rules are: the
querysets and predicates of the apps above decide that.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

M = TypeVar("M", bound=Model)

ACCESS_CACHE_ATTR = "_localsafety_access"

# The django-rules rule that answers "is this person a national user?" (the Interministerial
# Commission, superusers). ``contracts`` registers it; the layers below ask it by name.
IS_NATIONAL_RULE = "localsafety.is_national"


def get_object_for_user(queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one row from an already access-filtered queryset; 404 if missing or not yours."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def require(allowed: bool, message: str | None = None) -> None:
    """Raise 403 when a person who may see a record tries something they may not do."""
    if not allowed:
        raise PermissionDenied(message or _("You may see this record but not change it."))


def access_cache(user: Any) -> dict[str, Any]:
    """Per-request memo of what the access layers computed for ``user`` (one dict, one reset).

    Each layer (organisations, contracts) stores its own entry; ``forget_access`` drops all of
    them at once after a membership or seat changes.
    """
    cache: dict[str, Any] | None = getattr(user, ACCESS_CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, ACCESS_CACHE_ATTR, cache)
    return cache


def forget_access(user: Any) -> None:
    """Drop everything the access layers remembered about ``user``."""
    if hasattr(user, ACCESS_CACHE_ATTR):
        delattr(user, ACCESS_CACHE_ATTR)
