"""Load Portugal's official territory from the reference folder (README.md there describes it).

Country > NUTS II (2013) > district / island > municipality (with boundary and Census 2021
population) > parish (2025 list, no boundary). The load is idempotent (update or create by
kind + code), atomic, and works in bulk: the whole folder loads in a few seconds.

Districts are filed under the NUTS II region that holds most of their municipalities (a few
districts span two regions); each municipality also keeps its own NUTS II code in
``Area.nuts2_code``, which is what filters by region use.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from shapely.geometry import shape
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from localsafety.core.errors import DomainError
from localsafety.core.models import DataOrigin
from localsafety.territory.codes import DISTRICT_NAMES, district_code_of, is_dico
from localsafety.territory.models import Area, AreaKind, AreaPopulation

MUNICIPALITIES_CSV = "pt_municipalities.csv"
PARISHES_CSV = "pt_parishes_2025.csv"
BOUNDARIES_GEOJSON = "pt_municipalities_simplified.geojson"
REQUIRED_FILES = (MUNICIPALITIES_CSV, PARISHES_CSV, BOUNDARIES_GEOJSON)

# Catalogue messages (shown translated by the ``source_note`` filter), stored in English.
SOURCE_MUNICIPALITY = gettext_noop(
    "INE — Código da Divisão Administrativa (revisão 2025) and Censos 2021; "
    "boundary: DGT CAOP (CC BY 4.0), simplified; area computed from it (approximate)"
)
SOURCE_PARISH = "INE — Código da Divisão Administrativa (revisão 2025)"
SOURCE_REGION = gettext_noop("DGT CAOP 2019 alphanumeric tables (NUTS 2013)")
SOURCE_POPULATION = gettext_noop("INE — Censos 2021, resident population (final results)")
SOURCE_FALLBACK = gettext_noop("INE code list (DICO and name only; boundary not loaded)")
POPULATION_YEAR = 2021

COMPARED_FIELDS = [
    "name",
    "parent_id",
    "nuts2_code",
    "nuts3_name",
    "area_km2",
    "label_lat",
    "label_lon",
    "geometry",
    "bbox",
    "is_active",
    "data_origin",
    "source_note",
]
# ``bulk_update`` calls no ``pre_save``: the name's folded key is set and written with it.
UPDATE_FIELDS = [name.removesuffix("_id") for name in COMPARED_FIELDS] + ["updated_at", "name_key"]


@dataclass
class LoadStats:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    populations_created: int = 0
    populations_updated: int = 0

    def as_dict(self) -> dict[str, Any]:
        kinds = set(self.created) | set(self.updated) | set(self.unchanged)
        return {
            "counts": {
                kind: self.created[kind] + self.updated[kind] + self.unchanged[kind]
                for kind in sorted(kinds)
            },
            "created": sum(self.created.values()),
            "updated": sum(self.updated.values()),
            "unchanged": sum(self.unchanged.values()),
            "populations_created": self.populations_created,
            "populations_updated": self.populations_updated,
        }


def reference_folder_status(directory: Path) -> dict[str, Any]:
    """Whether the folder exists and which of the expected files are missing."""
    missing = [name for name in REQUIRED_FILES if not (directory / name).is_file()]
    return {"directory": str(directory), "exists": directory.is_dir(), "missing": missing}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _bbox_text(bounds: Iterable[float]) -> str:
    return ",".join(f"{value:.5f}" for value in bounds)


class _Upserter:
    """Update-or-create official areas of one kind at a time, in bulk, with history."""

    def __init__(self, actor: Any, stats: LoadStats) -> None:
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.stats = stats
        self.now = timezone.now()

    def upsert(self, kind: str, rows: list[dict[str, Any]]) -> dict[str, Area]:
        existing = {
            area.code: area for area in Area.objects.filter(kind=kind, owner_contract__isnull=True)
        }
        to_create: list[Area] = []
        to_update: list[Area] = []
        result: dict[str, Area] = {}
        for row in rows:
            code = row["code"]
            values = {key: value for key, value in row.items() if key != "code"}
            area = existing.get(code)
            if area is None:
                area = Area(kind=kind, code=code, **values)
                to_create.append(area)
            else:
                changed = False
                for name, value in values.items():
                    if getattr(area, name) != value:
                        setattr(area, name, value)
                        changed = True
                if changed:
                    area.updated_at = self.now
                    area.refresh_keys()
                    to_update.append(area)
                else:
                    self.stats.unchanged[kind] += 1
            result[code] = area
        for area in to_create + to_update:
            area.full_clean(
                exclude=["parent", "owner_contract"],
                validate_unique=False,
                validate_constraints=False,
            )
        if to_create:
            bulk_create_with_history(
                to_create,
                Area,
                batch_size=500,
                default_user=self.actor,
                default_change_reason="reference load",
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                Area,
                fields=UPDATE_FIELDS,
                batch_size=500,
                default_user=self.actor,
                default_change_reason="reference load",
            )
        self.stats.created[kind] += len(to_create)
        self.stats.updated[kind] += len(to_update)
        return result


def _official_defaults(source: str) -> dict[str, Any]:
    return {
        "is_active": True,
        "data_origin": DataOrigin.REAL,
        "source_note": source,
    }


def load_reference(directory: Path, *, actor: Any = None) -> dict[str, Any]:
    """Load (or refresh) the official territory from ``directory``; returns counts.

    Raises ``DomainError`` when the folder or one of its files is missing.
    """
    status = reference_folder_status(directory)
    if not status["exists"] or status["missing"]:
        raise DomainError(
            _("The reference folder %(dir)s is missing or incomplete (missing: %(files)s).")
            % {"dir": directory, "files": ", ".join(status["missing"]) or "-"}
        )
    municipalities = _read_csv(directory / MUNICIPALITIES_CSV)
    parishes = _read_csv(directory / PARISHES_CSV)
    with (directory / BOUNDARIES_GEOJSON).open(encoding="utf-8") as handle:
        boundaries = json.load(handle)
    geometry_by_dico: dict[str, tuple[str, str]] = {}
    for feature in boundaries.get("features", []):
        geometry = feature.get("geometry")
        code = str((feature.get("properties") or {}).get("dico", ""))
        if geometry and code:
            geometry_by_dico[code] = (
                json.dumps(geometry, separators=(",", ":"), ensure_ascii=False),
                _bbox_text(shape(geometry).bounds),
            )

    stats = LoadStats()
    with transaction.atomic():
        upserter = _Upserter(actor, stats)
        country = upserter.upsert(
            AreaKind.COUNTRY,
            [
                {
                    "code": "PT",
                    "name": "Portugal",
                    "parent_id": None,
                    **_official_defaults(SOURCE_REGION),
                }
            ],
        )["PT"]

        nuts2_names: dict[str, str] = {}
        district_names: dict[str, str] = {}
        district_regions: dict[str, Counter[str]] = defaultdict(Counter)
        for row in municipalities:
            region = "PT" + row["nuts2_2013_code"].strip()
            nuts2_names[region] = row["nuts2_2013"].strip()
            district_names[row["district_code"]] = row["district_or_island"].strip()
            district_regions[row["district_code"]][region] += 1
        regions = upserter.upsert(
            AreaKind.NUTS2,
            [
                {
                    "code": code,
                    "name": name,
                    "parent_id": country.pk,
                    "nuts2_code": code,
                    **_official_defaults(SOURCE_REGION),
                }
                for code, name in sorted(nuts2_names.items())
            ],
        )
        districts = upserter.upsert(
            AreaKind.DISTRICT,
            [
                {
                    "code": code,
                    "name": name,
                    "parent_id": regions[district_regions[code].most_common(1)[0][0]].pk,
                    **_official_defaults(SOURCE_REGION),
                }
                for code, name in sorted(district_names.items())
            ],
        )
        municipality_rows = []
        for row in municipalities:
            geometry, bbox = geometry_by_dico.get(row["dico"], ("", ""))
            municipality_rows.append(
                {
                    "code": row["dico"],
                    "name": row["municipality"].strip(),
                    "parent_id": districts[row["district_code"]].pk,
                    "nuts2_code": "PT" + row["nuts2_2013_code"].strip(),
                    "nuts3_name": row["nuts3_2013"].strip(),
                    "area_km2": Decimal(row["area_km2_approx"]).quantize(Decimal("0.01"))
                    if row["area_km2_approx"]
                    else None,
                    "label_lat": float(row["label_lat"]) if row["label_lat"] else None,
                    "label_lon": float(row["label_lon"]) if row["label_lon"] else None,
                    "geometry": geometry,
                    "bbox": bbox,
                    **_official_defaults(SOURCE_MUNICIPALITY),
                }
            )
        by_dico = upserter.upsert(AreaKind.MUNICIPALITY, municipality_rows)
        _upsert_populations(municipalities, by_dico, stats)
        upserter.upsert(
            AreaKind.PARISH,
            [
                {
                    "code": row["dicofre"],
                    "name": row["parish"].strip(),
                    "parent_id": by_dico[row["dico"]].pk,
                    **_official_defaults(SOURCE_PARISH),
                }
                for row in parishes
                if row["dico"] in by_dico
            ],
        )
    return stats.as_dict()


def _optional_int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value else None


def _upsert_populations(
    rows: list[dict[str, str]], by_dico: dict[str, Area], stats: LoadStats
) -> None:
    existing = {
        population.area_id: population
        for population in AreaPopulation.objects.filter(
            year=POPULATION_YEAR, area_id__in=[area.pk for area in by_dico.values()]
        )
    }
    to_create: list[AreaPopulation] = []
    to_update: list[AreaPopulation] = []
    for row in rows:
        if not row.get("population_2021"):
            continue
        area = by_dico[row["dico"]]
        values = {
            "population": int(row["population_2021"]),
            "population_under15": _optional_int(row.get("population_2021_under15", "")),
            "population_65plus": _optional_int(row.get("population_2021_65plus", "")),
            "data_origin": DataOrigin.REAL,
            "source_note": SOURCE_POPULATION,
        }
        current = existing.get(area.pk)
        if current is None:
            to_create.append(AreaPopulation(area=area, year=POPULATION_YEAR, **values))
        elif any(getattr(current, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            to_update.append(current)
    AreaPopulation.objects.bulk_create(to_create, batch_size=500)
    AreaPopulation.objects.bulk_update(
        to_update,
        ["population", "population_under15", "population_65plus", "data_origin", "source_note"],
        batch_size=500,
    )
    stats.populations_created += len(to_create)
    stats.populations_updated += len(to_update)


@transaction.atomic
def ensure_municipalities(entries: list[tuple[str, str]], *, actor: Any = None) -> dict[str, Area]:
    """Make sure each (DICO, name) municipality exists, without boundaries.

    For use when the reference folder is missing (demo data, tests): creates the minimal
    chain country > district > municipality. Existing municipalities are returned as they
    are (their names are not overwritten). Raises ``DomainError`` for a malformed DICO.
    """
    bad = [code for code, _name in entries if not is_dico(code)]
    if bad:
        raise DomainError(
            _("Not a municipality code (4 digits, DICO): %(codes)s") % {"codes": ", ".join(bad)}
        )
    stats = LoadStats()
    upserter = _Upserter(actor, stats)
    country = Area.objects.filter(
        kind=AreaKind.COUNTRY, code="PT", owner_contract__isnull=True
    ).first()
    if country is None:
        country = upserter.upsert(
            AreaKind.COUNTRY,
            [{"code": "PT", "name": "Portugal", **_official_defaults(SOURCE_FALLBACK)}],
        )["PT"]
    wanted = {code: name for code, name in entries}
    existing = {
        area.code: area
        for area in Area.objects.filter(
            kind=AreaKind.MUNICIPALITY, owner_contract__isnull=True, code__in=list(wanted)
        )
    }
    missing = {code: name for code, name in wanted.items() if code not in existing}
    if missing:
        district_codes = sorted({district_code_of(code) for code in missing})
        districts = {
            area.code: area
            for area in Area.objects.filter(
                kind=AreaKind.DISTRICT, owner_contract__isnull=True, code__in=district_codes
            )
        }
        new_districts = [
            Area(
                kind=AreaKind.DISTRICT,
                code=code,
                name=DISTRICT_NAMES[code],
                parent=country,
                **_official_defaults(SOURCE_FALLBACK),
            )
            for code in district_codes
            if code not in districts
        ]
        if new_districts:
            bulk_create_with_history(new_districts, Area, default_user=upserter.actor)
            districts.update({area.code: area for area in new_districts})
        new_municipalities = [
            Area(
                kind=AreaKind.MUNICIPALITY,
                code=code,
                name=name,
                parent=districts[district_code_of(code)],
                **_official_defaults(SOURCE_FALLBACK),
            )
            for code, name in sorted(missing.items())
        ]
        bulk_create_with_history(new_municipalities, Area, default_user=upserter.actor)
        existing.update({area.code: area for area in new_municipalities})
    return {code: existing[code] for code in wanted}
