"""Synthetic police incidents over years, stored the way an import stores them.

For each municipality, ``incidents_per_municipality_year`` incidents per calendar year over
the scale's ``incident_years`` full years up to last year: most around three hot places (a few
hundred metres across), the rest spread over the municipality's bounding box; evening-heavy
hours; every twentieth known only as a six-hour range. Each municipality's records belong to
one of its police forces (its PSP or GNR), one synthetic data set per force.

Everything is drawn as arrays (no per-row Python) and handed to the import's own storage
(``diagnosis.importing.incidents.store``): the same INSERT and the same aggregate upsert as a
real import, so the counts the pages read are kept current exactly as at import.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
from django.utils import timezone
from shapely.geometry import shape

from localsafety.devdata.generator.base import SYNTHETIC, Scale
from localsafety.diagnosis.importing.incidents import store
from localsafety.diagnosis.importing.locations import h3_cells, h3_parent
from localsafety.diagnosis.models import (
    CrimeCategory,
    DatasetStatus,
    IncidentDataset,
    IncidentSource,
    LocationMethod,
)
from localsafety.diagnosis.taxonomy import LEAF_CODES, ensure_taxonomy
from localsafety.organisations.models import Organisation
from localsafety.territory.models import Area

GENERATED_SOURCE = "Registos gerados"
LISBON_OFFSET = np.timedelta64(0, "h")  # local times are stored as drawn (winter time)


def _bounds(area: Area) -> tuple[float, float, float, float] | None:
    if not area.geometry:
        return None
    try:
        data = json.loads(area.geometry)
        geometry = (
            data["features"][0]["geometry"] if data.get("type") == "FeatureCollection" else data
        )
        if geometry.get("type") == "Feature":
            geometry = geometry["geometry"]
        return tuple(shape(geometry).bounds)
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def create_incidents(
    *,
    scale: Scale,
    rng: random.Random,
    note: str,
    municipalities: list[Area],
    parishes: dict[int, list[tuple[int, str]]],
    police_by_muni: dict[int, list[Organisation]],
    police: list[Organisation],
    log: Callable[[str], None],
) -> dict[str, int]:
    years, per_year = scale.incident_years, scale.incidents_per_municipality_year
    if not years or not per_year or not police:
        return {}
    ensure_taxonomy()
    leaves = list(
        CrimeCategory.objects.filter(code__in=LEAF_CODES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    draw = np.random.default_rng(rng.getrandbits(32))
    last_year = timezone.localdate().year - 1
    first_day = np.datetime64(f"{last_year - years + 1}-01-01", "s")
    span_seconds = int((np.datetime64(f"{last_year + 1}-01-01", "s") - first_day).astype(np.int64))
    by_force: dict[Organisation, list[Area]] = defaultdict(list)
    for municipality in municipalities:
        forces = police_by_muni.get(municipality.pk) or [police[municipality.pk % len(police)]]
        by_force[forces[0]].append(municipality)
    total = 0
    for force, areas in by_force.items():
        parts: dict[str, list[np.ndarray]] = defaultdict(list)
        for municipality in areas:
            box = _bounds(municipality)
            if box is None:
                continue
            n = years * per_year
            minx, miny, maxx, maxy = box
            centres = np.column_stack(
                [
                    draw.uniform(minx + (maxx - minx) / 4, maxx - (maxx - minx) / 4, 3),
                    draw.uniform(miny + (maxy - miny) / 4, maxy - (maxy - miny) / 4, 3),
                ]
            )
            near = draw.random(n) < 0.6
            which = draw.integers(0, 3, n)
            lon = np.where(
                near, centres[which, 0] + draw.normal(0, 0.003, n), draw.uniform(minx, maxx, n)
            )
            lat = np.where(
                near, centres[which, 1] + draw.normal(0, 0.003, n), draw.uniform(miny, maxy, n)
            )
            day_seconds = draw.integers(0, span_seconds // 86400, n) * 86400
            hour = np.where(draw.random(n) < 0.5, draw.integers(18, 24, n), draw.integers(0, 24, n))
            start = first_day + (day_seconds + hour * 3600 + draw.integers(0, 3600, n)).astype(
                "timedelta64[s]"
            )
            ranged = draw.random(n) < 0.05
            end = start + np.where(ranged, 6 * 3600, 0).astype("timedelta64[s]")
            own_parishes = [pk for pk, _name in parishes.get(municipality.pk, [])]
            parish = (
                np.asarray(own_parishes, dtype=np.int64)[draw.integers(0, len(own_parishes), n)]
                if own_parishes
                else np.zeros(n, dtype=np.int64)
            )
            parts["lon"].append(np.round(lon, 6))
            parts["lat"].append(np.round(lat, 6))
            parts["start"].append(start)
            parts["end"].append(end)
            parts["parish"].append(parish)
            parts["municipality"].append(np.full(n, municipality.pk, dtype=np.int64))
            parts["category"].append(
                np.asarray(leaves, dtype=np.int64)[draw.integers(0, len(leaves), n)]
            )
        if not parts:
            continue
        arrays = {key: np.concatenate(values) for key, values in parts.items()}
        size = len(arrays["lon"])
        source, _created = IncidentSource.objects.get_or_create(
            organisation=force, name=GENERATED_SOURCE
        )
        dataset = IncidentDataset.objects.create(
            organisation=force,
            source=source,
            original_name="gerado.csv",
            status=DatasetStatus.RUNNING,
            data_origin=SYNTHETIC,
            source_note=note[:300],
        )
        cells_9 = h3_cells(arrays["lon"], arrays["lat"], 9)
        prepared: dict[str, Any] = {
            "rows": size,
            "swapped": 0,
            "record_id": np.array([f"G{force.pk}-{i}" for i in range(size)], dtype=object),
            "category_id": arrays["category"],
            # Local (Lisbon) time is drawn; stored as UTC in winter time (offset 0).
            "occurred_from": arrays["start"] - LISBON_OFFSET,
            "occurred_to": arrays["end"] - LISBON_OFFSET,
            "local_from": arrays["start"],
            "lon": arrays["lon"],
            "lat": arrays["lat"],
            "method": np.full(size, LocationMethod.POINT.value, dtype=object),
            "parish_id": arrays["parish"],
            "municipality_id": arrays["municipality"],
            "h3_9": cells_9,
            "h3_8": h3_parent(cells_9, 8),
            "h3_7": h3_parent(cells_9, 7),
        }
        result = store(prepared, dataset, lambda _percent, _message: None)
        days = arrays["start"].astype("datetime64[D]")
        IncidentDataset.objects.filter(pk=dataset.pk).update(
            status=DatasetStatus.DONE,
            progress=100,
            row_count=size,
            created_count=result.created,
            period_start=days.min().item(),
            period_end=days.max().item(),
            finished_at=timezone.now(),
        )
        total += result.created
    log(f"Incidents: {total} over {years} years ({len(by_force)} police forces).")
    return {"incidents": total, "incident_datasets": len(by_force)}


def generated_incident_steps(marker: str) -> list[tuple[str, Any]]:
    """What ``delete_generated_data`` removes first: generated incidents, their data sets,
    sources and the counts of the generated forces."""
    from localsafety.diagnosis.models import Incident, IncidentCount

    generated = IncidentDataset.objects.filter(source_note__startswith=marker)
    return [
        ("incidents", Incident.objects.filter(dataset__in=generated)),
        (
            "incident counts",
            IncidentCount.objects.filter(organisation__source_note__startswith=marker),
        ),
        ("incident data sets", generated),
        (
            "incident sources",
            IncidentSource.objects.filter(
                name=GENERATED_SOURCE, organisation__source_note__startswith=marker
            ),
        ),
    ]
