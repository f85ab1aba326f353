"""The activities API keeps the pages' rules: a partner reads and writes only its own
organisation's, other contracts get 404, bad input is refused with the field, a correction
names its version, an import is whole or nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.activities import services
from localsafety.activities.models import Activity
from localsafety.activities.tests.factories import approved_plan, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_a(world):
    return approved_plan(world.contract_a, responsible=world.ngo_a, created_by=world.coordinator_a)


def _list(world, contract=None):
    return reverse("api:contract-activities", args=[(contract or world.contract_a).pk])


def _body(world, plan, **overrides):
    body = {
        "measure": plan.measure.pk,
        "title": "Sessão na escola",
        "kind": "session",
        "starts_on": "2017-03-01",
        "organisation": world.ngo_a.pk,
        "participant_counts": {"p_women_12_17": 3, "p_men_12_17": 2},
        "staff_hours": "2,5",
        "costs": {"municipality": "1.234,56 €"},
    }
    body.update(overrides)
    return body


def test_partner_logs_and_lists_only_its_own(world, plan_a, api_for):
    services.activity_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        values=values(organisation_id=world.town_a.pk, title="Municipal"),
    )
    client = api_for(world.partner_a)
    response = client.post(_list(world), _body(world, plan_a), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["participants"] == 5 and data["cost_total"] == "1234.56"
    assert data["costs"] == [{"funding_source": "municipality", "amount": "1234.56"}]
    titles = [row["title"] for row in client.get(_list(world)).json()["results"]]
    assert titles == ["Sessão na escola"]
    everyone = api_for(world.mayor_a).get(_list(world)).json()
    assert everyone["count"] == 2


def test_partner_cannot_log_for_another_organisation(world, plan_a, api_for):
    response = api_for(world.partner_a).post(
        _list(world), _body(world, plan_a, organisation=world.town_a.pk), format="json"
    )
    assert response.status_code == 403
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"ends_on": "2017-02-01"}, "ends_on", "before the start"),
        ({"starts_on": "2016-05-01"}, "starts_on", "before its measure starts"),
        ({"costs": {"municipality": "doze"}}, "costs", "not a number"),
        ({"organisation": 999999}, "organisation", "not a partner"),
    ],
)
def test_bad_input_is_refused_with_the_field(
    world, plan_a, api_for, english, overrides, field, words
):
    english(world.partner_a)
    response = api_for(world.partner_a).post(
        _list(world), _body(world, plan_a, **overrides), format="json"
    )
    assert response.status_code == 400
    assert words in str(response.json()["errors"][field])
    assert not Activity.objects.exists()


def test_measure_of_another_contract_is_refused(world, plan_a, api_for, english):
    plan_b = approved_plan(
        world.contract_b, responsible=world.ngo_b, created_by=world.coordinator_b
    )
    english(world.national, world.coordinator_a)
    response = api_for(world.coordinator_a).post(
        _list(world), _body(world, plan_a, measure=plan_b.measure.pk), format="json"
    )
    assert response.status_code == 400
    assert "another contract" in str(response.json()["errors"]["measure"])


def test_other_contracts_get_404(world, plan_a, api_for):
    activity = services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(organisation_id=world.ngo_a.pk),
    )
    detail = reverse("api:activity-detail", args=[world.contract_a.pk, activity.pk])
    for who in (world.partner_b, world.stranger):
        client = api_for(who)
        assert client.get(_list(world)).status_code == 404
        assert client.get(detail).status_code == 404
        assert client.post(_list(world), _body(world, plan_a), format="json").status_code == 404
        assert client.delete(detail).status_code == 404
    assert api_for(None).get(_list(world)).status_code in (401, 403)


def test_correction_needs_the_current_version(world, plan_a, api_for):
    activity = services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(organisation_id=world.ngo_a.pk),
    )
    detail = reverse("api:activity-detail", args=[world.contract_a.pk, activity.pk])
    client = api_for(world.partner_a)
    assert client.put(detail, _body(world, plan_a), format="json").status_code == 400
    assert client.put(detail, _body(world, plan_a, version=1), format="json").status_code == 200
    assert client.put(detail, _body(world, plan_a, version=1), format="json").status_code == 409


def test_import_is_whole_or_nothing(world, plan_a, api_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("api:contract-activities-import", args=[world.contract_a.pk])
    client = api_for(world.partner_a)
    bad = b"date;title;kind\n01/03/2017;Fine;session\n01/03/2017;Bad;nonsense\n"
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", bad)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["problems"][0]["row"] == "3"
    assert not Activity.objects.exists()
    good = b"date;title;kind\n01/03/2017;Fine;session\n"
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", good)}, format="multipart")
    assert response.status_code == 201 and response.json()["created"] == 1


def test_execution_and_public_totals(world, plan_a, api_for):
    services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=values(
            organisation_id=world.ngo_a.pk,
            measure_id=plan_a.measure.pk,
            participants={"p_women_65plus": 6},
        ),
    )
    execution = api_for(world.mayor_a).get(
        reverse("api:contract-execution", args=[world.contract_a.pk])
    )
    assert execution.status_code == 200
    assert execution.json()["total"]["people"] == 6
    totals = api_for(None).get(reverse("api:activity-totals"))
    assert totals.status_code == 200
    assert totals.json()["initiatives"] == 1 and totals.json()["people"] == 6
    assert (
        api_for(world.partner_b)
        .get(reverse("api:contract-execution", args=[world.contract_a.pk]))
        .status_code
        == 404
    )
