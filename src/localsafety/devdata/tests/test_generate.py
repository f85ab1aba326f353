from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import (
    STAGE_ORDER,
    BodyKind,
    BodyMember,
    BodyRole,
    Contract,
    GovernanceBody,
    Meeting,
    Stage,
    StageDecision,
    StageStatus,
)
from localsafety.devdata.generator import BENCH_USERNAME, MARKER, SCALES, generate
from localsafety.organisations.models import Membership, Organisation, OrganisationKind, User
from localsafety.territory.models import Area, AreaKind

SMALL = SCALES["small"]
PASSWORD = "bench password for the tests"  # noqa: S105


@pytest.fixture
def generated(empty_db: None) -> None:
    """The generator's output alone (the shared test world is removed), so counts are exact."""
    generate(scale=SMALL, seed=7, bench_password=PASSWORD)


def test_small_scale_creates_the_requested_counts(generated: None) -> None:
    assert Area.objects.filter(kind=AreaKind.MUNICIPALITY).count() == SMALL.municipalities
    assert Area.objects.filter(kind=AreaKind.PARISH).count() >= SMALL.municipalities
    assert Contract.objects.count() == SMALL.contracts
    assert Organisation.objects.count() == SMALL.organisations
    assert User.objects.count() == SMALL.users
    assert not Contract.objects.exclude(data_origin="synthetic").exists()
    assert not Organisation.objects.exclude(data_origin="synthetic").exists()
    assert not User.objects.exclude(data_origin="synthetic").exists()
    assert Contract.objects.filter(is_published=True).exists()
    municipality_codes = Area.objects.filter(kind=AreaKind.MUNICIPALITY).values_list(
        "code", flat=True
    )
    assert all(len(code) == 4 and code.isdigit() for code in municipality_codes)


def test_every_contract_is_consistent(generated: None) -> None:
    for contract in Contract.objects.prefetch_related("stages", "areas", "axes"):
        bodies = {body.kind: body for body in GovernanceBody.objects.filter(contract=contract)}
        assert set(bodies) == {BodyKind.COMMITTEE, BodyKind.CORE}
        committee = list(BodyMember.objects.filter(body=bodies[BodyKind.COMMITTEE]))
        chairs = [seat for seat in committee if seat.role == BodyRole.CHAIR]
        assert len(chairs) == 1
        assert chairs[0].organisation_id == contract.lead_organisation_id
        assert 2 <= len(committee) - 1 <= 5
        core = BodyMember.objects.filter(body=bodies[BodyKind.CORE]).count()
        assert 3 <= core <= 10

        stages = sorted(contract.stages.all(), key=lambda stage: stage.position)
        assert [stage.position for stage in stages] == [1, 2, 3, 4]
        assert [stage.kind for stage in stages] == list(STAGE_ORDER)
        first_incomplete = next((stage for stage in stages if not stage.is_complete), stages[-1])
        assert contract.stage == first_incomplete.kind
        for stage in stages:
            if stage.position > first_incomplete.position:
                assert stage.status == StageStatus.NOT_STARTED
            decisions = list(StageDecision.objects.filter(stage=stage).order_by("decided_at"))
            if decisions:
                assert decisions[-1].status_after == stage.status
                for before, after in zip(decisions, decisions[1:], strict=False):
                    assert after.status_before == before.status_after

        assert contract.municipality in contract.areas.all()
        assert contract.axes.count() >= 3
        assert contract.signatories.filter(organisation=contract.lead_organisation).exists()
        assert contract.lead_organisation.kind == OrganisationKind.MUNICIPALITY
        assert contract.lead_organisation.municipality_id == contract.municipality_id


def test_meetings_are_attended_by_their_own_body(generated: None) -> None:
    assert Meeting.objects.exists()
    for meeting in Meeting.objects.prefetch_related("attendees"):
        assert meeting.body.contract_id == meeting.contract_id
        assert all(seat.body_id == meeting.body_id for seat in meeting.attendees.all())


def test_stages_are_in_varied_states(generated: None) -> None:
    statuses = Counter(Stage.objects.values_list("status", flat=True))
    assert statuses[StageStatus.NOT_STARTED] > 0
    assert len(statuses) >= 3
    assert StageDecision.objects.exists()


def test_every_seated_person_belongs_to_the_organisation_they_sit_for(generated: None) -> None:
    # (Replaces "memberships reference existing organisations", which a foreign key already
    # guarantees and so could not fail.) A seat names a person and the organisation they
    # represent; the generator must pick the person among that organisation's members.
    members = set(Membership.objects.values_list("user_id", "organisation_id"))
    seats = list(
        BodyMember.objects.filter(person__isnull=False).values_list("person_id", "organisation_id")
    )
    assert len(seats) > 10
    strays = [seat for seat in seats if seat not in members]
    assert not strays, strays
    assert not User.objects.filter(memberships__isnull=True).exists()
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationKind.values)


def test_bench_user_is_national_with_a_confirmed_device(generated: None) -> None:
    user = User.objects.get(username=BENCH_USERNAME)
    assert user.check_password(PASSWORD)
    assert scope_for(user).is_national
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    other = User.objects.exclude(username=BENCH_USERNAME).first()
    assert other is not None and not other.has_usable_password()


def test_refuses_to_run_twice_unless_replace(generated: None) -> None:
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate", "--scale", "small", stdout=StringIO())
    out = StringIO()
    call_command("generate", "--scale", "small", "--replace", "--seed", "3", stdout=out)
    assert "Generated the small scale" in out.getvalue()
    assert Contract.objects.count() == SMALL.contracts
    assert User.objects.count() == SMALL.users
    assert Organisation.objects.count() == SMALL.organisations
    assert Area.objects.filter(kind=AreaKind.MUNICIPALITY).count() == SMALL.municipalities
    assert Contract.objects.filter(source_note__contains="seed 3").count() == SMALL.contracts
    assert not Contract.objects.exclude(source_note__startswith=MARKER).exists()


