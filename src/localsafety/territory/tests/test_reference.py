from __future__ import annotations

import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from localsafety.core.errors import DomainError
from localsafety.territory.models import Area, AreaKind, AreaPopulation
from localsafety.territory.reference import ensure_municipalities, load_reference

REFERENCE_DIR = Path(settings.LOCALSAFETY_REFERENCE_DIR)


@pytest.fixture
def reference_dir() -> Path:
    if not (REFERENCE_DIR / "pt_municipalities.csv").is_file():
        pytest.skip(f"reference folder {REFERENCE_DIR} is not available")
    return REFERENCE_DIR


@pytest.mark.usefixtures("empty_db")
def test_load_reference_real_folder_is_complete_fast_and_idempotent(reference_dir):
    started = time.monotonic()
    result = load_reference(reference_dir)
    elapsed = time.monotonic() - started
    assert elapsed < 20, elapsed  # bulk work: a few seconds, not row by row

    assert result["counts"]["municipality"] == 308
    assert result["counts"]["parish"] == 3259
    assert Area.objects.filter(kind=AreaKind.MUNICIPALITY).count() == 308
    assert Area.objects.filter(kind=AreaKind.PARISH).count() == 3259
    assert Area.objects.filter(kind=AreaKind.NUTS2).count() == 7
    assert Area.objects.filter(kind=AreaKind.DISTRICT).count() == 29

    lisboa = Area.objects.get(kind=AreaKind.MUNICIPALITY, code="1106")
    assert lisboa.name == "Lisboa"
    assert lisboa.parent.kind == AreaKind.DISTRICT and lisboa.parent.code == "11"
    assert lisboa.parent.parent.kind == AreaKind.NUTS2
    assert lisboa.parent.parent.parent.code == "PT"
    assert lisboa.nuts2_code == "PT17"
    assert lisboa.data_origin == "real" and "CAOP" in lisboa.source_note
    assert "INE" in lisboa.source_note
    assert lisboa.geometry.startswith('{"type":')
    assert lisboa.bbox and lisboa.label_lat and 38 < lisboa.label_lat < 39
    population = lisboa.latest_population()
    assert population is not None
    assert (population.year, population.population) == (2021, 545796)
    assert population.population_under15 and population.population_65plus

    assert Area.objects.get(kind=AreaKind.MUNICIPALITY, code="0213").name == "Serpa"
    assert Area.objects.get(kind=AreaKind.NUTS2, code="PT11").name == "Norte"
    parish = Area.objects.filter(kind=AreaKind.PARISH, code__startswith="1106").first()
    assert parish is not None and parish.parent == lisboa and parish.geometry == ""

    # Second run: nothing created, nothing changed.
    again = load_reference(reference_dir)
    assert again["created"] == 0 and again["updated"] == 0
    assert Area.objects.filter(kind=AreaKind.MUNICIPALITY).count() == 308
    assert AreaPopulation.objects.filter(year=2021).count() == 308


@pytest.mark.django_db
def test_load_reference_updates_an_existing_entry_in_place(reference_dir, world):
    # The test world already has Lisboa (1106) with a square boundary.
    pk = world.municipality_a.pk
    load_reference(reference_dir)
    lisboa = Area.objects.get(kind=AreaKind.MUNICIPALITY, code="1106")
    assert lisboa.pk == pk
    assert lisboa.geometry != world.municipality_a.geometry
    assert lisboa.history.count() >= 2


def test_missing_folder_is_refused(tmp_path, empty_db):
    with pytest.raises(DomainError):
        load_reference(tmp_path / "nowhere")
    assert not Area.objects.exists()
    with pytest.raises(CommandError):
        call_command("load_reference", "--dir", str(tmp_path / "nowhere"))


@pytest.mark.usefixtures("empty_db")
def test_command_loads_reference(reference_dir):
    out = StringIO()
    call_command("load_reference", "--dir", str(reference_dir), stdout=out)
    assert "municipality: 308" in out.getvalue()


@pytest.mark.usefixtures("empty_db")
def test_ensure_municipalities_without_folder_builds_minimal_chain():
    made = ensure_municipalities([("0213", "Serpa"), ("1106", "Lisboa")])
    assert set(made) == {"0213", "1106"}
    serpa = made["0213"]
    assert serpa.kind == AreaKind.MUNICIPALITY and serpa.geometry == ""
    assert serpa.parent.kind == AreaKind.DISTRICT and serpa.parent.code == "02"
    assert serpa.parent.name == "Beja"
    assert serpa.parent.parent.code == "PT"
    # Idempotent: a second call creates nothing and keeps the same rows.
    again = ensure_municipalities([("0213", "Other name")])
    assert again["0213"].pk == serpa.pk and again["0213"].name == "Serpa"
    assert Area.objects.filter(kind=AreaKind.DISTRICT).count() == 2
    assert Area.objects.filter(kind=AreaKind.COUNTRY).count() == 1


@pytest.mark.usefixtures("empty_db")
def test_ensure_municipalities_refuses_bad_codes():
    with pytest.raises(DomainError):
        ensure_municipalities([("213", "Serpa")])
    assert not Area.objects.exists()
