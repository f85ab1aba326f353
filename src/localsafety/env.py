"""Small fail-loud helpers that read configuration from environment variables.

Modelled on healthchecks' ``envbool`` / ``envint``: a malformed value stops start-up
with a message instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


class ConfigurationError(RuntimeError):
    pass


def envstr(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer, got {value!r}") from exc


def envcap(name: str, default: int) -> int:
    """A limit (bytes, a count, a ratio): a positive integer, or start-up stops."""
    value = envint(name, default)
    if value < 1:
        raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name: str, default: str | None = None) -> str | None:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE points to an unreadable file: {exc}") from exc
    return os.environ.get(name, default)


def database_from_url(url: str) -> dict[str, object]:
    """Turn ``postgres://user:pass@host:port/name`` or ``sqlite:///path`` into DATABASES."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("//"):
            path = path[1:]
        elif path.startswith("/") and not Path(path).is_absolute():
            path = path[1:]
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or ":memory:"}
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        config: dict[str, object] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
        if options:
            config["OPTIONS"] = options
        return config
    raise ConfigurationError(
        f"DATABASE_URL scheme {scheme!r} is not supported (sqlite or postgres)"
    )


DATABASE_CACHE_TABLE = "localsafety_cache"
CACHE_SCHEMES = "db, redis, rediss, memcached, locmem"


def cache_from_url(name: str, url: str | None) -> dict[str, object]:
    """Turn ``NAME``'s URL into a CACHES entry; unset means the database (shared, no server).

    - ``db://`` (or unset): Django's database cache in table ``localsafety_cache``
      (``db://other_table`` for another name); ``migrate`` creates it.
    - ``redis://host:6379/0`` or ``rediss://…``: Redis (needs the ``redis`` package).
    - ``memcached://host:11211`` (``,host2:11211`` for more): Memcached (needs ``pymemcache``).
    - ``locmem://``: this process only (tests, development); never shared between workers.
    """
    if url is None or url.strip() == "":
        url = "db://"
    parsed = urlparse(url.strip())
    scheme = parsed.scheme
    if scheme == "db":
        table = (parsed.netloc + parsed.path).strip("/") or DATABASE_CACHE_TABLE
        if not table.replace("_", "").isalnum():
            raise ConfigurationError(f"{name}: {table!r} is not a valid cache table name")
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    if scheme in {"redis", "rediss"}:
        _require_module(name, "redis", scheme)
        if not parsed.hostname:
            raise ConfigurationError(f"{name} must name a host: redis://host:6379/0")
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url.strip(),
            "KEY_PREFIX": "localsafety",
        }
    if scheme == "memcached":
        _require_module(name, "pymemcache", scheme)
        servers = [server.strip() for server in parsed.netloc.split(",") if server.strip()]
        if not servers or parsed.path.strip("/"):
            raise ConfigurationError(
                f"{name} must be memcached://host:port[,host:port], got {url!r}"
            )
        for server in servers:
            host, _sep, port = server.rpartition(":")
            if not host or not port.isdigit():
                raise ConfigurationError(f"{name}: {server!r} must be host:port")
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": servers if len(servers) > 1 else servers[0],
            "KEY_PREFIX": "localsafety",
        }
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parsed.netloc or "localsafety",
        }
    # The URL itself is not repeated: it may carry a password.
    raise ConfigurationError(f"{name} scheme {scheme!r} is not supported ({CACHE_SCHEMES})")


def _require_module(name: str, module: str, scheme: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ConfigurationError(
            f"{name} uses {scheme}:// but the {module!r} package is not installed "
            f"(pip install {module})"
        )
