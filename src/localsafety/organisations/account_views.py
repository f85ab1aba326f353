"""Sign-in, language, profile, API tokens and two-factor authentication."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from localsafety.organisations import services
from localsafety.organisations.access import requires_two_factor
from localsafety.organisations.forms import (
    InvitationAwarePasswordResetForm,
    LanguageForm,
    TwoFactorForm,
)
from localsafety.organisations.models import User
from localsafety.organisations.selectors import user_memberships
from localsafety.organisations.two_factor import base32_secret, qr_code_svg


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    """``candidate`` if it points back into this site, else ``default``."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _two_factor_url(next_url: str) -> str:
    return f"{reverse('accounts:two_factor')}?{urlencode({'next': next_url})}"


# --- sign in and out ---------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def get_success_url(self) -> str:
        url = super().get_success_url()
        # A fresh session is never verified yet: roles that need a code go there first.
        if requires_two_factor(self.request.user):
            return _two_factor_url(url)
        return url


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = InvitationAwarePasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- language ----------------------------------------------------------------------------


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    default = reverse(settings.LOGIN_REDIRECT_URL)
    next_url = safe_next(request, request.POST.get("next"), default)
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(actor=request.user, user=request.user, language=code)
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# --- profile and API tokens ----------------------------------------------------------------


def _is_verified(user: Any) -> bool:
    """django-otp's middleware gives the user ``is_verified()``."""
    return bool(user.is_verified())


def _needs_verification(user: Any) -> bool:
    return requires_two_factor(user) and not _is_verified(user)


def _profile_context(request: AuthenticatedHttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    token = Token.objects.filter(user=user).only("created").first()
    return {
        "memberships": user_memberships(user),
        "two_factor_on": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "two_factor_required": requires_two_factor(user),
        "token": token,
        "language_form": LanguageForm(initial={"language": user.language}),
        **extra,
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def profile(request: HttpRequest) -> HttpResponse:
    req = cast(AuthenticatedHttpRequest, request)
    if _needs_verification(req.user):
        return redirect(_two_factor_url(request.get_full_path()))
    return render(request, "accounts/profile.html", _profile_context(req))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    req = cast(AuthenticatedHttpRequest, request)
    if _needs_verification(req.user):
        raise PermissionDenied(_("Confirm your two-factor code first."))
    token = services.api_token_create(actor=req.user)
    # The key is shown in this response only; it is never displayed again.
    response = render(
        request, "accounts/profile.html", _profile_context(req, new_token_key=token.key)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_delete(request: HttpRequest) -> HttpResponse:
    req = cast(AuthenticatedHttpRequest, request)
    services.api_token_delete(actor=req.user)
    messages.success(request, _("Your API token was deleted; it no longer works."))
    return redirect("accounts:profile")


# --- two-factor ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    req = cast(AuthenticatedHttpRequest, request)
    user = req.user
    next_url = safe_next(
        request,
        request.POST.get("next") or request.GET.get("next"),
        reverse(settings.LOGIN_REDIRECT_URL),
    )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    setting_up = device is None
    if device is None:
        device = services.totp_device_for_setup(actor=user)

    form = TwoFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_verify(actor=user, device=device, token=form.cleaned_data["code"]):
            django_otp.login(request, device)
            if setting_up:
                messages.success(request, _("Two-factor authentication is now on."))
            return redirect(next_url)
        form.add_error(
            "code",
            _("That code is not right or has expired. Enter the code your app shows now."),
        )
    context: dict[str, Any] = {
        "form": form,
        "next": next_url,
        "setting_up": setting_up,
        "verified": _is_verified(user),
        "required": requires_two_factor(user),
    }
    if setting_up:
        context["qr_svg"] = qr_code_svg(device)
        context["secret"] = base32_secret(device)
    return render(request, "accounts/two_factor.html", context)
