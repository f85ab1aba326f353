from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest) -> None:
    """These tests read the pages' English text (the browser test reads Portuguese)."""
    if request.node.get_closest_marker("browser") is None:
        request.getfixturevalue("english_pages")
