from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import Contract

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_and_stranger_list_only_published_contracts(world, published_b, api_for):
    url = reverse("api:contract-list")
    for user in (None, world.stranger, world.partner_b):
        response = api_for(user).get(url)
        assert response.status_code == 200
        assert _ids(response) == {world.contract_b.pk}
        assert response.json()["count"] == 1


def test_members_list_their_own_unpublished_contract_and_national_lists_all(
    world, published_b, api_for
):
    url = reverse("api:contract-list")
    assert _ids(api_for(world.partner_a).get(url)) == {world.contract_a.pk, world.contract_b.pk}
    assert _ids(api_for(world.national).get(url)) == {world.contract_a.pk, world.contract_b.pk}
    # B is unpublished again: partner_a no longer sees it, partner_b still does.
    services.contract_update(
        actor=world.coordinator_b,
        contract=world.contract_b,
        expected_version=published_b.version,
        changes={"is_published": False},
    )
    assert _ids(api_for(world.partner_a).get(url)) == {world.contract_a.pk}
    assert _ids(api_for(world.partner_b).get(url)) == {world.contract_b.pk}


def test_contract_list_filters_mean_what_the_overview_filters_mean(world, api_for):
    """Axis and region are the overview's codes (a national axis, a NUTS II region)."""
    client = api_for(world.national)
    url = reverse("api:contract-list")
    services.axis_create(
        actor=world.coordinator_a, contract=world.contract_a, code="v", name_en="V", name_pt="V"
    )
    a, b = world.contract_a.pk, world.contract_b.pk
    assert _ids(client.get(url, {"category": "citizen"})) == {b}
    assert _ids(client.get(url, {"category": "neighbourhood"})) == {a}
    assert _ids(client.get(url, {"stage": "diagnosis"})) == {a, b}
    assert _ids(client.get(url, {"stage": "plan"})) == set()
    assert _ids(client.get(url, {"axis": "i"})) == {a, b}
    assert _ids(client.get(url, {"region": "PT17"})) == {a}
    assert _ids(client.get(url, {"region": "PT18"})) == {b}
    assert _ids(client.get(url, {"category": "", "region": ""})) == {a, b}  # blank = all
    for name, value in (("axis", "v"), ("axis", "1"), ("region", "PT99")):
        refused = client.get(url, {name: value})  # a contract's own axis is no filter
        assert refused.status_code == 400 and list(refused.json()["errors"]) == [name]
    # The overview answers the same filters with the same contracts.
    page = api_for(world.national).get(reverse("contracts:export_csv"), {"region": "PT17"})
    assert {int(line.split(";")[0]) for line in page.content.decode().splitlines()[1:]} == {a}
    assert _ids(client.get(url, {"q": "serpa"})) == {b}
    assert _ids(client.get(url, {"q": "Lumiar"})) == {a}
    bad = client.get(url, {"category": "galaxy"})
    assert bad.status_code == 400 and "category" in bad.json()["errors"]


def test_contract_list_is_paginated(world, published_b, api_for):
    response = api_for(world.national).get(reverse("api:contract-list"), {"limit": 1})
    body = response.json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]


def test_contract_detail(world, published_b, api_for):
    url = reverse("api:contract-detail", args=[world.contract_b.pk])
    body = api_for(None).get(url).json()
    assert body["title"] == "CLS Serpa"
    assert body["summary"] == "Apoio a trabalhadores sazonais."
    assert body["municipality"]["name"] == "Serpa"
    assert body["is_published"] is True
    assert body["version"] == published_b.version
    assert [stage["kind"] for stage in body["stages"]] == [
        "diagnosis",
        "plan",
        "implementation",
        "evaluation",
    ]
    assert body["stages"][0]["status"] == "in_preparation"
    assert {"status", "version"} <= set(body["stages"][0])
    assert [axis["code"] for axis in body["axes"]] == ["i", "ii", "iii", "iv"]
    assert [s["organisation"]["id"] for s in body["signatories"]] == [world.town_b.pk]
    assert [area["name"] for area in body["areas"]] == ["Serpa"]
    assert body["can_edit"] is False
    assert api_for(world.coordinator_b).get(url).json()["can_edit"] is True


@pytest.mark.parametrize("who", [None, "stranger", "partner_b", "mayor_b"])
def test_unpublished_contract_is_404_for_outsiders(world, api_for, who):
    user = getattr(world, who) if who else None
    response = api_for(user).get(reverse("api:contract-detail", args=[world.contract_a.pk]))
    assert response.status_code == 404
    missing = api_for(user).get(reverse("api:contract-detail", args=[999999]))
    assert missing.status_code == 404
    assert response.json() == missing.json()


