"""``localsafety totp USERNAME``: the demo's helper that prints a person's current code."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.organisations.two_factor import (
    DEMO_TOTP_KEY,
    current_code,
    ensure_demo_totp_device,
)


def code_for(device: TOTPDevice) -> str:
    """The current code, computed from the key independently of our helper."""
    device.refresh_from_db()
    return f"{totp(bytes.fromhex(device.key), drift=device.drift):06d}"


def test_totp_command_prints_the_current_code(world):
    device = ensure_demo_totp_device(world.commander_a)
    assert device.key == DEMO_TOTP_KEY and device.confirmed
    assert ensure_demo_totp_device(world.commander_a).pk == device.pk
    out = StringIO()
    call_command("totp", "commander_a", stdout=out)
    printed = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", printed)
    assert printed in {code_for(device), current_code(device)}
    assert device.verify_token(printed)


def test_totp_command_refuses_unknown_user_or_missing_device(world):
    with pytest.raises(CommandError):
        call_command("totp", "nobody")
    with pytest.raises(CommandError):
        call_command("totp", "stranger")
