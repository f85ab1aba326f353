"""The plan pages as people use them: from problems to measures and indicators, decisions,
conflicts, the comparison, the timetable, the exports and what the public sees."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from localsafety.contracts.models import Contract
from localsafety.plans import services
from localsafety.plans.models import (
    FundingSource,
    Indicator,
    InterventionKind,
    Measure,
    MeasureBudget,
    Objective,
    Plan,
    TargetGroup,
)
from localsafety.plans.tests.helpers import open_plan_stage, problems, sample_plan
from localsafety.testing.queries import assert_num_queries_stable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages: None) -> None:
    """These tests read the pages' English text."""


def url(name, contract, *args):
    return reverse(f"plans:{name}", args=[contract.pk, *args])


def test_from_problems_to_measures_and_indicators_through_the_pages(world, client_for):
    found = problems(world)
    contract = world.contract_a
    coordinator = client_for(world.coordinator_a)
    response = coordinator.get(url("plan", contract))
    assert b"Start the plan" in response.content
    response = coordinator.post(url("start", contract), {"title": "Lumiar plan"})
    assert response.status_code == 302
    version = Plan.objects.get(contract=contract).versions.get()
    response = coordinator.post(
        url("objective_create", contract, version.pk),
        {"title": "Fewer burglaries", "problems": [found[0].pk]},
    )
    assert response.status_code == 302, response.content
    objective = Objective.objects.get(plan_version=version)
    measure_form = {
        "objective": objective.pk,
        "code": "M1",
        "title": "Street lighting in the estate",
        "axis": contract.axes.get(code="ii").pk,
        "kind": InterventionKind.objects.get(code="street-lighting").pk,
        "target_groups": [TargetGroup.objects.get(code="estate-residents").pk],
        "areas": [world.parish_a.pk],
        "starts_on": "2017-03-01",
        "ends_on": "2017-02-01",
        "responsible_organisation": world.town_a.pk,
        "staff_count": "2",
        "staff_hours": "40",
        "budget_municipality": "1.234,56 €",
    }
    response = coordinator.post(url("measure_create", contract, version.pk), measure_form)
    assert response.status_code == 400
    assert b"The end is before the start" in response.content
    measure_form["ends_on"] = "2017-12-31"
    response = coordinator.post(url("measure_create", contract, version.pk), measure_form)
    assert response.status_code == 302, response.content
    measure = Measure.objects.get(plan_version=version)
    assert MeasureBudget.objects.get(measure=measure).amount == Decimal("1234.56")
    response = coordinator.post(
        url("indicator_create", contract, measure.pk),
        {"template": "", "name": "Burglaries in the estate"},
    )
    assert response.status_code == 400  # a local indicator needs level, unit and direction
    response = coordinator.post(
        url("indicator_create", contract, measure.pk),
        {
            "name": "Burglaries in the estate",
            "level": "outcome",
            "unit": "crimes",
            "direction": "lower",
            "baseline_value": "42",
            "baseline_on": "2016-12-31",
            "target_value": "30",
        },
    )
    assert response.status_code == 302, response.content
    page = coordinator.get(url("plan", contract)).content.decode()
    assert "Fewer burglaries" in page and "Street lighting in the estate" in page
    assert "Burglaries in the estate" in page
    assert found[0].title in page


def test_two_people_editing_the_same_measure_get_a_clear_conflict(world, client_for):
    _plan, _version, measures = sample_plan(world)
    measure = measures[0]
    contract = world.contract_a
    first, second = client_for(world.coordinator_a), client_for(world.mayor_a)
    form = first.get(url("measure_edit", contract, measure.pk)).context["form"]
    data = {
        name: (value.pk if hasattr(value, "pk") else ("" if value is None else value))
        for name, value in form.initial.items()
        if not isinstance(value, list)
    }
    data.update(
        {
            name: [v.pk for v in value]
            for name, value in form.initial.items()
            if isinstance(value, list)
        }
    )
    data["title"] = "First"
    assert first.post(url("measure_edit", contract, measure.pk), data).status_code == 302
    data["title"] = "Second"
    response = second.post(url("measure_edit", contract, measure.pk), data)
    assert response.status_code == 409
    assert b"Someone else changed this record" in response.content
    assert Measure.objects.get(pk=measure.pk).title == "First"


