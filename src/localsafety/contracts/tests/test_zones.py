"""A contract's zones: their pages, services, GeoJSON and uploads (moved from territory)."""

from __future__ import annotations

import json

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from shapely.geometry import box

from localsafety.contracts import zones
from localsafety.contracts.models import Contract
from localsafety.territory.models import Area, AreaImport, AreaKind
from localsafety.territory.tests.geofiles import write_geojson

pytestmark = pytest.mark.django_db

ZONE = json.loads(shapely.to_geojson(box(-9.16, 38.75, -9.15, 38.76)))


def _zone(world, name="Bairro da Cruz Vermelha"):
    return zones.zone_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        name=name,
        geometry_geojson=json.dumps(ZONE),
    )


def test_municipality_detail_zone_visibility(world, client_for):
    zone = _zone(world)
    url = reverse("territory:municipality_detail", args=["1106"])
    assert zone.name in client_for(world.partner_a).get(url).content.decode()
    assert zone.name not in client_for(world.partner_b).get(url).content.decode()
    assert zone.name not in client_for(None).get(url).content.decode()


def test_zone_upload_access(world, client_for):
    zone_url = reverse("contracts:zone_upload", args=[world.contract_a.pk])
    assert client_for(world.coordinator_a).get(zone_url).status_code == 200
    assert client_for(world.partner_a).get(zone_url).status_code == 403
    assert client_for(world.commander_a).get(zone_url).status_code == 403
    assert client_for(world.partner_b).get(zone_url).status_code == 404
    assert client_for(world.stranger).get(zone_url).status_code == 404


def test_zone_upload_by_lead_organisation(
    world, client_for, tmp_path, django_capture_on_commit_callbacks
):
    path = write_geojson(
        tmp_path / "zones.geojson",
        [{"name": "Casal dos Machados", "geometry": box(-9.11, 38.77, -9.10, 38.78)}],
    )
    client = client_for(world.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contracts:zone_upload", args=[world.contract_a.pk]),
            {"file": SimpleUploadedFile("zones.geojson", path.read_bytes())},
        )
    assert response.status_code == 302
    zone = Area.objects.get(kind=AreaKind.ZONE)
    assert zone.owner_contract == world.contract_a and zone.name == "Casal dos Machados"
    assert client.get(response["Location"]).status_code == 200


def test_zone_list_visibility(world, client_for):
    zone = _zone(world)
    url = reverse("contracts:zone_list", args=[world.contract_a.pk])
    for name in ("coordinator_a", "mayor_a", "partner_a", "commander_a", "national"):
        response = client_for(getattr(world, name)).get(url)
        assert response.status_code == 200, name
        assert zone.name in response.content.decode()
    for name in ("partner_b", "coordinator_b", "stranger"):
        assert client_for(getattr(world, name)).get(url).status_code == 404, name
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.coordinator_a).get(url).context["can_manage"] is True
    assert client_for(world.partner_a).get(url).context["can_manage"] is False


