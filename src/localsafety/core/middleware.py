"""Cross-cutting request handling: CSP, private responses, per-user language, domain errors."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

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


class PrivateResponseMiddleware:
    """What a signed-in person (or a program with their token) is sent is theirs alone:
    ``Cache-Control: private, no-store`` unless the view chose a policy itself, so neither a
    shared cache nor the browser's disk keeps members-only pages after they sign out.
    Anonymous pages are left cacheable.
    """

    VALUE = "private, no-store"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response.headers and self._personal(request):
            response.headers["Cache-Control"] = self.VALUE
        return response

    @staticmethod
    def _personal(request: HttpRequest) -> bool:
        if "HTTP_AUTHORIZATION" in request.META:
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


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
