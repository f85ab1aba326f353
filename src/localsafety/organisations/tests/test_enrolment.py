"""Accounts whose role requires two-factor (police, national, administrators) add their
authenticator only through a one-time enrolment link, never with the password alone.

Written as the attacker of the security review: they hold the password of a police account
that has no authenticator yet, and try to enrol their own.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.organisations import services
from localsafety.organisations.models import EnrolmentLink, enrolment_token_hash
from localsafety.organisations.tests.two_factor_helpers import (
    TWO_FACTOR,
    code_for,
    password_only,
)

LINK = re.compile(r"https?://testserver(/accounts/two-factor/enrol/[^/\s]+/)")


def enrol_path(token: str) -> str:
    return reverse("accounts:enrol", args=[token])


def shows_a_secret(client: Client) -> bool:
    content = client.get(TWO_FACTOR).content.decode()
    return "<svg" in content or 'id="totp-secret"' in content or "otpauth" in content


# --- the password alone --------------------------------------------------------------------


def test_the_password_alone_shows_no_enrolment_secret(world):
    attacker, _landing = password_only("commander_a")
    response = attacker.get(TWO_FACTOR + "?next=/organisations/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" not in content and 'id="totp-secret"' not in content
    assert "enrolment link" in content
    # Not even a secret is made that a later page could show.
    assert not TOTPDevice.objects.filter(user=world.commander_a).exists()


def test_the_password_alone_reaches_nothing_else(world):
    attacker, landing = password_only("commander_a", next_url="/organisations/")
    assert landing.startswith(TWO_FACTOR)
    for path in (
        "/organisations/",
        f"/contracts/{world.contract_a.pk}/",
        f"/contracts/{world.contract_a.pk}/meetings/",
        reverse("accounts:profile"),
    ):
        response = attacker.get(path)
        assert response.status_code == 302 and response.url.startswith(TWO_FACTOR), path
    for path in ("/api/v1/me/", f"/api/v1/contracts/{world.contract_a.pk}/"):
        assert attacker.get(path).status_code == 403, path
    assert attacker.post(reverse("accounts:token_create")).status_code == 403


def test_the_password_alone_cannot_confirm_an_authenticator(world):
    # An unconfirmed authenticator whose secret the attacker somehow knows (say, shown by
    # the old setup page): a right code from it still enrols nothing.
    device = TOTPDevice.objects.create(user=world.commander_a, name="attacker", confirmed=False)
    attacker, _landing = password_only("commander_a")
    attacker.post(TWO_FACTOR, {"code": code_for(device), "next": "/organisations/"})
    device.refresh_from_db()
    assert not device.confirmed
    assert attacker.get("/organisations/").status_code == 302
    # The services refuse it themselves, whatever page calls them.
    with pytest.raises(PermissionDenied):
        services.totp_device_for_setup(actor=world.commander_a)
    with pytest.raises(PermissionDenied):
        services.totp_device_verify(
            actor=world.commander_a, device=device, token=code_for(device, steps_ahead=1)
        )
    device.refresh_from_db()
    assert not device.confirmed


# --- a valid link ----------------------------------------------------------------------------


def test_a_mailed_link_enrols_once(world, django_capture_on_commit_callbacks):
    client, _landing = password_only("commander_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:enrolment_request"))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["commander_a@example.test"]
    match = LINK.search(message.body)
    assert match, message.body
    path = match.group(1)
    token = path.rstrip("/").rsplit("/", 1)[1]
    stored = EnrolmentLink.objects.get(user=world.commander_a)
    assert stored.token_hash == enrolment_token_hash(token) != token  # stored hashed

    # Following the link changes nothing; its button opens the enrolment.
    page = client.get(path)
    assert page.status_code == 200 and "<svg" not in page.content.decode()
    assert not shows_a_secret(client)
    response = client.post(path)
    assert response.status_code == 302 and response.url == TWO_FACTOR
    setup = client.get(TWO_FACTOR + "?next=/organisations/").content.decode()
    assert "<svg" in setup and 'id="totp-secret"' in setup
    device = TOTPDevice.objects.get(user=world.commander_a, confirmed=False)
    response = client.post(TWO_FACTOR, {"code": code_for(device), "next": "/organisations/"})
    assert response.status_code == 302 and response.url == "/organisations/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/organisations/").status_code == 200
    stored.refresh_from_db()
    assert stored.completed_at is not None

    # Once: the same link, again, from anywhere, shows and enrols nothing.
    assert client.post(path).status_code == 400
    later, _landing = password_only("commander_a")
    assert later.post(path).status_code == 400
    assert not shows_a_secret(later)
    assert TOTPDevice.objects.filter(user=world.commander_a).count() == 1


def test_following_a_link_signed_out_goes_through_the_password_to_the_link(world):
    token = services.enrolment_link_create(actor=None, user=world.commander_a)
    client = Client()
    response = client.get(enrol_path(token))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    client, landing = password_only("commander_a", next_url=enrol_path(token))
    assert landing == enrol_path(token)
    assert client.get(landing).status_code == 200


def test_opening_a_link_makes_a_fresh_secret(world):
    old = TOTPDevice.objects.create(user=world.commander_a, name="seen", confirmed=False)
    token = services.enrolment_link_create(actor=None, user=world.commander_a)
    client, _landing = password_only("commander_a")
    client.post(enrol_path(token))
    device = TOTPDevice.objects.get(user=world.commander_a)
    assert device.pk != old.pk and device.key != old.key


# --- links that must not work ----------------------------------------------------------------


def test_a_link_of_another_person_is_refused_and_not_spent(world):
    token = services.enrolment_link_create(actor=None, user=world.commander_a)
    other, _landing = password_only("national")  # no authenticator in the world either
    assert other.get(enrol_path(token)).status_code == 400
    assert other.post(enrol_path(token)).status_code == 400
    assert not shows_a_secret(other)
    assert not TOTPDevice.objects.filter(user=world.national).exists()
    # Its own person can still use it.
    owner, _landing = password_only("commander_a")
    assert owner.post(enrol_path(token)).status_code == 302
    assert shows_a_secret(owner)


def test_a_followed_link_cannot_be_followed_again_from_another_session(world):
    token = services.enrolment_link_create(actor=None, user=world.commander_a)
    owner, _landing = password_only("commander_a")
    assert owner.post(enrol_path(token)).status_code == 302
    attacker, _landing = password_only("commander_a")  # got the link after it was used
    assert attacker.post(enrol_path(token)).status_code == 400
    assert not shows_a_secret(attacker)
    assert shows_a_secret(owner)


def test_an_expired_link_is_refused(world):
    token = services.enrolment_link_create(actor=None, user=world.commander_a)
    EnrolmentLink.objects.filter(token_hash=enrolment_token_hash(token)).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    client, _landing = password_only("commander_a")
    assert client.get(enrol_path(token)).status_code == 400
    assert client.post(enrol_path(token)).status_code == 400
    assert not shows_a_secret(client)


def test_an_enrolment_left_open_past_its_expiry_shows_and_confirms_nothing(world):
    token = services.enrolment_link_create(actor=None, user=world.commander_a)
    client, _landing = password_only("commander_a")
    client.post(enrol_path(token))
    device = TOTPDevice.objects.get(user=world.commander_a)
    EnrolmentLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert not shows_a_secret(client)
    client.post(TWO_FACTOR, {"code": code_for(device)})
    device.refresh_from_db()
    assert not device.confirmed


def test_a_made_up_link_is_refused(world):
    client, _landing = password_only("commander_a")
    assert client.get(enrol_path("A" * 43)).status_code == 400
    assert client.post(enrol_path("A" * 43)).status_code == 400


# --- who issues links ------------------------------------------------------------------------


def test_a_national_user_mails_a_link_to_the_accounts_own_address(
    world, client_for, django_capture_on_commit_callbacks
):
    url = reverse("accounts:enrolment_link_issue")
    client = client_for(world.national)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"username": "commander_a"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["commander_a@example.test"]]
    assert EnrolmentLink.objects.get(user=world.commander_a).issued_by == world.national
    # The issuer never sees the link itself.
    page = client.get(url).content.decode()
    assert not LINK.search(page) and "/two-factor/enrol/" not in page
    # A role without the requirement turns two-factor on by itself: no link.
    response = client.post(url, {"username": "mayor_a"})
    assert response.status_code == 400 and 'href="#id_username"' in response.content.decode()


def test_only_national_users_and_administrators_issue_links(world, client_for):
    url = reverse("accounts:enrolment_link_issue")
    for person in (world.coordinator_a, world.partner_a, world.stranger):
        assert client_for(person).post(url, {"username": "commander_a"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.enrolment_link_create(actor=person, user=world.commander_a)
    assert not EnrolmentLink.objects.exists()


def test_asking_for_ones_own_link_again_at_once_sends_no_second_mail(
    world, django_capture_on_commit_callbacks
):
    client, _landing = password_only("commander_a")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:enrolment_request"))
        client.post(reverse("accounts:enrolment_request"))
    assert len(mail.outbox) == 1


def test_the_command_prints_a_working_link(world):
    out = StringIO()
    call_command(
        "enrolment_link", "commander_a", "--base-url", "https://cls.example", stdout=out,
        stderr=StringIO(),
    )  # fmt: skip
    url = out.getvalue().strip()
    assert url.startswith("https://cls.example/accounts/two-factor/enrol/")
    client, _landing = password_only("commander_a")
    assert client.post(urlsplit(url).path).status_code == 302
    assert shows_a_secret(client)
    with pytest.raises(CommandError):
        call_command("enrolment_link", "mayor_a", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("enrolment_link", "nobody", stdout=StringIO())
