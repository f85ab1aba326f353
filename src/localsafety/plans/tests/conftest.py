from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Service messages are read in English here (the pages' tests pick their language)."""
    with translation.override("en"):
        yield


# Browser fixtures (the same as portal's): real Chromium driven by Playwright.
from localsafety.portal.tests.conftest import browser, page  # noqa: E402, F401
