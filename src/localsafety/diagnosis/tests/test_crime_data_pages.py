"""The crime-data pages and API: a police analyst walks upload → mapping (remembered, so the
next file of the source is prefilled) → import with progress; nobody else — partners,
coordinators, mayors, national users, other forces — reaches a data set, page or API."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from localsafety.diagnosis.models import (
    DatasetStatus,
    Incident,
    IncidentDataset,
    IncidentSource,
    StatisticsDataset,
)
from localsafety.diagnosis.tests.leak_markers import incident_data_marked
from localsafety.testing.leakwalk import RECORD_MARK

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

EXPORT = (
    "Ref;Quando;Natureza;Longitude;Latitude\n"
    "R-1;05/03/2024 22:15;FV;-9,15;38,74\n"
    "R-2;06/03/2024;VD;-9,14;38,75\n"
).encode("latin-1")


def upload(client, world, content: bytes = EXPORT, name: str = "psp.csv"):
    return client.post(
        "/crime-data/upload/",
        {
            "organisation": world.psp.pk,
            "source_name": "PSP Lisboa mensal",
            "file": SimpleUploadedFile(name, content),
        },
    )


def mapping_form(page: str) -> dict[str, str]:
    """The mapping form as a browser would send it back (selected options, hidden fields)."""
    data: dict[str, str] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page):
        data[name] = value
    for name, body in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', page, flags=re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_a_police_analyst_uploads_maps_and_imports(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.commander_a)
    response = upload(client, world)
    assert response.status_code == 302
    dataset = IncidentDataset.objects.get()
    assert dataset.status == DatasetStatus.MAPPING
    page = client.get(response.url).content.decode()
    assert "Column mapping" in page and "R-1" in page  # the first rows shown
    data = mapping_form(page)
    # Recognised: the record id is not a known header here; the analyst maps it.
    assert data["column_x"] == "Longitude" and data["column_y"] == "Latitude"
    data["column_record_id"] = "Ref"
    data["column_occurred_at"] = "Quando"
    data["column_category"] = "Natureza"
    codes = {
        code: name
        for name, code in re.findall(r'<label for="id_(code_\d+)"><code>([^<]+)</code>', page)
    }
    data[codes["FV"]] = "vehicle-theft"
    data[codes["VD"]] = "domestic-violence"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/crime-data/{dataset.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset.refresh_from_db()
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    assert Incident.objects.filter(dataset=dataset).count() == 2
    detail = client.get(f"/crime-data/{dataset.pk}/").content.decode()
    assert "Done" in detail and "100%" in detail
    listing = client.get("/crime-data/").content.decode()
    assert "psp.csv" in listing and dataset.checksum[:10] in listing
    # The progress bar polls while the import runs, then reloads the page once it is over.
    IncidentDataset.objects.filter(pk=dataset.pk).update(status=DatasetStatus.RUNNING, progress=30)
    fragment = client.get(f"/crime-data/{dataset.pk}/", headers={"HX-Request": "true"})
    assert b"dataset-status" in fragment.content and b"<html" not in fragment.content
    assert b'hx-trigger="every 2s"' in fragment.content and b"30%" in fragment.content
    IncidentDataset.objects.filter(pk=dataset.pk).update(status=DatasetStatus.DONE, progress=100)
    over = client.get(f"/crime-data/{dataset.pk}/", headers={"HX-Request": "true"})
    assert over["HX-Refresh"] == "true" and over.content == b""

    # Next month's export: the mapping is remembered and prefilled.
    source = IncidentSource.objects.get()
    assert source.columns["record_id"] == "Ref" and source.category_codes["FV"] == "vehicle-theft"
    response = upload(client, world, EXPORT + b"R-3;07/04/2024;FV;-9,15;38,74\n", "next.csv")
    following = mapping_form(client.get(response.url).content.decode())
    assert following["column_record_id"] == "Ref" and following["column_category"] == "Natureza"
    assert "vehicle-theft" in following.values()


def test_the_mapping_names_the_version_it_was_made_on(world, client_for):
    client = client_for(world.commander_a)
    response = upload(client, world)
    dataset = IncidentDataset.objects.get()
    data = mapping_form(client.get(response.url).content.decode())
    data |= {
        "column_record_id": "Ref",
        "column_occurred_at": "Quando",
        "column_category": "Natureza",
    }
    data.pop("version")
    assert client.post(f"/crime-data/{dataset.pk}/", data).status_code == 400
    data["version"] = "99"
    assert client.post(f"/crime-data/{dataset.pk}/", data).status_code == 409


@pytest.mark.parametrize(
    "person", ["partner_a", "coordinator_a", "mayor_a", "national", "partner_b", "stranger"]
)
def test_nobody_but_the_force_reaches_incident_data(world, client_for, person):
    marked = incident_data_marked(world)
    dataset = next(r for r in marked.records if isinstance(r, IncidentDataset))
    client = client_for(getattr(world, person))
    assert client.get("/crime-data/").status_code == 403
    assert client.get(f"/crime-data/{dataset.pk}/").status_code == 404
    assert client.post(f"/crime-data/{dataset.pk}/", {"version": "1"}).status_code == 404
    assert client.get("/crime-data/upload/").status_code == 403
    listing = client.get("/api/v1/crime-data/datasets/")
    assert listing.status_code == 200 and listing.json()["results"] == []
    assert client.get(f"/api/v1/crime-data/datasets/{dataset.pk}/").status_code == 404
    for path in ("/crime-data/statistics/", "/api/v1/crime-data/datasets/"):
        assert RECORD_MARK not in client.get(path).content.decode()


def test_the_force_reads_its_data_sets_through_the_api(world, client_for):
    marked = incident_data_marked(world)
    dataset = next(r for r in marked.records if isinstance(r, IncidentDataset))
    client = client_for(world.commander_a)
    listing = client.get("/api/v1/crime-data/datasets/").json()
    assert [row["id"] for row in listing["results"]] == [dataset.pk]
    detail = client.get(f"/api/v1/crime-data/datasets/{dataset.pk}/").json()
    assert detail["original_name"] == dataset.original_name and detail["status"] == "done"
    assert client_for(None).get("/api/v1/crime-data/datasets/").status_code in (401, 403)


def test_statistics_are_imported_by_national_users_and_listed_for_everyone(
    world, client_for, tmp_path
):
    table = (
        "dico;ano;categoria;valor;provisório\n"
        "1106;2024;total;30853;não\n"
        "1106;2025;total;;sim\n"
        "0213;2024;contraPatrimonio;120,0;não\n"
    ).encode("latin-1")
    form = {"title": "Crimes registados", "publisher": "DGPJ/INE", "indicator": "crimes"}
    refused = client_for(world.coordinator_a).post(
        "/crime-data/statistics/upload/", {**form, "file": SimpleUploadedFile("s.csv", table)}
    )
    assert refused.status_code == 403
    client = client_for(world.national)
    bad = table + b"9999;2024;total;1;nao\n"
    response = client.post(
        "/crime-data/statistics/upload/", {**form, "file": SimpleUploadedFile("s.csv", bad)}
    )
    assert response.status_code == 200 and "Unknown area code" in response.content.decode()
    assert not StatisticsDataset.objects.exists()  # refused whole
    response = client.post(
        "/crime-data/statistics/upload/", {**form, "file": SimpleUploadedFile("s.csv", table)}
    )
    assert response.status_code == 302
    dataset = StatisticsDataset.objects.get()
    values = {(v.area.code, v.year): v for v in dataset.values.select_related("area")}
    assert values[("1106", 2024)].value == 30853 and not values[("1106", 2024)].provisional
    assert values[("1106", 2025)].value is None and values[("1106", 2025)].provisional
    assert values[("0213", 2024)].category.code == "property"
    assert "Crimes registados" in client_for(None).get("/crime-data/statistics/").content.decode()


def test_choosing_the_category_column_offers_its_codes_before_anything_is_imported(
    world, client_for, django_capture_on_commit_callbacks
):
    """The export's category column is not recognised, so the mapping step first offers no
    codes; choosing the column shows its codes to map (nothing imported, nothing refused),
    and the import runs once they are mapped."""
    export = (
        "Ref;Quando;Tipo de ocorrência;Longitude;Latitude\n"
        "R-1;05/03/2024 22:15;FV;-9,15;38,74\n"
        "R-2;06/03/2024;VD;-9,14;38,75\n"
    ).encode("latin-1")
    client = client_for(world.commander_a)
    response = upload(client, world, export)
    dataset = IncidentDataset.objects.get()
    url = f"/crime-data/{dataset.pk}/"
    page = client.get(response.url).content.decode()
    assert "Category codes found in the file" not in page
    data = mapping_form(page)
    assert data["column_category"] == "" and data["codes_column"] == ""
    data |= {
        "column_record_id": "Ref",
        "column_occurred_at": "Quando",
        "column_category": "Tipo de ocorrência",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Map the codes found in “Tipo de ocorrência” below, then import." in page
    dataset.refresh_from_db()
    assert dataset.status == DatasetStatus.MAPPING and not dataset.problems
    assert not Incident.objects.exists()
    data = mapping_form(page)
    assert data["codes_column"] == "Tipo de ocorrência"
    codes = {
        code: name
        for name, code in re.findall(r'<label for="id_(code_\d+)"><code>([^<]+)</code>', page)
    }
    assert set(codes) == {"FV", "VD"}
    data[codes["FV"]] = "vehicle-theft"
    data[codes["VD"]] = "domestic-violence"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset.refresh_from_db()
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    assert sorted(Incident.objects.values_list("category__code", flat=True)) == [
        "domestic-violence",
        "vehicle-theft",
    ]
