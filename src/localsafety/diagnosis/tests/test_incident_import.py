"""Importing police incident records: messy files, every bad input of issue 9, re-import
without duplicates, and atomicity (a refused file stores nothing, earlier data untouched)."""

from __future__ import annotations

import io
from pathlib import Path

import h3
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation
from pyproj import Transformer

from localsafety.core.errors import DomainError, ImportRefused
from localsafety.diagnosis import data_services
from localsafety.diagnosis.models import (
    CoordinateSystem,
    CountUnit,
    DatasetStatus,
    Incident,
    IncidentCount,
    IncidentDataset,
    IncidentSource,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """Reasons are read in English here (the catalogue's pt-PT is tested elsewhere)."""
    with translation.override("en"):
        yield


HEADER = "N.º Processo;Data da ocorrência;Hora;Categoria;Longitude;Latitude;Freguesia\n"
CODES = {"FV": "vehicle-theft", "VD": "domestic-violence", "RVP": "street-robbery"}


@pytest.fixture
def source(world) -> IncidentSource:
    return IncidentSource.objects.create(
        organisation=world.psp, name="PSP Lisboa mensal", category_codes=CODES
    )


def write(tmp_path: Path, text: str, encoding: str = "latin-1", name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(world, path: Path, source: IncidentSource) -> IncidentDataset:
    return data_services.incident_file_import(
        path=path, organisation=world.psp, source_name=source.name, actor=world.commander_a
    )


GOOD = (
    HEADER
    + "P-001;05/03/2024;22:15;FV;-9,1500;38,7400;110658\n"
    + "P-002;06/03/2024;;VD;-9,1400;38,7500;\n"
    + "P-003;2024-07-31 09:05;;RVP;-9,1200;38,7100;\n"
    + ";;;;;;\n"
    + ";;;;;;\n"
)


def states() -> tuple[list[tuple], list[tuple]]:
    incidents = list(Incident.objects.order_by("pk").values_list())
    counts = list(IncidentCount.objects.order_by("pk").values_list())
    return incidents, counts


def test_a_messy_latin1_export_is_imported_with_cells_parish_and_counts(world, source, tmp_path):
    dataset = run(world, write(tmp_path, GOOD), source)
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    assert (dataset.created_count, dataset.skipped_count, dataset.row_count) == (3, 0, 3)
    assert len(dataset.checksum) == 64
    first = Incident.objects.get(source_record_id="P-001")
    assert (first.lon, first.lat) == (-9.15, 38.74)
    # 22:15 in Lisbon on 5 March (winter time, UTC+0) is 22:15 UTC; exact time: from == to.
    assert first.occurred_from.isoformat() == "2024-03-05T22:15:00+00:00"
    assert first.is_exact
    assert first.parish == world.parish_a
    assert first.municipality == world.municipality_a  # the parish's municipality
    assert first.h3_9 == h3.str_to_int(h3.latlng_to_cell(38.74, -9.15, 9))
    assert first.h3_8 == h3.str_to_int(h3.cell_to_parent(h3.latlng_to_cell(38.74, -9.15, 9), 8))
    assert first.h3_7 == h3.str_to_int(h3.latlng_to_cell(38.74, -9.15, 7))
    second = Incident.objects.get(source_record_id="P-002")
    # A day without a time is the whole day; found in the municipality by its boundary.
    assert second.occurred_from.isoformat() == "2024-03-06T00:00:00+00:00"
    assert second.occurred_to.isoformat() == "2024-03-06T23:59:59+00:00"
    assert second.municipality == world.municipality_a and second.parish is None
    third = Incident.objects.get(source_record_id="P-003")
    assert third.occurred_from.isoformat() == "2024-07-31T08:05:00+00:00"  # summer time
    assert (dataset.period_start.isoformat(), dataset.period_end.isoformat()) == (
        "2024-03-05",
        "2024-07-31",
    )
    municipal = IncidentCount.objects.filter(unit=CountUnit.MUNICIPALITY, unit_code="1106")
    assert sorted(municipal.values_list("year", "month", "category__code", "count")) == [
        (2024, 3, "domestic-violence", 1),
        (2024, 3, "vehicle-theft", 1),
        (2024, 7, "street-robbery", 1),
    ]
    assert IncidentCount.objects.get(unit=CountUnit.PARISH).unit_code == "110658"
    assert (
        sum(IncidentCount.objects.filter(unit=CountUnit.H3_8).values_list("count", flat=True)) == 3
    )


def test_utf8_with_bom_comma_separated_and_iso_dates(world, source, tmp_path):
    text = "record_id,date,category,lon,lat\nA1,2024-01-02 10:00,FV,-9.15,38.74\n"
    dataset = run(world, write(tmp_path, text, "utf-8-sig"), source)
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    assert Incident.objects.filter(source_record_id="A1").exists()


def test_re_importing_the_same_records_does_not_duplicate_them(world, source, tmp_path):
    path = write(tmp_path, GOOD)
    run(world, path, source)
    before = states()
    again = run(world, path, source)
    assert again.status == DatasetStatus.DONE
    assert (again.created_count, again.skipped_count) == (0, 3)
    assert states() == before  # the counts are not added twice either
    # Next month's export: the old records again and one new one.
    newer = write(tmp_path, GOOD + "P-004;01/08/2024;10:00;FV;-9,15;38,74;\n", name="next.csv")
    third = run(world, newer, source)
    assert (third.created_count, third.skipped_count) == (1, 3)
    assert Incident.objects.count() == 4


def refused(world, source, tmp_path, text: str, encoding: str = "latin-1") -> IncidentDataset:
    run(world, write(tmp_path, GOOD, name="earlier.csv"), source)
    before = states()
    dataset = run(world, write(tmp_path, text, encoding), source)
    assert dataset.status == DatasetStatus.REFUSED, dataset.message
    assert states() == before  # nothing stored, earlier data untouched
    assert dataset.created_count == 0
    return dataset


def reasons(dataset: IncidentDataset) -> list[tuple[str, str, str]]:
    return [(p["row"], p["column"], p["reason"]) for p in dataset.problems]


def test_a_date_that_does_not_exist_is_refused_with_row_and_column(world, source, tmp_path):
    text = HEADER + "B-1;31/02/2024;10:00;FV;-9,15;38,74;\nB-2;01/02/2024;;FV;-9,15;38,74;\n"
    dataset = refused(world, source, tmp_path, text)
    [(row, column, reason)] = reasons(dataset)
    assert (row, column) == ("2", "Data da ocorrência")
    assert "31/02/2024" in reason
    assert dataset.problems[0]["file"] == "export.csv"
    assert not Incident.objects.filter(source_record_id="B-2").exists()  # not even the good row


def test_coordinates_outside_portugal_are_refused(world, source, tmp_path):
    text = HEADER + "C-1;01/02/2024;;FV;2,35;48,85;\n"  # Paris
    [(row, column, reason)] = reasons(refused(world, source, tmp_path, text))
    assert (row, column) == ("2", "Longitude") and "outside Portugal" in reason


def test_swapped_latitude_and_longitude_are_swapped_back(world, source, tmp_path):
    text = HEADER + "D-1;01/02/2024;;FV;38,74;-9,15;\n"
    dataset = run(world, write(tmp_path, text), source)
    assert dataset.status == DatasetStatus.DONE
    incident = Incident.objects.get(source_record_id="D-1")
    assert (incident.lon, incident.lat) == (-9.15, 38.74)
    assert "wrong way round" in dataset.message


def test_pt_tm06_metres_are_converted_and_refused_when_declared_as_degrees(world, source, tmp_path):
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3763", always_xy=True).transform(-9.15, 38.74)
    text = HEADER + f"E-1;01/02/2024;;FV;{x:.2f};{y:.2f};\n".replace(".", ",")
    dataset = run(world, write(tmp_path, text), source)  # recognised automatically
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    incident = Incident.objects.get(source_record_id="E-1")
    assert incident.lon == pytest.approx(-9.15, abs=1e-6)
    assert incident.lat == pytest.approx(38.74, abs=1e-6)
    source.coordinate_system = CoordinateSystem.WGS84
    source.save()
    text = HEADER + f"E-2;01/02/2024;;FV;{x:.2f};{y:.2f};\n".replace(".", ",")
    [(row, _column, reason)] = reasons(refused(world, source, tmp_path, text))
    assert row == "2" and "metres" in reason


def test_unknown_category_codes_are_refused(world, source, tmp_path):
    text = HEADER + "F-1;01/02/2024;;XYZ;-9,15;38,74;\n"
    [(_row, column, reason)] = reasons(refused(world, source, tmp_path, text))
    assert column == "Categoria" and "XYZ" in reason


def test_duplicate_record_ids_within_a_file_are_refused(world, source, tmp_path):
    text = HEADER + "G-1;01/02/2024;;FV;-9,15;38,74;\nG-1;02/02/2024;;FV;-9,15;38,74;\n"
    problems = reasons(refused(world, source, tmp_path, text))
    assert [row for row, _c, _r in problems] == ["2", "3"]


def test_a_formula_in_a_text_cell_is_stored_as_text(world, source, tmp_path):
    text = HEADER + '"=HYPERLINK(""http://x"",""y"")";01/02/2024;;FV;-9,15;38,74;\n'
    dataset = run(world, write(tmp_path, text), source)
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    assert Incident.objects.filter(source_record_id='=HYPERLINK("http://x","y")').exists()


def test_a_file_of_mixed_encodings_is_refused_with_its_row(world, source, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        HEADER.encode("utf-8") + "H-1;01/02/2024;;FV;-9,15;38,74;São\n".encode("latin-1")
    )
    run(world, write(tmp_path, GOOD, name="earlier.csv"), source)
    before = states()
    dataset = run(world, path, source)
    assert dataset.status == DatasetStatus.REFUSED
    assert dataset.problems[0]["row"] == "2" and "encodings" in dataset.problems[0]["reason"]
    assert states() == before


def test_a_wrong_separator_is_refused_with_the_row(world, source, tmp_path):
    # Comma-separated, with decimal commas left unquoted: the rows have more fields.
    text = (
        "Processo,Data,Categoria,Longitude,Latitude\n"
        "W-1,01/02/2024,FV,-9,15,38,74\nW-2,01/02/2024,FV,-9,15,38,74\n"
    )
    dataset = refused(world, source, tmp_path, text)
    assert "separator" in dataset.problems[0]["reason"]
    assert dataset.problems[0]["row"] == "1"


def test_a_table_without_the_needed_columns_is_refused_naming_them(world, source, tmp_path):
    text = "N.º Processo Data Categoria\nP-1 01/02/2024 FV\n"  # spaces: one column
    dataset = refused(world, source, tmp_path, text)
    assert "No column" in dataset.problems[0]["reason"]


def test_a_2_gb_file_is_refused_by_its_size_before_reading(world, source, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:  # sparse: takes no disk space
        stream.truncate(2_000_000_000)
    with pytest.raises(ImportRefused) as caught:
        run(world, path, source)
    assert "2000 MB" in caught.value.message and "limit" in caught.value.message
    upload = SimpleUploadedFile("huge.csv", b"x")
    upload.size = 2_000_000_000
    with pytest.raises(DomainError, match="limit"):
        data_services.incident_dataset_create(
            actor=world.commander_a,
            organisation=world.psp,
            source_name=source.name,
            uploaded_file=upload,
        )
    assert not IncidentDataset.objects.filter(original_name="huge.csv").exists()


def test_an_xlsx_with_merged_header_cells_is_refused(world, source, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Processo", "Data", None, "Categoria", "Longitude", "Latitude"])
    sheet.merge_cells("B1:C1")
    sheet.append(["X-1", "01/02/2024", "10:00", "FV", -9.15, 38.74])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "export.dat"  # recognised by content, not by name
    path.write_bytes(buffer.getvalue())
    run(world, write(tmp_path, GOOD, name="earlier.csv"), source)
    before = states()
    dataset = run(world, path, source)
    assert dataset.status == DatasetStatus.REFUSED
    assert dataset.problems[0]["column"] == "B1:C1" and "merged" in dataset.problems[0]["reason"]
    assert states() == before


def test_an_xlsx_and_an_ods_are_imported(world, source, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Processo", "Data", "Categoria", "Longitude", "Latitude"])
    sheet.append(["X-1", "01/02/2024", "FV", -9.15, 38.74])
    sheet.append([])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "export.xlsx"
    path.write_bytes(buffer.getvalue())
    dataset = run(world, path, source)
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    assert Incident.objects.get(source_record_id="X-1").lat == 38.74


def test_only_the_force_imports_its_records(world, source, tmp_path):
    for person in (world.partner_a, world.coordinator_a, world.national):
        with pytest.raises(PermissionDenied):
            data_services.incident_file_import(
                path=write(tmp_path, GOOD),
                organisation=world.psp,
                source_name=source.name,
                actor=person,
            )
    assert not IncidentDataset.objects.exists()


def test_the_command_imports_with_the_remembered_mapping_and_refuses_with_status_1(
    world, source, tmp_path
):
    source.columns = {"record_id": "Ref", "occurred_at": "Quando"}
    source.save()
    text = "Ref;Quando;Categoria;Longitude;Latitude\nK-1;01/02/2024 10:00;FV;-9,15;38,74\n"
    call_command("import_incidents", str(write(tmp_path, text)), "--source", source.name)
    assert Incident.objects.filter(source_record_id="K-1").exists()
    bad = "Ref;Quando;Categoria;Longitude;Latitude\nK-2;32/01/2024;FV;-9,15;38,74\n"
    with pytest.raises(CommandError) as caught:
        call_command("import_incidents", str(write(tmp_path, bad)), "--source", source.name)
    assert caught.value.returncode == 1
    assert not Incident.objects.filter(source_record_id="K-2").exists()


def test_pt_tm06_metres_near_the_origin_are_not_taken_for_degrees(world, source, tmp_path):
    # 102.81 m east, 5.24 m south of PT-TM06's origin: as degrees it would be nowhere; the
    # file's other rows are in metres.
    text = HEADER + "O-1;01/02/2024;;FV;102,81;-5,24;\nO-2;01/02/2024;;FV;-87000;-95000;\n"
    dataset = run(world, write(tmp_path, text), source)
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    incident = Incident.objects.get(source_record_id="O-1")
    assert incident.lat == pytest.approx(39.668, abs=0.01)


def _index_definitions() -> list[tuple[str, str]]:
    from django.db import connection

    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'diagnosis_incident' ORDER BY name"
        )
        return list(cursor.fetchall())


def test_a_large_import_rebuilds_the_indexes_and_stores_the_same(
    world, source, tmp_path, monkeypatch
):
    """Above the threshold SQLite's secondary indexes are dropped and created again around
    the insert: the records, counts and index definitions are those of a row-by-row insert."""
    from localsafety.diagnosis.importing import incidents

    indexes = _index_definitions()
    run(world, write(tmp_path, GOOD), source)
    expected = states()
    Incident.objects.all().delete()
    IncidentCount.objects.all().delete()
    monkeypatch.setattr(incidents, "REBUILD_INDEXES_MIN_ROWS", 1)
    rebuilt: list[list[tuple[str, str]]] = []
    chosen = incidents._indexes_to_rebuild
    monkeypatch.setattr(
        incidents, "_indexes_to_rebuild", lambda count: rebuilt.append(chosen(count)) or rebuilt[-1]
    )
    dataset = run(world, write(tmp_path, GOOD, name="again.csv"), source)
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    wanted = [row for row in indexes if row[0] in ("incident_h3_9", "incident_org_time")]
    assert [sorted(found) for found in rebuilt] == [wanted]
    got = states()
    assert [row[3:] for row in got[0]] == [row[3:] for row in expected[0]]  # after the ids
    assert [row[1:] for row in got[1]] == [row[1:] for row in expected[1]]
    assert _index_definitions() == indexes
    names = {name for name, _sql in indexes}
    assert not indexes or {"incident_org_time", "incident_h3_9"} <= names


def test_a_failure_during_a_large_insert_keeps_the_indexes_and_stores_nothing(
    world, source, tmp_path, monkeypatch
):
    from localsafety.diagnosis.importing import incidents

    run(world, write(tmp_path, GOOD, name="earlier.csv"), source)
    before, indexes = states(), _index_definitions()
    monkeypatch.setattr(incidents, "REBUILD_INDEXES_MIN_ROWS", 1)
    # The rows come from ``incident_rows`` on SQLite, from ``copy_blocks`` on PostgreSQL.
    name = "copy_blocks" if connection.vendor == "postgresql" else "incident_rows"
    real_rows = getattr(incidents, name)

    def failing(*args):
        yield from real_rows(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(incidents, name, failing)
    newer = write(tmp_path, GOOD.replace("P-00", "Q-00"), name="newer.csv")
    dataset = run(world, newer, source)
    assert dataset.status == DatasetStatus.FAILED
    assert states() == before
    assert _index_definitions() == indexes


def test_counts_upserted_a_few_rows_per_statement_are_the_same(
    world, source, tmp_path, monkeypatch
):
    """PostgreSQL upserts many count rows per statement: split into statements of two rows,
    the counts are those of one row per statement."""
    from localsafety.diagnosis.importing import aggregates

    run(world, write(tmp_path, GOOD), source)
    expected = [row[1:] for row in states()[1]]
    Incident.objects.all().delete()
    IncidentCount.objects.all().delete()
    monkeypatch.setattr(aggregates, "ROWS_PER_STATEMENT", 2)
    dataset = run(world, write(tmp_path, GOOD, name="again.csv"), source)
    assert dataset.status == DatasetStatus.DONE, dataset.problems
    assert [row[1:] for row in states()[1]] == expected
    # and a second import of new records adds to the same keys
    newer = write(tmp_path, GOOD.replace("P-00", "Q-00"), name="newer.csv")
    assert run(world, newer, source).status == DatasetStatus.DONE
    doubled = sorted((row[1:-1], row[-1]) for row in states()[1])
    assert all(count % 2 == 0 for _key, count in doubled)


def test_postgresql_copy_failing_half_way_stores_nothing_and_re_import_adds_nothing(
    world, source, tmp_path, monkeypatch
):
    """PostgreSQL stores the rows with COPY, a statement per block: a constraint violation in
    a later block (a record of an earlier block sent again: the unique (source, record id)
    key) rolls back the blocks already copied, the counts and nothing else."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    from localsafety.diagnosis.importing import incidents

    run(world, write(tmp_path, GOOD, name="earlier.csv"), source)
    before = states()
    monkeypatch.setattr(incidents, "INSERT_BATCH", 1)
    real_blocks = incidents.copy_blocks
    sent: list[int] = []

    def duplicating(prepared, keep, dataset):
        first = None
        for count, block in real_blocks(prepared, keep, dataset):
            first = first or bytes(block)
            sent.append(count)
            yield count, block
        yield 1, memoryview(first)  # the first record again: a unique violation

    monkeypatch.setattr(incidents, "copy_blocks", duplicating)
    newer = write(tmp_path, GOOD.replace("P-00", "Q-00"), name="newer.csv")
    dataset = run(world, newer, source)
    assert dataset.status == DatasetStatus.FAILED
    assert "incident_unique_source_record" in dataset.message
    assert sent == [1, 1, 1]  # three blocks were copied before the failing one
    assert states() == before
    assert not Incident.objects.filter(source_record_id__startswith="Q-").exists()

    monkeypatch.setattr(incidents, "copy_blocks", real_blocks)
    done = run(world, write(tmp_path, GOOD.replace("P-00", "Q-00"), name="again.csv"), source)
    assert (done.status, done.created_count) == (DatasetStatus.DONE, 3)
    stored = states()
    repeated = run(world, write(tmp_path, GOOD.replace("P-00", "Q-00"), name="third.csv"), source)
    assert (repeated.created_count, repeated.skipped_count) == (0, 3)
    assert states() == stored  # neither records nor counts added twice


def _import_through_the_task(world, source) -> IncidentDataset:
    from localsafety.diagnosis.tasks import run_incident_import

    upload = SimpleUploadedFile("export.csv", GOOD.encode("latin-1"), content_type="text/csv")
    dataset = data_services.incident_dataset_create(
        actor=world.commander_a,
        organisation=world.psp,
        source_name=source.name,
        uploaded_file=upload,
    )
    data_services.incident_dataset_queue(actor=world.commander_a, dataset=dataset)
    run_incident_import.call(dataset.pk)
    dataset.refresh_from_db()
    return dataset


def test_an_import_task_prepares_the_release_of_the_contracts_it_touched(
    world, source, monkeypatch
):
    """After the import's records are stored, the task computes the suppressed crime release
    of every contract of the municipalities that received records: the first reader finds
    it cached (the suppression does not run again)."""
    from localsafety.diagnosis import aggregates

    suppressed: list[int] = []
    real_suppress = aggregates.suppress
    monkeypatch.setattr(
        aggregates, "suppress", lambda *a, **k: suppressed.append(1) or real_suppress(*a, **k)
    )
    messages: list[str] = []
    real_progress = data_services._set_progress

    def progress(dataset_id, **values):
        messages.append(str(values.get("message", "")))
        real_progress(dataset_id, **values)

    monkeypatch.setattr(data_services, "_set_progress", progress)
    dataset = _import_through_the_task(world, source)
    assert dataset.status == DatasetStatus.DONE, (dataset.message, dataset.problems)
    assert dataset.created_count == 3
    assert "Preparing the shared figures…" in messages
    assert messages.index("Preparing the shared figures…") < len(messages) - 1  # then done
    touched = world.contract_a.municipality
    assert touched == world.municipality_a
    assert len(suppressed) >= 1  # computed by the task, once per contract of Lisboa
    computed = len(suppressed)
    table = aggregates.contract_crime_table(world.partner_a, world.contract_a)
    assert len(suppressed) == computed  # read from the cache
    assert table.suppressed and table.rows
    # A contract of a municipality without new records is left alone.
    assert world.contract_b.municipality != touched


def test_a_failure_preparing_the_releases_does_not_fail_the_import(world, source, monkeypatch):
    from localsafety.diagnosis import aggregates

    def broken(codes):
        raise RuntimeError("cache down")

    monkeypatch.setattr(aggregates, "warm_contract_releases", broken)
    dataset = _import_through_the_task(world, source)
    assert dataset.status == DatasetStatus.DONE, dataset.message
    assert Incident.objects.filter(dataset=dataset).count() == 3
