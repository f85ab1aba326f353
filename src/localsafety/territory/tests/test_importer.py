from __future__ import annotations

import json
from io import StringIO

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import box

from localsafety.core.errors import ImportRefused
from localsafety.territory.importer import import_areas, sniff_geo_bytes
from localsafety.territory.models import Area, AreaKind
from localsafety.territory.tests.geofiles import (
    BOWTIE,
    LISBON_3763,
    LISBON_LONLAT,
    LOULE_LONLAT,
    write_geojson,
    write_layer,
    write_shapefile_zip,
)

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    return list(Area.objects.order_by("pk").values_list("pk", "kind", "code", "name", "geometry"))


def _refused(path, **kwargs) -> list[dict[str, str]]:
    before = _snapshot()
    with pytest.raises(ImportRefused) as caught:
        import_areas(path, **kwargs)
    assert _snapshot() == before, "a refused file must store nothing"
    problems = caught.value.problems
    assert problems
    for problem in problems:
        assert set(problem) == {"file", "feature", "field", "reason"}
        assert problem["file"] and problem["reason"]
    return problems


def test_caop_geopackage_in_pt_tm06_is_reprojected_to_wgs84(world, tmp_path):
    path = write_layer(
        tmp_path / "caop.gpkg",
        [{"DTMN": "1106", "Municipio": "Lisboa", "geometry": LISBON_3763}],
        driver="GPKG",
        crs="EPSG:3763",
        layer="cont_municipios",
    )
    seen: list[int] = []
    result = import_areas(
        path, kind="municipality", progress=lambda percent, _msg: seen.append(percent)
    )
    assert (result.created, result.updated) == (0, 1)
    assert seen[-1] == 100 and seen == sorted(seen)
    lisboa = Area.objects.get(kind=AreaKind.MUNICIPALITY, code="1106")
    assert lisboa.pk == world.municipality_a.pk
    shape = shapely.from_geojson(lisboa.geometry)
    minx, miny, maxx, maxy = shape.bounds
    # Lon/lat of central Lisbon, not metres.
    assert -9.3 < minx < maxx < -9.0 and 38.6 < miny < maxy < 38.85
    assert 0.95 < float(lisboa.area_km2) < 1.05  # a 1 km x 1 km square
    assert lisboa.label_lat and 38.6 < lisboa.label_lat < 38.85
    assert "caop.gpkg" in lisboa.source_note


def test_geojson_with_legacy_crs_member_is_reprojected(world, tmp_path):
    path = write_geojson(
        tmp_path / "lisboa.json",
        [{"DICO": "1106", "NOME": "Lisboa", "geometry": LISBON_3763}],
        crs="urn:ogc:def:crs:EPSG::3763",
    )
    import_areas(path, kind="municipality")
    shape = shapely.from_geojson(Area.objects.get(code="1106").geometry)
    assert -9.3 < shape.bounds[0] < -9.0


def test_plain_geojson_creates_new_municipality_with_its_district(world, tmp_path):
    path = write_geojson(
        tmp_path / "anything.txt", [{"dico": "0808", "nome": "Loulé", "geometry": LOULE_LONLAT}]
    )
    result = import_areas(path, kind="municipality")
    assert result.created == 1
    loule = Area.objects.get(kind=AreaKind.MUNICIPALITY, code="0808")
    assert loule.name == "Loulé" and loule.parent.code == "08" and loule.parent.name == "Faro"
    assert loule.has_boundary and loule.data_origin == "entered"


def test_zipped_shapefile_without_prj_in_lonlat_imports_parishes(world, tmp_path):
    archive = write_shapefile_zip(
        tmp_path,
        [{"DICOFRE": "110601", "Freguesia": "Ajuda", "geometry": LISBON_LONLAT}],
        crs=None,
    )
    disguised = tmp_path / "upload.bin"
    disguised.write_bytes(archive.read_bytes())
    result = import_areas(disguised, kind="parish")
    assert result.created == 1
    parish = Area.objects.get(kind=AreaKind.PARISH, code="110601")
    assert parish.parent == world.municipality_a and parish.name == "Ajuda"


def test_user_chosen_code_and_name_fields(world, tmp_path):
    path = write_geojson(
        tmp_path / "x.geojson", [{"cod": "1106", "designacao": "Lisboa", "geometry": LISBON_LONLAT}]
    )
    problems = _refused(path, kind="municipality")
    assert "cod" not in problems[0]["reason"] or "Attributes" in problems[0]["reason"]
    result = import_areas(path, kind="municipality", code_field="COD", name_field="designacao")
    assert result.updated == 1


def test_bad_codes_are_all_reported_and_nothing_stored(world, tmp_path):
    path = write_geojson(
        tmp_path / "bad.geojson",
        [
            {"DICO": "1106", "NOME": "Lisboa", "geometry": LISBON_LONLAT},
            {"DICO": "11O6", "NOME": "Typo", "geometry": LISBON_LONLAT},
            {"DICO": "99", "NOME": "Short", "geometry": LOULE_LONLAT},
        ],
    )
    problems = _refused(path, kind="municipality")
    assert [(p["feature"], p["field"]) for p in problems] == [("2", "DICO"), ("3", "DICO")]
    assert "DICO" in problems[0]["reason"]
    assert problems[0]["file"] == "bad.geojson"