def test_zone_draw_create_edit_delete(world, client_for):
    client = client_for(world.coordinator_a)
    url = reverse("contracts:zone_create", args=[world.contract_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "leaflet/draw/leaflet.draw.js" in body and "territory/js/zone_draw.js" in body
    assert "<script>" not in body and "style=" not in body
    response = client.post(url, {"name": "Bairro de Santos", "geometry": json.dumps(ZONE)})
    assert response.status_code == 302
    zone = Area.objects.get(kind=AreaKind.ZONE)
    assert zone.parent == world.municipality_a and zone.code == "bairro-de-santos"

    edit = reverse("contracts:zone_edit", args=[world.contract_a.pk, zone.pk])
    assert client.get(edit).status_code == 200
    bigger = json.loads(shapely.to_geojson(box(-9.17, 38.75, -9.15, 38.77)))
    response = client.post(
        edit,
        {
            "name": "Bairro de Santos",
            "geometry": json.dumps(bigger),
            "version": zones.zone_version(zone),  # required since finding 13
        },
    )
    assert response.status_code == 302
    zone.refresh_from_db()
    assert shapely.from_geojson(zone.geometry).bounds[0] == pytest.approx(-9.17)

    delete = reverse("contracts:zone_delete", args=[world.contract_a.pk, zone.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not Area.objects.filter(kind=AreaKind.ZONE).exists()


def test_zone_form_errors(world, client_for):
    client = client_for(world.coordinator_a)
    url = reverse("contracts:zone_create", args=[world.contract_a.pk])
    missing = client.post(url, {"name": "No shape"})
    assert missing.status_code == 200 and "error-summary" in missing.content.decode()
    outside = json.loads(shapely.to_geojson(box(-7.7, 37.9, -7.6, 38.0)))  # in Serpa
    response = client.post(url, {"name": "Elsewhere", "geometry": json.dumps(outside)})
    assert response.status_code == 200
    assert "outside the contract" in response.content.decode()
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[-9.16, 38.75], [-9.15, 38.76], [-9.15, 38.75], [-9.16, 38.76], [-9.16, 38.75]]
        ],
    }
    response = client.post(url, {"name": "Twisted", "geometry": json.dumps(bowtie)})
    assert "not valid" in response.content.decode()
    assert not Area.objects.filter(kind=AreaKind.ZONE).exists()


def test_zone_write_access(world, client_for):
    zone = _zone(world)
    create = reverse("contracts:zone_create", args=[world.contract_a.pk])
    edit = reverse("contracts:zone_edit", args=[world.contract_a.pk, zone.pk])
    delete = reverse("contracts:zone_delete", args=[world.contract_a.pk, zone.pk])
    for name in ("partner_a", "commander_a"):
        client = client_for(getattr(world, name))
        assert client.get(create).status_code == 403, name
        assert client.post(edit, {"name": "x"}).status_code == 403, name
        assert client.post(delete).status_code == 403, name
    for name in ("partner_b", "coordinator_b", "stranger"):
        client = client_for(getattr(world, name))
        assert client.get(create).status_code == 404, name
        assert client.get(edit).status_code == 404, name
        assert client.post(delete).status_code == 404, name
    assert Area.objects.filter(pk=zone.pk).exists()


def test_zone_services_refuse_non_managers(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        zones.zone_create(
            actor=world.partner_a,
            contract=world.contract_a,
            name="x",
            geometry_geojson=json.dumps(ZONE),
        )
    zone = _zone(world)
    with pytest.raises(PermissionDenied):
        zones.zone_delete(actor=world.coordinator_b, zone=zone)
    # Codes stay unique per contract.
    second = _zone(world)
    assert second.code == f"{zone.code}-2"


# --- zone GeoJSON ----------------------------------------------------------------------


def test_zones_geojson_follows_the_contract(world, client_for):
    """Moved from territory's areas.geojson?kind=zone: a member gets the zones, privately."""
    _zone(world)
    url = reverse("contracts:zones_geojson", args=[world.contract_a.pk])
    member = client_for(world.partner_a).get(url)
    assert member.status_code == 200 and member["Content-Type"] == "application/geo+json"
    features = json.loads(member.content)["features"]
    assert len(features) == 1 and features[0]["properties"]["category"] == "neighbourhood"
    assert features[0]["properties"]["url"] == reverse(
        "contracts:zone_list", args=[world.contract_a.pk]
    )
    assert "private" in member["Cache-Control"]
    for person in (None, world.stranger, world.partner_b):
        assert client_for(person).get(url).status_code == 404
    # Published, the contract's zones are as public as its page.
    Contract.objects.filter(pk=world.contract_a.pk).update(is_published=True)
    public = client_for(None).get(url)
    assert public.status_code == 200 and len(json.loads(public.content)["features"]) == 1


def test_zone_of_a_published_contract_shows_on_the_municipality_page(world, client_for):
    zone = _zone(world, name="Bairro Publicado")
    url = reverse("territory:municipality_detail", args=["1106"])
    assert zone.name not in client_for(None).get(url).content.decode()
    Contract.objects.filter(pk=world.contract_a.pk).update(is_published=True)
    body = client_for(None).get(url).content.decode()
    assert zone.name in body
    assert reverse("contracts:zone_list", args=[world.contract_a.pk]) in body


# --- the new URLs: outsiders get 404 ---------------------------------------------------


def test_outsiders_get_404_on_every_zone_url(world, client_for):
    zone = _zone(world)
    pk = world.contract_a.pk
    urls = [
        reverse("contracts:zone_list", args=[pk]),
        reverse("contracts:zone_create", args=[pk]),
        reverse("contracts:zone_upload", args=[pk]),
        reverse("contracts:zone_edit", args=[pk, zone.pk]),
        reverse("contracts:zone_delete", args=[pk, zone.pk]),
        reverse("contracts:zones_geojson", args=[pk]),
    ]
    for name in ("partner_b", "coordinator_b", "stranger"):
        client = client_for(getattr(world, name))
        for url in urls:
            assert client.get(url).status_code == 404, (name, url)
            if "geojson" not in url:
                assert client.post(url, {"name": "x"}).status_code == 404, (name, url)
    # A zone is found only under its own contract: B's manager cannot reach A's zone via B.
    other = world.contract_b.pk
    client = client_for(world.coordinator_b)
    for view in ("contracts:zone_edit", "contracts:zone_delete"):
        url = reverse(view, args=[other, zone.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Tomada"}).status_code == 404
    zone.refresh_from_db()
    assert zone.name == "Bairro da Cruz Vermelha"
    # Members of A also get 404 for a zone named under another contract.
    assert (
        client_for(world.coordinator_a)
        .get(reverse("contracts:zone_edit", args=[other, zone.pk]))
        .status_code
        == 404
    )


# --- the cache generation --------------------------------------------------------------


def test_zones_changed_signal_moves_the_contract_generation(world):
    from localsafety.territory.signals import zones_changed

    before = Contract.objects.get(pk=world.contract_a.pk).updated_at
    zones_changed.send(sender=Area, contract_id=world.contract_a.pk)
    after = Contract.objects.get(pk=world.contract_a.pk).updated_at
    assert after > before
    untouched = Contract.objects.get(pk=world.contract_b.pk).updated_at
    zones_changed.send(sender=Area, contract_id=world.contract_a.pk)
    assert Contract.objects.get(pk=world.contract_b.pk).updated_at == untouched


def test_a_zone_import_moves_the_contract_generation(world, tmp_path):
    from localsafety.territory.importer import import_areas

    path = write_geojson(
        tmp_path / "zones.geojson",
        [{"name": "Casal dos Machados", "geometry": box(-9.11, 38.77, -9.10, 38.78)}],
    )
    before = Contract.objects.get(pk=world.contract_a.pk).updated_at
    import_areas(path, kind="zone", contract=world.contract_a, actor=world.coordinator_a)
    assert Contract.objects.get(pk=world.contract_a.pk).updated_at > before
    # Official boundaries belong to no contract: no contract moves.
    other_before = Contract.objects.get(pk=world.contract_b.pk).updated_at
    official = write_geojson(
        tmp_path / "serpa.geojson",
        [{"DICO": "0213", "NOME": "Serpa", "geometry": box(-7.8, 37.8, -7.4, 38.1)}],
    )
    import_areas(official, kind="municipality")
    assert Contract.objects.get(pk=world.contract_b.pk).updated_at == other_before


# --- zone imports: the contract's entry point and the progress page -------------------


def test_zone_import_service_is_for_the_contracts_managers(world):
    from django.core.exceptions import PermissionDenied

    upload = SimpleUploadedFile("z.geojson", b'{"type":"FeatureCollection","features":[]}')
    for actor in (world.partner_a, world.coordinator_b, world.national):
        with pytest.raises(PermissionDenied):
            zones.zone_import_create(actor=actor, contract=world.contract_a, uploaded_file=upload)
    # The territory's own service asks the same rule when called directly.
    from localsafety.territory import services as territory_services

    with pytest.raises(PermissionDenied):
        territory_services.area_import_create(
            actor=world.partner_a, uploaded_file=upload, kind="zone", contract=world.contract_a
        )
    assert not AreaImport.objects.exists()


def test_zone_import_page_is_open_to_the_contracts_members_only(world, client_for):
    area_import = AreaImport.objects.create(
        file=SimpleUploadedFile("z.geojson", b"{}"),
        original_name="z.geojson",
        kind="zone",
        contract=world.contract_a,
        uploaded_by=world.coordinator_a,
        status="done",
        progress=100,
    )
    url = reverse("territory:import_detail", args=[area_import.pk])
    for name in ("coordinator_a", "partner_a", "mayor_a", "commander_a", "national"):
        response = client_for(getattr(world, name)).get(url)
        assert response.status_code == 200, name
        assert reverse("contracts:zone_list", args=[world.contract_a.pk]) in (
            response.content.decode()
        )
    for name in ("partner_b", "coordinator_b", "stranger"):
        assert client_for(getattr(world, name)).get(url).status_code == 404, name
    assert client_for(None).get(url).status_code == 302
