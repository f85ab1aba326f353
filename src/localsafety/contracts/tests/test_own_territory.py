"""A municipality registers contracts only for its own territory (issue 7, finding 6).

Written as the attacker of the review: the Lisbon coordinator registers a published "CLS
Porto", and covers a Porto parish or a whole district with a Lisbon contract, through the
pages and the API. The service refuses all of it, so every door agrees; national users may
register a contract for any municipality.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import Contract
from localsafety.core.errors import DomainError
from localsafety.organisations.models import Membership, Organisation, OrganisationKind
from localsafety.territory.models import Area, AreaKind


@dataclass
class Porto:
    municipality: Area
    parish: Area
    town: Organisation


@pytest.fixture
def porto(world) -> Porto:
    district = Area.objects.create(kind=AreaKind.DISTRICT, code="13", name="Porto (distrito)")
    municipality = Area.objects.create(
        kind=AreaKind.MUNICIPALITY, code="1312", name="Porto", parent=district
    )
    parish = Area.objects.create(
        kind=AreaKind.PARISH, code="131215", name="Campanhã", parent=municipality
    )
    town = Organisation.objects.create(
        name="Câmara Municipal do Porto",
        kind=OrganisationKind.MUNICIPALITY,
        municipality=municipality,
    )
    return Porto(municipality=municipality, parish=parish, town=town)


def _payload(world, **overrides):
    return {
        "title": "CLS Porto",
        "category": "municipality",
        "municipality": world.municipality_a.pk,
        "lead_organisation": world.town_a.pk,
        "chair": "mayor_a",
        "is_published": True,
        **overrides,
    }


# --- a contract for another municipality -------------------------------------------------


def test_lisbon_coordinator_cannot_register_cls_porto_in_the_service(world, porto):
    before = Contract.objects.count()
    with pytest.raises(PermissionDenied):
        services.contract_create(
            actor=world.coordinator_a,
            title="CLS Porto",
            category="municipality",
            municipality=porto.municipality,
            lead_organisation=world.town_a,
            chair=world.mayor_a,
            is_published=True,
        )
    assert Contract.objects.count() == before


def test_lisbon_coordinator_cannot_register_cls_porto_through_the_api(world, porto, client_for):
    before = Contract.objects.count()
    response = client_for(world.coordinator_a).post(
        reverse("api:contract-list"),
        _payload(world, municipality=porto.municipality.pk),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Contract.objects.count() == before
    assert not Contract.objects.filter(municipality=porto.municipality).exists()


def test_lisbon_coordinator_cannot_register_cls_porto_through_the_page(world, porto, client_for):
    client = client_for(world.coordinator_a)
    url = reverse("contracts:create")
    offered = client.get(url).context["form"].fields["municipality"].queryset
    assert list(offered) == [world.municipality_a]  # only what the service would accept
    before = Contract.objects.count()
    response = client.post(
        url,
        {
            "title": "CLS Porto",
            "category": "municipality",
            "municipality": porto.municipality.pk,
            "lead_organisation": world.town_a.pk,
            "chair": world.mayor_a.pk,
            "is_published": "on",
        },
    )
    assert response.status_code in {200, 400, 403}
    assert Contract.objects.count() == before


def test_a_manager_of_a_non_municipality_cannot_lead_a_contract(world, porto, client_for):
    """Managing an association gives no right to register contracts for any territory."""
    Membership.objects.create(user=world.coordinator_a, organisation=world.ngo_a, role="manager")
    before = Contract.objects.count()
    response = client_for(world.coordinator_a).post(
        reverse("api:contract-list"),
        _payload(world, lead_organisation=world.ngo_a.pk, chair="", chair_name="Presidente"),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Contract.objects.count() == before


def test_national_user_registers_a_contract_for_any_municipality(world, porto, client_for):
    response = client_for(world.national).post(
        reverse("api:contract-list"),
        _payload(
            world,
            municipality=porto.municipality.pk,
            lead_organisation=porto.town.pk,
            chair="",
            chair_name="Presidente da Câmara do Porto",
            areas=[porto.municipality.pk, porto.parish.pk],
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    contract = Contract.objects.get(pk=response.json()["id"])
    assert contract.municipality == porto.municipality
    assert set(contract.areas.all()) == {porto.municipality, porto.parish}


# --- covered areas outside the contract's municipality -----------------------------------


@pytest.mark.parametrize("outside", ["porto_parish", "district"])
def test_api_refuses_covered_areas_outside_the_municipality_on_create(
    world, porto, client_for, outside
):
    area = porto.parish if outside == "porto_parish" else world.municipality_a.parent
    before = Contract.objects.count()
    response = client_for(world.coordinator_a).post(
        reverse("api:contract-list"),
        _payload(world, title="CLS Lisboa", areas=[world.municipality_a.pk, area.pk]),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "areas" in response.json()["errors"]
    assert Contract.objects.count() == before


@pytest.mark.parametrize("outside", ["porto_parish", "district"])
def test_api_refuses_covered_areas_outside_the_municipality_on_update(
    world, porto, client_for, outside
):
    contract = world.contract_a
    covered = set(contract.areas.all())
    area = porto.parish if outside == "porto_parish" else world.municipality_a.parent
    response = client_for(world.coordinator_a).patch(
        reverse("api:contract-detail", args=[contract.pk]),
        {"version": contract.version, "areas": [world.municipality_a.pk, area.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "areas" in response.json()["errors"]
    assert set(contract.areas.all()) == covered


def test_api_changes_covered_areas_inside_the_municipality(world, client_for):
    contract = world.contract_a
    response = client_for(world.coordinator_a).patch(
        reverse("api:contract-detail", args=[contract.pk]),
        {"version": contract.version, "areas": [world.parish_a.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [area["id"] for area in response.json()["areas"]] == [world.parish_a.pk]
    assert list(contract.areas.all()) == [world.parish_a]


def test_page_refuses_covered_areas_outside_the_municipality(world, porto, client_for):
    contract = world.contract_a
    covered = set(contract.areas.all())
    response = client_for(world.coordinator_a).post(
        reverse("contracts:edit", args=[contract.pk]),
        {
            "title": contract.title,
            "category": contract.category,
            "areas": [world.municipality_a.pk, porto.parish.pk],
            "version": contract.version,
        },
    )
    assert response.status_code == 400
    assert set(contract.areas.all()) == covered


@pytest.mark.parametrize("outside", ["porto_parish", "district", "other_zone"])
def test_service_keeps_covered_areas_inside_the_municipality(world, porto, outside):
    """Whoever calls it (a national user included), the service checks the areas itself."""
    contract = world.contract_a
    covered = set(contract.areas.all())
    area = {
        "porto_parish": porto.parish,
        "district": world.municipality_a.parent,
        "other_zone": Area.objects.create(
            kind=AreaKind.ZONE,
            code="Z1",
            name="Zona de B",
            parent=world.municipality_b,
            owner_contract=world.contract_b,
        ),
    }[outside]
    with pytest.raises(DomainError) as refused:
        services.contract_update(
            actor=world.coordinator_a,
            contract=contract,
            expected_version=contract.version,
            changes={},
            areas=[world.municipality_a, area],
        )
    assert refused.value.field == "areas"
    assert set(contract.areas.all()) == covered
    before = Contract.objects.count()
    with pytest.raises(DomainError):
        services.contract_create(
            actor=world.national,
            title="CLS Lisboa",
            category="municipality",
            municipality=world.municipality_a,
            lead_organisation=world.town_a,
            chair=world.mayor_a,
            areas=[world.municipality_a, area],
        )
    assert Contract.objects.count() == before