def test_replace_keeps_data_it_did_not_generate(world: object) -> None:
    generate(scale=SMALL, seed=1, bench_password=PASSWORD)
    generated_contracts = Contract.objects.filter(source_note__startswith=MARKER).count()
    assert generated_contracts == SMALL.contracts
    generate(scale=SMALL, seed=2, bench_password=PASSWORD, replace=True)
    assert User.objects.filter(username="mayor_a").exists()
    assert Contract.objects.filter(title="CLS Serpa").exists()
    assert Contract.objects.filter(source_note__startswith=MARKER).count() == SMALL.contracts


def test_decisions_keep_their_dates_in_the_past(generated: None) -> None:
    # decided_at is filled in on insert; the generator then gives each decision its own date:
    # after the contract was signed, a week or more after the decision before it.
    for contract in Contract.objects.all():
        decisions = list(StageDecision.objects.filter(stage__contract=contract).order_by("pk"))
        assert contract.signed_on is not None
        assert all(decision.decided_at.date() > contract.signed_on for decision in decisions)
        for earlier, later in zip(decisions, decisions[1:], strict=False):
            assert later.decided_at - earlier.decided_at >= dt.timedelta(days=7)
    assert StageDecision._meta.get_field("decided_at").auto_now_add  # type: ignore[union-attr]


def test_generated_stages_follow_the_workflow_transitions(generated: None) -> None:
    from localsafety.contracts.services import TRANSITIONS

    for decision in StageDecision.objects.exclude(action="start"):
        sources, target = TRANSITIONS[decision.action]
        assert decision.status_before in sources
        assert decision.status_after == target
    for decision in StageDecision.objects.filter(action="start"):
        assert (decision.status_before, decision.status_after) == (
            StageStatus.NOT_STARTED,
            StageStatus.IN_PREPARATION,
        )


def test_plans_and_activities_are_generated_consistently(generated: None) -> None:
    """Every generated contract has an approved plan; activities respect the rules the
    services enforce (the measure's contract and start, isolated ones without a measure)."""
    from django.db.models import F, Q

    from localsafety.activities.models import Activity, ActivityCost
    from localsafety.plans.models import Measure, MeasurePartner, PlanVersion

    contracts = Contract.objects.filter(source_note__startswith=MARKER).count()
    assert PlanVersion.objects.filter(status="approved").count() == contracts
    assert Measure.objects.count() == 3 * contracts
    activities = Activity.objects.all()
    assert activities.count() == 12 * contracts
    with_measure = activities.filter(measure__isnull=False)
    assert not with_measure.exclude(measure__contract_id=F("contract_id")).exists()
    assert not with_measure.filter(starts_on__lt=F("measure__starts_on")).exists()
    assert activities.filter(measure__isnull=True).exists()
    # One large plan (the benchmark times its pages), the rest spread evenly; every measure
    # is written out: target groups, partners, budget, milestones, indicators, activities.
    from django.db.models import Count

    from localsafety.devdata.generator.activities import SIZES

    sizes = sorted(
        PlanVersion.objects.annotate(n=Count("measures")).values_list("n", flat=True),
        reverse=True,
    )
    assert sizes[0] == SIZES["small"].largest_plan
    assert max(sizes[1:]) - min(sizes[1:]) <= 1
    bare = Measure.objects.annotate(
        groups=Count("target_groups", distinct=True),
        partner_count=Count("partners", distinct=True),
        budget=Count("budget_lines", distinct=True),
        milestone_count=Count("milestones", distinct=True),
        indicator_count=Count("indicators", distinct=True),
    ).filter(
        Q(groups=0)
        | Q(partner_count=0)
        | Q(budget=0)
        | Q(milestone_count=0)
        | Q(indicator_count__lt=2)
    )
    assert not bare.exists()
    assert not MeasurePartner.objects.filter(
        organisation_id=F("measure__responsible_organisation_id")
    ).exists()
    for activity in activities.filter(cost_total__gt=0)[:20]:
        assert sum(c.amount for c in ActivityCost.objects.filter(activity=activity)) == (
            activity.cost_total
        )


def test_incidents_are_generated_with_the_aggregates_an_import_keeps(generated: None) -> None:
    from django.db.models import Sum

    from localsafety.diagnosis.models import Incident, IncidentCount, IncidentDataset

    expected = SMALL.municipalities * SMALL.incident_years * SMALL.incidents_per_municipality_year
    assert Incident.objects.count() == expected
    assert IncidentDataset.objects.filter(status="done", data_origin="synthetic").exists()
    for unit in ("municipality", "h3_7", "h3_8"):
        total = IncidentCount.objects.filter(unit=unit).aggregate(n=Sum("count"))["n"]
        assert total == expected, unit
    # Counts per municipality and year equal a count of the rows themselves.
    incident = Incident.objects.select_related("municipality").first()
    assert incident is not None
    year = incident.occurred_from.year
    rows = Incident.objects.filter(
        municipality=incident.municipality, occurred_from__year=year
    ).count()
    counted = IncidentCount.objects.filter(
        unit="municipality", unit_code=incident.municipality.code, year=year
    ).aggregate(n=Sum("count"))["n"]
    assert counted == rows
    # Generated incidents are removed with the rest of the generated data.
    generate(scale=SMALL, seed=8, replace=True, bench_password=PASSWORD)
    assert Incident.objects.count() == expected
