"""The execution summary's money by funding source is the plan's: it adds up to the total
spent beside the budget, and an isolated action's cost is reported with the isolated actions
(found by the issue 10 walk: the column counted it, the total did not)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from localsafety.activities import selectors, services
from localsafety.activities.tests.factories import approved_plan, source, values

pytestmark = pytest.mark.django_db


def test_spent_by_source_adds_up_to_the_plan_total_and_leaves_isolated_costs_apart(
    world, client_for, english_pages
):
    plan = approved_plan(world.contract_a, responsible=world.ngo_a, created_by=world.coordinator_a)
    municipality, own = source("municipality"), source("partner-own")
    for measure_id, costs in (
        (plan.measure.pk, {municipality: Decimal("120.00"), own: Decimal("80.50")}),
        (plan.other_measure.pk, {municipality: Decimal("1234.56")}),
        (None, {own: Decimal("50.00")}),  # an isolated action
    ):
        services.activity_create(
            actor=world.coordinator_a,
            contract=world.contract_a,
            values=values(
                organisation_id=world.ngo_a.pk,
                measure_id=measure_id,
                starts_on=dt.date(2017, 7, 1),
                costs=costs,
            ),
        )
    report = selectors.execution(world.coordinator_a, world.contract_a)
    spent = {line.source.code: line.spent for line in report.sources}
    assert spent == {"municipality": Decimal("1354.56"), "partner-own": Decimal("80.50")}
    assert sum(spent.values()) == report.total.spent == Decimal("1435.06")
    assert report.isolated.spent == Decimal("50.00") and report.isolated.held == 1

    page = client_for(world.mayor_a).get(
        reverse("activities:execution", args=[world.contract_a.pk])
    )
    assert "1 isolated actions · 50 €" in " ".join(
        page.content.decode().replace("<strong>", "").replace("</strong>", "").split()
    )
