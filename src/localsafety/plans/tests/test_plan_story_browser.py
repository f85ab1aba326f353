"""Issue 10, "done means", walked end to end through the pages in real Chromium (pt-PT):

a coordinator turns two prioritised problems into a plan (objectives, measures with axis,
kind, target group, place and a point placed on the map, period, responsible organisation and
a partner with its role, budget by funding source typed as ``1.234,56 €``, a catalogue
indicator and a locally defined one linked to a computation, a milestone) and submits it; the
committee's chair returns it with a comment; the coordinator reads the comment, changes a
measure and submits again; the chair approves; a second version changes one measure and the
comparison page shows that change, measure by measure. A partner then logs two activities
under the measures and one under none from a phone-sized screen (390 x 844); the isolated
action is shown to the committee with the measure it could serve; the execution summary and
its PDF show the sums the test computes from what was typed (the PDF read by
``testing.pdf_text``).

The world is the named test world (contract A at the plan stage, its diagnosis approved with
two prioritised problems); after that, everything goes through the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext

from localsafety.activities.models import Activity
from localsafety.plans.models import (
    FundingSource,
    IndicatorTemplate,
    InterventionKind,
    Measure,
    Plan,
    TargetGroup,
    VersionStatus,
)
from localsafety.plans.points import in_portugal
from localsafety.plans.reference import ensure_plan_reference
from localsafety.plans.tests.helpers import open_plan_stage, problems
from localsafety.testing.pdf_text import shows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def pt(text: str) -> str:
    """What a pt-PT page says for ``text`` (the catalogue's translation, not a copy of it)."""
    with translation.override("pt-pt"):
        return gettext(text)


def euros(amount: Decimal, digits: str = "2g") -> str:
    """An amount as the pt-PT pages write it."""
    with translation.override("pt-pt"):
        return floatformat(amount, digits)


def _log_in(page, live_server, username: str, viewport: dict[str, int]) -> None:
    page.context.clear_cookies()
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()


def _main(page) -> str:
    return page.locator("main").inner_text()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _save(page) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 0, _main(page)


def _decide(page, action: str, comment: str = "") -> None:
    page.select_option("select[name=action]", action)
    if comment:
        page.fill("textarea[name=comment]", comment)
    page.locator("main form button[type=submit]", has_text=pt("Record the decision")).click()
    page.wait_for_load_state()


def _click(page, text: str) -> None:
    page.locator("main a", has_text=text).first.click()
    page.wait_for_load_state()


def _place_a_point_on_the_map(page, label: str) -> None:
    """The marker tool, one click in the middle of the map (mainland Portugal at the map's
    first view), then the point's line renamed in the field the map wrote it into."""
    field = page.locator("textarea[name=points]")
    page.locator(".leaflet-draw-draw-marker").click()
    box = page.locator("[data-points-map]").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 5, y - 5)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_function("document.querySelector('textarea[name=points]').value !== ''")
    line = field.input_value()
    assert line.startswith(f"{pt('Point')} 1; "), line
    assert page.locator("[data-points-status]").inner_text() != ""
    field.fill(line.replace(f"{pt('Point')} 1", label, 1))


