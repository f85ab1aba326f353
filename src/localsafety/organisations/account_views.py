"""Sign-in, language, profile, API tokens and two-factor authentication."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import Resolver404, resolve, reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from localsafety.core.access import require
from localsafety.core.errors import DomainError
from localsafety.core.forms import add_service_error, submit_form
from localsafety.organisations import selectors, services
from localsafety.organisations.access import (
    is_national,
    requires_two_factor,
    role_requires_two_factor,
)
from localsafety.organisations.forms import (
    EnrolmentLinkForm,
    InvitationAwarePasswordResetForm,
    LanguageForm,
    TwoFactorForm,
)
from localsafety.organisations.models import User
from localsafety.organisations.selectors import user_memberships
from localsafety.organisations.two_factor import (
    base32_secret,
    is_verified,
    mark_second_factor,
    qr_code_svg,
    require_recent_second_factor,
)


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


def _is_enrolment_link(url: str) -> bool:
    try:
        return resolve(urlsplit(url).path).view_name == "accounts:enrol"
    except Resolver404:
        return False


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if url == reverse("portal:overview"):
            # The header's link from the overview names it; signing in still leads to the
            # person's own work (LOGIN_REDIRECT_URL), the overview one click from there.
            url = resolve_url(settings.LOGIN_REDIRECT_URL)
        # A fresh session is never verified yet: whoever needs a code goes there first,
        # except on the way to their enrolment link (which is how they get an authenticator).
        if requires_two_factor(self.request.user) and not _is_enrolment_link(url):
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


def _needs_verification(user: Any) -> bool:
    return requires_two_factor(user) and not is_verified(user)


def _profile_context(request: AuthenticatedHttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    token = Token.objects.filter(user=user).only("created").first()
    return {
        "memberships": user_memberships(user),
        "two_factor_on": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "two_factor_required": role_requires_two_factor(user),
        "may_issue_enrolment_links": is_national(user),
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


def _back_to_tokens(request: HttpRequest) -> str:
    return reverse("accounts:profile") + "#api-token"


@login_required
@require_POST
@require_recent_second_factor(return_to=_back_to_tokens)
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

#: Session key: the enrolment link this session followed (roles that require two-factor).
ENROLMENT_SESSION_KEY = "localsafety_enrolment_link"


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
    enrolment = None
    if device is None:
        if role_requires_two_factor(user):
            # The password alone never shows a secret: only a followed enrolment link does.
            enrolment = selectors.enrolment_in_progress(
                user, request.session.get(ENROLMENT_SESSION_KEY)
            )
            if enrolment is None:
                return render(
                    request,
                    "accounts/enrolment_needed.html",
                    {"has_email": bool(user.email), "next": next_url},
                )
        device = services.totp_device_for_setup(actor=user, enrolment=enrolment)

    form = TwoFactorForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            verified = services.totp_device_verify(
                actor=user, device=device, token=form.cleaned_data["code"], enrolment=enrolment
            )
        except services.TwoFactorThrottled as throttled:
            # Not "wrong code": even the right one is refused until the back-off ends.
            add_service_error(form, throttled)
            status = throttled.status_code
        else:
            if verified:
                mark_second_factor(request, device)
                request.session.pop(ENROLMENT_SESSION_KEY, None)
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
        "verified": is_verified(user),
        "required": role_requires_two_factor(user),
    }
    if setting_up:
        context["qr_svg"] = qr_code_svg(device)
        context["secret"] = base32_secret(device)
    return render(request, "accounts/two_factor.html", context, status=status)


@login_required
@require_POST
def enrolment_request(request: HttpRequest) -> HttpResponse:
    """A person whose role needs two-factor asks for their enrolment link by e-mail."""
    req = cast(AuthenticatedHttpRequest, request)
    try:
        sent = services.enrolment_link_send(
            actor=req.user, user=req.user, base_url=request.build_absolute_uri("/")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(
                request,
                _(
                    "We sent an enrolment link to your e-mail address. Open it in this "
                    "browser; it works once."
                ),
            )
        else:
            messages.info(
                request,
                _("An enrolment link was sent a few minutes ago: look for it in your e-mail."),
            )
    return redirect("accounts:two_factor")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest, token: str) -> HttpResponse:
    """An enrolment link: for its own person, signed in, once, before it expires.

    Following it (GET) changes nothing; the button (POST) opens the enrolment in this
    session and goes on to the authenticator's QR code.
    """
    req = cast(AuthenticatedHttpRequest, request)
    if request.method == "POST":
        try:
            link = services.enrolment_link_open(actor=req.user, token=token)
        except DomainError as error:
            return render(
                request, "accounts/enrol.html", {"link": None, "error": error.message}, status=400
            )
        request.session[ENROLMENT_SESSION_KEY] = link.pk
        return redirect("accounts:two_factor")
    waiting = selectors.enrolment_link_waiting(req.user, token)
    status = 200 if waiting is not None else 400
    return render(request, "accounts/enrol.html", {"link": waiting}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@require_recent_second_factor
def enrolment_link_issue(request: HttpRequest) -> HttpResponse:
    """National users and administrators e-mail someone their enrolment link."""
    req = cast(AuthenticatedHttpRequest, request)
    require(
        is_national(req.user), _("Only national users and administrators issue enrolment links.")
    )
    if _needs_verification(req.user):
        return redirect(_two_factor_url(request.get_full_path()))
    form = EnrolmentLinkForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda data: services.enrolment_link_send(
            actor=req.user, user=data["username"], base_url=request.build_absolute_uri("/")
        ),
        success=lambda _sent: (
            _("An enrolment link was sent to the e-mail address of %(name)s.")
            % {"name": form.cleaned_data["username"]}
        ),
        next_url=lambda _sent: reverse("accounts:enrolment_link_issue"),
    )
    if done is not None:
        return done
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/enrolment_link_issue.html", {"form": form}, status=status)
