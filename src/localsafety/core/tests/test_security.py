"""Production security: CSP on every page, no inline code in templates, deploy checks,
secrets, secure cookies and HSTS."""

from __future__ import annotations

import os
import re
import secrets
import subprocess  # noqa: S404 - runs our own command with fixed arguments
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PACKAGE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


# --- (a) Content-Security-Policy on every HTML response ----------------------------------


def _expected_policy() -> dict[str, list[str]]:
    return {name: list(values) for name, values in settings.CONTENT_SECURITY_POLICY.items()}


def _parse_policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _plain_paths(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    """Every URL of the site that takes no parameters."""
    paths = []
    for pattern in patterns:
        route = str(pattern.pattern)
        if "<" in route or route.startswith("^") or "(?P" in route:
            continue
        if isinstance(pattern, URLResolver):
            paths += _plain_paths(pattern.url_patterns, prefix + route)
        else:
            paths.append("/" + prefix + route)
    return sorted(set(paths))


# What the header must say, written out here rather than read from the setting the header is
# built from (comparing the two could not fail). Images may also come from the map tiles.
REQUIRED_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def _assert_strict_csp(response, path: str) -> None:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{path} has no Content-Security-Policy"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, path
    policy = _parse_policy(header)
    for directive, sources in REQUIRED_DIRECTIVES.items():
        assert policy.get(directive) == sources, (path, directive, policy.get(directive))
    images = policy.get("img-src", [])
    assert images[:2] == ["'self'", "data:"], (path, images)
    assert all(source.startswith("https://") for source in images[2:]), (path, images)
    assert not any("*" == source for sources in policy.values() for source in sources), path
    assert set(policy) <= {*REQUIRED_DIRECTIVES, "img-src"}, (path, sorted(policy))


def _assert_no_inline_code(response, path: str) -> None:
    """The page as served obeys the policy: nothing inline a strict CSP would block."""
    problems = inline_code_problems(response.content.decode())
    assert not problems, (path, problems)


def test_policy_in_settings_is_strict():
    policy = _expected_policy()
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_every_html_response_carries_the_policy(world, client_for):
    paths = _plain_paths(get_resolver().url_patterns)
    assert "/organisations/" in paths and "/accounts/login/" in paths
    paths += [
        reverse("organisations:detail", args=[world.town_a.pk]),
        "/no-such-page/",
    ]
    html_seen = 0
    for client in (Client(raise_request_exception=False), client_for(world.national)):
        client.raise_request_exception = False
        for path in paths:
            response = client.get(path)
            if response.headers.get("Content-Type", "").startswith("text/html"):
                html_seen += 1
                _assert_strict_csp(response, path)
                _assert_no_inline_code(response, path)
    assert html_seen >= 10


def test_lock_out_and_error_pages_carry_the_policy(world):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse("accounts:login"), {"username": "stranger", "password": "x"})
    assert response.status_code == 429
    _assert_strict_csp(response, "lock-out")
    _assert_strict_csp(client.post(reverse("organisations:create")), "redirect")


# --- (b) no inline code in any template ---------------------------------------------------

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
HANDLER = re.compile(r"\s(?:hx-)?on[a-z:.-]*\s*=", re.IGNORECASE)
JSON_TYPE = re.compile(r"""type\s*=\s*["']application/(?:ld\+)?json["']""", re.IGNORECASE)
SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)


def inline_code_problems(text: str) -> list[str]:
    """What a strict CSP (script-src/style-src 'self') would block in this template."""
    problems = []
    for match in SCRIPT.finditer(text):
        attributes, body = match.group(1), match.group(2)
        if JSON_TYPE.search(attributes):
            continue
        if body.strip() or not SRC.search(attributes):
            problems.append(f"inline <script>: {match.group(0)[:80]!r}")
    # Markup only: template comments and tags cannot carry attributes into the page.
    markup = re.sub(r"{#.*?#}", "", text, flags=re.DOTALL)
    for pattern, label in (
        (STYLE_ATTRIBUTE, "style attribute"),
        (STYLE_ELEMENT, "<style> element"),
        (HANDLER, "event-handler attribute"),
    ):
        for match in pattern.finditer(markup):
            line = markup[: match.start()].count("\n") + 1
            problems.append(f"{label} on line {line}: {markup[match.start() : match.end() + 30]!r}")
    return problems


