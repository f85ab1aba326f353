"""These tests read the pages' English text: everyone here reads English."""

from __future__ import annotations

import pytest

from localsafety.organisations.models import User


@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        User.objects.update(language="en")
        for user in world.users.values():
            user.language = "en"