def test_the_committee_returns_then_approves_from_the_page(world, client_for):
    open_plan_stage(world)
    _plan, version, _measures = sample_plan(world)
    contract = world.contract_a
    coordinator, mayor = client_for(world.coordinator_a), client_for(world.mayor_a)
    response = coordinator.post(
        url("version_decide", contract, version.pk), {"action": "submit", "version": 1 + 0}
    )
    version.refresh_from_db()
    assert response.status_code == 409 or version.status == "submitted"
    version.refresh_from_db()
    if version.status != "submitted":
        coordinator.post(
            url("version_decide", contract, version.pk),
            {"action": "submit", "version": version.version},
        )
        version.refresh_from_db()
    assert version.status == "submitted"
    # The coordinator submitted: no decision for them now.
    page = coordinator.get(url("version", contract, version.pk)).content
    assert b"Record the decision" not in page
    response = mayor.post(
        url("version_decide", contract, version.pk),
        {"action": "return", "comment": "", "version": version.version},
    )
    assert response.status_code == 400
    mayor.post(
        url("version_decide", contract, version.pk),
        {"action": "return", "comment": "Budget missing", "version": version.version},
    )
    version.refresh_from_db()
    assert version.status == "returned"
    assert b"Budget missing" in coordinator.get(url("plan", contract)).content


def test_compare_page_lists_changes_measure_by_measure(world, client_for):
    open_plan_stage(world)
    plan, version, measures = sample_plan(world)
    services.plan_version_decide(
        actor=world.coordinator_a, version=version, action="submit", expected_version=1
    )
    version.refresh_from_db()
    services.plan_version_decide(
        actor=world.mayor_a, version=version, action="approve", expected_version=version.version
    )
    plan.refresh_from_db()
    second = services.plan_version_new(
        actor=world.coordinator_a, plan=plan, expected_version=plan.version
    )
    copy = second.measures.get(lineage=measures[0].lineage)
    services.measure_update(
        actor=world.coordinator_a,
        measure=copy,
        expected_version=copy.version,
        changes={"title": "Renamed measure"},
    )
    page = client_for(world.partner_a).get(url("version_compare", world.contract_a, second.pk))
    text = page.content.decode()
    assert "0 added, 1 changed, 0 removed, 1 unchanged." in text
    assert "Measure 1" in text and "Renamed measure" in text


def test_exports_escape_formulas(world, client_for):
    _plan, version, measures = sample_plan(world)
    measure = measures[0]
    services.measure_update(
        actor=world.coordinator_a,
        measure=measure,
        expected_version=measure.version,
        changes={"title": '=HYPERLINK("http://evil","x")'},
    )
    client = client_for(world.partner_a)
    body = client.get(url("measures_csv", world.contract_a, version.pk)).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[1][1] == '\'=HYPERLINK("http://evil","x")'
    assert len(rows) == 3
    response = client.get(url("measures_xlsx", world.contract_a, version.pk))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=2).value.startswith("'=")
    pdf = client.get(url("plan_pdf", world.contract_a, version.pk))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_gantt_marks_late_milestones_and_today(world, client_for):
    _plan, version, measures = sample_plan(world)
    measure = measures[0]
    services.measure_update(
        actor=world.coordinator_a,
        measure=measure,
        expected_version=measure.version,
        changes={"ends_on": timezone.localdate() + dt.timedelta(days=400)},
    )
    measure.refresh_from_db()
    services.milestone_add(
        actor=world.coordinator_a,
        measure=measure,
        expected_version=measure.version,
        title="Lamps ordered",
        due_on=dt.date(2017, 3, 1),
    )
    page = client_for(world.coordinator_a).get(url("version_gantt", world.contract_a, version.pk))
    text = page.content.decode()
    assert "<svg" in text and "Today" in text
    assert "Lamps ordered" in text
    assert "(late)" in text


def test_the_public_sees_only_published_measures_of_the_plan_in_force(world, client_for):
    open_plan_stage(world)
    _plan, version, measures = sample_plan(world)
    services.measure_publish(
        actor=world.mayor_a,
        measure=measures[0],
        published=True,
        expected_version=measures[0].version,
    )
    Contract.objects.filter(pk=world.contract_a.pk).update(is_published=True)
    anonymous = client_for(None)
    page = anonymous.get(url("plan", world.contract_a)).content.decode()
    assert "Measure 1" not in page  # not approved yet
    services.plan_version_decide(
        actor=world.coordinator_a,
        version=version,
        action="submit",
        expected_version=version.version,
    )
    version.refresh_from_db()
    services.plan_version_decide(
        actor=world.mayor_a, version=version, action="approve", expected_version=version.version
    )
    page = anonymous.get(url("plan", world.contract_a)).content.decode()
    assert "Measure 1" in page
    assert "Measure 2" not in page
    assert anonymous.get(url("measure", world.contract_a, measures[1].pk)).status_code in (302, 404)
    assert (
        client_for(world.partner_b).get(url("version", world.contract_a, version.pk)).status_code
        == 404
    )


def _grow(world, version, count):
    objective = version.objectives.first()
    source = FundingSource.objects.get(code="ministry")
    for index in range(count):
        measure = services.measure_create(
            actor=world.coordinator_a,
            objective=objective,
            values={
                "title": f"Grown {index}",
                "axis": world.contract_a.axes.get(code="iii"),
                "kind": InterventionKind.objects.get(code="elderly-visits"),
                "starts_on": dt.date(2018, 1, 1),
                "ends_on": dt.date(2018, 6, 30),
                "responsible_organisation": world.psp,
            },
            target_groups=[TargetGroup.objects.get(code="elderly-alone")],
            budget={source: "10,00"},
        )
        Indicator.objects.create(
            measure=measure,
            contract=world.contract_a,
            level="output",
            name="x",
            unit="u",
            direction="higher",
        )


