"""The plan's services: who may do what, optimistic locking, the frozen approved version, the
comparison of versions and the bad input of issue 10."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from localsafety.contracts.models import Stage, StageKind, StageStatus
from localsafety.core.errors import ConflictError, DomainError
from localsafety.diagnosis.models import Problem
from localsafety.plans import selectors, services
from localsafety.plans.models import (
    FundingSource,
    Measure,
    MeasureBudget,
    VersionStatus,
)
from localsafety.plans.tests.helpers import measure_values, open_plan_stage, sample_plan

pytestmark = pytest.mark.django_db


def decide(actor, version, action, comment=""):
    version.refresh_from_db()
    return services.plan_version_decide(
        actor=actor,
        version=version,
        action=action,
        expected_version=version.version,
        comment=comment,
    )


def test_the_operational_core_drafts_and_nobody_else(world):
    plan, version, _measures = sample_plan(world)
    objective = version.objectives.first()
    # The plan is the stage's contract-wide deliverable: the lead organisation drafts it; a
    # partner of the Operational Core logs its own activities, not the plan (issue 8, point 2).
    for outsider in (world.partner_a, world.commander_a, world.national, world.partner_b):
        with pytest.raises(PermissionDenied):
            services.measure_create(
                actor=outsider, objective=objective, values=measure_values(world)
            )
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=world.coordinator_b, contract=world.contract_a, title="x")


def test_return_then_approve_then_endorse_through_the_plan_stage(world):
    open_plan_stage(world)
    plan, version, _measures = sample_plan(world)
    decide(world.coordinator_a, version, "submit")
    stage = Stage.objects.get(contract=world.contract_a, kind=StageKind.PLAN)
    assert stage.status == StageStatus.SUBMITTED
    # The submitter cannot judge; a partner of the core cannot either.
    with pytest.raises(PermissionDenied):
        decide(world.coordinator_a, version, "approve")
    with pytest.raises(DomainError):  # a return needs a reason
        decide(world.mayor_a, version, "return")
    returned = decide(world.mayor_a, version, "return", "Add a budget for lighting")
    assert returned.status == VersionStatus.RETURNED
    assert returned.comments == "Add a budget for lighting"
    # Returned: editable again, then submitted again and approved by the committee.
    measure = returned.measures.first()
    services.measure_update(
        actor=world.coordinator_a,
        measure=measure,
        expected_version=measure.version,
        changes={"title": "Lighting and mediation"},
    )
    decide(world.coordinator_a, version, "submit")
    approved = decide(world.commander_a, version, "approve")
    assert approved.status == VersionStatus.APPROVED
    assert approved.approved_by == world.commander_a
    with pytest.raises(PermissionDenied):
        decide(world.mayor_a, version, "endorse")
    endorsed = decide(world.national, version, "endorse")
    assert endorsed.status == VersionStatus.ENDORSED
    stage.refresh_from_db()
    assert stage.status == StageStatus.ENDORSED


def test_submitting_before_the_diagnosis_is_approved_is_refused(world):
    _plan, version, _measures = sample_plan(world)
    with pytest.raises(DomainError, match="previous stage"):
        decide(world.coordinator_a, version, "submit")
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT  # nothing half-stored


def test_an_approved_version_is_frozen_and_changes_only_through_a_copy(world):
    open_plan_stage(world)
    plan, version, measures = sample_plan(world)
    decide(world.coordinator_a, version, "submit")
    decide(world.mayor_a, version, "approve")
    measure = Measure.objects.get(pk=measures[0].pk)
    with pytest.raises(ConflictError, match="can no longer be changed"):
        services.measure_update(
            actor=world.coordinator_a,
            measure=measure,
            expected_version=measure.version,
            changes={"title": "Changed"},
        )
    with pytest.raises(ConflictError):
        services.indicator_create(
            actor=world.coordinator_a, measure=measure, values={"name": "x", "unit": "u"}
        )
    plan.refresh_from_db()
    second = services.plan_version_new(
        actor=world.coordinator_a, plan=plan, expected_version=plan.version
    )
    assert second.number == 2
    assert second.based_on == version
    copied = list(second.measures.order_by("position"))
    assert [m.lineage for m in copied] == [m.lineage for m in measures]
    assert [m.pk for m in copied] != [m.pk for m in measures]
    assert copied[0].indicators.count() == 1
    assert copied[0].budget_lines.get().amount == Decimal("1000.00")
    # The copy is editable; the approved original is unchanged.
    services.measure_update(
        actor=world.coordinator_a,
        measure=copied[0],
        expected_version=copied[0].version,
        changes={"title": "Changed"},
    )
    assert Measure.objects.get(pk=measures[0].pk).title == "Measure 1"
    # Submitting the revision needs the committee to reopen the plan stage first.
    with pytest.raises(DomainError, match="reopens"):
        decide(world.coordinator_a, second, "submit")


def test_compare_shows_what_changed_measure_by_measure(world):
    open_plan_stage(world)
    plan, version, measures = sample_plan(world, measures=3)
    decide(world.coordinator_a, version, "submit")
    decide(world.mayor_a, version, "approve")
    plan.refresh_from_db()
    second = services.plan_version_new(
        actor=world.coordinator_a, plan=plan, expected_version=plan.version
    )
    first, middle, last = second.measures.order_by("position")
    services.measure_update(
        actor=world.coordinator_a,
        measure=first,
        expected_version=first.version,
        changes={"ends_on": dt.date(2018, 6, 30)},
        budget={FundingSource.objects.get(code="municipality"): "2.500,00"},
    )
    services.measure_delete(actor=world.coordinator_a, measure=last, expected_version=last.version)
    added = services.measure_create(
        actor=world.coordinator_a,
        objective=first.objective,
        values=measure_values(world, title="New lighting"),
    )
    result = {c.measure.lineage: c for c in selectors.compare_versions(version, second)}
    assert result[first.lineage].status == "changed"
    changed = {c.label: (c.before, c.after) for c in result[first.lineage].changes}
    assert changed["End"] == ("2017-12-31", "2018-06-30")
    assert "2 500,00" in changed["Budget"][1]
    assert result[middle.lineage].status == "unchanged", result[middle.lineage].changes
    assert result[last.lineage].status == "removed"
    assert result[added.lineage].status == "added"
    assert len(result) == 4


def test_two_people_editing_the_same_measure(world):
    _plan, _version, measures = sample_plan(world)
    measure = measures[0]
    seen = measure.version
    services.measure_update(
        actor=world.coordinator_a,
        measure=measure,
        expected_version=seen,
        changes={"title": "First edit"},
    )
    with pytest.raises(ConflictError, match="Someone else changed this record"):
        services.measure_update(
            actor=world.mayor_a,
            measure=measure,
            expected_version=seen,
            changes={"title": "Second edit"},
        )
    with pytest.raises(DomainError, match="does not say which version"):
        services.measure_update(
            actor=world.mayor_a, measure=measure, expected_version=None, changes={"title": "x"}
        )
    assert Measure.objects.get(pk=measure.pk).title == "First edit"


def test_bad_input_is_refused_and_nothing_is_half_stored(world):
    _plan, version, measures = sample_plan(world)
    objective = version.objectives.first()
    before = Measure.objects.count()
    with pytest.raises(DomainError, match="end is before the start"):
        services.measure_create(
            actor=world.coordinator_a,
            objective=objective,
            values=measure_values(
                world, starts_on=dt.date(2017, 5, 1), ends_on=dt.date(2017, 4, 1)
            ),
        )
    with pytest.raises(DomainError, match="not a member of this contract"):
        services.measure_create(
            actor=world.coordinator_a,
            objective=objective,
            values=measure_values(world, responsible_organisation=world.ngo_b),
        )
    with pytest.raises(DomainError, match="not an amount"):
        services.measure_create(
            actor=world.coordinator_a,
            objective=objective,
            values=measure_values(world),
            budget={FundingSource.objects.get(code="ministry"): "mil euros"},
        )
    assert Measure.objects.count() == before
    measure = measures[0]
    with pytest.raises(DomainError, match="not a member of this contract"):
        services.measure_partner_add(
            actor=world.coordinator_a,
            measure=measure,
            expected_version=measure.version,
            organisation=world.ngo_b,
            role="Mediators",
        )
    problem_b = Problem.objects.create(
        contract=world.contract_b, title="B's problem", created_by=world.coordinator_b
    )
    with pytest.raises(DomainError, match="another contract"):
        services.objective_create(
            actor=world.coordinator_a, version=version, title="x", problems=[problem_b]
        )


def test_budget_written_the_portuguese_way(world):
    _plan, _version, measures = sample_plan(world)
    measure = measures[0]
    services.measure_update(
        actor=world.coordinator_a,
        measure=measure,
        expected_version=measure.version,
        changes={},
        budget={FundingSource.objects.get(code="ministry"): "1.234,56 €"},
    )
    line = MeasureBudget.objects.get(measure=measure, funding_source__code="ministry")
    assert line.amount == Decimal("1234.56")


def test_measures_of_another_contract_are_refused(world):
    _plan, _version, measures = sample_plan(world)
    measure = measures[0]
    # Contract B's coordinator drafts B's plan, not A's measures.
    with pytest.raises(PermissionDenied):
        services.measure_update(
            actor=world.coordinator_b,
            measure=measure,
            expected_version=measure.version,
            changes={"title": "x"},
        )
    # A record pointing at a measure of another contract is refused by the model itself.
    from localsafety.plans.models import Milestone

    milestone = Milestone(
        measure=measure, contract=world.contract_b, title="x", due_on=dt.date(2017, 2, 1)
    )
    with pytest.raises(ValidationError):
        milestone.full_clean()


def test_only_the_committee_publishes(world):
    _plan, _version, measures = sample_plan(world)
    measure = measures[0]
    with pytest.raises(PermissionDenied):
        services.measure_publish(
            actor=world.coordinator_a,
            measure=measure,
            published=True,
            expected_version=measure.version,
        )
    published = services.measure_publish(
        actor=world.mayor_a, measure=measure, published=True, expected_version=measure.version
    )
    assert published.published


@given(cents=st.integers(min_value=0, max_value=99_999_999_999))
def test_amounts_written_the_portuguese_way_read_back_exactly(cents):
    """Reference: the amount formatted by hand (thousands with '.', decimals with ',')."""
    from localsafety.plans.money import parse_amount

    value = Decimal(cents) / 100
    whole, fraction = divmod(cents, 100)
    groups = f"{whole:,}".replace(",", ".")
    assert parse_amount(f"{groups},{fraction:02d} €") == value
    assert parse_amount(f"{whole}.{fraction:02d}") == value


@pytest.mark.parametrize("text", ["", "abc", "-5", "1,2,3", "1.234.56,7,8", "12,345", "nan"])
def test_amounts_that_are_not_amounts_are_refused(text):
    from localsafety.plans.money import parse_amount

    if text == "12,345":  # three decimals: cents at most
        with pytest.raises(DomainError, match="two decimals"):
            parse_amount(text)
        return
    with pytest.raises(DomainError):
        parse_amount(text)


def test_the_plan_stage_of_a_contract_with_a_plan_is_decided_on_the_plan(world, client_for):
    """The stage page offers no decision (and refuses one) once the plan keeps the stage, so
    the stage and the plan's versions cannot drift apart; without a plan nothing changes."""
    from django.urls import reverse

    stage = open_plan_stage(world)
    url = reverse("contracts:stage", args=[world.contract_a.pk, "plan"])
    coordinator = client_for(world.coordinator_a)
    assert b'name="action"' in coordinator.get(url).content  # no plan yet: the stage page
    sample_plan(world)
    stage.refresh_from_db()
    assert b'name="action"' not in coordinator.get(url).content
    response = coordinator.post(url, {"action": "submit", "version": stage.version})
    assert response.status_code == 403
    api = reverse("api:stage-decide", args=[world.contract_a.pk, "plan"])
    response = coordinator.post(
        api, {"action": "submit", "version": stage.version}, content_type="application/json"
    )
    assert response.status_code == 400
    stage.refresh_from_db()
    assert stage.status == StageStatus.IN_PREPARATION


def test_compare_shows_a_measure_whose_points_moved(world):
    open_plan_stage(world)
    plan, version, _measures = sample_plan(world, measures=1)
    decide(world.coordinator_a, version, "submit")
    decide(world.mayor_a, version, "approve")
    plan.refresh_from_db()
    second = services.plan_version_new(
        actor=world.coordinator_a, plan=plan, expected_version=plan.version
    )
    measure = second.measures.get()
    services.measure_update(
        actor=world.coordinator_a,
        measure=measure,
        expected_version=measure.version,
        changes={"points": [{"label": "Escola", "lat": 38.72, "lon": -9.14}]},
    )
    (change,) = selectors.compare_versions(version, second)
    assert change.status == "changed"
    assert {c.label: c.after for c in change.changes}["Points"] == "Escola (38.72, -9.14)"
