"""Fixtures for the API tests: clients signed in by session or by token, a published B."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from localsafety.contracts import services
from localsafety.contracts.models import Contract
from localsafety.organisations.models import User
from localsafety.testing.auth import sign_in
from localsafety.testing.world import World


@pytest.fixture
def api_for(db: None) -> Callable[[User | None], APIClient]:
    """``api_for(user)``: an API client signed in (session, second factor passed) as ``user``."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            sign_in(client, user)
        return client

    return make


@pytest.fixture
def token_for(db: None) -> Callable[[User], APIClient]:
    """``token_for(user)``: an API client that sends ``Authorization: Token <key>``."""

    def make(user: User) -> APIClient:
        client = APIClient()
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def english() -> Callable[..., None]:
    """``english(*users)``: these people read the API in English (messages are translated)."""

    def make(*users: User) -> None:
        for user in users:
            user.language = User.Language.EN
            user.save(update_fields=["language"])

    return make


@pytest.fixture
def published_b(world: World) -> Contract:
    """Contract B made public by its lead organisation; contract A stays unpublished."""
    return services.contract_update(
        actor=world.coordinator_b,
        contract=world.contract_b,
        expected_version=world.contract_b.version,
        changes={"is_published": True, "summary": "Apoio a trabalhadores sazonais."},
    )
