"""Territory tests read English messages: pages and services run in English here."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.utils import translation

from localsafety.organisations.models import User
from localsafety.testing.auth import sign_in


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    """Like the shared fixture, with the person's language set to English."""

    def make(user: User | None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            if user.language != "en":
                user.language = "en"
                user.save(update_fields=["language"])
            sign_in(client, user)
        return client

    return make
