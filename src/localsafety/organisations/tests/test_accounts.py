"""Log-in (with lock-out), password reset, language, profile, API tokens and two-factor."""

from __future__ import annotations

import re

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from localsafety.organisations import services
from localsafety.organisations.two_factor import ensure_demo_totp_device

PASSWORD = "correct horse battery staple"
LOGIN = reverse("accounts:login")
NEW_PASSWORD = "a brand new passphrase 42"


def code_for(device: TOTPDevice) -> str:
    """The current code, computed from the key independently of our helper."""
    device.refresh_from_db()
    return f"{totp(bytes.fromhex(device.key), drift=device.drift):06d}"


# --- log in, lock-out, log out -------------------------------------------------------------


def test_login_with_right_password_signs_in(world):
    client = Client()
    response = client.post(LOGIN, {"username": "mayor_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(world.mayor_a.pk)


def test_login_of_two_factor_role_continues_to_two_factor(world):
    client = Client()
    response = client.post(
        LOGIN, {"username": "commander_a", "password": PASSWORD, "next": "/organisations/"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))
    assert "next=%2Forganisations%2F" in response.url


def test_wrong_password_shows_error_summary(world):
    response = Client().post(LOGIN, {"username": "mayor_a", "password": "wrong"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="error-summary"' in content
    assert "_auth_user_id" not in Client().session


def test_login_page_renders_labelled_fields(db):
    content = Client().get(LOGIN).content.decode()
    assert '<label for="id_username">' in content
    assert '<label for="id_password">' in content
    assert "<h1>" in content


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN, {"username": "partner_a", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(LOGIN, {"username": "partner_a", "password": "wrong"})
    assert response.status_code == 429

    response = client.post(LOGIN, {"username": "partner_a", "password": PASSWORD})
    assert response.status_code == 429
    content = response.content.decode()
    assert "Account locked" in content
    assert "Try again in 15 minutes" in content
    assert '<html lang="en">' in content
    assert "_auth_user_id" not in client.session


def test_lock_out_page_follows_the_chosen_language_over_the_browsers(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt-pt"
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(LOGIN, {"username": "partner_a", "password": "wrong"})
    assert response.status_code == 429
    assert '<html lang="pt-PT">' in response.content.decode()


def test_lock_out_does_not_affect_other_accounts(world):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "partner_a", "password": "wrong"})
    response = client.post(LOGIN, {"username": "mayor_a", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_is_post_only(world, client_for):
    client = client_for(world.mayor_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# --- password reset --------------------------------------------------------------------


def _link_in(body: str) -> str:
    match = re.search(r"https?://testserver(/accounts/reset/\S+/)", body)
    assert match, body
    return match.group(1)


def test_password_reset_mails_a_working_link(world):
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "mayor_a@example.test"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "(mayor_a)" in message.body  # the account is named
    assert message.to == ["mayor_a@example.test"]

    response = client.get(_link_in(message.body))
    assert response.status_code == 302  # Django moves the token into the session
    set_password_url = response.url
    response = client.post(
        set_password_url,
        {
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")

    world.mayor_a.refresh_from_db()
    assert world.mayor_a.check_password(NEW_PASSWORD)
    # The link works once.
    response = Client().get(_link_in(message.body), follow=True)
    assert "has already been used or has expired" in response.content.decode()


def test_password_reset_for_unknown_address_sends_nothing(world):
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


# --- language --------------------------------------------------------------------------


def test_language_for_anonymous_sets_cookie_and_goes_back(db):
    response = Client().post(
        reverse("accounts:language"), {"language": "en", "next": "/organisations/"}
    )
    assert response.status_code == 302
    assert response.url == "/organisations/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_language_for_signed_in_user_is_saved_with_history(world, client_for):
    client = client_for(world.mayor_a)
    response = client.post(reverse("accounts:language"), {"language": "pt-pt", "next": "/"})
    assert response.status_code == 302
    world.mayor_a.refresh_from_db()
    assert world.mayor_a.language == "pt-pt"
    assert world.mayor_a.history.latest().history_user == world.mayor_a
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt-pt"
    # The saved language wins over the browser's on the next page.
    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="pt-PT">' in page.content.decode()


def test_language_refuses_an_outside_next(db):
    response = Client().post(
        reverse("accounts:language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)


def test_language_ignores_unknown_codes(world, client_for):
    client = client_for(world.mayor_a)
    response = client.post(reverse("accounts:language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    world.mayor_a.refresh_from_db()
    assert world.mayor_a.language == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_language_is_post_only(db):
    assert Client().get(reverse("accounts:language")).status_code == 405


# --- profile and API tokens ----------------------------------------------------------------


def test_profile_needs_login(db):
    response = Client().get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_profile_shows_organisations_roles_language_and_two_factor(world, client_for):
    content = client_for(world.coordinator_a).get(reverse("accounts:profile")).content.decode()
    assert "Carla Coordenadora" in content
    assert "Câmara Municipal de Lisboa" in content
    assert "Manager" in content
    assert 'value="en" selected' in content
    assert "Set up two-factor authentication" in content
    assert "You have no API token." in content


def test_profile_of_verified_police_shows_two_factor_on(world, client_for):
    content = client_for(world.commander_a).get(reverse("accounts:profile")).content.decode()
    assert "PSP" in content
    assert "Set up two-factor authentication" not in content


def test_api_token_is_shown_once_and_works(world, client_for):
    client = client_for(world.partner_a)
    response = client.post(reverse("accounts:token_create"))
    assert response.status_code == 200
    key = Token.objects.get(user=world.partner_a).key
    assert key in response.content.decode()
    assert response.headers["Cache-Control"] == "no-store"
    # Shown once: the profile no longer prints it.
    assert key not in client.get(reverse("accounts:profile")).content.decode()

    rotated = client.post(reverse("accounts:token_create"))
    new_key = Token.objects.get(user=world.partner_a).key
    assert new_key != key and new_key in rotated.content.decode()
    assert not Token.objects.filter(key=key).exists()

    response = client.post(reverse("accounts:token_delete"))
    assert response.status_code == 302
    assert not Token.objects.filter(user=world.partner_a).exists()


def test_token_views_are_post_only(world, client_for):
    client = client_for(world.partner_a)
    assert client.get(reverse("accounts:token_create")).status_code == 405
    assert not Token.objects.filter(user=world.partner_a).exists()


def test_unverified_police_cannot_get_an_api_token(world):
    client = Client()
    client.force_login(world.commander_a)
    assert client.post(reverse("accounts:token_create")).status_code == 403
    assert not Token.objects.filter(user=world.commander_a).exists()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))


# --- two-factor ------------------------------------------------------------------------


def test_middleware_sends_unverified_police_to_two_factor(world):
    client = Client()
    client.force_login(world.commander_a)
    response = client.get("/organisations/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))


def test_two_factor_setup_shows_qr_and_confirms_with_right_code(world):
    # Changed on purpose (hardening finding 3): a police account sees its QR code only after
    # following a one-time enrolment link, never with its password alone.
    client = Client()
    client.force_login(world.commander_a)
    token = services.enrolment_link_create(actor=None, user=world.commander_a)
    assert client.post(reverse("accounts:enrol", args=[token])).status_code == 302
    url = reverse("accounts:two_factor") + "?next=/organisations/"
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content
    device = TOTPDevice.objects.get(user=world.commander_a, confirmed=False)
    assert 'id="totp-secret"' in content
    # Reloading the page keeps the same secret.
    client.get(url)
    assert TOTPDevice.objects.filter(user=world.commander_a).count() == 1

    response = client.post(url, {"code": code_for(device), "next": "/organisations/"})
    assert response.status_code == 302
    assert response.url == "/organisations/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/organisations/").status_code == 200


def test_two_factor_wrong_code_is_a_form_error(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.commander_a)
    ensure_demo_totp_device(world.commander_a)
    response = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in content
    assert 'href="#id_code"' in content
    assert client.get("/organisations/").status_code == 302


def test_two_factor_with_existing_device_asks_for_code_only(world):
    client = Client()
    client.force_login(world.national)
    device = ensure_demo_totp_device(world.national)
    response = client.get(reverse("accounts:two_factor"))
    assert "<svg" not in response.content.decode()
    response = client.post(
        reverse("accounts:two_factor"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.get("/organisations/").status_code == 200


def test_a_code_cannot_be_used_twice(world):
    device = ensure_demo_totp_device(world.national)
    code = code_for(device)
    first, second = Client(), Client()
    first.force_login(world.national)
    second.force_login(world.national)
    assert first.post(reverse("accounts:two_factor"), {"code": code}).status_code == 302
    assert second.post(reverse("accounts:two_factor"), {"code": code}).status_code == 200


def test_user_without_requirement_may_turn_on_two_factor(world, client_for):
    client = client_for(world.stranger)
    assert client.get("/organisations/").status_code == 200
    response = client.get(reverse("accounts:two_factor"))
    assert "<svg" in response.content.decode()
    device = TOTPDevice.objects.get(user=world.stranger)
    client.post(reverse("accounts:two_factor"), {"code": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    content = client.get(reverse("accounts:profile")).content.decode()
    assert "Set up two-factor authentication" not in content


def test_two_factor_needs_login(db):
    response = Client().get(reverse("accounts:two_factor"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
