"""Two-factor once it is on, throttled codes, recent codes for sensitive actions, and the idle
time of police and national sessions."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from localsafety.contracts import services as contract_services
from localsafety.contracts.models import StageStatus
from localsafety.organisations import services as organisation_services
from localsafety.organisations.middleware import ACTIVITY_SESSION_KEY
from localsafety.organisations.models import Membership, User
from localsafety.organisations.tests.two_factor_helpers import (
    LOGIN,
    TWO_FACTOR,
    code_for,
    password_only,
    wrong_code,
)
from localsafety.organisations.two_factor import (
    SECOND_FACTOR_AT_SESSION_KEY,
    ensure_demo_totp_device,
)


def contract_page(world) -> str:
    return reverse("contracts:meetings", args=[world.contract_a.pk])


def turn_on_two_factor(client: Client, user: User) -> TOTPDevice:
    """What the person does on their profile: set up an authenticator, confirm a code."""
    assert "<svg" in client.get(TWO_FACTOR).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(TWO_FACTOR, {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


# --- voluntary two-factor is enforced ----------------------------------------------------------


def test_a_mayor_who_turned_on_two_factor_is_asked_for_it_at_the_next_sign_in(world):
    owner, landing = password_only("mayor_a")
    assert not landing.startswith(TWO_FACTOR)  # no two-factor yet: the password is enough
    device = turn_on_two_factor(owner, world.mayor_a)
    owner.post(reverse("accounts:logout"))

    attacker, landing = password_only("mayor_a", next_url=contract_page(world))
    assert landing.startswith(TWO_FACTOR)
    response = attacker.get(contract_page(world))
    assert response.status_code == 302 and response.url.startswith(TWO_FACTOR)
    for path in ("/api/v1/me/", f"/api/v1/contracts/{world.contract_a.pk}/"):
        assert attacker.get(path).status_code == 403, path
    assert attacker.post(reverse("accounts:token_create")).status_code == 403
    assert not Token.objects.filter(user=world.mayor_a).exists()

    # The code from the authenticator (the next step's: the last one was spent) lets them in.
    response = attacker.post(
        TWO_FACTOR, {"code": code_for(device, steps_ahead=1), "next": contract_page(world)}
    )
    assert response.status_code == 302 and response.url == contract_page(world)
    assert attacker.get(contract_page(world)).status_code == 200
    assert attacker.get("/api/v1/me/").json()["requires_two_factor"] is True


def test_a_session_opened_before_two_factor_was_turned_on_must_pass_it_too(world):
    earlier, _landing = password_only("mayor_a")
    assert earlier.get(contract_page(world)).status_code == 200
    owner, _landing = password_only("mayor_a")
    turn_on_two_factor(owner, world.mayor_a)
    response = earlier.get(contract_page(world))
    assert response.status_code == 302 and response.url.startswith(TWO_FACTOR)
    assert owner.get(contract_page(world)).status_code == 200  # the one that confirmed


def test_the_account_flag_follows_its_devices(world):
    device = TOTPDevice.objects.create(user=world.mayor_a, name="phone", confirmed=False)
    assert not User.objects.get(pk=world.mayor_a.pk).two_factor_enabled
    device.confirmed = True
    device.save()
    assert User.objects.get(pk=world.mayor_a.pk).two_factor_enabled
    device.delete()
    assert not User.objects.get(pk=world.mayor_a.pk).two_factor_enabled


# --- throttled codes ---------------------------------------------------------------------------


def test_a_throttled_attempt_says_so_instead_of_wrong_code(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after the first failure, then doubling
    device = ensure_demo_totp_device(world.commander_a)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.commander_a)
    first = client.post(TWO_FACTOR, {"code": wrong_code(device)}).content.decode()
    assert "That code is not right" in first and "Too many wrong codes" not in first

    # Inside the back-off even the right code is refused: the page says to wait.
    response = client.post(TWO_FACTOR, {"code": code_for(device)})
    content = response.content.decode()
    assert response.status_code == 429
    assert "Too many wrong codes in a row: wait" in content
    assert "That code is not right" not in content
    assert 'href="#id_code"' in content
    assert client.get("/organisations/").status_code == 302


def test_a_throttled_attempt_is_said_in_portuguese(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    User.objects.filter(pk=world.commander_a.pk).update(language="pt-pt")
    device = ensure_demo_totp_device(world.commander_a)
    client = Client()
    client.force_login(User.objects.get(pk=world.commander_a.pk))
    client.post(TWO_FACTOR, {"code": wrong_code(device)})
    content = client.post(TWO_FACTOR, {"code": wrong_code(device)}).content.decode()
    assert "Demasiados códigos errados seguidos" in content


# --- a recent second factor for sensitive actions ----------------------------------------------


def age_second_factor(client: Client) -> None:
    """As if the code had been confirmed longer ago than a sensitive action allows."""
    session = client.session
    session[SECOND_FACTOR_AT_SESSION_KEY] -= settings.LOCALSAFETY_RECENT_SECOND_FACTOR_SECONDS + 60
    session.save()


def test_a_stage_decision_needs_a_recent_code(world, client_for):
    stage = world.contract_a.stages.get(kind="diagnosis")
    contract_services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    commander = client_for(world.commander_a)  # on A's committee; signed in with a code
    age_second_factor(commander)
    url = reverse("contracts:stage", args=[world.contract_a.pk, "diagnosis"])
    decision = {"action": "approve", "version": stage.version, "comment": "ok"}

    response = commander.post(url, decision)
    assert response.status_code == 302 and response.url.startswith(TWO_FACTOR)
    assert "next=%2Fcontracts%2F" in response.url
    api = f"/api/v1/contracts/{world.contract_a.pk}/stages/diagnosis/decisions/"
    refused = commander.post(api, json.dumps(decision), content_type="application/json")
    assert refused.status_code == 403
    stage.refresh_from_db()
    assert (
        stage.status == StageStatus.SUBMITTED
        and not stage.decisions.filter(action="approve").exists()
    )

    device = TOTPDevice.objects.get(user=world.commander_a, confirmed=True)
    assert commander.post(TWO_FACTOR, {"code": code_for(device), "next": url}).status_code == 302
    response = commander.post(url, decision)
    assert response.status_code == 302 and response.url == url
    stage.refresh_from_db()
    assert stage.status == StageStatus.APPROVED


def test_people_without_two_factor_decide_without_a_code(world, client_for):
    stage = world.contract_a.stages.get(kind="diagnosis")
    contract_services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    url = reverse("contracts:stage", args=[world.contract_a.pk, "diagnosis"])
    response = client_for(world.mayor_a).post(
        url, {"action": "approve", "version": stage.version, "comment": ""}
    )
    assert response.status_code == 302 and response.url == url
    stage.refresh_from_db()
    assert stage.status == StageStatus.APPROVED


def test_an_api_token_needs_a_recent_code(world, client_for):
    client = client_for(world.national)
    age_second_factor(client)
    response = client.post(reverse("accounts:token_create"))
    assert response.status_code == 302 and response.url.startswith(TWO_FACTOR)
    assert not Token.objects.filter(user=world.national).exists()
    device = TOTPDevice.objects.get(user=world.national, confirmed=True)
    client.post(TWO_FACTOR, {"code": code_for(device)})
    assert client.post(reverse("accounts:token_create")).status_code == 200
    assert Token.objects.filter(user=world.national).exists()


# --- idle police and national sessions ---------------------------------------------------------


@pytest.mark.parametrize("name", ["commander_a", "national"])
def test_police_and_national_sessions_expire_after_the_idle_time(world, name):
    idle = settings.LOCALSAFETY_PRIVILEGED_SESSION_IDLE_SECONDS
    assert idle == 12 * 60 * 60  # the default
    user = getattr(world, name)
    ensure_demo_totp_device(user)
    client, _landing = password_only(name)
    # From the log-in response on, the cookie and the stored session last the idle time.
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == idle
    stored = Session.objects.get(session_key=client.session.session_key)
    assert stored.expire_date <= timezone.now() + timezone.timedelta(seconds=idle)

    # Idle for longer than that: signed out, even if the stored session were still there.
    session = client.session
    session[ACTIVITY_SESSION_KEY] -= idle + 1
    session.save()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_other_sessions_keep_the_usual_age(world):
    client, _landing = password_only("mayor_a")
    client.get(reverse("contracts:meetings", args=[world.contract_a.pk]))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert ACTIVITY_SESSION_KEY not in client.session


def test_an_active_police_session_stays_signed_in(world, client_for):
    client = client_for(world.commander_a)
    page = reverse("contracts:meetings", args=[world.contract_a.pk])
    assert client.get(page).status_code == 200
    session = client.session
    session[ACTIVITY_SESSION_KEY] -= settings.LOCALSAFETY_PRIVILEGED_SESSION_IDLE_SECONDS - 60
    session.save()
    assert client.get(page).status_code == 200  # active a minute before the limit: renewed
    assert client.session.get_expiry_age() == settings.LOCALSAFETY_PRIVILEGED_SESSION_IDLE_SECONDS
    assert client.get(page).status_code == 200


# --- rights changes ask for a recent code too ----------------------------------------------------


def test_rights_changes_need_a_recent_code(world, client_for):
    """A national user whose code is old changes nothing that confers rights (organisation
    register fields, memberships, committee seats) on the pages or through the API."""
    national = client_for(world.national)
    age_second_factor(national)
    ngo = world.ngo_a
    before_kind = ngo.kind
    edit = reverse("organisations:edit", args=[ngo.pk])
    response = national.post(
        edit,
        {
            "version": organisation_services.organisation_version(ngo),
            "name": ngo.name,
            "kind": "psp",
            "is_active": "on",
            "reason": "test",
        },
    )
    assert response.status_code == 302 and response.url.startswith(TWO_FACTOR)
    membership = Membership.objects.get(user=world.partner_a, organisation=ngo)
    for url in (
        reverse("organisations:member_role", args=[ngo.pk, membership.pk]),
        reverse("organisations:member_remove", args=[ngo.pk, membership.pk]),
    ):
        response = national.post(url, {f"m{membership.pk}-role": "manager"})
        assert response.status_code == 302 and response.url.startswith(TWO_FACTOR), url
        assert f"next=%2Forganisations%2F{ngo.pk}%2F" in response.url
    committee = world.contract_a.bodies.get(kind="committee")
    seats = committee.members.count()
    add = reverse("contracts:body_member_add", args=[world.contract_a.pk])
    response = national.post(add, {"body": committee.pk, "organisation": world.ngo_a.pk})
    assert response.status_code == 302 and response.url.startswith(TWO_FACTOR)
    api = national.patch(
        f"/api/v1/organisations/{ngo.pk}/",
        json.dumps(
            {
                "version": organisation_services.organisation_version(ngo),
                "kind": "psp",
                "reason": "test",
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 403
    api = national.post(
        f"/api/v1/contracts/{world.contract_a.pk}/bodies/{committee.pk}/members/",
        json.dumps({"organisation": world.ngo_a.pk}),
        content_type="application/json",
    )
    assert api.status_code == 403
    ngo.refresh_from_db()
    membership.refresh_from_db()
    assert ngo.kind == before_kind and membership.role != "manager"
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert committee.members.count() == seats
