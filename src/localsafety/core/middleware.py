"""Cross-cutting request handling: CSP, per-user language, two-factor, domain errors."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from localsafety.core.errors import DomainError

Handler = Callable[[HttpRequest], HttpResponse]


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy from settings; pages carry no inline script."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        policy = settings.CONTENT_SECURITY_POLICY
        self.header = "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


class UserLanguageMiddleware:
    """A signed-in person's saved language wins over the browser's."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", None) if user and user.is_authenticated else None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/accessibility/", "/healthz")


class TwoFactorRequiredMiddleware:
    """Police and national roles must pass a TOTP check before seeing anything else."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from localsafety.organisations.access import scope_for

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and scope_for(user).requires_two_factor
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


class DomainErrorMiddleware:
    """Show a refused domain action as a message on the page instead of a server error."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        messages.error(request, exception.message)
        response = render(
            request,
            "core/domain_error.html",
            {"error": exception},
            status=exception.status_code,
        )
        return response
