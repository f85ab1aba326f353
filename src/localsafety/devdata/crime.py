"""Crime data for the demo: the real published series, and synthetic incidents that add up to it.

- **Real**: the registered-crime series by municipality, year (2021–2025) and category
  (DGPJ/INE indicator 0012261, ``devdata/data/``) goes through the statistics import, like any
  published table; 2025 is provisional.
- **Synthetic**: incident records for the demo contracts' municipalities, generated so that
  their totals by municipality, year and published category **equal** the published figures
  (domestic violence, offences against physical integrity, crimes against persons, property,
  vehicle theft, street robbery, drink-driving, total; homicide where published). The other
  categories share what the published groups leave. Places are concentrated on a few streets
  near the municipality's centre, times follow a weekly and daily rhythm, and the Algarve is
  seasonal (summer). Each data set is marked ``synthetic`` and belongs to the municipality's
  police force. Generation is vectorised and stored through the import's own bulk path, so the
  demo stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from localsafety.diagnosis import data_services
from localsafety.diagnosis.importing import incidents
from localsafety.diagnosis.importing.locations import h3_cells, h3_parent
from localsafety.diagnosis.models import (
    CrimeCategory,
    DatasetStatus,
    IncidentDataset,
    IncidentSource,
    IndicatorKind,
    StatisticsDataset,
    StatisticValue,
)
from localsafety.diagnosis.taxonomy import ensure_taxonomy
from localsafety.organisations.models import Organisation
from localsafety.territory.models import Area

DATA_DIR = Path(__file__).resolve().parent / "data"
CRIME_SERIES = DATA_DIR / "pt_crime_registered_by_municipality_2021_2025.csv"
SERIES = "DGPJ/INE 0012261"
SOURCE_NOTE = (
    "DGPJ / INE, indicator 0012261 (crimes registered by the police authorities), via "
    "lspassos1/mapa-do-crime-portugal @ e6922e5; 2025 provisional"
)
SYNTHETIC_SOURCE = "Synthetic demo records"
SYNTHETIC_NOTE = (
    "Synthetic: generated so that municipal totals by year and published category equal "
    "DGPJ/INE indicator 0012261; places and times are invented."
)

#: What each published group leaves, shared among the categories without a published figure.
REMAINDER_SHARES: dict[str, list[tuple[str, float]]] = {
    "persons": [("threats", 0.6), ("other-persons", 0.3), ("sexual-offences", 0.1)],
    "property": [
        ("criminal-damage", 0.3),
        ("other-property", 0.25),
        ("shoplifting", 0.25),
        ("burglary", 0.2),
    ],
    "rest": [
        ("other-society", 0.3),
        ("drug-trafficking", 0.2),
        ("unlicensed-driving", 0.2),
        ("resisting-officers", 0.1),
        ("other-other-legislation", 0.1),
        ("arson", 0.05),
        ("other-state", 0.05),
    ],
}
# Published key -> (taxonomy code).
KEYS = {
    "total": "all",
    "contraPessoas": "persons",
    "contraPatrimonio": "property",
    "integridadeFisica": "physical-integrity",
    "violenciaDomestica": "domestic-violence",
    "homicidio": "homicide",
    "furtoVeiculo": "vehicle-theft",
    "rouboViaPublica": "street-robbery",
    "conducaoAlcool": "drink-driving",
}
ALGARVE_DISTRICT = "08"
# Relative weight of each hour of the day (evening and night peaks).
HOUR_WEIGHTS = np.array(
    [4, 3, 3, 2, 2, 2, 2, 3, 4, 5, 5, 6, 6, 6, 6, 6, 7, 8, 9, 9, 8, 7, 6, 5], dtype=float
)


def import_crime_series(path: Path = CRIME_SERIES) -> StatisticsDataset:
    """The real series, through the statistics import (once: an import of the same file and
    series is kept)."""
    ensure_taxonomy()
    current = StatisticsDataset.objects.filter(series=SERIES, is_current=True).first()
    if current is not None:
        return current
    dataset, _result = data_services.statistics_import(
        actor=None,
        source=path,
        name=path.name,
        title="Crimes registered by the police authorities, by municipality and category",
        publisher="DGPJ / INE (indicator 0012261)",
        series=SERIES,
        indicator=IndicatorKind.CRIMES,
        data_origin="real",
        source_note=SOURCE_NOTE,
    )
    return dataset


def published_counts(
    municipality_ids: list[int], years: list[int] | None = None
) -> dict[tuple[int, int], dict[str, int | None]]:
    """(municipality id, year) -> taxonomy code -> published count (None: unpublished)."""
    values = StatisticValue.objects.filter(
        dataset__series=SERIES,
        dataset__is_current=True,
        indicator=IndicatorKind.CRIMES,
        area_id__in=municipality_ids,
    )
    if years:
        values = values.filter(year__in=years)
    found: dict[tuple[int, int], dict[str, int | None]] = defaultdict(dict)
    for area_id, year, code, value in values.values_list(
        "area_id", "year", "category__code", "value"
    ):
        found[(area_id, year)][code] = None if value is None else int(value)
    return found


def _split(total: int, shares: list[tuple[str, float]]) -> dict[str, int]:
    counts = {code: int(total * share) for code, share in shares}
    counts[shares[0][0]] += total - sum(counts.values())
    return counts


def leaf_counts(published: dict[str, int | None]) -> dict[str, int] | None:
    """Counts by leaf category whose sums equal every consistent published figure."""
    if published.get("all") is None:
        return None

    def get(code: str) -> int:
        return published.get(code) or 0

    total, persons, property_ = get("all"), get("persons"), get("property")
    integrity, domestic, homicide = (
        get("physical-integrity"),
        get("domestic-violence"),
        get("homicide"),
    )
    leaves = {
        "domestic-violence": domestic,
        "assault": max(integrity - domestic, 0),
        "homicide": homicide,
        "vehicle-theft": get("vehicle-theft"),
        "street-robbery": get("street-robbery"),
        "drink-driving": get("drink-driving"),
    }
    leaves |= _split(
        max(persons - max(integrity, domestic) - homicide, 0), REMAINDER_SHARES["persons"]
    )
    leaves |= _split(
        max(property_ - leaves["vehicle-theft"] - leaves["street-robbery"], 0),
        REMAINDER_SHARES["property"],
    )
    leaves |= _split(
        max(total - persons - property_ - leaves["drink-driving"], 0), REMAINDER_SHARES["rest"]
    )
    return leaves


@dataclass
class Place:
    """A municipality's centre and its few busy streets (segments), in degrees."""

    lon: float
    lat: float
    streets: np.ndarray  # (n, 4): lon0, lat0, lon1, lat1


