"""Logging activities: the rules of issue 10 (points 5 and 7, bad input)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from localsafety.activities import services
from localsafety.activities.models import Activity, participant_field
from localsafety.activities.tests.factories import approved_plan, source, values
from localsafety.core.errors import ConflictError, DomainError
from localsafety.plans.models import VersionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_a(world):
    return approved_plan(world.contract_a, responsible=world.ngo_a, created_by=world.coordinator_a)


def test_partner_logs_own_activity_with_totals_and_copied_axis(world, plan_a):
    activity = services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(
            organisation_id=world.ngo_a.pk,
            measure_id=plan_a.measure.pk,
            participants={
                participant_field("women", "12_17"): 12,
                participant_field("men", "12_17"): 9,
            },
            staff_hours=Decimal("3.5"),
            costs={source("municipality"): Decimal("120.50"), source("ministry"): Decimal("80")},
        ),
    )
    activity.refresh_from_db()
    assert activity.participants == 21
    assert activity.cost_total == Decimal("200.50")
    assert activity.axis_id == plan_a.measure.axis_id
    assert activity.intervention_kind_id == plan_a.measure.kind_id
    assert activity.costs.count() == 2
    assert not activity.is_isolated


def test_partner_cannot_log_for_another_organisation(world, plan_a):
    with pytest.raises(PermissionDenied):
        services.activity_create(
            actor=world.partner_a,
            contract=world.contract_a,
            values=values(organisation_id=world.town_a.pk, measure_id=plan_a.measure.pk),
        )
    assert not Activity.objects.exists()


def test_other_contracts_partner_cannot_log(world, plan_a):
    with pytest.raises(PermissionDenied):
        services.activity_create(
            actor=world.partner_b,
            contract=world.contract_a,
            values=values(organisation_id=world.ngo_b.pk),
        )


def test_lead_logs_for_any_partner_but_not_an_outsider(world, plan_a):
    services.activity_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        values=values(organisation_id=world.ngo_a.pk),
    )
    with pytest.raises(DomainError, match="not a partner of the contract"):
        services.activity_create(
            actor=world.coordinator_a,
            contract=world.contract_a,
            values=values(organisation_id=world.ngo_b.pk),
        )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": dt.date(2017, 2, 1)}, "ends_on", "end date is before the start"),
        ({"starts_on": dt.date(2016, 12, 31)}, "starts_on", "before its measure starts"),
    ],
)
def test_bad_dates_are_refused(world, plan_a, overrides, field, message):
    with pytest.raises(DomainError, match=message) as caught:
        services.activity_create(
            actor=world.partner_a,
            contract=world.contract_a,
            values=values(
                organisation_id=world.ngo_a.pk, measure_id=plan_a.measure.pk, **overrides
            ),
        )
    assert caught.value.field == field
    assert not Activity.objects.exists()


def test_measure_of_another_contract_is_refused(world, plan_a):
    plan_b = approved_plan(
        world.contract_b, responsible=world.ngo_b, created_by=world.coordinator_b
    )
    with pytest.raises(DomainError, match="belongs to another contract"):
        services.activity_create(
            actor=world.coordinator_a,
            contract=world.contract_a,
            values=values(organisation_id=world.ngo_a.pk, measure_id=plan_b.measure.pk),
        )


def test_superseded_version_is_refused_but_served_activities_keep_it(world, plan_a):
    activity = services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(organisation_id=world.ngo_a.pk, measure_id=plan_a.measure.pk),
    )
    plan_a.version.status = VersionStatus.SUPERSEDED
    plan_a.version.save()
    with pytest.raises(DomainError, match="superseded"):
        services.activity_create(
            actor=world.partner_a,
            contract=world.contract_a,
            values=values(organisation_id=world.ngo_a.pk, measure_id=plan_a.measure.pk),
        )
    # A correction of an activity that already served that version keeps it.
    updated = services.activity_update(
        actor=world.partner_a,
        activity=activity,
        expected_version=activity.version,
        values=values(
            organisation_id=world.ngo_a.pk, measure_id=plan_a.measure.pk, title="Corrected"
        ),
    )
    assert updated.measure_id == plan_a.measure.pk
    assert updated.version == 2


def test_draft_version_is_refused(world):
    draft = approved_plan(
        world.contract_a,
        responsible=world.ngo_a,
        created_by=world.coordinator_a,
        status=VersionStatus.DRAFT,
    )
    with pytest.raises(DomainError, match="not approved yet"):
        services.activity_create(
            actor=world.partner_a,
            contract=world.contract_a,
            values=values(organisation_id=world.ngo_a.pk, measure_id=draft.measure.pk),
        )


def test_update_needs_the_current_version(world, plan_a):
    activity = services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(organisation_id=world.ngo_a.pk),
    )
    change = values(organisation_id=world.ngo_a.pk, title="Edited")
    with pytest.raises(DomainError, match="does not say which version"):
        services.activity_update(
            actor=world.partner_a, activity=activity, expected_version=None, values=change
        )
    services.activity_update(
        actor=world.partner_a, activity=activity, expected_version=1, values=change
    )
    with pytest.raises(ConflictError):
        services.activity_update(
            actor=world.coordinator_a, activity=activity, expected_version=1, values=change
        )


def test_partner_cannot_edit_another_organisations_activity(world, plan_a):
    activity = services.activity_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        values=values(organisation_id=world.town_a.pk),
    )
    with pytest.raises(PermissionDenied):
        services.activity_update(
            actor=world.partner_a,
            activity=activity,
            expected_version=1,
            values=values(organisation_id=world.town_a.pk),
        )
    with pytest.raises(PermissionDenied):
        services.activity_delete(actor=world.partner_a, activity=activity)


def test_evidence_is_checked_by_content(world, plan_a):
    activity = services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(organisation_id=world.ngo_a.pk),
    )
    photo = SimpleUploadedFile("photo.jpg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    item = services.evidence_add(actor=world.partner_a, activity=activity, upload=photo)
    assert item.content_type == "image/png"
    disguised = SimpleUploadedFile("sheet.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64)
    with pytest.raises(DomainError, match="not accepted"):
        services.evidence_add(actor=world.partner_a, activity=activity, upload=disguised)
    assert activity.evidence.count() == 1


def test_isolated_action_states_its_axis(world):
    from localsafety.contracts.models import Axis

    axis = Axis.objects.national().get(code="iii")
    activity = services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(organisation_id=world.ngo_a.pk, axis_id=axis.pk),
    )
    assert activity.is_isolated
    assert activity.axis_id == axis.pk
