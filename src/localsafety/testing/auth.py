"""Sign a test client in as a person, passing two-factor where they need it (their role
requires it, or they turned it on), just now."""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.organisations.access import requires_two_factor
from localsafety.organisations.models import User
from localsafety.organisations.two_factor import SECOND_FACTOR_AT_SESSION_KEY


def sign_in(client: Client, user: User) -> Client:
    client.force_login(user)
    if requires_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[SECOND_FACTOR_AT_SESSION_KEY] = int(time.time())
        session.save()
    return client
