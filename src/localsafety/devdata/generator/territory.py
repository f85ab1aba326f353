"""The territory to generate for: the real reference when available, else a synthetic one.

Country > NUTS II > districts > municipalities (DICO) > parishes (DICOFRE). An existing official
territory is reused as it is.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from localsafety.devdata.generator.base import SYNTHETIC, Scale, bulk
from localsafety.devdata.generator.names import (
    DISTRICTS,
    NUTS2,
    PARISH_NAMES,
    PLACE_STEMS,
    PLACE_SUFFIXES,
)
from localsafety.territory.models import Area, AreaKind, AreaPopulation
from localsafety.territory.reference import load_reference


def _square(lat: float, lon: float, half: float) -> str:
    ring = [
        [round(lon - half, 5), round(lat - half, 5)],
        [round(lon + half, 5), round(lat - half, 5)],
        [round(lon + half, 5), round(lat + half, 5)],
        [round(lon - half, 5), round(lat + half, 5)],
        [round(lon - half, 5), round(lat - half, 5)],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring]}, separators=(",", ":"))


@dataclass
class Territory:
    source: str
    municipalities: list[Area]
    parishes: dict[int, list[tuple[int, str]]]  # municipality pk -> [(parish pk, name)]
    population: dict[int, int]


def _load_reference(log: Callable[[str], None]) -> bool:
    directory = Path(settings.LOCALSAFETY_REFERENCE_DIR)
    if not directory.is_dir():
        log(f"Reference folder {directory} not found; creating synthetic municipalities instead.")
        return False
    log(f"Loading reference municipalities and parishes from {directory} ...")
    load_reference(directory)
    return Area.objects.filter(kind=AreaKind.MUNICIPALITY).exists()


def _create_synthetic_territory(scale: Scale, rng: random.Random, note: str) -> None:
    """Country > NUTS II > 20 districts > municipalities (DICO) > parishes (DICOFRE)."""
    existing = {
        (kind, code): pk
        for kind, code, pk in Area.objects.filter(owner_contract__isnull=True).values_list(
            "kind", "code", "pk"
        )
    }

    def area(kind: str, code: str, name: str, parent_id: int | None, **extra: Any) -> Area:
        return Area(
            kind=kind,
            code=code,
            name=name,
            parent_id=parent_id,
            data_origin=SYNTHETIC,
            source_note=note,
            **extra,
        )

    country_id = existing.get((AreaKind.COUNTRY, "PT"))
    if country_id is None:
        country_id = bulk(Area, [area(AreaKind.COUNTRY, "PT", "Portugal", None)])[0].pk
    nuts2_ids: dict[str, int] = {}
    new_nuts2 = []
    for code, name in NUTS2:
        if (AreaKind.NUTS2, code) in existing:
            nuts2_ids[code] = existing[(AreaKind.NUTS2, code)]
        else:
            new_nuts2.append(area(AreaKind.NUTS2, code, name, country_id))
    for created in bulk(Area, new_nuts2):
        nuts2_ids[created.code] = created.pk
    district_ids: dict[str, int] = {}
    new_districts = []
    for code, name, nuts2, _box in DISTRICTS:
        if (AreaKind.DISTRICT, code) in existing:
            district_ids[code] = existing[(AreaKind.DISTRICT, code)]
        else:
            new_districts.append(area(AreaKind.DISTRICT, code, name, nuts2_ids[nuts2]))
    for created in bulk(Area, new_districts):
        district_ids[created.code] = created.pk

    names = [f"{stem} {suffix}" for stem in PLACE_STEMS for suffix in PLACE_SUFFIXES]
    rng.shuffle(names)
    municipalities = []
    per_district: dict[str, int] = defaultdict(int)
    for index in range(scale.municipalities):
        code, _name, nuts2, box = DISTRICTS[index % len(DISTRICTS)]
        per_district[code] += 1
        dico = f"{code}{per_district[code]:02d}"
        lat = rng.uniform(box[0], box[1])
        lon = rng.uniform(box[2], box[3])
        extra: dict[str, Any] = {
            "label_lat": round(lat, 5),
            "label_lon": round(lon, 5),
            "geometry": _square(lat, lon, 0.04),
            "area_km2": round(rng.uniform(20, 900), 2),
            "nuts2_code": nuts2,
        }
        name = names[index % len(names)] + ("" if index < len(names) else f" {index}")
        municipalities.append(area(AreaKind.MUNICIPALITY, dico, name, district_ids[code], **extra))
    municipalities = bulk(Area, municipalities)
    bulk(
        AreaPopulation,
        [
            AreaPopulation(
                area_id=muni.pk,
                year=2021,
                population=int(rng.lognormvariate(10, 1.0)) + 1500,
                data_origin=SYNTHETIC,
                source_note=note,
            )
            for muni in municipalities
        ],
    )
    parishes = []
    average = scale.parishes_per_municipality
    for muni in municipalities:
        count = rng.randint(max(1, average // 2), average + average // 2)
        for number in range(1, count + 1):
            parishes.append(
                area(
                    AreaKind.PARISH,
                    f"{muni.code}{number:02d}",
                    f"{PARISH_NAMES[(number - 1) % len(PARISH_NAMES)]} ({muni.name})",
                    muni.pk,
                )
            )
    bulk(Area, parishes)


def load_territory(
    scale: Scale, rng: random.Random, note: str, log: Callable[[str], None]
) -> Territory:
    official = Area.objects.filter(owner_contract__isnull=True, is_active=True)
    source = "existing"
    if not official.filter(kind=AreaKind.MUNICIPALITY).exists():
        if scale.use_reference and _load_reference(log):
            source = "reference"
        else:
            _create_synthetic_territory(scale, rng, note)
            source = "synthetic"
    municipalities = list(official.filter(kind=AreaKind.MUNICIPALITY).order_by("code"))
    if not scale.use_reference:
        municipalities = municipalities[: scale.municipalities]
    muni_ids = {m.pk for m in municipalities}
    parishes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, parent_id, name in official.filter(
        kind=AreaKind.PARISH, parent_id__in=muni_ids
    ).values_list("pk", "parent_id", "name"):
        parishes[parent_id].append((pk, name))
    population: dict[int, int] = {}
    for area_id, people in (
        AreaPopulation.objects.filter(area_id__in=muni_ids)
        .order_by("area_id", "year")
        .values_list("area_id", "population")
    ):
        population[area_id] = people  # the latest year wins
    return Territory(source, municipalities, parishes, population)
