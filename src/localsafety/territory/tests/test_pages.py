from __future__ import annotations

import json

import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from shapely.geometry import box

from localsafety.territory.importer import import_areas
from localsafety.territory.models import Area, AreaImport, AreaKind
from localsafety.territory.tests.geofiles import LISBON_3763, write_geojson, write_layer

ZONE = json.loads(shapely.to_geojson(box(-9.16, 38.75, -9.15, 38.76)))


def _zone(world, name="Bairro da Cruz Vermelha"):
    from localsafety.contracts import zones

    return zones.zone_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        name=name,
        geometry_geojson=json.dumps(ZONE),
    )


# --- municipality pages ----------------------------------------------------------------


def test_municipality_list_is_public_searchable_and_counts_visible_contracts(world, client_for):
    response = client_for(None).get(reverse("territory:municipality_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lisboa" in body and "Serpa" in body and "545,796" in body
    rows = {area.code: area for area in response.context["rows"]}
    # Contracts are not published: an anonymous visitor counts none, a member counts theirs.
    assert rows["1106"].contract_count == 0
    member = client_for(world.mayor_a).get(reverse("territory:municipality_list"))
    rows = {area.code: area for area in member.context["rows"]}
    assert rows["1106"].contract_count == 1 and rows["0213"].contract_count == 0
    national = client_for(world.national).get(reverse("territory:municipality_list"))
    rows = {area.code: area for area in national.context["rows"]}
    assert rows["0213"].contract_count == 1

    found = client_for(None).get(reverse("territory:municipality_list"), {"q": "serp"})
    assert [area.code for area in found.context["rows"]] == ["0213"]
    by_district = client_for(None).get(reverse("territory:municipality_list"), {"district": "11"})
    assert [area.code for area in by_district.context["rows"]] == ["1106"]


def test_municipality_list_filters_by_region(world, client_for):
    Area.objects.filter(code="0213").update(nuts2_code="PT18")
    response = client_for(None).get(reverse("territory:municipality_list"), {"region": "PT18"})
    assert response.status_code == 200
    assert response.context["form"].is_valid() is False or [
        area.code for area in response.context["rows"]
    ] == ["0213"]


def test_municipality_detail_shows_facts_parishes_and_visible_contracts(world, client_for):
    url = reverse("territory:municipality_detail", args=["1106"])
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 200
    body = anonymous.content.decode()
    assert "1106" in body and "Lumiar" in body and "110658" in body
    assert "2021" in body and "545" in body
    assert reverse("contracts:detail", args=[world.contract_a.pk]) not in body
    assert "data-map" in body and 'id="municipality-map-data"' in body
    member = client_for(world.partner_a).get(url).content.decode()
    assert reverse("contracts:detail", args=[world.contract_a.pk]) in member
    other = client_for(world.partner_b).get(url).content.decode()
    assert world.contract_a.title not in other


def test_municipality_detail_unknown_code_is_404_and_notice_without_boundary(world, client_for):
    client = client_for(None)
    assert client.get(reverse("territory:municipality_detail", args=["9999"])).status_code == 404
    # A zone's code does not open a municipality page.
    zone = _zone(world)
    response = client_for(world.national).get(
        reverse("territory:municipality_detail", args=[zone.code])
    )
    assert response.status_code == 404
    Area.objects.filter(code="0213").update(geometry="")
    body = client.get(reverse("territory:municipality_detail", args=["0213"])).content.decode()
    assert "Boundaries are not loaded" in body
    assert "localsafety import-areas caop.gpkg --kind municipality" in body


# --- reference page --------------------------------------------------------------------


def test_reference_page_access(world, client_for):
    url = reverse("territory:reference")
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/" in anonymous["Location"]
    for name in ("stranger", "coordinator_a", "mayor_b"):
        assert client_for(getattr(world, name)).get(url).status_code == 403
    response = client_for(world.national).get(url)
    assert response.status_code == 200
    counts = {row["kind"]: row for row in response.context["counts"]}
    assert counts["municipality"]["total"] == 2 and counts["municipality"]["with_boundary"] == 2
    assert "folder" in response.context
    assert reverse("territory:import_new") in response.content.decode()


def test_reference_load_button_is_national_only(world, client_for, settings, tmp_path):
    settings.LOCALSAFETY_REFERENCE_DIR = tmp_path / "missing"
    url = reverse("territory:reference_load")
    assert client_for(world.coordinator_a).post(url).status_code == 403
    response = client_for(world.national).post(url)
    assert response.status_code == 302  # refused politely: the folder is missing
    assert Area.objects.filter(kind=AreaKind.MUNICIPALITY).count() == 2


# --- upload flow -----------------------------------------------------------------------


def test_upload_page_runs_import_in_background_with_progress(
    world, client_for, tmp_path, django_capture_on_commit_callbacks
):
    path = write_layer(
        tmp_path / "caop.gpkg",
        [{"DTMN": "1106", "Municipio": "Lisboa", "geometry": LISBON_3763}],
        driver="GPKG",
        crs="EPSG:3763",
    )
    client = client_for(world.national)
    assert client.get(reverse("territory:import_new")).status_code == 200
    upload = SimpleUploadedFile("caop.gpkg", path.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("territory:import_new"), {"file": upload, "kind": "municipality"}
        )
    area_import = AreaImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("territory:import_detail", args=[area_import.pk])
    assert area_import.status == "done" and area_import.progress == 100
    assert area_import.updated_count == 1
    lisboa = Area.objects.get(code="1106")
    assert -9.3 < shapely.from_geojson(lisboa.geometry).bounds[0] < -9.0

    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "<progress" in body and 'value="100"' in body
    assert 'hx-trigger="every 2s"' not in body  # finished: no more polling


def test_refused_upload_shows_problems_table(
    world, client_for, tmp_path, django_capture_on_commit_callbacks
):
    path = write_geojson(
        tmp_path / "bad.geojson",
        [
            {"DICO": "11x6", "NOME": "Lisboa", "geometry": box(-9.2, 38.7, -9.1, 38.8)},
            {"DICO": "0213", "NOME": "Serpa", "geometry": box(-7.7, 37.8, -7.4, 38.1)},
        ],
    )
    before = Area.objects.get(code="0213").geometry
    client = client_for(world.national)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("territory:import_new"),
            {"file": SimpleUploadedFile("bad.geojson", path.read_bytes()), "kind": "municipality"},
        )
    area_import = AreaImport.objects.get()
    assert area_import.status == "refused"
    assert area_import.problems == [
        {
            "file": "bad.geojson",
            "feature": "1",
            "field": "DICO",
            "reason": area_import.problems[0]["reason"],
        }
    ]
    assert Area.objects.get(code="0213").geometry == before  # nothing stored
    body = client.get(reverse("territory:import_detail", args=[area_import.pk])).content.decode()
    assert "<table" in body and "bad.geojson" in body and "DICO" in body


def test_import_in_progress_polls_with_htmx(world, client_for):
    area_import = AreaImport.objects.create(
        file=SimpleUploadedFile("x.geojson", b"{}"),
        original_name="x.geojson",
        kind="municipality",
        uploaded_by=world.national,
        status="running",
        progress=40,
        message="Checking 3 features",
    )
    client = client_for(world.national)
    url = reverse("territory:import_detail", args=[area_import.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and f'hx-get="{url}"' in page
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and 'value="40"' in body and "Checking 3 features" in body
    # Others cannot see someone else's import.
    assert client_for(world.coordinator_a).get(url).status_code == 404
    assert client_for(world.stranger).get(url).status_code == 404


def test_upload_access(world, client_for):
    url = reverse("territory:import_new")
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.coordinator_a).get(url).status_code == 403
    assert client_for(world.national).get(url).status_code == 200


def test_upload_refuses_non_geo_file_in_the_form(world, client_for):
    client = client_for(world.national)
    response = client.post(
        reverse("territory:import_new"),
        {"file": SimpleUploadedFile("map.geojson", b"%PDF-1.4 nope"), "kind": "municipality"},
    )
    assert response.status_code == 200
    assert "not a GeoPackage" in response.content.decode()
    assert not AreaImport.objects.exists()


# --- GeoJSON ---------------------------------------------------------------------------


def test_areas_geojson_kind_is_cacheable_and_visible_only(world, client_for):
    _zone(world)
    client = client_for(None)
    url = reverse("territory:areas_geojson")
    response = client.get(url, {"kind": "municipality"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    codes = {feature["properties"]["code"] for feature in data["features"]}
    assert codes == {"1106", "0213"}
    props = next(f["properties"] for f in data["features"] if f["properties"]["code"] == "1106")
    assert set(props) >= {"id", "code", "name", "kind", "url"}
    assert props["url"] == reverse("territory:municipality_detail", args=["1106"])
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(url, {"kind": "municipality"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304

    zones = client.get(url, {"kind": "zone"})
    assert json.loads(zones.content)["features"] == []
    other = client_for(world.partner_b).get(url, {"contract": world.contract_a.pk})
    assert json.loads(other.content)["features"] == []
    # Zones have their own GeoJSON under the contract (contracts/tests/test_zones.py): here a
    # member of the contract gets official areas only, too.
    member = client_for(world.partner_a).get(url, {"kind": "zone"})
    assert json.loads(member.content)["features"] == []
    mine = client_for(world.partner_a).get(url, {"contract": world.contract_a.pk})
    assert json.loads(mine.content)["features"] == []


def test_areas_geojson_by_ids_and_bad_requests(world, client_for):
    client = client_for(None)
    url = reverse("territory:areas_geojson")
    response = client.get(url, {"ids": f"{world.municipality_b.pk},{world.parish_a.pk}"})
    features = json.loads(response.content)["features"]
    assert {f["properties"]["code"] for f in features} == {"0213", "110658"}
    parish = next(f for f in features if f["properties"]["code"] == "110658")
    assert parish["geometry"] is None
    assert client.get(url).status_code == 400
    assert client.get(url, {"ids": "1,abc"}).status_code == 400
    assert client.get(url, {"kind": "planet"}).status_code == 400


def test_geojson_etag_changes_when_a_boundary_changes(world, client_for, tmp_path):
    client = client_for(None)
    url = reverse("territory:areas_geojson")
    first = client.get(url, {"kind": "municipality"})["ETag"]
    path = write_geojson(
        tmp_path / "x.geojson",
        [{"DICO": "0213", "NOME": "Serpa", "geometry": box(-7.8, 37.8, -7.4, 38.1)}],
    )
    import_areas(path, kind="municipality")
    assert client.get(url, {"kind": "municipality"})["ETag"] != first


# --- official areas only ---------------------------------------------------------------


def test_official_queryset_leaves_zones_out(world):
    zone = _zone(world)
    official = Area.objects.official()
    assert zone not in official
    assert {world.municipality_a, world.municipality_b, world.parish_a} <= set(official)
    assert not official.filter(kind=AreaKind.ZONE).exists()


def test_zone_of_an_unpublished_contract_never_shows_in_territory_pages(world, client_for):
    """Contract A is unpublished: its zone is in no territory page or GeoJSON, for anyone
    but its own members on the municipality page (drawn there by the contracts app)."""
    zone = _zone(world, name="Bairro Escondido")
    assert world.contract_a.is_published is False
    geojson = reverse("territory:areas_geojson")
    for person in (None, world.stranger, world.partner_b, world.partner_a, world.national):
        client = client_for(person)
        for query in (
            {"kind": "zone"},
            {"ids": f"{zone.pk},{world.municipality_a.pk}"},
            {"contract": world.contract_a.pk},
        ):
            body = client.get(geojson, query).content.decode()
            assert "Bairro Escondido" not in body, (person, query)
        listing = client.get(reverse("territory:municipality_list")).content.decode()
        assert "Bairro Escondido" not in listing
        by_code = client.get(reverse("territory:municipality_detail", args=[zone.code]))
        assert by_code.status_code == 404
    detail = reverse("territory:municipality_detail", args=["1106"])
    for person in (None, world.stranger, world.partner_b):
        assert "Bairro Escondido" not in client_for(person).get(detail).content.decode()
    # The pages' own reads are official only; zones come from the contracts app's tag.
    page = client_for(world.partner_a).get(detail)
    assert "zones" not in page.context
    assert "Bairro Escondido" in page.content.decode()


def test_territory_access_asks_the_rules(world):
    from localsafety.territory import access

    assert access.is_national(world.national) is True
    assert access.is_national(world.coordinator_a) is False
    assert access.is_national(None) is False
    assert access.can_import(world.national, kind="municipality", contract=None) is True
    assert access.can_import(world.coordinator_a, kind="municipality", contract=None) is False
    assert access.can_import(world.coordinator_a, kind="zone", contract=world.contract_a)
    assert not access.can_import(world.partner_a, kind="zone", contract=world.contract_a)
    assert not access.can_import(world.coordinator_b, kind="zone", contract=world.contract_a)
    assert not access.can_import(world.coordinator_a, kind="zone", contract=None)
