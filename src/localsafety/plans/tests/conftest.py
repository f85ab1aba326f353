from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Service messages are read in English here (the pages' tests pick their language)."""
    with translation.override("en"):
        yield
