"""The fragment cache: configured from LOCALSAFETY_CACHE_URL, shared, created by migrate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from localsafety.core import fragments
from localsafety.env import ConfigurationError, cache_from_url

NAME = "LOCALSAFETY_CACHE_URL"
TEST_TABLE = "localsafety_cache_test"


def test_default_is_the_database_cache():
    for unset in (None, "", "  ", "db://"):
        config = cache_from_url(NAME, unset)
        assert config["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
        assert config["LOCATION"] == "localsafety_cache"
    assert cache_from_url(NAME, "db://other_table")["LOCATION"] == "other_table"


def test_redis_memcached_and_locmem_urls(monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: object() if name in {"redis", "pymemcache"} else real_find_spec(name),
    )
    redis = cache_from_url(NAME, "redis://:secret@cache.internal:6379/1")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://:secret@cache.internal:6379/1"
    assert cache_from_url(NAME, "rediss://cache.internal:6380/0")["BACKEND"] == redis["BACKEND"]
    memcached = cache_from_url(NAME, "memcached://mc1:11211")
    assert memcached["BACKEND"] == "django.core.cache.backends.memcached.PyMemcacheCache"
    assert memcached["LOCATION"] == "mc1:11211"
    assert cache_from_url(NAME, "memcached://mc1:11211,mc2:11211")["LOCATION"] == [
        "mc1:11211",
        "mc2:11211",
    ]
    locmem = cache_from_url(NAME, "locmem://")
    assert locmem["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://db/cache",
        "redis:///0",
        "memcached://",
        "memcached://mc1",
        "memcached://mc1:port",
        "db://bad-table;drop",
        "file:///tmp/cache",
    ],
)
def test_bad_cache_urls_stop_start_up(monkeypatch, url):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: object())
    with pytest.raises(ConfigurationError, match=NAME):
        cache_from_url(NAME, url)


def test_a_missing_client_library_is_named(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    with pytest.raises(ConfigurationError, match="pip install redis"):
        cache_from_url(NAME, "redis://cache:6379/0")


def test_the_error_does_not_repeat_a_password(monkeypatch):
    with pytest.raises(ConfigurationError) as refused:
        cache_from_url(NAME, "ftp://user:hunter2@cache")
    assert "hunter2" not in str(refused.value)


def test_settings_refuse_a_bad_scheme_at_start_up(tmp_path: Path):
    """Start-up stops with a clear message, not a traceback deep in Django's cache code."""
    env = {
        **os.environ,
        "LOCALSAFETY_DEBUG": "1",
        "LOCALSAFETY_CACHE_URL": "mongodb://cache",
        "DJANGO_SETTINGS_MODULE": "localsafety.settings",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode != 0
    assert "LOCALSAFETY_CACHE_URL scheme 'mongodb' is not supported" in result.stderr


def test_test_settings_cache_in_memory():
    assert caches["default"].__class__.__name__ == "LocMemCache"


DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": TEST_TABLE,
    }
}


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_database_cache_and_fragments_are_shared_through_it():
    """What production runs: ``migrate`` makes the table; a fragment is read back from it."""
    with override_settings(CACHES=DATABASE_CACHE):
        assert TEST_TABLE not in connection.introspection.table_names()
        call_command("migrate", verbosity=0)
        try:
            assert TEST_TABLE in connection.introspection.table_names()
            rendered: list[str] = []

            def render() -> str:
                rendered.append("x")
                return "<p>shared</p>"

            with fragments.audience(lambda: "public"):
                first = fragments.cached_fragment(("db-test",), render)
                key = fragments.fragment_key(("db-test",))
            assert key is not None
            # Another worker reads the row, not its own memory.
            caches["default"].close()
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {TEST_TABLE}")  # noqa: S608 - constant
                assert cursor.fetchone()[0] == 1
            with fragments.audience(lambda: "public"):
                second = fragments.cached_fragment(("db-test",), render)
            assert first == second == "<p>shared</p>" and rendered == ["x"]
            assert cache.get(key) == "<p>shared</p>"
            call_command("createcachetable", verbosity=0)  # idempotent
        finally:
            with connection.schema_editor() as editor:
                editor.execute(f"DROP TABLE {TEST_TABLE}")
