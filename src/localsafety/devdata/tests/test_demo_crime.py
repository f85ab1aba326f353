"""The demo's crime data: the real series through the statistics import, and synthetic incidents
whose municipal totals by year and published category equal it (checked against the CSV file
itself, read independently)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from localsafety.devdata import crime
from localsafety.diagnosis.models import (
    CrimeCategory,
    Incident,
    IncidentCount,
    IncidentDataset,
    StatisticValue,
)
from localsafety.territory.models import Area, AreaKind

pytestmark = pytest.mark.django_db

CODES = ("0213", "0801")  # Serpa (the world's B) and Albufeira (Algarve, seasonal)


def published(codes: tuple[str, ...]) -> list[dict[str, str]]:
    with crime.CRIME_SERIES.open(encoding="utf-8") as stream:
        return [row for row in csv.DictReader(stream) if row["dico"] in codes]


@pytest.fixture
def series(world, tmp_path) -> Path:
    Area.objects.create(
        kind=AreaKind.MUNICIPALITY,
        code="0801",
        name="Albufeira",
        parent=world.municipality_b.parent,
        label_lat=37.09,
        label_lon=-8.25,
    )
    rows = published(CODES)
    path = tmp_path / "series.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    crime.import_crime_series(path)
    return path


def descendants() -> dict[str, set[int]]:
    """Taxonomy code -> ids of itself and every category under it."""
    children: dict[int | None, list[CrimeCategory]] = defaultdict(list)
    for category in CrimeCategory.objects.all():
        children[category.parent_id].append(category)

    def below(category: CrimeCategory) -> set[int]:
        found = {category.pk}
        for child in children[category.pk]:
            found |= below(child)
        return found

    return {category.code: below(category) for category in CrimeCategory.objects.all()}


def test_the_real_series_is_imported_with_blanks_unpublished_and_2025_provisional(series):
    values = StatisticValue.objects.filter(area__code="0213")
    assert values.count() == 5 * 9
    homicide_2021 = values.get(year=2021, category__code="homicide")
    assert homicide_2021.value is None  # blank in the file: not published, never zero
    assert all(values.filter(year=2025).values_list("provisional", flat=True))
    assert not any(values.filter(year=2024).values_list("provisional", flat=True))
    total_2021 = values.get(year=2021, category__code="all")
    assert total_2021.value == 326  # Serpa 2021 in the published file


def test_synthetic_incidents_add_up_to_the_published_totals(world, series):
    forces = {"0213": world.psp, "0801": world.psp}
    created = crime.generate_incidents(forces)
    assert created == Incident.objects.count() > 0
    under = descendants()
    keys = crime.KEYS
    per_area = {
        code: Counter(
            Incident.objects.filter(municipality__code=code).values_list(
                "occurred_from__year", "category_id"
            )
        )
        for code in CODES
    }
    checked = 0
    for row in published(CODES):
        if not row["crimes"]:
            continue
        code, year, wanted = row["dico"], int(row["year"]), int(row["crimes"])
        ids = under[keys[row["category"]]]
        counts = per_area[code]
        # Lisbon is UTC+0 at New Year: the year of the stored (UTC) time is the local year.
        found = sum(
            count for (y, category), count in counts.items() if y == year and category in ids
        )
        assert found == wanted, (code, year, row["category"], found, wanted)
        checked += 1
    assert checked > 70
    dataset = IncidentDataset.objects.get(original_name="synthetic-0213")
    assert dataset.data_origin == "synthetic" and "Synthetic" in dataset.source_note
    # The aggregates agree with the records.
    municipal = IncidentCount.objects.filter(unit="municipality", unit_code="0213")
    assert (
        sum(municipal.values_list("count", flat=True))
        == Incident.objects.filter(municipality__code="0213").count()
    )


def test_synthetic_incidents_are_concentrated_and_seasonal_in_the_algarve(world, series):
    crime.generate_incidents({"0213": world.psp, "0801": world.psp}, years=[2024])
    albufeira = Incident.objects.filter(municipality__code="0801")
    months = Counter(albufeira.values_list("occurred_from__month", flat=True))
    summer = months[7] + months[8]
    winter = months[1] + months[2]
    assert summer > 2 * winter
    cells = Counter(albufeira.values_list("h3_9", flat=True))
    top = sum(count for _cell, count in cells.most_common(max(1, len(cells) // 20)))
    assert top / albufeira.count() > 0.25  # the busiest 5 % of cells hold over a quarter


def test_generating_again_changes_nothing(world, series):
    forces = {"0213": world.psp}
    crime.generate_incidents(forces, years=[2024])
    before = Incident.objects.count()
    assert crime.generate_incidents(forces, years=[2024]) == 0
    assert Incident.objects.count() == before
