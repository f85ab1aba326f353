"""Problems found by the diagnosis: who records, who prioritises, who reads (pages and API)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from localsafety.contracts.models import Axis
from localsafety.core.errors import ConflictError, DomainError
from localsafety.diagnosis import services
from localsafety.diagnosis.models import Problem


@pytest.fixture
def problem(world) -> Problem:
    return services.problem_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        title="Burglaries around the station",
        evidence="Property crime 41 per 1,000 residents in 2024 (DGPJ)",
        axis=world.contract_a.axes.first(),
    )


def _list(contract) -> str:
    return reverse("diagnosis:problems", args=[contract.pk])


# --- services -------------------------------------------------------------------------------


def test_the_operational_core_records_problems_and_history_says_who(world):
    for actor in (world.coordinator_a, world.partner_a):
        problem = services.problem_create(actor=actor, contract=world.contract_a, title="x")
        assert problem.created_by == actor
        record = problem.history.get()
        assert record.history_user == actor and record.history_change_reason == "created"


@pytest.mark.parametrize("who", ["commander_a", "national", "partner_b", "stranger"])
def test_others_cannot_record_problems(world, who):
    with pytest.raises(PermissionDenied):
        services.problem_create(actor=getattr(world, who), contract=world.contract_a, title="x")
    assert not Problem.objects.exists()


def test_an_axis_of_another_contract_is_refused(world):
    foreign = Axis.objects.create(
        contract=world.contract_b, code="B1", name_en="Serpa's own", name_pt="Própria"
    )
    with pytest.raises(DomainError):
        services.problem_create(
            actor=world.coordinator_a, contract=world.contract_a, title="x", axis=foreign
        )


@pytest.mark.parametrize("who", ["mayor_a", "commander_a"])
def test_only_the_committee_prioritises(world, problem, who):
    done = services.problem_prioritise(
        actor=getattr(world, who), problem=problem, expected_version=1, priority=2
    )
    assert done.priority == 2 and done.version == 2
    last = done.history.first()
    assert last.history_user == getattr(world, who)
    assert last.history_change_reason == "prioritised"


@pytest.mark.parametrize("who", ["coordinator_a", "partner_a", "national", "mayor_b"])
def test_the_operational_core_and_outsiders_cannot_prioritise(world, problem, who):
    with pytest.raises(PermissionDenied):
        services.problem_prioritise(
            actor=getattr(world, who), problem=problem, expected_version=1, priority=1
        )
    problem.refresh_from_db()
    assert problem.priority is None


def test_edits_name_the_version_they_read(world, problem):
    fields = {"title": "t", "description": "", "axis": None, "evidence": ""}
    with pytest.raises(DomainError):
        services.problem_update(
            actor=world.coordinator_a, problem=problem, expected_version=None, **fields
        )
    services.problem_update(actor=world.partner_a, problem=problem, expected_version=1, **fields)
    with pytest.raises(ConflictError):
        services.problem_update(
            actor=world.coordinator_a, problem=problem, expected_version=1, **fields
        )
    with pytest.raises(ConflictError):
        services.problem_prioritise(
            actor=world.mayor_a, problem=problem, expected_version=1, priority=1
        )


def test_priority_out_of_range_is_refused(world, problem):
    with pytest.raises(DomainError):
        services.problem_prioritise(
            actor=world.mayor_a, problem=problem, expected_version=1, priority=0
        )


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["coordinator_a", "partner_a", "mayor_a", "commander_a", "national"]
)
def test_members_and_national_read_the_problems(world, client_for, problem, who):
    body = client_for(getattr(world, who)).get(_list(world.contract_a)).content.decode()
    assert "Burglaries around the station" in body
    assert "Property crime 41" in body


@pytest.mark.parametrize("who", [None, "partner_b", "coordinator_b", "stranger"])
def test_outsiders_get_404_even_on_a_published_contract(world, client_for, problem, who):
    world.contract_a.is_published = True
    world.contract_a.save()
    client = client_for(getattr(world, who) if who else None)
    for url in (
        _list(world.contract_a),
        reverse("diagnosis:problem_create", args=[world.contract_a.pk]),
        reverse("diagnosis:problem_edit", args=[world.contract_a.pk, problem.pk]),
        reverse("diagnosis:problem_prioritise", args=[world.contract_a.pk, problem.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (404, 302), url
        assert b"Burglaries" not in response.content


def test_a_problem_of_another_contract_is_404_under_this_one(world, client_for, problem):
    url = reverse("diagnosis:problem_edit", args=[world.contract_b.pk, problem.pk])
    assert client_for(world.coordinator_b).get(url).status_code == 404


def test_the_list_shows_each_role_its_own_actions(world, client_for, problem):
    edit = reverse("diagnosis:problem_edit", args=[world.contract_a.pk, problem.pk])
    prioritise = reverse("diagnosis:problem_prioritise", args=[world.contract_a.pk, problem.pk])
    core = client_for(world.partner_a).get(_list(world.contract_a)).content.decode()
    assert edit in core and prioritise not in core
    # The police commander sits on the committee only (the mayor's town also leads the core).
    committee = client_for(world.commander_a).get(_list(world.contract_a)).content.decode()
    assert prioritise in committee and edit not in committee
    assert client_for(world.commander_a).get(edit).status_code == 403
    assert client_for(world.partner_a).get(prioritise).status_code == 403
    assert (
        client_for(world.national).post(prioritise, {"priority": 1, "version": 1}).status_code
        == 403
    )


def test_record_edit_and_prioritise_through_the_pages(world, client_for):
    core = client_for(world.partner_a)
    axis = world.contract_a.axes.first()
    response = core.post(
        reverse("diagnosis:problem_create", args=[world.contract_a.pk]),
        {"title": "Isolated elderly", "axis": axis.pk, "evidence": "Census 2021: 31% aged 65+"},
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.contract == world.contract_a and problem.axis == axis
    edit = reverse("diagnosis:problem_edit", args=[world.contract_a.pk, problem.pk])
    form = core.get(edit).content.decode()
    assert 'name="version" value="1"' in form
    # Without the version: refused (400); with a stale one: conflict (409).
    assert core.post(edit, {"title": "Isolated elderly people"}).status_code == 400
    assert core.post(edit, {"title": "Isolated elderly people", "version": 1}).status_code == 302
    assert core.post(edit, {"title": "Again", "version": 1}).status_code == 409
    prioritise = reverse("diagnosis:problem_prioritise", args=[world.contract_a.pk, problem.pk])
    chair = client_for(world.mayor_a)
    assert chair.post(prioritise, {"priority": 1, "version": 2}).status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.priority, problem.version) == ("Isolated elderly people", 1, 3)


def test_the_contract_header_links_the_diagnosis_tab_for_members_only(world, client_for):
    world.contract_a.is_published = True
    world.contract_a.save()
    detail = reverse("contracts:detail", args=[world.contract_a.pk])
    tab = reverse("diagnosis:document", args=[world.contract_a.pk])
    assert tab in client_for(world.partner_a).get(detail).content.decode()
    assert tab not in client_for(None).get(detail).content.decode()


# --- API ------------------------------------------------------------------------------------


def _api(contract, *rest) -> str:
    if not rest:
        return reverse("api:contract-problems", args=[contract.pk])
    name = "api:problem-detail" if len(rest) == 1 else "api:problem-priority"
    return reverse(name, args=[contract.pk, rest[0]])


def test_api_follows_the_same_rules(world, api_for, problem):
    assert api_for(world.partner_a).get(_api(world.contract_a)).json()["count"] == 1
    assert api_for(world.national).get(_api(world.contract_a)).json()["count"] == 1
    for who in ("partner_b", "stranger"):
        client = api_for(getattr(world, who))
        assert client.get(_api(world.contract_a)).status_code == 404
        assert client.get(_api(world.contract_a, problem.pk)).status_code == 404
    assert api_for(None).get(_api(world.contract_a)).status_code in (401, 403)
    created = api_for(world.coordinator_a).post(
        _api(world.contract_a), {"title": "Vandalism", "evidence": "Audit walk"}, format="json"
    )
    assert created.status_code == 201 and created.json()["version"] == 1
    assert (
        api_for(world.commander_a)
        .post(_api(world.contract_a), {"title": "Not mine to record"}, format="json")
        .status_code
        == 403
    )
    # Prioritise: committee yes, core no; the version is required and checked.
    url = _api(world.contract_a, problem.pk, "priority")
    assert (
        api_for(world.partner_a).post(url, {"priority": 1, "version": 1}, format="json").status_code
        == 403
    )
    assert api_for(world.commander_a).post(url, {"priority": 1}, format="json").status_code == 400
    done = api_for(world.commander_a).post(url, {"priority": 1, "version": 1}, format="json")
    assert done.status_code == 200 and done.json()["priority"] == 1
    stale = api_for(world.mayor_a).post(url, {"priority": 3, "version": 1}, format="json")
    assert stale.status_code == 409
    patched = api_for(world.partner_a).patch(
        _api(world.contract_a, problem.pk), {"evidence": "New figure", "version": 2}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["evidence"] == "New figure"
    assert patched.json()["title"] == "Burglaries around the station"
