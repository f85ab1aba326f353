from __future__ import annotations

import json

import pytest
from django.urls import reverse

from localsafety.organisations.models import Organisation
from localsafety.territory.models import Area, AreaKind, AreaPopulation

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone_a(world) -> Area:
    """A zone defined by contract A (unpublished): as private as the contract."""
    return Area.objects.create(
        kind=AreaKind.ZONE,
        code="Z-CM",
        name="Casal dos Machados",
        parent=world.parish_a,
        owner_contract=world.contract_a,
    )


def _names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def test_official_areas_are_public_and_zones_follow_their_contract(world, zone_a, api_for):
    url = reverse("api:area-list")
    for user in (None, world.stranger, world.partner_b):
        names = _names(api_for(user).get(url, {"limit": 200}))
        assert {"Portugal", "Lisboa", "Serpa", "Lumiar"} <= names
        assert "Casal dos Machados" not in names
        detail = api_for(user).get(reverse("api:area-detail", args=[zone_a.pk]))
        assert detail.status_code == 404
    assert "Casal dos Machados" in _names(api_for(world.partner_a).get(url, {"limit": 200}))
    assert (
        api_for(world.partner_a)
        .get(reverse("api:area-detail", args=[zone_a.pk]))
        .json()["owner_contract"]
        == world.contract_a.pk
    )


def test_area_filters(world, api_for):
    client = api_for(None)
    url = reverse("api:area-list")
    assert _names(client.get(url, {"kind": "municipality"})) == {"Lisboa", "Serpa"}
    assert _names(client.get(url, {"parent": world.municipality_a.pk})) == {"Lumiar"}
    assert _names(client.get(url, {"code": "0213"})) == {"Serpa"}
    assert _names(client.get(url, {"q": "lum"})) == {"Lumiar"}
    assert client.get(url, {"kind": "planet"}).status_code == 400
    row = client.get(url, {"code": "0213"}).json()["results"][0]
    assert row["has_boundary"] is True and "geometry" not in row


def test_area_detail_with_population_parent_children_and_optional_geometry(world, api_for):
    AreaPopulation.objects.create(area=world.municipality_a, year=2011, population=547733)
    url = reverse("api:area-detail", args=[world.municipality_a.pk])
    body = api_for(None).get(url).json()
    assert body["name"] == "Lisboa" and body["kind"] == "municipality"
    assert body["parent"]["kind"] == "district" and body["parent"]["code"] == "11"
    assert body["children_count"] == 1
    assert [(p["year"], p["population"]) for p in body["populations"]] == [
        (2011, 547733),
        (2021, 545796),
    ]
    assert body["geometry"] is None and body["has_boundary"] is True
    with_geometry = api_for(None).get(url, {"geometry": "1"}).json()
    assert with_geometry["geometry"] == json.loads(world.municipality_a.geometry)
    assert api_for(None).get(reverse("api:area-detail", args=[999999])).status_code == 404


def test_children_count_hides_private_zones(world, zone_a, api_for):
    url = reverse("api:area-detail", args=[world.parish_a.pk])
    assert api_for(world.stranger).get(url).json()["children_count"] == 0
    assert api_for(world.partner_a).get(url).json()["children_count"] == 1


def test_organisation_list_filters_and_detail(world, api_for):
    url = reverse("api:organisation-list")
    client = api_for(None)
    body = client.get(url).json()
    assert body["count"] == 6
    assert {r["name"] for r in client.get(url, {"kind": "association"}).json()["results"]} == {
        "Associação Bairro Feliz",
        "Associação Planície Unida",
    }
    assert [r["short_name"] for r in client.get(url, {"q": "psp lisboa"}).json()["results"]] == [
        "PSP Lisboa"
    ]
    detail = client.get(reverse("api:organisation-detail", args=[world.town_a.pk])).json()
    assert detail["kind"] == "municipality" and detail["municipality"]["name"] == "Lisboa"
    assert client.get(reverse("api:organisation-detail", args=[999999])).status_code == 404


def test_inactive_organisations_are_hidden_from_anonymous(world, api_for):
    Organisation.objects.filter(pk=world.ngo_b.pk).update(is_active=False)
    url = reverse("api:organisation-detail", args=[world.ngo_b.pk])
    assert api_for(None).get(url).status_code == 404
    assert api_for(world.stranger).get(url).status_code == 200
    assert api_for(None).get(reverse("api:organisation-list")).json()["count"] == 5
