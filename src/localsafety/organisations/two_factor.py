"""Time-based one-time codes (TOTP): QR codes for setup, demo devices, current codes, and
what a session remembers of its second factor (when it was last confirmed).

Sensitive actions (stage decisions, rights changes, API tokens, enrolment links) ask for a
*recent* second factor from people who have two-factor: ``require_recent_second_factor``
for page views, ``has_recent_second_factor`` for anything else (the API).
"""

from __future__ import annotations

import functools
import time
from base64 import b32encode
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.organisations.access import requires_two_factor
from localsafety.organisations.models import User

#: Session key: when (Unix seconds) this session last confirmed a second-factor code.
SECOND_FACTOR_AT_SESSION_KEY = "localsafety_second_factor_at"

# RFC 6238's published test secret ("12345678901234567890"): the demo's devices use it so a
# visitor can add it to any authenticator app, or ask ``localsafety totp USERNAME``.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def ensure_demo_totp_device(user: User) -> TOTPDevice:
    """Give a demo user one confirmed authenticator with the known demo key."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
    if device.key != DEMO_TOTP_KEY:
        device.key = DEMO_TOTP_KEY
        device.last_t = -1
        device.save(update_fields=["key", "last_t"])
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the device's authenticator shows now, zero-padded to its digits."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def base32_secret(device: TOTPDevice) -> str:
    """The secret as typed into an authenticator app by hand, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (no script, no style attribute)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff"))


# --- the account's flag ---------------------------------------------------------------------


def sync_two_factor_flag(sender: type[Device], instance: Device, **kwargs: Any) -> None:
    """Keep ``User.two_factor_enabled`` equal to "has a confirmed device" (post_save and
    post_delete of every device model; connected in ``OrganisationsConfig.ready``)."""
    user_id = getattr(instance, "user_id", None)
    if user_id is None:
        return
    has_device = any(
        model.objects.filter(user_id=user_id, confirmed=True).exists()
        for model in django_otp.device_classes()
    )
    User.objects.filter(pk=user_id).exclude(two_factor_enabled=has_device).update(
        two_factor_enabled=has_device
    )


# --- the session's second factor ------------------------------------------------------------


def mark_second_factor(request: HttpRequest, device: Device) -> None:
    """The session passed its second factor with ``device``, now."""
    django_otp.login(request, device)
    request.session[SECOND_FACTOR_AT_SESSION_KEY] = int(time.time())


def is_verified(user: Any) -> bool:
    """django-otp's middleware gives the request's user ``is_verified()``."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def has_recent_second_factor(request: HttpRequest) -> bool:
    """Whether the session confirmed a code within ``LOCALSAFETY_RECENT_SECOND_FACTOR_SECONDS``.

    People without two-factor have nothing to confirm again: True for them.
    """
    user = request.user
    if not requires_two_factor(user):
        return True
    if not is_verified(user):
        return False
    confirmed_at = request.session.get(SECOND_FACTOR_AT_SESSION_KEY)
    if not isinstance(confirmed_at, int | float):
        return False
    age = time.time() - confirmed_at
    return 0 <= age <= settings.LOCALSAFETY_RECENT_SECOND_FACTOR_SECONDS


def second_factor_again_url(next_url: str) -> str:
    return f"{reverse('accounts:two_factor')}?{urlencode({'next': next_url})}"


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


@overload
def require_recent_second_factor(view: View) -> View: ...
@overload
def require_recent_second_factor(
    *,
    methods: tuple[str, ...] = ...,
    return_to: Callable[[HttpRequest], str] | None = ...,
) -> Callable[[View], View]: ...
def require_recent_second_factor(
    view: View | None = None,
    *,
    methods: tuple[str, ...] = ("POST",),
    return_to: Callable[[HttpRequest], str] | None = None,
) -> View | Callable[[View], View]:
    """Decorate a view whose ``methods`` do something sensitive (a stage decision, a change
    of someone's rights, an API token, an enrolment link).

    For a person with two-factor whose session has not confirmed a code recently, the action
    is not done: they are sent to the code page and back to ``return_to(request)`` (default:
    this page) to do it again. A session that never passed its second factor gets 403.
    Use it inside ``@contract_view`` so outsiders still get 404 first.
    """

    def decorate(function: View) -> View:
        @functools.wraps(function)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if (
                request.method in methods
                and user.is_authenticated
                and not has_recent_second_factor(request)
            ):
                if not is_verified(user):
                    raise PermissionDenied(_("Confirm your two-factor code first."))
                messages.info(
                    request,
                    _(
                        "For this action, confirm it is you: enter the code your "
                        "authenticator app shows now, then do it again."
                    ),
                )
                next_url = return_to(request) if return_to else request.get_full_path()
                return redirect(second_factor_again_url(next_url))
            return function(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorate(view) if view is not None else decorate