def test_invalid_geometry_is_refused(world, tmp_path):
    path = write_geojson(
        tmp_path / "bowtie.geojson", [{"DICO": "1106", "NOME": "Lisboa", "geometry": BOWTIE}]
    )
    problems = _refused(path, kind="municipality")
    assert problems[0]["field"] == "geometry" and "not valid" in problems[0]["reason"]


def test_non_polygon_geometry_is_refused(world, tmp_path):
    path = write_geojson(
        tmp_path / "point.geojson",
        [{"DICO": "1106", "NOME": "Lisboa", "geometry": shapely.Point(-9.15, 38.73)}],
    )
    problems = _refused(path, kind="municipality")
    assert "a point;" in problems[0]["reason"]  # said in words, not the library's "Point"


def test_no_crs_and_projected_coordinates_is_wrong_coordinate_system(world, tmp_path):
    archive = write_shapefile_zip(
        tmp_path, [{"DICO": "1106", "NOME": "Lisboa", "geometry": LISBON_3763}], crs=None
    )
    problems = _refused(archive, kind="municipality")
    assert "Wrong coordinate system" in problems[0]["reason"]


def test_geojson_with_metres_but_no_crs_is_refused(world, tmp_path):
    path = write_geojson(
        tmp_path / "metres.geojson", [{"DICO": "1106", "NOME": "Lisboa", "geometry": LISBON_3763}]
    )
    problems = _refused(path, kind="municipality")
    assert "coordinate system" in problems[0]["reason"]


def test_parish_of_unknown_municipality_is_refused(world, tmp_path):
    path = write_geojson(
        tmp_path / "parish.geojson",
        [
            {"DICOFRE": "110601", "Freguesia": "Ajuda", "geometry": LISBON_LONLAT},
            {"DICOFRE": "080101", "Freguesia": "Albufeira", "geometry": LOULE_LONLAT},
        ],
    )
    problems = _refused(path, kind="parish")
    assert len(problems) == 1
    assert problems[0]["feature"] == "2" and "0801" in problems[0]["reason"]
    assert not Area.objects.filter(code="110601").exists()


def test_file_disguised_as_geojson_is_refused(world, tmp_path):
    for content in (b"%PDF-1.4 not a map", b"dico,nome\n1106,Lisboa\n", b"\x00\x01\x02"):
        path = tmp_path / "boundaries.geojson"
        path.write_bytes(content)
        problems = _refused(path, kind="municipality")
        assert "not a GeoPackage" in problems[0]["reason"]


def test_broken_json_and_zip_without_shapefile_are_refused(world, tmp_path):
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    _refused(broken, kind="municipality")
    import zipfile

    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("readme.txt", "no shapefile here")
    problems = _refused(archive, kind="municipality")
    assert "shapefile" in problems[0]["reason"]


def test_zone_needs_a_name_and_a_place_inside_the_contract(world, tmp_path):
    path = write_geojson(
        tmp_path / "zones.geojson",
        [
            {"name": "", "geometry": box(-9.15, 38.75, -9.14, 38.76)},
            {"name": "Far away", "geometry": LOULE_LONLAT},
        ],
    )
    problems = _refused(path, kind="zone", contract=world.contract_a)
    assert [p["feature"] for p in problems] == ["1", "2"]
    assert "name" in problems[0]["reason"]
    assert "outside" in problems[1]["reason"]


def test_zones_are_created_for_the_contract(world, tmp_path):
    path = write_geojson(
        tmp_path / "zones.geojson",
        [{"name": "Bairro da Cruz Vermelha", "geometry": box(-9.16, 38.76, -9.15, 38.77)}],
    )
    result = import_areas(path, kind="zone", contract=world.contract_a, actor=world.coordinator_a)
    assert result.created == 1
    zone = Area.objects.get(kind=AreaKind.ZONE)
    assert zone.owner_contract == world.contract_a and zone.parent == world.municipality_a
    assert zone.code == "bairro-da-cruz-vermelha"
    assert zone.history.first().history_user == world.coordinator_a
    # Importing again updates the same zone instead of duplicating it.
    again = import_areas(path, kind="zone", contract=world.contract_a)
    assert (again.created, again.updated) == (0, 1)


def test_command_reports_problems_and_exits_1(world, tmp_path):
    path = write_geojson(
        tmp_path / "bad.geojson", [{"DICO": "abc", "NOME": "X", "geometry": LISBON_LONLAT}]
    )
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_areas", str(path), "--kind", "municipality", stderr=err)
    assert caught.value.returncode == 1
    assert "bad.geojson\t1\tDICO\t" in err.getvalue()


def test_command_imports(world, tmp_path):
    path = write_layer(
        tmp_path / "caop.gpkg",
        [{"DTMN": "1106", "Municipio": "Lisboa", "geometry": LISBON_3763}],
        driver="GPKG",
        crs="EPSG:3763",
    )
    out = StringIO()
    call_command("import_areas", str(path), stdout=out)
    assert "1 updated" in out.getvalue()
    geometry = json.loads(Area.objects.get(code="1106").geometry)
    assert geometry["type"] == "Polygon"


def test_sniff_geo_bytes():
    assert sniff_geo_bytes(b"SQLite format 3\x00rest") == "geopackage"
    assert sniff_geo_bytes(b"PK\x03\x04....") == "shapefile-zip"
    assert sniff_geo_bytes(b'\xef\xbb\xbf \n{ "type"') == "geojson"
    assert sniff_geo_bytes(b"<html>") is None
