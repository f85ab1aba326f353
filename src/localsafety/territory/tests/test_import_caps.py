"""Imports with caps (issue 7, #10) and zipped shapefiles read within bounds (#2).

Written as the review's attacker: a zone file of thousands of features, a file of hundreds of
bad features (and one enormous one), more zones than a contract may hold, a shapefile zip
that is a bomb or carries a program. Each is refused early, clearly, and leaves a small page.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from shapely.geometry import box

from localsafety.core.errors import DomainError, ImportRefused
from localsafety.territory import services
from localsafety.territory.importer import import_areas
from localsafety.territory.models import Area, AreaImport, AreaKind
from localsafety.territory.tests.geofiles import LISBON_LONLAT, write_geojson, write_shapefile_zip
from localsafety.testing.archives import MB, zeros_member

pytestmark = pytest.mark.django_db


def _squares(count: int, *, prefix: str = "Zona") -> list[dict]:
    """``count`` small squares inside Lisbon (the world's municipality A), one per feature."""
    rows = []
    for number in range(count):
        x = -9.19 + (number % 100) * 0.0009
        y = 38.70 + (number // 100) * 0.0009
        rows.append({"name": f"{prefix} {number}", "geometry": box(x, y, x + 0.0005, y + 0.0005)})
    return rows


def _geometry_must_not_be_parsed(monkeypatch):
    """Fail the test if the importer starts on geometry (the heavy part) at all."""

    def parsed(*_args, **_kwargs):
        raise AssertionError("geometry was parsed: the feature cap must refuse before")

    monkeypatch.setattr("localsafety.territory.importer.shapely.from_wkb", parsed)


# --- features per file ------------------------------------------------------------------


def test_a_zone_file_with_more_features_than_the_cap_is_refused_before_any_geometry(
    world, client_for, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    # The review uploaded 260,000 features; 3,000 zones from one file were accepted.
    path = write_geojson(tmp_path / "zones.geojson", _squares(3000))
    _geometry_must_not_be_parsed(monkeypatch)
    client = client_for(world.coordinator_a)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contracts:zone_upload", args=[world.contract_a.pk]),
            {"file": SimpleUploadedFile("zones.geojson", path.read_bytes())},
        )
    assert time.monotonic() - started < 10
    assert response.status_code == 302
    area_import = AreaImport.objects.get()
    assert area_import.status == "refused"
    assert "3000 features" in area_import.message
    assert "at most 200 zones" in area_import.message
    assert not Area.objects.filter(kind=AreaKind.ZONE).exists()
    page = client.get(response["Location"]).content.decode()
    assert "3000 features" in page


def test_an_official_file_over_the_feature_cap_is_refused_before_any_geometry(
    world, tmp_path, monkeypatch, settings
):
    settings.LOCALSAFETY_MAX_IMPORT_FEATURES = 50
    rows = [
        {"DICO": f"{1100 + n:04d}", "NOME": f"M{n}", "geometry": row["geometry"]}
        for n, row in enumerate(_squares(51))
    ]
    path = write_geojson(tmp_path / "municipios.geojson", rows)
    _geometry_must_not_be_parsed(monkeypatch)
    with pytest.raises(ImportRefused) as caught:
        import_areas(path, kind="municipality")
    assert "51 features; at most 50" in caught.value.message


# --- problems listed ---------------------------------------------------------------------


def test_the_problems_of_a_refused_file_are_capped_and_counted(
    world, client_for, tmp_path, django_capture_on_commit_callbacks
):
    # 500 features with bad codes, one of them a 100 KB "code": every problem is counted,
    # the first 100 are kept, each cut short; the page stays small.
    rows = [
        {"DICO": f"x{n}", "NOME": f"M{n}", "geometry": row["geometry"]}
        for n, row in enumerate(_squares(500))
    ]
    rows[0]["DICO"] = "9" * 100_000
    path = write_geojson(tmp_path / "bad.geojson", rows)
    client = client_for(world.national)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("territory:import_new"),
            {"file": SimpleUploadedFile("bad.geojson", path.read_bytes()), "kind": "municipality"},
        )
    area_import = AreaImport.objects.get()
    assert area_import.status == "refused"
    assert len(area_import.problems) == 100 and area_import.problem_count == 500
    assert "500 problem(s)" in area_import.message
    assert all(len(problem["reason"]) <= 500 for problem in area_import.problems)
    assert len(json.dumps(area_import.problems)) < 30_000
    page = client.get(reverse("territory:import_detail", args=[area_import.pk]))
    body = page.content.decode()
    assert "500 problems" in body and "Only the first 100 of the 500 problems" in body
    assert body.count("<tr>") == 101  # the header row and 100 problems
    assert len(page.content) < 100_000


def test_the_command_line_says_how_many_problems_were_not_listed(world, tmp_path, settings):
    settings.LOCALSAFETY_IMPORT_PROBLEMS_SHOWN = 2
    rows = [
        {"DICO": f"x{n}", "NOME": "M", "geometry": row["geometry"]}
        for n, row in enumerate(_squares(5))
    ]
    path = write_geojson(tmp_path / "bad.geojson", rows)
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_areas", str(path), "--kind", "municipality", stderr=err)
    assert "Refused: 5 problem(s)" in str(caught.value)
    assert "... and 3 more" in err.getvalue()


# --- file size -------------------------------------------------------------------------------


def test_the_file_size_caps_are_stated_in_the_unit_they_are_enforced_in(
    world, client_for, settings
):
    client = client_for(world.coordinator_a)
    zone_page = client.get(reverse("contracts:zone_upload", args=[world.contract_a.pk]))
    text = zone_page.content.decode()
    assert settings.LOCALSAFETY_MAX_ZONE_FILE_BYTES == 10 * MB
    assert "At most 10 MB and 200 features per file." in text
    assert "A contract holds at most 200 zones (this one has 0)." in text
    national_page = client_for(world.national).get(reverse("territory:import_new"))
    assert settings.LOCALSAFETY_MAX_AREA_FILE_BYTES == 100 * MB
    assert "At most 100 MB and 10000 features per file." in national_page.content.decode()
    # A file one byte over the stated limit is refused, and its size reads as over it.
    settings.LOCALSAFETY_MAX_ZONE_FILE_BYTES = 1 * MB
    over = SimpleUploadedFile("zones.geojson", b"{" + b" " * MB)
    with pytest.raises(DomainError) as caught:
        services.area_import_create(
            actor=world.coordinator_a, uploaded_file=over, kind="zone", contract=world.contract_a
        )
    assert caught.value.message == "The file is 1.01 MB; the limit is 1 MB."
    assert not AreaImport.objects.exists()


# --- zipped shapefiles ------------------------------------------------------------------


def _shapefile_zip_with(tmp_path, name: str, data: bytes | None = None, *, bomb: bool = False):
    archive = write_shapefile_zip(
        tmp_path,
        [{"DICO": "1106", "NOME": "Lisboa", "geometry": LISBON_LONLAT}],
        crs="EPSG:4326",
    )
    with zipfile.ZipFile(archive, "a") as handle:
        if bomb:
            zeros_member(handle, name, 200 * MB)
        else:
            handle.writestr(name, data or b"")
    return archive


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("areas.cpg.exe", b"MZ\x90\x00", "program or a script"),
        ("install.sh", b"#!/bin/sh\n", "program or a script"),
        ("readme.pdf", b"%PDF-1.4", "not part of a shapefile"),
        ("../areas.prj", b'GEOGCS["WGS 84"]', "unsafe path"),
        ("areas.xml", b"MZ\x90\x00", "program or a script"),  # a program under a part's name
    ],
)
def test_a_shapefile_zip_carrying_odd_members_is_refused_at_upload_and_at_import(
    world, tmp_path, name, data, says
):
    archive = _shapefile_zip_with(tmp_path, name, data)
    upload = SimpleUploadedFile("areas.zip", archive.read_bytes())
    with pytest.raises(DomainError) as caught:
        services.area_import_create(actor=world.national, uploaded_file=upload, kind="municipality")
    assert says in caught.value.message
    assert not AreaImport.objects.exists()
    with pytest.raises(ImportRefused) as refused:
        import_areas(archive, kind="municipality")
    assert says in refused.value.problems[0]["reason"]


