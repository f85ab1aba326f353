"""Sign a test client in as a person, passing two-factor where their role requires it."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.contracts.access import scope_for
from localsafety.organisations.models import User


def sign_in(client: Client, user: User) -> Client:
    client.force_login(user)
    if scope_for(user).requires_two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
