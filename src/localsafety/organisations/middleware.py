"""Sessions that must pass a second factor before anything else, and that end when idle."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from localsafety.organisations.access import requires_two_factor, role_requires_two_factor

Handler = Callable[[HttpRequest], HttpResponse]

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/accessibility/", "/healthz")

#: Session key: when (Unix seconds) a police or national session was last seen active.
ACTIVITY_SESSION_KEY = "localsafety_active_at"


class TwoFactorRequiredMiddleware:
    """Whoever must pass a second factor (their role requires it, or they turned it on)
    passes it before seeing anything else."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and requires_two_factor(user)
            and not user.is_verified()
        ):
            if request.path.startswith("/api/"):
                # A session signed in with only a password must not reach the API either;
                # token requests are authenticated later by DRF (tokens need 2FA to create).
                return JsonResponse(
                    {"detail": _("Two-factor authentication is required for your role.")},
                    status=403,
                )
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)


def _idle_seconds() -> int:
    return int(settings.LOCALSAFETY_PRIVILEGED_SESSION_IDLE_SECONDS)


def _refresh_interval(idle: int) -> int:
    # The session row is rewritten at most this often (not on every request), so a page's
    # queries do not grow by a write; the session may end up to this much before ``idle``.
    return max(1, min(300, idle // 10))


def start_privileged_session(session: SessionBase, now: int | None = None) -> None:
    """Make the session expire after the idle time instead of SESSION_COOKIE_AGE."""
    session[ACTIVITY_SESSION_KEY] = int(time.time()) if now is None else now
    session.set_expiry(_idle_seconds())


def privileged_session_on_login(
    sender: Any, request: HttpRequest, user: Any, **kwargs: Any
) -> None:
    """``user_logged_in``: police and national sessions are short from their first response."""
    session = getattr(request, "session", None)
    if session is not None and role_requires_two_factor(user):
        start_privileged_session(session)


class PrivilegedSessionIdleMiddleware:
    """Police and national sessions end after ``LOCALSAFETY_PRIVILEGED_SESSION_IDLE_SECONDS``
    without a request (default 12 hours); everyone else keeps ``SESSION_COOKIE_AGE``.

    The stored session expires by itself (``set_expiry``); the check here also ends it for
    session engines that would not.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and role_requires_two_factor(user):
            idle = _idle_seconds()
            now = int(time.time())
            last = request.session.get(ACTIVITY_SESSION_KEY)
            if isinstance(last, int) and now - last > idle:
                logout(request)  # the rest of the request sees an anonymous visitor
            elif (
                not isinstance(last, int)
                or now - last >= _refresh_interval(idle)
                or request.session.get_expiry_age() > idle
            ):
                start_privileged_session(request.session, now)
        return self.get_response(request)
