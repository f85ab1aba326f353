"""Query counts pinned exactly, and the same with few rows as with many (Zulip's
``assert_database_query_count``): a list whose count grows with its rows is an N+1.

A pin is an exact number, not a ceiling: a change that saves a query must lower the pin in the
same commit, so the next change cannot spend the saving on an N+1 unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext


def _listing(context: CaptureQueriesContext) -> str:
    return "\n".join(
        f"{number}. {query['sql']}" for number, query in enumerate(context.captured_queries, 1)
    )


def count_queries(request: Callable[[], HttpResponse]) -> tuple[int, HttpResponse, str]:
    """Run ``request`` with an empty fragment cache; its query count, response and queries."""
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = request()
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return len(context.captured_queries), response, _listing(context)


def assert_num_queries(expected: int, request: Callable[[], HttpResponse]) -> HttpResponse:
    """Exactly ``expected`` queries, the fragment cache as it is (for a warm-cache pin)."""
    with CaptureQueriesContext(connection) as context:
        response = request()
    assert response.status_code == 200, (response.status_code, response.content[:300])
    assert len(context.captured_queries) == expected, (
        f"{len(context.captured_queries)} queries, pinned at {expected}:\n{_listing(context)}"
    )
    return response


def assert_num_queries_stable(
    client: Any,
    url: str,
    *,
    expected: int,
    grow: Callable[[], object],
    shows_growth: Callable[[HttpResponse], bool],
    data: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[HttpResponse, HttpResponse]:
    """GET ``url`` with few rows, ``grow()`` many more rows of what it lists, GET again.

    Both counts must equal ``expected``. ``shows_growth(response)`` must be false before and
    true after, so the pin is known to cover rows the page really lists (a ``grow`` that adds
    rows the page does not show would prove nothing). The fragment cache is emptied before
    each count: a page is pinned as rendered, not as remembered. One request before counting
    lets the session and the second factor settle.
    """
    kwargs: dict[str, Any] = {"data": data, "headers": headers}

    def fetch() -> HttpResponse:
        response: HttpResponse = client.get(url, **kwargs)
        return response

    fetch()
    few, before, few_sql = count_queries(fetch)
    assert not shows_growth(before), "the rows grow() adds are already listed before grow()"
    grow()
    many, after, many_sql = count_queries(fetch)
    assert shows_growth(after), "the page does not list the rows grow() added"
    assert few == many == expected, (
        f"{url}: {few} queries with few rows, {many} with many; pinned at {expected}.\n"
        f"--- few ---\n{few_sql}\n--- many ---\n{many_sql}"
    )
    return before, after