def test_two_problems_to_an_approved_plan_to_activities_and_their_sums(page, live_server, world):
    ensure_plan_reference()
    open_plan_stage(world)
    burglaries, truancy = problems(world)
    contract = world.contract_a
    base = live_server.url
    plan_url = f"{base}{reverse('plans:plan', args=[contract.pk])}"
    source = {s.code: s for s in FundingSource.objects.all()}

    # --- 1. the coordinator writes the plan from the two problems -------------------------
    _log_in(page, live_server, "coordinator_a", DESK)
    page.goto(plan_url)
    _click(page, pt("Start the plan"))
    _save(page)
    version = Plan.objects.get(contract=contract).versions.get()

    for problem, title in ((burglaries, "Menos furtos no bairro"), (truancy, "Jovens na escola")):
        page.goto(plan_url)
        _click(page, pt("Add an objective"))
        page.fill("input[name=title]", title)
        page.check(f"input[name=problems][value='{problem.pk}']")
        _save(page)
    assert version.objectives.count() == 2

    measures = {
        "M1": {
            "title": "Iluminação no bairro",
            "objective": "Menos furtos no bairro",
            "axis": "ii",
            "kind": "street-lighting",
            "group": "estate-residents",
            "responsible": world.town_a,
            "partner": (world.ngo_a, "Mediação com os moradores"),
            "budget": {"municipality": "1.234,56 €", "ministry": "2.000,00 €"},
        },
        "M2": {
            "title": "Mediação escolar",
            "objective": "Jovens na escola",
            "axis": "i",
            "kind": "mediation",
            "group": "young-people",
            "responsible": world.ngo_a,
            "partner": (world.town_a, "Cede as salas e o transporte"),
            "budget": {"municipality": "500,00 €", "partner-own": "750,50 €"},
        },
    }
    for code, facts in measures.items():
        page.goto(plan_url)
        page.locator("section", has_text=facts["objective"]).locator(
            "a", has_text=pt("Add a measure")
        ).click()
        page.wait_for_load_state()
        page.fill("input[name=code]", code)
        page.fill("input[name=title]", facts["title"])
        page.select_option("select[name=axis]", str(contract.axes.get(code=facts["axis"]).pk))
        kind = InterventionKind.objects.get(code=facts["kind"])
        page.select_option("select[name=kind]", str(kind.pk))
        group = TargetGroup.objects.get(code=facts["group"])
        page.check(f"input[name=target_groups][value='{group.pk}']")
        page.check(f"input[name=areas][value='{world.parish_a.pk}']")
        page.fill("input[name=place_note]", "Bairro da Cruz Vermelha")
        if code == "M1":
            _place_a_point_on_the_map(page, "Largo do bairro")
        page.fill("input[name=starts_on]", "2017-03-01")
        page.fill("input[name=ends_on]", "2018-02-28")
        page.select_option("select[name=responsible_organisation]", str(facts["responsible"].pk))
        for source_code, typed in facts["budget"].items():
            page.fill(f"input[name=budget_{source_code}]", typed)
        _save(page)
        measure = Measure.objects.get(plan_version=version, code=code)

        partner, role = facts["partner"]
        _click(page, pt("Add a partner"))
        page.select_option("select[name=organisation]", str(partner.pk))
        page.fill("input[name=role]", role)
        _save(page)

        # An indicator from the national catalogue (computed by the platform)...
        catalogue = "activities-held" if code == "M1" else "people-reached"
        _click(page, pt("Add an indicator"))
        page.select_option(
            "select[name=template]", str(IndicatorTemplate.objects.get(code=catalogue).pk)
        )
        page.fill("input[name=target_value]", "4" if code == "M1" else "150")
        _save(page)
        # ... and one defined locally: an outcome typed in, an output linked to a computation.
        _click(page, pt("Add an indicator"))
        if code == "M1":
            page.fill("input[name=name]", "Furtos em residência no bairro")
            page.select_option("select[name=level]", "outcome")
            page.fill("input[name=unit]", "crimes")
            page.select_option("select[name=direction]", "lower")
            page.fill("input[name=baseline_value]", "42")
            page.fill("input[name=baseline_on]", "2016-12-31")
            page.fill("input[name=target_value]", "30")
        else:
            page.fill("input[name=name]", "Horas de mediação")
            page.select_option("select[name=level]", "output")
            page.fill("input[name=unit]", "horas")
            page.select_option("select[name=direction]", "higher")
            page.select_option("select[name=computation]", "activity_hours")
            page.fill("input[name=target_value]", "40")
        _save(page)
        if code == "M1":
            _click(page, pt("Add a milestone"))
            page.fill("input[name=title]", "Luminárias instaladas")
            page.fill("input[name=due_on]", "2017-09-30")
            _save(page)
        assert "Bairro da Cruz Vermelha" in _main(page)

    m1 = Measure.objects.get(plan_version=version, code="M1")
    m2 = Measure.objects.get(plan_version=version, code="M2")
    assert [b.amount for b in m1.budget_lines.order_by("amount")] == [
        Decimal("1234.56"),
        Decimal("2000.00"),
    ]
    assert {(i.level, i.computation) for i in m1.indicators.all()} == {
        ("output", "activity_count"),
        ("outcome", ""),
    }
    assert {(i.level, i.computation) for i in m2.indicators.all()} == {
        ("output", "people_reached"),
        ("output", "activity_hours"),
    }
    assert m1.partners.get().organisation == world.ngo_a
    assert m1.milestones.get().due_on == dt.date(2017, 9, 30)
    [point] = m1.points
    assert point["label"] == "Largo do bairro" and in_portugal(point["lat"], point["lon"])
    # The measure page lists the point beside its map.
    page.goto(f"{base}{reverse('plans:measure', args=[contract.pk, m1.pk])}")
    assert "Largo do bairro" in _main(page)
    page.wait_for_selector("#measure-map path.leaflet-interactive")  # map.js: circle markers

    page.goto(plan_url)
    _decide(page, "submit")
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED

    # --- 2. returned once, changed, approved --------------------------------------------
    comment = "Falta o compromisso do parceiro com os recursos próprios da mediação."
    _log_in(page, live_server, "mayor_a", DESK)
    page.goto(plan_url)
    _decide(page, "return", comment)
    version.refresh_from_db()
    assert version.status == VersionStatus.RETURNED

    _log_in(page, live_server, "coordinator_a", DESK)
    page.goto(plan_url)
    assert comment in _main(page)
    page.locator("main a", has_text="Mediação escolar").first.click()
    page.wait_for_load_state()
    _click(page, pt("Edit the measure"))
    assert page.locator("input[name=budget_partner-own]").input_value() == "750,50"
    page.fill("input[name=budget_partner-own]", "900,00 €")
    _save(page)
    page.goto(plan_url)
    _decide(page, "submit")

    _log_in(page, live_server, "mayor_a", DESK)
    page.goto(plan_url)
    _decide(page, "approve")
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    assert m2.budget_lines.get(funding_source=source["partner-own"]).amount == Decimal("900.00")

    # A second version changes one measure; the comparison names that change, measure by
    # measure (the other is unchanged). The new point is typed, as without the map's script.
    _log_in(page, live_server, "coordinator_a", DESK)
    page.goto(plan_url)
    page.locator("main button", has_text=pt("Start a new version")).click()
    page.wait_for_load_state()
    second = Plan.objects.get(contract=contract).versions.get(number=2)
    page.locator("main a", has_text="Iluminação no bairro").first.click()
    page.wait_for_load_state()
    _click(page, pt("Edit the measure"))
    page.fill("input[name=ends_on]", "2018-06-30")
    lines = page.locator("textarea[name=points]").input_value()
    assert lines.startswith("Largo do bairro; ")
    page.fill("textarea[name=points]", f"{lines}\nEscola Básica; 38,7725; -9,1604")
    _save(page)
    assert len(Measure.objects.get(plan_version=second, code="M1").points) == 2
    page.goto(f"{base}{reverse('plans:version_compare', args=[contract.pk, second.pk])}")
    changed = page.locator("section.change-changed")
    assert changed.count() == 1 and "Iluminação no bairro" in changed.inner_text()
    row = changed.locator("tr", has_text=pt("End"))
    assert "2018-02-28" in row.inner_text() and "2018-06-30" in row.inner_text()
    unchanged = page.locator("section.change-unchanged")
    assert unchanged.count() == 1 and "Mediação escolar" in unchanged.inner_text()

    # --- 3. a partner logs activities from a phone --------------------------------------
    _log_in(page, live_server, "partner_a", PHONE)
    # The partner reads the measure it works on, its points on a map that fits the phone.
    page.goto(f"{base}{reverse('plans:measure', args=[contract.pk, m1.pk])}")
    page.wait_for_selector("#measure-map path.leaflet-interactive")
    assert "Largo do bairro" in _main(page) and _fits_the_phone(page)
    create_url = f"{base}{reverse('activities:create', args=[contract.pk])}"
    activities = [
        {
            "measure": m1,
            "title": "Sessão com os moradores sobre a iluminação",
            "kind": "session",
            "on": "2017-04-10",
            "people": {"p_women_25_64": 12, "p_men_25_64": 8, "p_women_65plus": 5},
            "staff_hours": ("3,5", Decimal("3.5")),
            "volunteer_hours": ("2", Decimal("2")),
            "costs": {"municipality": ("120,00 €", "120.00"), "partner-own": ("80,5", "80.50")},
        },
        {
            "measure": m2,
            "title": "Mediação na escola EB 2,3",
            "kind": "session",
            "on": "2017-05-03",
            "people": {"p_women_12_17": 11, "p_men_12_17": 9, "p_unrecorded_unknown": 2},
            "staff_hours": ("2,5", Decimal("2.5")),
            "volunteer_hours": ("", Decimal("0")),
            "costs": {"municipality": ("1.234,56 €", "1234.56")},
        },
        {
            "measure": None,
            "title": "Torneio de futebol de rua",
            "kind": "event",
            "on": "2017-06-17",
            "people": {"p_men_18_24": 6, "p_men_12_17": 10},
            "staff_hours": ("1", Decimal("1")),
            "volunteer_hours": ("4", Decimal("4")),
            "costs": {"partner-own": ("50,00 €", "50.00")},
        },
    ]
    for activity in activities:
        page.goto(create_url)
        assert _fits_the_phone(page)
        if activity["measure"] is not None:
            page.select_option("select[name=measure]", str(activity["measure"].pk))
        else:
            page.select_option("select[name=axis]", str(contract.axes.get(code="i").pk))
            page.select_option(
                "select[name=target_group]",
                str(TargetGroup.objects.get(code="young-people").pk),
            )
        page.fill("input[name=title]", activity["title"])
        page.select_option("select[name=kind]", activity["kind"])
        page.fill("input[name=starts_on]", activity["on"])
        page.select_option("select[name=organisation]", str(world.ngo_a.pk))
        for cell, count in activity["people"].items():
            page.fill(f"input[name={cell}]", str(count))
        page.fill("input[name=staff_hours]", activity["staff_hours"][0])
        page.fill("input[name=volunteer_hours]", activity["volunteer_hours"][0])
        for source_code, (typed, _amount) in activity["costs"].items():
            page.fill(f"input[name=cost_{source[source_code].pk}]", typed)
        save = page.locator("main form button[type=submit]").first
        save.scroll_into_view_if_needed()
        save.click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 0, _main(page)
        assert activity["title"] in _main(page)
        assert _fits_the_phone(page)
    assert Activity.objects.filter(contract=contract).count() == 3
    isolated = Activity.objects.get(title="Torneio de futebol de rua")
    assert isolated.measure_id is None

    # The committee sees the isolated action, with the measure it could serve.
    _log_in(page, live_server, "mayor_a", PHONE)
    page.goto(f"{base}{reverse('activities:isolated', args=[contract.pk])}")
    section = page.locator("main section", has_text="Torneio de futebol de rua")
    assert pt("Isolated action") in section.inner_text()
    suggestion = section.locator("li", has_text="Mediação escolar")
    assert pt("same axis") in suggestion.inner_text()
    assert pt("same target group") in suggestion.inner_text()
    assert "Iluminação no bairro" not in section.inner_text()
    assert _fits_the_phone(page)

    # --- 4. the execution summary and its PDF show the sums of what was typed ----------
    under_plan = [a for a in activities if a["measure"] is not None]
    people = sum(sum(a["people"].values()) for a in under_plan)
    hours = sum(a["staff_hours"][1] + a["volunteer_hours"][1] for a in under_plan)
    spent = {
        code: sum(
            (Decimal(a["costs"][code][1]) for a in under_plan if code in a["costs"]),
            Decimal(0),
        )
        for code in source
    }
    typed_budget = {
        "M1": measures["M1"]["budget"],
        "M2": {**measures["M2"]["budget"], "partner-own": "900,00 €"},
    }
    planned = {code: Decimal(0) for code in source}
    for lines in typed_budget.values():
        for code, typed in lines.items():
            planned[code] += Decimal(typed.replace(" €", "").replace(".", "").replace(",", "."))
    assert (people, hours) == (47, Decimal("8.0"))

    page.goto(f"{base}{reverse('activities:execution', args=[contract.pk])}")
    figures = page.locator("main .figures").inner_text()
    assert f"2\n{pt('activities held')}" in figures or f"2 {pt('activities held')}" in figures
    assert f"4 {pt('activities planned')}" in figures.replace("\n", " ")
    assert f"{people} {pt('people reached')}" in figures.replace("\n", " ")
    assert f"{euros(hours, '0g')} {pt('hours')}" in figures.replace("\n", " ")
    assert f"{euros(sum(spent.values()), '0g')} €" in figures
    assert euros(sum(planned.values()), "0g") in figures
    assert f"1 {pt('isolated actions')}" in figures.replace("\n", " ")
    for code in ("municipality", "ministry", "partner-own"):
        row = page.locator("main table tr", has_text=str(source[code].name_pt)).last
        cells = row.locator("td").all_inner_texts()
        assert cells == [euros(planned[code]), euros(spent[code])], (code, cells)
    for measure, done in ((m1, activities[0]), (m2, activities[1])):
        row = page.locator("main table tr", has=page.locator("th", has_text=measure.title))
        cells = row.first.locator("td").all_inner_texts()
        assert cells[2] == "1"  # held (after the axis and the planned count)
        assert cells[4] == str(sum(done["people"].values()))
    assert _fits_the_phone(page)

    response = page.request.get(f"{base}{reverse('activities:execution_pdf', args=[contract.pk])}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    # The same sums in the report, as its pt-PT tables write them.
    with translation.override("pt-pt"):
        money = {
            "spent": number_format(sum(spent.values()), decimal_pos=2, force_grouping=True),
            "budget": number_format(sum(planned.values()), decimal_pos=2, force_grouping=True),
            **{
                code: number_format(spent[code], decimal_pos=2, force_grouping=True)
                for code in ("municipality", "partner-own")
            },
        }
    for text in (str(people), f"{money['spent']} €", f"{money['budget']} €"):
        assert shows(pdf, text), text
    for code in ("municipality", "partner-own"):
        assert shows(pdf, f"{money[code]} €"), code
    assert shows(pdf, "1 · 50,00 €")  # the isolated action, with its own cost
