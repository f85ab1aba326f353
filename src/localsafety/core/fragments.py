"""Cached page fragments that can never be stale, and never shown to the wrong person.

A fragment's key contains everything its HTML depends on: the language, the *audience* (what
the viewer may see: their visibility signature, set once per request by a middleware of the
app that knows the scope, see ``audience``), the caller's parts (the request's filters and a
*generation* read from the data itself, which moves forward by itself on every write; see
``contracts.generation``). A change therefore makes a new key; nothing waits for an expiry. The
timeout only bounds memory.

The audience is added here rather than by each view, so a view cannot forget it; without one
(a fragment rendered outside a request, or a request the middleware did not see) nothing is
shared: the fragment is rendered and not cached.

The cache itself is ``CACHES["default"]``: in production a store shared by every web worker
(the database by default, Redis or Memcached through ``LOCALSAFETY_CACHE_URL``), so workers do
not each rebuild the same fragments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

FRAGMENT_TIMEOUT = 600

_audience: ContextVar[Callable[[], str] | None] = ContextVar("fragment_audience", default=None)


@contextmanager
def audience(signature: Callable[[], str]) -> Iterator[None]:
    """Fragments cached inside this block are keyed on ``signature()`` (computed when needed).

    Two viewers may share a fragment only if their signatures are equal, so a signature
    must contain every part of what a person may see that changes a page.
    """
    token = _audience.set(signature)
    try:
        yield
    finally:
        _audience.reset(token)


def fragment_key(parts: tuple[Any, ...]) -> str | None:
    """The cache key for ``parts`` in the current audience; None when there is no audience."""
    signature = _audience.get()
    if signature is None:
        return None
    raw = "|".join(str(part) for part in (get_language(), signature(), *parts))
    return "fragment:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_fragment(parts: tuple[Any, ...], render: Callable[[], str]) -> SafeString:
    key = fragment_key(parts)
    if key is None:
        return mark_safe(render())  # noqa: S308 - our own rendered template output
    html: str | None = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_TIMEOUT)
    return mark_safe(html)  # noqa: S308 - our own rendered template output
