"""Cached page fragments that can never be stale.

A fragment's key contains everything its HTML depends on: the language, what the person may
see (their visibility signature), the request's filters, and a *generation* read from the
data itself (the newest ``updated_at`` and the row count), which every service that writes
moves forward. A change therefore makes a new key; nothing waits for an expiry. The timeout
only bounds memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

FRAGMENT_TIMEOUT = 600


def cached_fragment(parts: tuple[Any, ...], render: Callable[[], str]) -> SafeString:
    raw = "|".join(str(part) for part in (get_language(), *parts))
    key = "fragment:" + hashlib.sha256(raw.encode()).hexdigest()
    html: str | None = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, FRAGMENT_TIMEOUT)
    return mark_safe(html)  # noqa: S308 - our own rendered template output
