"""Time-based one-time codes (TOTP): QR codes for setup, demo devices, current codes."""

from __future__ import annotations

from base64 import b32encode

import segno
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.organisations.models import User

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