def test_lead_organisation_edits_contract_with_version(world, api_for):
    contract = world.contract_a
    response = api_for(world.coordinator_a).patch(
        reverse("api:contract-detail", args=[contract.pk]),
        {"version": contract.version, "title": "CLS Lisboa — Lumiar e Carnide", "signed_on": None},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "CLS Lisboa — Lumiar e Carnide"
    assert response.json()["version"] == contract.version + 1
    contract.refresh_from_db()
    assert contract.title == "CLS Lisboa — Lumiar e Carnide" and contract.signed_on is None


def test_committee_member_cannot_edit_contract(world, api_for):
    contract = world.contract_a
    # The mayor belongs to the lead organisation (municipality), so may edit; these may not.
    for user in (world.commander_a, world.partner_a, world.national):
        response = api_for(user).patch(
            reverse("api:contract-detail", args=[contract.pk]),
            {"version": contract.version, "title": "Hijacked"},
            format="json",
        )
        assert response.status_code == 403
        assert response.json()["detail"]
    contract.refresh_from_db()
    assert contract.title == "CLS Lisboa — Lumiar"


def test_outsiders_cannot_edit(world, published_b, api_for):
    url = reverse("api:contract-detail", args=[world.contract_a.pk])
    assert (
        api_for(world.partner_b).patch(url, {"version": 1, "title": "X"}, format="json").status_code
        == 404
    )
    anonymous = api_for(None).patch(
        reverse("api:contract-detail", args=[world.contract_b.pk]),
        {"version": published_b.version, "title": "X"},
        format="json",
    )
    assert anonymous.status_code in {401, 403}
    stranger = api_for(world.stranger).patch(
        reverse("api:contract-detail", args=[world.contract_b.pk]),
        {"version": published_b.version, "title": "X"},
        format="json",
    )
    assert stranger.status_code == 403
    assert Contract.objects.get(pk=world.contract_b.pk).title == "CLS Serpa"


def test_stale_version_is_a_409_conflict_with_a_clear_message(world, api_for, english):
    english(world.coordinator_a)
    contract = world.contract_a
    url = reverse("api:contract-detail", args=[contract.pk])
    client = api_for(world.coordinator_a)
    seen = client.get(url).json()["version"]
    first = client.patch(url, {"version": seen, "summary": "Primeira"}, format="json")
    assert first.status_code == 200
    second = client.patch(url, {"version": seen, "summary": "Segunda"}, format="json")
    assert second.status_code == 409
    assert "Someone else changed this record" in second.json()["detail"]
    contract.refresh_from_db()
    assert contract.summary == "Primeira"


def test_patch_validates_input(world, api_for):
    url = reverse("api:contract-detail", args=[world.contract_a.pk])
    client = api_for(world.coordinator_a)
    no_version = client.patch(url, {"title": "X"}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()["errors"]
    nothing = client.patch(url, {"version": world.contract_a.version}, format="json")
    assert nothing.status_code == 400
    bad = client.patch(url, {"version": world.contract_a.version, "category": "x"}, format="json")
    assert bad.status_code == 400 and "category" in bad.json()["errors"]
    lead = client.patch(
        url, {"version": world.contract_a.version, "lead_organisation": 1}, format="json"
    )
    assert lead.status_code == 400  # unknown fields are ignored, so nothing to change


def test_token_authentication(world, token_for, api_for):
    client = token_for(world.coordinator_a)
    url = reverse("api:contract-detail", args=[world.contract_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    edit = client.patch(
        url, {"version": response.json()["version"], "summary": "Via token"}, format="json"
    )
    assert edit.status_code == 200
    history_user = (
        Contract.history.filter(id=world.contract_a.pk).latest("history_date").history_user
    )
    assert history_user == world.coordinator_a
    bad = api_for(None)
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad.get(url).status_code == 401


def test_session_without_second_factor_is_refused_for_roles_that_need_it(world, api_for):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(world.national)  # signed in, second factor not passed
    response = client.get(reverse("api:contract-detail", args=[world.contract_a.pk]))
    assert response.status_code == 403
    assert (
        api_for(world.national)
        .get(reverse("api:contract-detail", args=[world.contract_a.pk]))
        .status_code
        == 200
    )


def test_manager_registers_a_contract_through_the_api(world, client_for):
    from localsafety.contracts.models import Contract

    url = reverse("api:contract-list")
    payload = {
        "title": "CLS Lisboa — Santos",
        "category": "neighbourhood",
        "municipality": world.municipality_a.pk,
        "lead_organisation": world.town_a.pk,
        "chair": "mayor_a",
        "signed_on": "2017-03-01",
    }
    before = Contract.objects.count()
    assert client_for(None).post(url, payload, content_type="application/json").status_code in {
        401,
        403,
    }
    assert (
        client_for(world.partner_a).post(url, payload, content_type="application/json").status_code
        == 403
    )
    other_town = {**payload, "lead_organisation": world.town_b.pk}
    assert (
        client_for(world.coordinator_a)
        .post(url, other_town, content_type="application/json")
        .status_code
        == 403
    )
    no_chair = {**payload, "chair": "partner_b"}
    response = client_for(world.coordinator_a).post(url, no_chair, content_type="application/json")
    assert response.status_code == 400 and "chair" in response.json()["errors"]
    assert Contract.objects.count() == before
    response = client_for(world.coordinator_a).post(url, payload, content_type="application/json")
    assert response.status_code == 201
    contract = Contract.objects.get(pk=response.json()["id"])
    assert contract.bodies.get(kind="committee").members.get(role="chair").person == world.mayor_a
    assert contract.stages.count() == 4 and contract.axes.count() == 4
