"""Police, national and administrator accounts pass a second factor before anything else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from localsafety.organisations.access import requires_two_factor

Handler = Callable[[HttpRequest], HttpResponse]

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/accessibility/", "/healthz")


class TwoFactorRequiredMiddleware:
    """Police and national roles must pass a TOTP check before seeing anything else."""

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
