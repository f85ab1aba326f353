from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(english_pages: None) -> None:
    """These tests read the pages' English text."""


# Real Chromium for the phone-sized quick-entry test (the portal's browser fixtures).
from localsafety.portal.tests.conftest import browser, page  # noqa: E402, F401
