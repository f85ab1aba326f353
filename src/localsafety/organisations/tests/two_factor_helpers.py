"""What the two-factor tests share: a password-only sign-in and codes computed independently."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"
LOGIN = reverse("accounts:login")
TWO_FACTOR = reverse("accounts:two_factor")


def password_only(username: str, next_url: str = "") -> tuple[Client, str]:
    """A client that logged in with the password alone (what an attacker holding it does);
    also where the log-in sent it."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN, data)
    assert response.status_code == 302, response.content[:500]
    return client, response.url


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator shows (``steps_ahead`` 30-second steps later), computed from
    the stored key without the project's helpers."""
    device.refresh_from_db()
    totp = TOTP(bytes.fromhex(device.key), device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code that no step the device accepts now would show."""
    accepted = {code_for(device, steps) for steps in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1, 10) if f"{n:06d}" not in accepted)
