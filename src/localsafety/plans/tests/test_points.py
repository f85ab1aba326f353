"""A measure's points: typed as ``label; lat; lon`` lines (or written by the map), checked on
the server: in Portugal (mainland, Azores, Madeira), swapped pairs named, decimal commas read,
labels required, at most MAX_POINTS."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.core.errors import DomainError
from localsafety.plans import services
from localsafety.plans.forms import MeasureForm, PointsField
from localsafety.plans.models import InterventionKind, Measure, Plan
from localsafety.plans.points import MAX_POINTS, in_portugal, parse_point_lines
from localsafety.plans.tests.helpers import sample_plan


def _problems(text: str) -> list[str]:
    return parse_point_lines(text)[1]


def test_decimal_commas_and_points_read_the_same_and_blank_lines_are_skipped():
    points, problems = parse_point_lines(
        "Escola Básica; 38,7569; -9,1596\n\n  Praça; 38.7601 ; −9.1550 \n"
    )
    assert problems == []
    assert points == [
        {"label": "Escola Básica", "lat": 38.7569, "lon": -9.1596},
        {"label": "Praça", "lat": 38.7601, "lon": -9.155},
    ]


def test_a_label_may_hold_a_semicolon_and_cells_pasted_from_a_spreadsheet_are_read():
    points, problems = parse_point_lines("Bairro; lote 3; 38,75; -9,16\nCentro\t41,15\t-8,61")
    assert problems == []
    assert [p["label"] for p in points] == ["Bairro; lote 3", "Centro"]
    assert points[1]["lat"] == 41.15


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(37.7412, -25.6756), (32.6669, -16.9241), (39.4543, -31.1264), (30.1394, -15.8689)],
    ids=["Ponta Delgada", "Funchal", "Flores", "Selvagens"],
)
def test_the_islands_are_in_portugal(lat, lon):
    assert in_portugal(lat, lon)
    assert parse_point_lines(f"Ilha; {lat}; {lon}")[1] == []


def test_swapped_coordinates_are_named_as_swapped_not_as_outside():
    problems = _problems("Escola; -9,1596; 38,7569")
    assert len(problems) == 1
    assert problems[0].startswith("Line 1:") and "swapped" in problems[0]


@pytest.mark.parametrize(
    "line",
    ["Madrid; 40.4168; -3.7038", "Null Island; 0; 0", "Rabat; 34.02; -6.84", "Lisboa; 138.7; -9.1"],
)
def test_points_outside_portugal_are_refused(line):
    problems = _problems(f"Escola; 38.75; -9.16\n{line}")
    assert len(problems) == 1
    assert problems[0].startswith("Line 2:") and "outside Portugal" in problems[0]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("; 38.75; -9.16", "label is missing"),
        ("Escola; 38.75", "separated by semicolons"),
        ("Escola 38.75 -9.16", "separated by semicolons"),
        ("Escola; 38,75,1; -9.16", "must be numbers"),
        ("Escola; 1.038,75; -9.16", "must be numbers"),
        ("Escola; nan; -9.16", "must be numbers"),
        ("Escola; norte; -9.16", "must be numbers"),
        (f"{'x' * 101}; 38.75; -9.16", "longer than 100"),
    ],
)
def test_bad_lines_are_named_with_their_reason(line, reason):
    problems = _problems(line)
    assert len(problems) == 1 and reason in problems[0], problems


def test_at_most_max_points():
    lines = "\n".join(f"P{n}; 38.7{n:02d}; -9.1" for n in range(MAX_POINTS))
    assert parse_point_lines(lines)[1] == []
    problems = _problems(f"{lines}\nOne too many; 38.75; -9.16")
    assert problems == [f"At most {MAX_POINTS} points per measure."]


def test_the_field_gives_stored_points_and_every_bad_line_as_an_error():
    field = PointsField()
    assert field.clean("") == []
    assert field.clean("Escola; 38,75; -9,16") == [{"label": "Escola", "lat": 38.75, "lon": -9.16}]
    with pytest.raises(Exception) as refused:
        field.clean("Escola; -9,16; 38,75\nMadrid; 40.4; -3.7")
    assert len(refused.value.messages) == 2  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_measure_form_shows_its_points_as_lines_and_reads_them_back(world):
    _plan, version, measures = sample_plan(world, measures=1)
    measure = measures[0]
    measure.points = [{"label": "Escola", "lat": 38.75, "lon": -9.16}]
    initial = MeasureForm.initial_for(measure)
    assert initial["points"] == "Escola; 38.75; -9.16"
    form = MeasureForm(contract=world.contract_a, plan_version=version, initial=initial)
    html = str(form["points"])
    assert "Escola; 38.75; -9.16</textarea>" in html
    assert "data-points-map" in html and "<script>" not in html  # CSP: no inline script


@pytest.mark.django_db
def test_the_service_refuses_points_the_api_sends_outside_portugal_or_swapped(world):
    _plan, _version, measures = sample_plan(world, measures=1)
    measure = measures[0]
    for points, reason in (
        ([{"label": "x", "lat": -9.16, "lon": 38.75}], "swapped"),
        ([{"label": "x", "lat": 40.4, "lon": -3.7}], "outside Portugal"),
        ([{"label": "", "lat": 38.75, "lon": -9.16}], "label is missing"),
        ([{"label": "x", "lat": "38.75", "lon": -9.16}], "must be numbers"),
        ([{"label": "x", "lat": 38.75}], "exactly a label"),
        ([{"label": "x", "lat": 38.75, "lon": -9.16}] * (MAX_POINTS + 1), "At most"),
    ):
        with pytest.raises(DomainError) as refused:
            services.measure_update(
                actor=world.coordinator_a,
                measure=measure,
                expected_version=measure.version,
                changes={"points": points},
            )
        assert refused.value.field == "points" and reason in refused.value.message
    done = services.measure_update(
        actor=world.coordinator_a,
        measure=measure,
        expected_version=measure.version,
        changes={"points": [{"label": "Escola", "lat": 38.75, "lon": -9.16}]},
    )
    assert done.points == [{"label": "Escola", "lat": 38.75, "lon": -9.16}]


@pytest.mark.django_db
def test_points_typed_on_the_edit_page_are_stored_and_shown_on_the_measure_page(
    world, client_for, english_pages
):
    _plan, version, measures = sample_plan(world, measures=1)
    measure = measures[0]
    contract = world.contract_a
    coordinator = client_for(world.coordinator_a)
    edit = reverse("plans:measure_edit", args=[contract.pk, measure.pk])
    form = {
        "objective": measure.objective_id,
        "code": measure.code,
        "title": measure.title,
        "axis": measure.axis_id,
        "kind": InterventionKind.objects.get(code="mediation").pk,
        "starts_on": "2017-01-01",
        "ends_on": "2017-12-31",
        "responsible_organisation": world.ngo_a.pk,
        "staff_count": "0",
        "staff_hours": "0",
        "budget_municipality": "1.000,00 €",
        "version": measure.version,
        "points": "Escola; -9,1596; 38,7569",
    }
    response = coordinator.post(edit, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_points"' in page and "swapped" in page
    assert Measure.objects.get(pk=measure.pk).points == []

    form["points"] = "Escola; 38,7569; -9,1596\nPraça do bairro; 38,76; -9,155"
    response = coordinator.post(edit, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Measure.objects.get(pk=measure.pk)
    assert stored.points == [
        {"label": "Escola", "lat": 38.7569, "lon": -9.1596},
        {"label": "Praça do bairro", "lat": 38.76, "lon": -9.155},
    ]
    page = coordinator.get(reverse("plans:measure", args=[contract.pk, measure.pk])).content
    text = page.decode()
    assert 'id="measure-points"' in text and "[-9.1596, 38.7569]" in text  # GeoJSON: lon, lat
    assert "Praça do bairro" in text and 'data-map role="region"' in text
    assert Plan.objects.filter(contract=contract).count() == 1
