"""Deleting: a contract goes with its plan and activities; a measure an activity served
does not go alone."""

from __future__ import annotations

import pytest

from localsafety.activities import services
from localsafety.activities.tests.factories import approved_plan, values
from localsafety.contracts.models import Contract

pytestmark = pytest.mark.django_db


def test_contract_with_activities_can_be_deleted(world):
    plan = approved_plan(world.contract_a, responsible=world.ngo_a, created_by=world.coordinator_a)
    services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(organisation_id=world.ngo_a.pk, measure_id=plan.measure.pk),
    )
    Contract.objects.filter(pk=world.contract_a.pk).delete()


def test_a_served_measure_cannot_be_deleted_alone(world):
    from django.db.models import RestrictedError

    plan = approved_plan(world.contract_a, responsible=world.ngo_a, created_by=world.coordinator_a)
    services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(organisation_id=world.ngo_a.pk, measure_id=plan.measure.pk),
    )
    with pytest.raises(RestrictedError):
        plan.measure.delete()
