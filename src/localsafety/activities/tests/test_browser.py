"""A partner logs an activity from a phone-sized screen (390 x 844), in Portuguese, in real
Chromium: the quick-entry form fits the screen and what is stored is what was typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from localsafety.activities.models import Activity
from localsafety.activities.tests.factories import approved_plan, source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_partner_logs_an_activity_on_a_phone(page, live_server, world):
    plan = approved_plan(world.contract_a, responsible=world.ngo_a, created_by=world.coordinator_a)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", "partner_a")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}{reverse('activities:create', args=[world.contract_a.pk])}")
    assert page.locator("h1").inner_text() == "Registar uma atividade"
    assert _fits_the_phone(page)
    page.select_option("select[name=measure]", str(plan.measure.pk))
    page.fill("input[name=title]", "Sessão sobre ciberbullying")
    page.select_option("select[name=kind]", "session")
    page.fill("input[name=starts_on]", "2017-03-14")
    page.select_option("select[name=organisation]", str(world.ngo_a.pk))
    page.fill("input[name=p_women_12_17]", "11")
    page.fill("input[name=p_men_12_17]", "9")
    page.fill("input[name=staff_hours]", "2,5")
    page.fill(f"input[name=cost_{source('municipality')}]", "1.234,56 €")
    save = page.locator("main form button[type=submit]").first
    save.scroll_into_view_if_needed()
    assert save.is_visible()
    save.click()
    page.wait_for_load_state()

    assert "Sessão sobre ciberbullying" in page.locator("h2").first.inner_text()
    assert _fits_the_phone(page)
    activity = Activity.objects.get()
    assert activity.organisation_id == world.ngo_a.pk
    assert activity.participants == 20
    assert activity.staff_hours == Decimal("2.5")
    assert activity.cost_total == Decimal("1234.56")
    assert activity.measure_id == plan.measure.pk

    # A date before the measure starts is refused on the form, nothing stored.
    page.goto(f"{live_server.url}{reverse('activities:create', args=[world.contract_a.pk])}")
    page.select_option("select[name=measure]", str(plan.measure.pk))
    page.fill("input[name=title]", "Cedo demais")
    page.fill("input[name=starts_on]", "2016-01-05")
    page.select_option("select[name=organisation]", str(world.ngo_a.pk))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert _fits_the_phone(page)
    assert Activity.objects.count() == 1
