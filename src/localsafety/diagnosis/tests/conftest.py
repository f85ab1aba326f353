from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from localsafety.organisations.models import User
from localsafety.testing.auth import sign_in


@pytest.fixture(autouse=True)
def _english(english_pages: None) -> None:
    """These tests read the pages' English text."""


@pytest.fixture
def api_for(db: None) -> Callable[[User | None], APIClient]:
    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            sign_in(client, user)
        return client

    return make