@pytest.mark.parametrize("name", ["version", "version_gantt"])
def test_plan_page_and_gantt_queries_do_not_grow_with_measures(world, client_for, name):
    _plan, version, _measures = sample_plan(world)
    client = client_for(world.coordinator_a)
    expected = {"version": 13, "version_gantt": 8}[name]
    assert_num_queries_stable(
        client,
        url(name, world.contract_a, version.pk),
        expected=expected,
        grow=lambda: _grow(world, version, 5),
        shows_growth=lambda response: b"Grown 4" in response.content,
    )


def test_summary_and_indicator_removal_name_the_version_they_read(world, client_for):
    _plan, version, measures = sample_plan(world)
    client = client_for(world.coordinator_a)
    contract = world.contract_a
    client.post(
        url("version_summary", contract, version.pk),
        {"summary": "Two problems, two objectives", "version": version.version},
    )
    version.refresh_from_db()
    assert version.summary == "Two problems, two objectives"
    stale = client.post(
        url("version_summary", contract, version.pk), {"summary": "Lost", "version": 1}
    )
    assert stale.status_code == 302
    version.refresh_from_db()
    assert version.summary == "Two problems, two objectives"
    indicator = measures[0].indicators.get()
    client.post(url("indicator_delete", contract, indicator.pk), {"version": indicator.version})
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert (
        client_for(world.partner_b)
        .post(url("indicator_delete", contract, measures[1].indicators.get().pk), {"version": 1})
        .status_code
        == 404
    )


def test_partners_and_milestones_are_added_and_removed_through_the_pages(world, client_for):
    """The shared add/remove views: each names the measure's version it read (a stale one
    changes nothing), and another contract's partner cannot even see the record."""
    from localsafety.plans.models import MeasurePartner, Milestone

    _plan, _version, measures = sample_plan(world)
    measure = measures[0]
    contract = world.contract_a
    client = client_for(world.coordinator_a)
    response = client.post(
        url("partner_add", contract, measure.pk),
        {"organisation": world.psp.pk, "role": "Patrols", "version": measure.version},
    )
    assert response.status_code == 302, response.content
    assert response["Location"] == url("measure", contract, measure.pk)
    partner = MeasurePartner.objects.get(measure=measure, organisation=world.psp)
    measure.refresh_from_db()
    response = client.post(
        url("milestone_add", contract, measure.pk),
        {"title": "Half-way review", "due_on": "2017-06-30", "version": measure.version},
    )
    assert response.status_code == 302, response.content
    milestone = Milestone.objects.get(measure=measure, title="Half-way review")
    measure.refresh_from_db()
    stale = measure.version - 1
    for name, record in (("partner_remove", partner), ("milestone_remove", milestone)):
        response = client.post(url(name, contract, record.pk), {"version": stale})
        assert response.status_code == 302
        assert type(record).objects.filter(pk=record.pk).exists(), name
        assert (
            client_for(world.partner_b)
            .post(url(name, contract, record.pk), {"version": measure.version})
            .status_code
            == 404
        )
    response = client.post(
        url("partner_remove", contract, partner.pk), {"version": measure.version}
    )
    assert response["Location"] == url("measure", contract, measure.pk)
    assert not MeasurePartner.objects.filter(pk=partner.pk).exists()
    measure.refresh_from_db()
    client.post(url("milestone_remove", contract, milestone.pk), {"version": measure.version})
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_measure_page_queries_do_not_grow_with_its_indicators_partners_and_milestones(
    world, client_for
):
    from localsafety.plans.models import MeasurePartner, Milestone

    _plan, _version, measures = sample_plan(world)
    measure = measures[0]

    def grow():
        for number in range(12):
            Indicator.objects.create(
                measure=measure,
                contract=world.contract_a,
                level="output",
                name=f"Grown indicator {number}",
                unit="u",
                direction="higher",
            )
            Milestone.objects.create(
                measure=measure,
                contract=world.contract_a,
                title=f"Grown milestone {number}",
                due_on=dt.date(2017, 1, 1) + dt.timedelta(days=number),
            )
        for organisation in (world.psp, world.town_a):
            MeasurePartner.objects.create(
                measure=measure, contract=world.contract_a, organisation=organisation, role="x"
            )

    assert_num_queries_stable(
        client_for(world.coordinator_a),
        url("measure", world.contract_a, measure.pk),
        expected=QUERIES_MEASURE,
        grow=grow,
        shows_growth=lambda response: (
            b"Grown milestone 11" in response.content and b"Grown indicator 11" in response.content
        ),
    )


QUERIES_MEASURE = 13
