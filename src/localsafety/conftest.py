"""Fixtures shared by every app's tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from pytest_django.plugin import blocking_manager_key

from localsafety.organisations.models import User
from localsafety.testing.auth import sign_in
from localsafety.testing.world import World, WorldKeys, build_world, fetch_world, world_keys

# The same examples on every run: a property test either passes or fails on every machine,
# never by chance in CI. Edge cases are covered by raising the number of examples.
hypothesis_settings.register_profile("localsafety", derandomize=True, max_examples=300)
hypothesis_settings.load_profile("localsafety")


# --- the named world: built once per test worker, fetched fresh per test ----------------
#
# The world is committed to the test database right after the database is created, so every
# test's transaction (and its rollback) sits on top of it. A transactional test
# (``transaction=True``, ``live_server``) ends with a flush that empties every table; the world
# is built again right after that flush, before the next test starts.

_built: dict[str, WorldKeys | None] = {"keys": None}

TRANSACTIONAL_FIXTURES = frozenset({"transactional_db", "live_server", "django_db_reset_sequences"})


def _build_world() -> WorldKeys:
    # In English whatever the thread's language happens to be: body names are still stored
    # translated, and the tests read them in English.
    with translation.override("en"):
        keys = _built["keys"] = world_keys(build_world())
    return keys


def _flushes_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or (marker.args and marker.args[0])
    ):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        _build_world()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield  # the test's fixtures are finalised here, the transactional flush included
    keys = _built["keys"]
    if nextitem is not None and keys is not None and _flushes_the_database(item):
        with item.config.stash[blocking_manager_key].unblock():
            model, pk = keys["national"]
            if not model._default_manager.filter(pk=pk).exists():  # not if the test was skipped
                _build_world()


@pytest.fixture
def world(db: None) -> World:
    """The named world, its objects fetched afresh (a person's scope is memoised on the user
    object, so objects shared between tests would carry one test's seats into the next)."""
    keys = _built["keys"]
    assert keys is not None, "the world is built with the test database (django_db_setup)"
    return fetch_world(keys)


@pytest.fixture
def empty_db(db: None) -> None:
    """For tests that need the tables empty (generator, demo, reference loading): every row of
    the project's apps is deleted inside the test's transaction, and comes back at its rollback.

    Foreign keys are deferred (Django declares them so), so the order does not matter; raw
    DELETEs skip ``on_delete=PROTECT``, which only guards the ORM's own deletes.
    """
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_config is not None
        and model._meta.app_config.name.startswith("localsafety.")
        and model._meta.managed
        and not model._meta.proxy
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in dict.fromkeys(tables):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with no cached fragments: the world's rows (and so their generation)
    are the same in every test, so a fragment cached by one test would serve the next."""
    cache.clear()
    yield


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


# --- real Chromium (Debian's /usr/bin/chromium) driven by Playwright -------------------------
# One session-wide browser for every app's browser tests: Playwright's sync API runs an event
# loop in this thread, so a second ``sync_playwright()`` while one is alive fails.
CHROMIUM = os.environ.get("LOCALSAFETY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    # The ORM calls the tests make between page actions are ordinary synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="pt-PT")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
