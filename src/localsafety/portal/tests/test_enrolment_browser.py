"""A police commander without an authenticator enrols through a one-time link, on a phone
(390 px wide), in Portuguese, in real Chromium."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.organisations import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}


def fits_the_width(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_police_commander_enrols_through_a_link_on_a_phone(browser, live_server, world):
    context = browser.new_context(locale="pt-PT", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}{reverse('accounts:login')}")
        page.fill("input[name=username]", "commander_a")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        # The password alone: a page about the enrolment link, no secret, nothing else.
        assert "/accounts/two-factor/" in page.url
        main = page.locator("main").inner_text()
        assert "ligação de ativação" in main
        assert page.locator("main svg").count() == 0
        assert fits_the_width(page)
        meetings = reverse("contracts:meetings", args=[world.contract_a.pk])
        page.goto(f"{live_server.url}{meetings}")
        assert "/accounts/two-factor/" in page.url

        token = services.enrolment_link_create(actor=None, user=world.commander_a)
        page.goto(f"{live_server.url}{reverse('accounts:enrol', args=[token])}")
        assert fits_the_width(page)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator("main .qr-code svg").count() == 1
        assert page.locator("#totp-secret").is_visible()
        assert fits_the_width(page)

        device = TOTPDevice.objects.get(user=world.commander_a, confirmed=False)
        page.fill("input[name=code]", f"{TOTP(device.bin_key).token():06d}")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
        assert "/accounts/two-factor/" not in page.url
        response = page.goto(f"{live_server.url}{meetings}")
        assert response is not None and response.status == 200
        device.refresh_from_db()
        assert device.confirmed
    finally:
        context.close()
