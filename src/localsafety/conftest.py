"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from localsafety.organisations.models import User
from localsafety.testing.auth import sign_in
from localsafety.testing.world import World, build_world

# The same examples on every run: a property test either passes or fails on every machine,
# never by chance in CI. Edge cases are covered by raising the number of examples.
hypothesis_settings.register_profile("localsafety", derandomize=True, max_examples=300)
hypothesis_settings.load_profile("localsafety")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """``client_for(user)`` gives a client signed in as ``user`` (None: anonymous)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            sign_in(client, user)
        return client

    return make


@pytest.fixture
def english_pages(request: pytest.FixtureRequest, settings: Any) -> None:
    """Pages in English for tests that read their text (everyone in the world reads English)."""
    settings.LANGUAGE_CODE = "en"
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        User.objects.update(language="en")
        for user in world.users.values():
            user.language = "en"
