"""Fixtures shared by every app's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from localsafety.organisations.models import User
from localsafety.testing.auth import sign_in
from localsafety.testing.world import World, build_world


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