def test_a_shapefile_zip_bomb_is_refused_without_unpacking_it(world, tmp_path):
    import tracemalloc

    archive = _shapefile_zip_with(tmp_path, "areas.dbf.xml", bomb=True)
    assert archive.stat().st_size < 500_000
    upload = SimpleUploadedFile("areas.zip", archive.read_bytes())
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(DomainError) as at_upload:
            services.area_import_create(
                actor=world.national, uploaded_file=upload, kind="municipality"
            )
        with pytest.raises(ImportRefused) as at_import:
            import_areas(archive, kind="municipality")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * MB and time.monotonic() - started < 5
    assert "zip bomb" in at_upload.value.message
    assert "zip bomb" in at_import.value.problems[0]["reason"]


def test_a_shapefile_zip_is_read_from_checked_files_with_macos_forks_skipped(world, tmp_path):
    archive = _shapefile_zip_with(tmp_path, "__MACOSX/._areas.shp", b"\x00\x05\x16\x07")
    result = import_areas(archive, kind="municipality")
    assert result.updated == 1


def test_a_lying_shapefile_member_is_refused_as_damaged(world, tmp_path):
    from localsafety.testing.archives import declare_size

    archive = _shapefile_zip_with(tmp_path, "areas.shp.xml", bomb=True)
    liar = tmp_path / "liar.zip"
    liar.write_bytes(declare_size(archive.read_bytes(), "areas.shp.xml", 1000))
    with pytest.raises(ImportRefused) as caught:
        import_areas(liar, kind="municipality")
    assert "damaged" in caught.value.problems[0]["reason"]
    upload = SimpleUploadedFile("liar.zip", io.BytesIO(liar.read_bytes()).getvalue())
    with pytest.raises(DomainError):
        services.area_import_create(actor=world.national, uploaded_file=upload, kind="municipality")