def _place(area: Area, rng: np.random.Generator) -> Place | None:
    if area.label_lon is None or area.label_lat is None:
        return None
    lon, lat = float(area.label_lon), float(area.label_lat)
    starts = np.column_stack([lon + rng.normal(0, 0.012, 6), lat + rng.normal(0, 0.009, 6)])
    angles = rng.uniform(0, np.pi, 6)
    lengths = rng.uniform(0.002, 0.005, 6)
    ends = starts + np.column_stack([np.cos(angles) * lengths, np.sin(angles) * lengths])
    return Place(lon=lon, lat=lat, streets=np.hstack([starts, ends]))


def _points(place: Place, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """60 % along the busy streets (uneven: the first streets busiest), 40 % around the centre."""
    on_street = rng.random(count) < 0.6
    weights = np.array([0.35, 0.25, 0.15, 0.1, 0.1, 0.05])
    street = rng.choice(len(place.streets), size=count, p=weights)
    along = rng.random(count)
    segments = place.streets[street]
    lon = segments[:, 0] + (segments[:, 2] - segments[:, 0]) * along + rng.normal(0, 0.0002, count)
    lat = segments[:, 1] + (segments[:, 3] - segments[:, 1]) * along + rng.normal(0, 0.0002, count)
    lon = np.where(on_street, lon, place.lon + rng.normal(0, 0.015, count))
    lat = np.where(on_street, lat, place.lat + rng.normal(0, 0.011, count))
    return lon, lat


def _times(year: int, count: int, seasonal: bool, rng: np.random.Generator) -> np.ndarray:
    """Local wall-clock times in ``year``: summer-heavy in the Algarve."""
    months = np.arange(1, 13)
    weights = 1 + (0.9 * np.cos(2 * np.pi * (months - 7.5) / 12) if seasonal else 0 * months)
    month = rng.choice(months, size=count, p=weights / weights.sum())
    bounds = np.array(
        [f"{year}-{m:02d}-01" for m in range(1, 13)] + [f"{year + 1}-01-01"], dtype="datetime64[D]"
    )
    days_in = (bounds[1:] - bounds[:-1]).astype(np.int64)
    day = (rng.random(count) * days_in[month - 1]).astype(np.int64)
    hour = rng.choice(24, size=count, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    minute = rng.integers(0, 60, count)
    base = bounds[month - 1] + day.astype("timedelta64[D]")
    result: np.ndarray = base.astype("datetime64[s]") + (hour * 3600 + minute * 60).astype(
        "timedelta64[s]"
    )
    return result


def generate_municipality(
    *,
    area: Area,
    organisation: Organisation,
    years: list[int],
    published: dict[tuple[int, int], dict[str, int | None]],
    categories: dict[str, int],
    seed: int,
) -> IncidentDataset | None:
    """One synthetic data set for ``area`` (kept if it exists: the demo runs twice unchanged)."""
    source, _created = IncidentSource.objects.get_or_create(
        organisation=organisation, name=SYNTHETIC_SOURCE
    )
    if IncidentDataset.objects.filter(
        source=source, original_name=f"synthetic-{area.code}"
    ).exists():
        return None
    rng = np.random.default_rng(seed)
    place = _place(area, rng)
    if place is None:
        return None
    seasonal = area.code.startswith(ALGARVE_DISTRICT)
    parts: dict[str, list[np.ndarray]] = defaultdict(list)
    for year in years:
        leaves = leaf_counts(published.get((area.pk, year), {}))
        if not leaves:
            continue
        codes = np.repeat(
            np.array([categories[code] for code in leaves], dtype=np.int64),
            list(leaves.values()),
        )
        count = len(codes)
        lon, lat = _points(place, count, rng)
        local = _times(year, count, seasonal, rng)
        ranged = rng.random(count) < 0.25  # a quarter known only as a range (e.g. burglaries)
        span = (rng.integers(1, 10, count) * 3600).astype("timedelta64[s]")
        parts["category_id"].append(codes)
        parts["lon"].append(lon)
        parts["lat"].append(lat)
        parts["local_from"].append(local)
        parts["local_to"].append(np.where(ranged, local + span, local))
        parts["record_id"].append(
            np.array([f"SYN-{area.code}-{year}-{n:06d}" for n in range(count)], dtype=object)
        )
    if not parts:
        return None
    joined = {key: np.concatenate(values) for key, values in parts.items()}
    size = len(joined["category_id"])
    cells = h3_cells(joined["lon"], joined["lat"], 9)
    prepared: dict[str, Any] = {
        "rows": size,
        "record_id": joined["record_id"],
        "category_id": joined["category_id"],
        "occurred_from": incidents.local_to_utc(joined["local_from"]),
        "occurred_to": incidents.local_to_utc(joined["local_to"]),
        "local_from": joined["local_from"],
        "lon": joined["lon"],
        "lat": joined["lat"],
        "method": np.full(size, "point", dtype=object),
        "parish_id": np.zeros(size, dtype=np.int64),
        "municipality_id": np.full(size, area.pk, dtype=np.int64),
        "h3_9": cells,
        "h3_8": h3_parent(cells, 8),
        "h3_7": h3_parent(cells, 7),
        "swapped": 0,
    }
    dataset = IncidentDataset.objects.create(
        organisation=organisation,
        source=source,
        original_name=f"synthetic-{area.code}",
        status=DatasetStatus.RUNNING,
        data_origin="synthetic",
        source_note=SYNTHETIC_NOTE,
    )
    result = incidents.store(prepared, dataset, lambda _percent, _message: None)
    IncidentDataset.objects.filter(pk=dataset.pk).update(
        status=DatasetStatus.DONE,
        progress=100,
        row_count=size,
        created_count=result.created,
        period_start=result.period[0],
        period_end=result.period[1],
        message=SYNTHETIC_NOTE,
    )
    dataset.refresh_from_db()
    return dataset


def generate_incidents(
    forces: dict[str, Organisation], *, years: list[int] | None = None, seed: int = 2016
) -> int:
    """Synthetic incidents for each municipality code in ``forces`` (its police force)."""
    areas = {
        area.code: area
        for area in Area.objects.official().filter(kind="municipality", code__in=list(forces))
    }
    chosen_years = years or [2021, 2022, 2023, 2024, 2025]
    published = published_counts([area.pk for area in areas.values()], chosen_years)
    categories = dict(CrimeCategory.objects.values_list("code", "pk"))
    created = 0
    for offset, (code, organisation) in enumerate(sorted(forces.items())):
        area = areas.get(code)
        if area is None:
            continue
        dataset = generate_municipality(
            area=area,
            organisation=organisation,
            years=chosen_years,
            published=published,
            categories=categories,
            seed=seed + offset,
        )
        created += dataset.created_count if dataset else 0
    return created
