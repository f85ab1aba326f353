"""Activity pages: who reaches what, the quick-entry form, the import page, exports, the
execution summary and the national view with pinned query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from localsafety.activities import services
from localsafety.activities.models import Activity
from localsafety.activities.tests.factories import approved_plan, source, values
from localsafety.testing.queries import assert_num_queries_stable

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_a(world):
    return approved_plan(world.contract_a, responsible=world.ngo_a, created_by=world.coordinator_a)


def _log(world, plan, *, actor=None, organisation=None, **overrides):
    return services.activity_create(
        actor=actor or world.coordinator_a,
        contract=world.contract_a,
        values=values(
            organisation_id=(organisation or world.ngo_a).pk,
            measure_id=plan.measure.pk,
            **overrides,
        ),
    )


def url(name, world, *args):
    return reverse(f"activities:{name}", args=[world.contract_a.pk, *args])


def test_partner_sees_only_its_own_organisations_activities(world, plan_a, client_for):
    own = _log(world, plan_a, title="Own workshop")
    other = _log(world, plan_a, organisation=world.town_a, title="Municipal patrol")
    partner = client_for(world.partner_a)
    listing = partner.get(url("list", world)).content.decode()
    assert "Own workshop" in listing and "Municipal patrol" not in listing
    assert partner.get(url("detail", world, other.pk)).status_code == 404
    assert partner.get(url("detail", world, own.pk)).status_code == 200
    committee = client_for(world.commander_a).get(url("list", world)).content.decode()
    assert "Own workshop" in committee and "Municipal patrol" in committee
    national = client_for(world.national).get(url("list", world)).content.decode()
    assert "Municipal patrol" in national


@pytest.mark.parametrize("who", ["partner_b", "stranger", None])
def test_other_contracts_and_outsiders_get_404(world, plan_a, client_for, who):
    activity = _log(world, plan_a)
    client = client_for(getattr(world, who) if who else None)
    for name, args in [
        ("list", ()),
        ("detail", (activity.pk,)),
        ("execution", ()),
        ("isolated", ()),
        ("export_csv", ()),
        ("execution_pdf", ()),
    ]:
        response = client.get(url(name, world, *args))
        assert response.status_code in (404, 302), (name, response.status_code)
        if who:
            assert response.status_code == 404, name


def test_quick_entry_form_logs_an_activity(world, plan_a, client_for):
    client = client_for(world.partner_a)
    page = client.get(url("create", world))
    assert page.status_code == 200
    assert b'name="p_women_12_17"' in page.content
    response = client.post(
        url("create", world),
        {
            "measure": plan_a.measure.pk,
            "title": "Sessão na escola",
            "kind": "session",
            "status": "held",
            "starts_on": "2017-03-01",
            "organisation": world.ngo_a.pk,
            "p_women_12_17": "7",
            "p_men_12_17": "5",
            "staff_hours": "2,5",
            f"cost_{source('municipality')}": "1.234,56 €",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get()
    assert activity.participants == 12
    assert activity.staff_hours == Decimal("2.5")
    assert activity.cost_total == Decimal("1234.56")


def test_quick_entry_shows_the_services_refusal(world, plan_a, client_for):
    client = client_for(world.partner_a)
    response = client.post(
        url("create", world),
        {
            "measure": plan_a.measure.pk,
            "title": "Too early",
            "kind": "session",
            "status": "held",
            "starts_on": "2016-01-05",
            "ends_on": "2016-01-01",
            "organisation": world.ngo_a.pk,
        },
    )
    assert response.status_code == 400
    assert (
        b"before its measure starts" in response.content or b"before the start" in response.content
    )
    assert not Activity.objects.exists()


def test_edit_needs_the_version_and_refuses_a_stale_one(world, plan_a, client_for):
    activity = _log(world, plan_a, actor=world.partner_a)
    client = client_for(world.partner_a)
    form = {
        "measure": plan_a.measure.pk,
        "title": "Edited",
        "kind": "session",
        "status": "held",
        "starts_on": "2017-03-01",
        "organisation": world.ngo_a.pk,
    }
    assert client.post(url("edit", world, activity.pk), form).status_code == 400
    assert client.post(url("edit", world, activity.pk), {**form, "version": 1}).status_code == 302
    assert client.post(url("edit", world, activity.pk), {**form, "version": 1}).status_code == 409
    assert client_for(world.partner_b).get(url("edit", world, activity.pk)).status_code == 404


def test_import_page_lists_every_problem(world, plan_a, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = "date;title;kind\n31/13/2017;A;session\n01/03/2017;B;juggling\n"
    response = client_for(world.partner_a).post(
        url("import", world), {"file": SimpleUploadedFile("bad.csv", bad.encode())}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "bad.csv" in text and "not a real date" in text and "juggling is not a kind" in text
    assert not Activity.objects.exists()


def test_exports_escape_formulas(world, plan_a, client_for):
    _log(world, plan_a, title='=HYPERLINK("http://evil","x")')
    client = client_for(world.coordinator_a)
    csv_text = client.get(url("export_csv", world)).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    xlsx = client.get(url("export_xlsx", world))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    titles = [row[6] for row in sheet.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://evil","x")' in titles


def test_execution_summary_and_pdf(world, plan_a, client_for):
    _log(
        world,
        plan_a,
        participants={"p_women_under12": 10},
        costs={source("municipality"): Decimal("300")},
        staff_hours=Decimal("4"),
    )
    _log(world, plan_a, status="planned")
    client = client_for(world.mayor_a)
    page = client.get(url("execution", world))
    assert page.status_code == 200
    report = page.context["report"]
    row = next(r for r in report.measures if r.measure.pk == plan_a.measure.pk)
    assert (row.done.held, row.done.scheduled, row.done.people) == (1, 1, 10)
    assert row.budget == Decimal("5000.00") and row.done.spent == Decimal("300")
    assert row.late_milestones == 1  # "First term", due 30/06/2017, not reached
    assert b"<svg" in page.content
    pdf = client.get(url("execution_pdf", world))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_isolated_actions_suggest_measures(world, plan_a, client_for):
    from localsafety.contracts.models import Axis

    services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(
            organisation_id=world.ngo_a.pk,
            title="Football afternoon",
            axis_id=Axis.objects.national().get(code="i").pk,
        ),
    )
    page = client_for(world.mayor_a).get(url("isolated", world))
    text = page.content.decode()
    assert "Football afternoon" in text
    assert str(plan_a.measure) in text and "same axis" in text
    assert str(plan_a.other_measure) not in text


def test_national_view_totals_public_and_per_contract_for_national(world, plan_a, client_for):
    _log(world, plan_a, participants={"p_men_18_24": 4}, costs={source("ministry"): Decimal(50)})
    public = client_for(None).get(reverse("activities:national"))
    assert public.status_code == 200
    assert public.context["all_years"].initiatives == 1
    assert public.context["by_contract"] is None
    national = client_for(world.national).get(reverse("activities:national"))
    assert [line.initiatives for line in national.context["by_contract"]] == [1]


def _grow(world, plan, count=30):
    for number in range(count):
        _log(
            world,
            plan,
            title=f"Grown {number}",
            starts_on=dt.date(2018, 1, 1) + dt.timedelta(days=number),
            costs={source("municipality"): Decimal(10)},
        )


def test_list_query_count_is_pinned(world, plan_a, client_for):
    _log(world, plan_a, title="Seed")
    assert_num_queries_stable(
        client_for(world.coordinator_a),
        url("list", world),
        expected=QUERIES_LIST,
        grow=lambda: _grow(world, plan_a),
        shows_growth=lambda response: b"Grown 29" in response.content,
    )


def test_execution_query_count_is_pinned(world, plan_a, client_for):
    _log(world, plan_a, title="Seed")

    def grow():
        more = approved_plan(
            world.contract_a,
            responsible=world.ngo_a,
            created_by=world.coordinator_a,
            plan=plan_a.plan,
            number=2,
        )
        plan_a.version.status = "superseded"
        plan_a.version.save()
        for number in range(5):
            _log(world, more, title=f"Later {number}")

    assert_num_queries_stable(
        client_for(world.mayor_a),
        url("execution", world),
        expected=QUERIES_EXECUTION,
        grow=grow,
        shows_growth=lambda response: response.context["report"].version.number == 2,
    )


def test_national_query_count_is_pinned(world, plan_a, client_for):
    _log(world, plan_a, title="Seed")
    assert_num_queries_stable(
        client_for(world.national),
        reverse("activities:national"),
        expected=QUERIES_NATIONAL,
        grow=lambda: _grow(world, plan_a),
        shows_growth=lambda response: response.context["all_years"].initiatives > 1,
    )


QUERIES_LIST = 7
QUERIES_EXECUTION = 19
QUERIES_NATIONAL = 12


def test_isolated_actions_query_count_is_pinned(world, plan_a, client_for):
    from localsafety.contracts.models import Axis

    axis = Axis.objects.national().get(code="i")

    def isolated(title):
        services.activity_create(
            actor=world.coordinator_a,
            contract=world.contract_a,
            values=values(organisation_id=world.ngo_a.pk, title=title, axis_id=axis.pk),
        )

    isolated("Seed action")
    assert_num_queries_stable(
        client_for(world.mayor_a),
        url("isolated", world),
        expected=QUERIES_ISOLATED,
        grow=lambda: [isolated(f"Grown action {n}") for n in range(20)],
        shows_growth=lambda response: b"Grown action 19" in response.content,
    )


QUERIES_ISOLATED = 9


def test_public_plan_page_shows_progress_of_published_measures_only(world, plan_a, client_for):
    from localsafety.contracts.models import Contract

    _log(world, plan_a, participants={"p_women_65plus": 17}, title="Secret title")
    services.activity_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        values=values(
            organisation_id=world.ngo_a.pk,
            measure_id=plan_a.other_measure.pk,
            starts_on=dt.date(2017, 7, 1),
            participants={"p_men_25_64": 93},
        ),
    )
    Measure = type(plan_a.measure)
    Measure.objects.filter(pk=plan_a.measure.pk).update(published=True)
    Contract.objects.filter(pk=world.contract_a.pk).update(is_published=True)
    page = client_for(None).get(reverse("plans:plan", args=[world.contract_a.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert plan_a.measure.title in text and ">17<" in text
    assert plan_a.other_measure.title not in text and ">93<" not in text
    assert "Secret title" not in text


def test_national_summary_equals_a_loop_over_the_rows(world, plan_a):
    """The national page's one-pass summary against a plain loop over the activities and
    against the separate per-table reads (``national_totals``, ``national_by_contract``)."""
    from localsafety.activities import selectors
    from localsafety.contracts.models import Axis

    until = dt.date(2019, 12, 31)
    _log(world, plan_a, participants={"p_men_18_24": 4}, costs={source("ministry"): Decimal(50)})
    _log(
        world,
        plan_a,
        starts_on=dt.date(2020, 2, 1),
        participants={"p_women_65plus": 7},
        costs={source("municipality"): Decimal("12.5")},
    )
    _log(world, plan_a, status="planned", starts_on=dt.date(2018, 5, 1))
    services.activity_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        values=values(
            organisation_id=world.ngo_a.pk,
            title="Isolated",
            axis_id=Axis.objects.national().get(code="iv").pk,
            participants={"p_men_25_64": 3},
        ),
    )
    summary = selectors.national_summary(until=until, with_contracts=True)
    held = [a for a in Activity.objects.all() if a.status == "held"]
    early = [a for a in held if a.starts_on <= until]
    for totals, rows in ((summary.all_years, held), (summary.to_date, early)):
        assert totals.initiatives == len(rows) > 0
        assert totals.people == sum(a.participants for a in rows)
        assert totals.investment == sum((a.cost_total for a in rows), Decimal(0))
    assert len(early) < len(held)

    def lines(found):
        return sorted((x.code, x.label, x.initiatives, x.people, x.investment) for x in found)

    for totals, reference in (
        (summary.all_years, selectors.national_totals()),
        (summary.to_date, selectors.national_totals(until=until)),
    ):
        assert lines(totals.by_axis) == lines(reference.by_axis)
        assert lines(totals.by_kind) == lines(reference.by_kind)
    assert summary.by_contract == selectors.national_by_contract(world.national)
    assert summary.by_contract[0].isolated == 1
    assert selectors.national_summary(until=until, with_contracts=False).by_contract is None


def test_national_page_figures_follow_a_new_activity_at_once(world, plan_a, client_for):
    """The figures are cached under the data's generation: a new activity shows at once."""
    import re

    _log(world, plan_a, participants={"p_men_18_24": 4})
    client = client_for(world.national)

    def initiatives():
        page = client.get(reverse("activities:national")).content
        return int(re.search(rb'id="initiatives-2019">(\d+)<', page).group(1))

    assert initiatives() == initiatives() == 1
    _log(world, plan_a, title="Second")
    assert initiatives() == 2


def test_cached_execution_figures_are_the_readers_own(world, plan_a, client_for):
    """The execution page's body is cached, but a partner who reads only its own
    organisation's activities never gets the committee's figures (or the reverse), and a new
    activity shows at once."""
    import re

    _log(world, plan_a, title="Own workshop")
    _log(world, plan_a, organisation=world.town_a, title="Municipal patrol")
    committee = client_for(world.mayor_a)
    partner = client_for(world.partner_a)

    def held(client):
        page = client.get(url("execution", world)).content.decode()
        return int(re.search(r"<strong>(\d+)</strong> activities held", page).group(1))

    assert held(committee) == 2
    assert held(partner) == 1
    assert held(committee) == 2
    _log(world, plan_a, title="Another workshop")
    assert held(partner) == 2