@pytest.mark.parametrize(
    ("snippet", "bad"),
    [
        ('<script src="/static/app.js" defer></script>', False),
        ('<script type="application/json" id="d">{"a": 1}</script>', False),
        ('{{ data|json_script:"d" }}', False),
        ('<button class="link-button" hx-post="/x">Go</button>', False),
        ('<p class="lead">Contact us on: 21 000</p>', False),
        ("<script>alert(1)</script>", True),
        ('<script src="/x.js">alert(1)</script>', True),
        ('<script type="module">import "/x.js"</script>', True),
        ('<div style="color: red">', True),
        ("<style>p { color: red }</style>", True),
        ('<a href="#" onclick="go()">', True),
        ('<body onload="x()">', True),
        ('<form hx-on:submit="x()">', True),
    ],
)
def test_scanner_finds_inline_code(snippet, bad):
    assert bool(inline_code_problems(snippet)) is bad


def test_no_template_has_inline_script_style_or_handlers():
    templates = [
        path
        for path in PACKAGE_DIR.rglob("*.html")
        if "templates" in path.parts and "node_modules" not in path.parts
    ]
    assert len(templates) >= 10
    found = {
        str(path.relative_to(PACKAGE_DIR)): problems
        for path in templates
        if (problems := inline_code_problems(path.read_text(encoding="utf-8")))
    }
    assert not found, found


# --- (c)-(e) production settings in a fresh process ---------------------------------------


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LOCALSAFETY_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "localsafety.settings",
            "LOCALSAFETY_DEBUG": "0",
            "LOCALSAFETY_SECRET_KEY": secrets.token_urlsafe(64),
            "LOCALSAFETY_ALLOWED_HOSTS": "example.org",
            "LOCALSAFETY_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        }
    )
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments
        args, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _localsafety() -> str:
    candidate = Path(sys.executable).with_name("localsafety")
    return str(candidate) if candidate.exists() else "localsafety"


PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name) for name in ("
    "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', "
    "'SESSION_COOKIE_HTTPONLY', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', "
    "'EMAIL_BACKEND')} | {'key_length': len(s.SECRET_KEY)}))"
)


@pytest.mark.slow
def test_deploy_check_passes_with_production_environment(tmp_path):
    result = _run(
        [_localsafety(), "check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.slow
def test_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["LOCALSAFETY_SECRET_KEY"]
    result = _run([sys.executable, "-c", PRINT_SETTINGS], env)
    assert result.returncode != 0
    assert "LOCALSAFETY_SECRET_KEY" in result.stderr
    assert "ConfigurationError" in result.stderr


@pytest.mark.slow
def test_secret_key_can_come_from_a_file(tmp_path):
    secret = secrets.token_urlsafe(64)
    key_file = tmp_path / "secret_key"
    key_file.write_text(secret + "\n", encoding="utf-8")
    env = _production_env(tmp_path, LOCALSAFETY_SECRET_KEY_FILE=str(key_file))
    del env["LOCALSAFETY_SECRET_KEY"]
    check = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECRET_KEY == {!r})"
    )
    result = _run([sys.executable, "-c", check.format(secret)], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"

    result = _run([_localsafety(), "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr

    env["LOCALSAFETY_SECRET_KEY_FILE"] = str(tmp_path / "missing")
    result = _run([sys.executable, "-c", check.format(secret)], env)
    assert result.returncode != 0
    assert "LOCALSAFETY_SECRET_KEY_FILE" in result.stderr


@pytest.mark.slow
def test_production_settings_make_cookies_secure(tmp_path):
    import json

    result = _run([sys.executable, "-c", PRINT_SETTINGS], _production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert values["key_length"] >= 50


# --- (e) the same settings at work on requests --------------------------------------------

PRODUCTION_COOKIES = {
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "LANGUAGE_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SECURE_SSL_REDIRECT": False,
}


def test_session_csrf_and_language_cookies_are_secure_in_production(world):
    with override_settings(**PRODUCTION_COOKIES):
        client = Client()
        page = client.get(reverse("accounts:login"), secure=True)
        assert page.cookies["csrftoken"]["secure"] is True
        assert page.cookies["csrftoken"]["samesite"] == "Lax"
        response = client.post(
            reverse("accounts:login"), {"username": "mayor_a", "password": PASSWORD}, secure=True
        )
        assert response.status_code == 302
        session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert session_cookie["secure"] is True
        assert session_cookie["httponly"] is True
        response = client.post(
            reverse("accounts:language"), {"language": "en", "next": "/"}, secure=True
        )
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["secure"] is True


def test_hsts_header_is_sent_over_https_in_production(db):
    with override_settings(**PRODUCTION_COOKIES):
        client = Client()
        response = client.get(reverse("accounts:login"), secure=True)
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        plain = client.get(reverse("accounts:login"))
        assert "Strict-Transport-Security" not in plain.headers


def test_plain_http_is_redirected_when_ssl_redirect_is_on(db):
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = Client().get(reverse("accounts:login"))
    assert response.status_code == 301
    assert response.url.startswith("https://")
