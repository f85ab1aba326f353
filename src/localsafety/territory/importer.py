"""Import area boundaries from a GeoPackage, a zipped shapefile or a GeoJSON file.

The file type is recognised by its bytes, never by its name. Every feature is checked
(code, name, geometry, coordinate system) and ALL problems are collected; if there is any,
``ImportRefused`` is raised with the list (file, feature, field, reason) and nothing is
stored. Otherwise the areas are created or updated in one transaction.

Caps (``territory.limits``): the number of features is read from each layer's header before
any geometry is parsed and a file over the cap is refused at once; a contract's zones may not
pass its cap; a refused file keeps only its first problems (and their count), each cut short.
A zipped shapefile is unpacked by ``core.archives`` (bounded, checked member by member) into a
work folder and GDAL reads the files from there, never the archive itself.

Reading uses ``pyogrio.raw`` (WKB arrays, no geopandas needed); any declared coordinate
system (ETRS89 / PT-TM06, EPSG:3763, the PTRA08 UTM zones of the islands, ...) is
reprojected to WGS84 with pyproj. CAOP's own GeoPackage is supported as published: its
columns DTMN / DTMNFR and Municipio / Freguesia are recognised, and its several layers
(mainland, Azores, Madeira) are read together.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from localsafety.core.archives import ArchiveRefused, inspect_archive, shown_name
from localsafety.core.dates import table_date
from localsafety.core.errors import ImportRefused
from localsafety.core.models import DataOrigin
from localsafety.territory import geometry as geo
from localsafety.territory import limits
from localsafety.territory.codes import DISTRICT_NAMES, is_dico, is_dicofre, normalise_code
from localsafety.territory.models import Area, AreaKind
from localsafety.territory.signals import zones_changed

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, str], None]

GEOJSON, SHAPEFILE_ZIP, GEOPACKAGE = "geojson", "shapefile-zip", "geopackage"
IMPORTABLE_KINDS = (AreaKind.MUNICIPALITY, AreaKind.PARISH, AreaKind.ZONE)
# The parts a zipped shapefile may hold (and a Mac's resource forks, which are skipped).
SHAPEFILE_PARTS = frozenset(
    ".shp .shx .dbf .prj .cpg .qpj .qmd .sbn .sbx .qix .fix .xml .atx .aih .ain .ixs .mxs "
    ".fbn .fbx".split()
)
MACOS_FORKS = "__MACOSX/"
# Problems are shown in a table: each text is cut to a readable length.
PROBLEM_TEXT_CHARS = {"file": 255, "feature": 100, "field": 100, "reason": 500}
# Official boundaries are simplified to about 10 m (like the reference layer): maps stay light.
OFFICIAL_SIMPLIFY_DEGREES = 0.0001

DEFAULT_CODE_FIELDS: dict[str, tuple[str, ...]] = {
    AreaKind.MUNICIPALITY: ("dico", "dtmn", "code", "codigo", "cod_mun"),
    AreaKind.PARISH: ("dicofre", "dtmnfr", "code", "codigo", "cod_freg"),
    AreaKind.ZONE: ("code", "codigo", "id_zone"),
}
DEFAULT_NAME_FIELDS: dict[str, tuple[str, ...]] = {
    AreaKind.MUNICIPALITY: ("municipio", "concelho", "nome", "name", "municipality"),
    AreaKind.PARISH: ("freguesia", "nome", "name", "parish"),
    AreaKind.ZONE: ("name", "nome", "zone", "zona"),
}
LAYER_HINTS: dict[str, tuple[str, ...]] = {
    AreaKind.MUNICIPALITY: ("munic", "concel"),
    AreaKind.PARISH: ("freg", "parish"),
    AreaKind.ZONE: (),
}


@dataclass
class ImportResult:
    features: int
    created: int
    updated: int
    areas: list[Area] = field(default_factory=list)


@dataclass
class _Feature:
    label: str
    code: str
    name: str
    geometry: BaseGeometry | None
    code_field: str = ""
    name_field: str = ""


@dataclass
class _Problems:
    """Every problem is counted; only the first ``shown`` are kept, each cut short."""

    file: str
    rows: list[dict[str, str]] = field(default_factory=list)
    count: int = 0
    shown: int = field(default_factory=limits.problems_shown)

    def add(self, reason: str, *, feature: str = "", field_name: str = "") -> None:
        self.count += 1
        if len(self.rows) < self.shown:
            row = {"file": self.file, "feature": feature, "field": field_name, "reason": reason}
            self.rows.append({key: _cut(str(value), key) for key, value in row.items()})

    def raise_if_any(self) -> None:
        if self.count:
            raise ImportRefused(
                _("The file was refused: %(count)s problem(s). Nothing was stored.")
                % {"count": self.count},
                problems=self.rows,
                total=self.count,
            )


def _cut(text: str, key: str) -> str:
    limit = PROBLEM_TEXT_CHARS[key]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sniff_geo_bytes(head: bytes) -> str | None:
    """Recognise a geo file from its first bytes: GeoJSON, zip archive or GeoPackage."""
    if head.startswith(b"SQLite format 3\x00"):
        return GEOPACKAGE
    if head.startswith(b"PK\x03\x04"):
        return SHAPEFILE_ZIP
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"{"):
        return GEOJSON
    return None


def unreadable(error: Exception) -> str:
    """Why GDAL could not read a file, in the reader's language. GDAL explains in English
    and names paths on the server: the known cases are said in words, the rest in general,
    and GDAL's own text goes to the log."""
    text = str(error)
    logger.info("GDAL could not read an uploaded file: %s", text)
    if "not recognized as" in text and "supported file format" in text:
        return _("The file cannot be read as geographic data: its format is not recognised.")
    if "No such file" in text or "does not exist" in text:
        return _("The file cannot be read as geographic data: a part of it is missing.")
    return _("The file cannot be read as geographic data: it is damaged or incomplete.")


def _refuse_file(file_label: str, reason: str, field_name: str = "") -> ImportRefused:
    problems = _Problems(file_label)
    problems.add(reason, field_name=field_name)
    return ImportRefused(
        _("The file was refused: %(reason)s") % {"reason": problems.rows[0]["reason"]},
        problems=problems.rows,
    )


def shapefile_zip_problem(names: list[str]) -> str | None:
    """Why a zip is not a shapefile upload (odd members, no or incomplete shapefile), or None."""
    kept = [name for name in names if not name.startswith(MACOS_FORKS)]
    for name in kept:
        if Path(name).suffix.lower() not in SHAPEFILE_PARTS:
            return _(
                "The zip archive holds %(name)s, which is not part of a shapefile "
                "(.shp, .shx, .dbf, .prj, .cpg)."
            ) % {"name": shown_name(name)}
    shapefiles = [name for name in kept if name.lower().endswith(".shp")]
    if not shapefiles:
        return _("The zip archive holds no shapefile (.shp with its .shx and .dbf).")
    lowered = {name.lower() for name in kept}
    for shp in shapefiles:
        stem = shp[:-4].lower()
        for part in (".shx", ".dbf"):
            if stem + part not in lowered:
                return _("The shapefile %(name)s is incomplete: %(part)s is missing.") % {
                    "name": shown_name(shp),
                    "part": part,
                }
    return None


def _unpack_shapefiles(path: Path, file_label: str, workdir: Path) -> list[str]:
    """Unpack the checked members into ``workdir``; return the shapefiles' paths there."""
    folder = workdir / "shapefile"
    folder.mkdir()
    try:
        with path.open("rb") as handle:
            contents = inspect_archive(
                handle, names_problem=shapefile_zip_problem, extract_to=folder
            )
    except ArchiveRefused as exc:
        raise _refuse_file(file_label, exc.message) from exc
    return [
        name
        for name in contents.names
        if name.lower().endswith(".shp") and not name.startswith(MACOS_FORKS)
    ]


@dataclass
class _Source:
    path: str
    layer: str | None
    label: str


def _sources(
    path: Path, kind: str, layer: str | None, file_label: str, workdir: Path
) -> list[_Source]:
    """The datasets/layers to read, after recognising the file by its content."""
    with path.open("rb") as handle:
        head = handle.read(64)
    file_type = sniff_geo_bytes(head)
    if file_type is None:
        raise _refuse_file(
            file_label,
            _(
                "This is not a GeoPackage, a zipped shapefile or a GeoJSON file "
                "(recognised by content, not by name)."
            ),
        )
    if file_type == SHAPEFILE_ZIP:
        members = _unpack_shapefiles(path, file_label, workdir)
        sources = [
            _Source(str(workdir / "shapefile" / member), None, Path(member).stem)
            for member in members
        ]
    else:
        suffix = ".gpkg" if file_type == GEOPACKAGE else ".geojson"
        local = workdir / f"upload{suffix}"
        shutil.copyfile(path, local)
        try:
            layers = [str(name) for name, _type in pyogrio.list_layers(str(local))]
        except Exception as exc:  # noqa: BLE001 - GDAL raises many kinds for broken files
            raise _refuse_file(file_label, unreadable(exc)) from exc
        sources = [_Source(str(local), name, name) for name in layers]
    if len(sources) > limits.MAX_LAYERS:
        raise _refuse_file(
            file_label,
            _("The file has %(count)s layers; at most %(limit)s are read.")
            % {"count": len(sources), "limit": limits.MAX_LAYERS},
        )
    if layer:
        sources = [source for source in sources if source.label == layer]
        if not sources:
            raise _refuse_file(
                file_label, _("The file has no layer named %(layer)s.") % {"layer": layer}
            )
    return sources


def _find_field(fields: list[str], wanted: str | None, defaults: tuple[str, ...]) -> str | None:
    lowered = {name.lower(): name for name in fields}
    if wanted:
        return lowered.get(wanted.lower())
    for candidate in defaults:
        if candidate in lowered:
            return lowered[candidate]
    return None


def _choose_layers(
    sources: list[_Source],
    kind: str,
    code_field: str | None,
    name_field: str | None,
    file_label: str,
) -> list[tuple[_Source, dict[str, Any], str | None, str | None]]:
    """Polygon layers that carry the code (or, for zones, the name) attribute."""
    candidates = []
    available: set[str] = set()
    for source in sources:
        try:
            info = pyogrio.read_info(source.path, layer=source.layer)
        except Exception as exc:  # noqa: BLE001 - GDAL raises many kinds for broken files
            raise _refuse_file(file_label, unreadable(exc)) from exc
        fields = [str(name) for name in info["fields"]]
        available.update(fields)
        geometry_type = str(info.get("geometry_type") or "")
        polygonal = not geometry_type or any(
            word in geometry_type for word in ("Polygon", "Surface", "Unknown")
        )
        code = _find_field(fields, code_field, DEFAULT_CODE_FIELDS[kind])
        name = _find_field(fields, name_field, DEFAULT_NAME_FIELDS[kind])
        key = name if kind == AreaKind.ZONE else code
        if key is None:
            continue
        candidates.append((source, info, code, name, polygonal))
    # Prefer polygon layers, and among them those named for the kind (CAOP: *_municipios);
    # a file with only other geometry types is read so that each feature is reported.
    polygon_layers = [item for item in candidates if item[4]] or candidates
    hinted = [
        item
        for item in polygon_layers
        if any(hint in item[0].label.lower() for hint in LAYER_HINTS[kind])
    ]
    chosen = [item[:4] for item in (hinted or polygon_layers)]
    if not chosen:
        wanted = (name_field or _("a name attribute")) if kind == AreaKind.ZONE else code_field
        field_name = wanted or ", ".join(DEFAULT_CODE_FIELDS[kind])
        raise _refuse_file(
            file_label,
            _(
                "No layer has the attribute %(field)s. Attributes in the file: "
                "%(available)s. Choose the code and name attributes."
            )
            % {"field": field_name, "available": ", ".join(sorted(available)) or "-"},
            field_name=field_name,
        )
    return chosen


def _read_features(
    path: Path,
    *,
    kind: str,
    code_field: str | None,
    name_field: str | None,
    layer: str | None,
    file_label: str,
    problems: _Problems,
) -> list[_Feature]:
    features: list[_Feature] = []
    with tempfile.TemporaryDirectory(prefix="localsafety-areas-") as tmp:
        sources = _sources(path, kind, layer, file_label, Path(tmp))
        chosen = _choose_layers(sources, kind, code_field, name_field, file_label)
        # The count is in each layer's header: refuse before any geometry is parsed.
        declared = sum(max(int(info.get("features") or 0), 0) for _s, info, _c, _n in chosen)
        _refuse_if_too_many(kind, declared, file_label)
        several = len(chosen) > 1
        for source, _info, code_name, name_name in chosen:
            columns = [name for name in (code_name, name_name) if name]
            try:
                # A layer that cannot count ahead (-1) is read no further than the cap.
                meta, _fids, wkb, field_data = pyogrio.raw.read(
                    source.path,
                    layer=source.layer,
                    columns=columns,
                    force_2d=True,
                    max_features=limits.max_features(kind) - len(features) + 1,
                )
            except Exception as exc:  # noqa: BLE001 - GDAL raises many kinds for broken files
                raise _refuse_file(
                    file_label,
                    unreadable(exc),
                ) from exc
            values = dict(zip(meta["fields"], field_data, strict=True))
            count = len(wkb) if wkb is not None else 0
            _refuse_if_too_many(kind, len(features) + count, file_label)
            geometries = (
                shapely.from_wkb(wkb, on_invalid="ignore") if count else np.array([], dtype=object)
            )
            crs = meta.get("crs")
            if crs is None:
                _check_plain_lonlat(geometries, file_label, problems)
            else:
                try:
                    geometries = geo.reproject(geometries, str(crs))
                except Exception as exc:  # noqa: BLE001 - pyproj errors vary
                    raise _refuse_file(
                        file_label,
                        _("The coordinate system %(crs)s cannot be converted to WGS84.")
                        % {"crs": crs},
                    ) from exc
            code_values = values.get(code_name) if code_name else None
            name_values = values.get(name_name) if name_name else None
            width = 6 if kind == AreaKind.PARISH else 4
            for index in range(count):
                label = f"{source.label} #{index + 1}" if several else str(index + 1)
                raw_name = name_values[index] if name_values is not None else None
                features.append(
                    _Feature(
                        label=label,
                        code=normalise_code(
                            code_values[index] if code_values is not None else None, width
                        ),
                        name=str(raw_name).strip() if raw_name is not None else "",
                        geometry=geometries[index],
                        code_field=code_name or "",
                        name_field=name_name or "",
                    )
                )
    return features


def _refuse_if_too_many(kind: str, count: int, file_label: str) -> None:
    reason = limits.too_many_features(kind, count)
    if reason is not None:
        raise _refuse_file(file_label, reason)


def _check_plain_lonlat(geometries: Any, file_label: str, problems: _Problems) -> None:
    """A file without a coordinate system is only accepted if it is plainly lon/lat."""
    present = [item for item in geometries if item is not None and not item.is_empty]
    if not present:
        return
    bounds = shapely.total_bounds(np.array(present, dtype=object))
    if not geo.in_portugal(bounds):
        raise _refuse_file(
            file_label,
            _(
                "Wrong coordinate system: the file declares none and its coordinates "
                "(%(bounds)s) are not longitude/latitude in Portugal. Add the .prj or "
                "declare the CRS (for example ETRS89 / PT-TM06, EPSG:3763)."
            )
            % {"bounds": ", ".join(f"{value:.1f}" for value in bounds)},
        )


def _check_features(
    features: list[_Feature], *, kind: str, contract: Any, problems: _Problems
) -> tuple[dict[str, tuple[str, BaseGeometry]], dict[str, Area]]:
    """Validate every feature; return {code: (name, geometry)} and the parents by code."""
    records: dict[str, tuple[str, BaseGeometry]] = {}
    parents: dict[str, Area] = {}
    municipalities: dict[str, Area] = {}
    if kind == AreaKind.PARISH:
        wanted = {feature.code[:4] for feature in features if is_dicofre(feature.code)}
        municipalities = {
            area.code: area
            for area in Area.objects.filter(
                kind=AreaKind.MUNICIPALITY, owner_contract__isnull=True, code__in=wanted
            )
        }
    within: list[Area] = []
    if kind == AreaKind.ZONE:
        if contract is None:
            problems.add(_("Zones belong to a contract: choose the contract."), field_name="")
            return records, parents
        within = contract_municipalities(contract)

    seen: dict[str, str] = {}
    for feature in features:
        code_field, name_field = feature.code_field, feature.name_field
        geometry = feature.geometry
        for reason in geo.polygon_problems(geometry):
            problems.add(reason, feature=feature.label, field_name="geometry")
            geometry = None
        if geometry is not None and not geo.in_portugal(geometry.bounds):
            problems.add(
                _("The geometry lies outside Portugal (wrong coordinate system?)."),
                feature=feature.label,
                field_name="geometry",
            )
            geometry = None

        code = feature.code
        if kind == AreaKind.MUNICIPALITY:
            if not is_dico(code):
                problems.add(
                    _("“%(code)s” is not a municipality code (DICO: 4 digits, e.g. 1106).")
                    % {"code": code},
                    feature=feature.label,
                    field_name=code_field,
                )
                continue
        elif kind == AreaKind.PARISH:
            if not is_dicofre(code):
                problems.add(
                    _("“%(code)s” is not a parish code (DICOFRE: 6 digits, e.g. 110658).")
                    % {"code": code},
                    feature=feature.label,
                    field_name=code_field,
                )
                continue
            parent = municipalities.get(code[:4])
            if parent is None:
                problems.add(
                    _(
                        "The municipality %(dico)s of this parish does not exist; "
                        "load the municipalities first."
                    )
                    % {"dico": code[:4]},
                    feature=feature.label,
                    field_name=code_field,
                )
                continue
            parents[code] = parent
        else:
            if not feature.name:
                problems.add(
                    _("A zone needs a name."), feature=feature.label, field_name=name_field
                )
                continue
            code = (code or slugify(feature.name))[:40]
            if not code:
                problems.add(
                    _("The zone's code cannot be made from its name."),
                    feature=feature.label,
                    field_name=code_field or name_field,
                )
                continue
            if geometry is not None:
                zone_parent = choose_zone_parent(within, geometry)
                if zone_parent is None:
                    problems.add(
                        _("The zone lies outside the contract's municipalities."),
                        feature=feature.label,
                        field_name="geometry",
                    )
                    continue
                parents[code] = zone_parent

        if geometry is None:
            continue
        if code in seen:
            problems.add(
                _("The code %(code)s appears more than once (first in feature %(first)s).")
                % {"code": code, "first": seen[code]},
                feature=feature.label,
                field_name=code_field,
            )
            continue
        seen[code] = feature.label
        records[code] = (feature.name, geometry)
    return records, parents


def contract_municipalities(contract: Any) -> list[Area]:
    """The municipalities a contract covers (its own and any in its areas): zones lie inside."""
    chosen = {contract.municipality_id: contract.municipality}
    for area in contract.areas.filter(kind=AreaKind.MUNICIPALITY):
        chosen[area.pk] = area
    return list(chosen.values())


def choose_zone_parent(municipalities: list[Area], geometry: BaseGeometry) -> Area | None:
    """The contract municipality that holds most of the zone (the first when none is drawn)."""
    if not municipalities:
        return None
    with_boundary = [area for area in municipalities if area.geometry]
    if not with_boundary:
        return municipalities[0]
    best: tuple[float, Area] | None = None
    for area in with_boundary:
        try:
            boundary = shapely.from_geojson(area.geometry)
        except shapely.errors.ShapelyError:
            continue
        overlap = boundary.intersection(geometry).area if boundary.intersects(geometry) else 0.0
        if overlap > 0 and (best is None or overlap > best[0]):
            best = (overlap, area)
    if best is not None:
        return best[1]
    if len(with_boundary) < len(municipalities):
        return next(area for area in municipalities if not area.geometry)
    return None


def import_areas(
    path: Path,
    *,
    kind: str,
    actor: Any = None,
    contract: Any = None,
    code_field: str | None = None,
    name_field: str | None = None,
    layer: str | None = None,
    file_label: str | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Check the whole file, then create/update its areas atomically; see the module doc.

    Permission checks are the caller's (the upload service; the command line is trusted).
    """
    report: ProgressCallback = progress or (lambda _percent, _message: None)
    label = file_label or path.name
    problems = _Problems(label)
    if kind not in IMPORTABLE_KINDS:
        raise _refuse_file(label, _("Only municipalities, parishes and zones can be imported."))
    report(5, _("Reading the file"))
    features = _read_features(
        path,
        kind=kind,
        code_field=code_field or None,
        name_field=name_field or None,
        layer=layer or None,
        file_label=label,
        problems=problems,
    )
    problems.raise_if_any()
    if not features:
        raise _refuse_file(label, _("The file has no features."))
    report(40, _("Checking %(count)s features") % {"count": len(features)})
    records, parents = _check_features(features, kind=kind, contract=contract, problems=problems)
    problems.raise_if_any()
    report(70, _("Storing %(count)s areas") % {"count": len(records)})
    result = _store(records, parents, kind=kind, contract=contract, actor=actor, file_label=label)
    result.features = len(features)
    report(100, _("Done"))
    return result


@transaction.atomic
def _store(
    records: dict[str, tuple[str, BaseGeometry]],
    parents: dict[str, Area],
    *,
    kind: str,
    contract: Any,
    actor: Any,
    file_label: str,
) -> ImportResult:
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    source_note = (
        _("Boundary imported from %(file)s on %(date)s")
        % {"file": file_label, "date": table_date(now)}
    )[:300]
    if kind == AreaKind.ZONE:
        limits.lock_contract(contract)
        existing = {area.code: area for area in Area.objects.filter(owner_contract=contract)}
        total = len(existing) + sum(1 for code in records if code not in existing)
        too_many = limits.too_many_zones(contract, total)
        if too_many is not None:
            raise _refuse_file(file_label, too_many)
    else:
        existing = {
            area.code: area
            for area in Area.objects.filter(
                kind=kind, owner_contract__isnull=True, code__in=list(records)
            )
        }
    if kind == AreaKind.MUNICIPALITY:
        parents.update(_districts_for([code for code in records if code not in existing]))
    to_create: list[Area] = []
    to_update: list[Area] = []
    for code, (name, shape) in records.items():
        if kind != AreaKind.ZONE:
            simplified = shape.simplify(OFFICIAL_SIMPLIFY_DEGREES, preserve_topology=True)
            if simplified.is_valid and not simplified.is_empty:
                shape = simplified
        lat, lon = geo.label_point(shape)
        values: dict[str, Any] = {
            "geometry": geo.to_geojson_text(shape),
            "bbox": geo.bbox_text(shape),
            "label_lat": lat,
            "label_lon": lon,
            "area_km2": geo.area_km2(shape),
            "source_note": source_note,
        }
        area = existing.get(code)
        if area is None:
            area = Area(
                kind=kind,
                code=code,
                name=name,
                parent=parents.get(code),
                owner_contract=contract if kind == AreaKind.ZONE else None,
                data_origin=DataOrigin.ENTERED,
                **values,
            )
            to_create.append(area)
        else:
            if name:
                area.name = name
            if kind == AreaKind.ZONE and code in parents:
                area.parent = parents[code]
            for key, value in values.items():
                setattr(area, key, value)
            area.updated_at = now
            area.refresh_keys()  # bulk_update calls no pre_save
            to_update.append(area)
        area.full_clean(validate_unique=False, validate_constraints=False)
    if to_create:
        bulk_create_with_history(
            to_create, Area, batch_size=500, default_user=user, default_change_reason="import"
        )
    if to_update:
        bulk_update_with_history(
            to_update,
            Area,
            fields=[
                "name",
                "parent",
                "geometry",
                "bbox",
                "label_lat",
                "label_lon",
                "area_km2",
                "source_note",
                "updated_at",
                "name_key",
            ],
            batch_size=500,
            default_user=user,
            default_change_reason="import",
        )
    if kind == AreaKind.ZONE:
        # In the same transaction: the contract's app makes the zones part of the territory
        # it covers (as it does for drawn ones) and moves its pages' cache generation.
        zone_ids = list(
            Area.objects.filter(owner_contract=contract, code__in=list(records)).values_list(
                "pk", flat=True
            )
        )
        zones_changed.send(sender=Area, contract_id=contract.pk, zone_ids=zone_ids)
    return ImportResult(
        features=len(records),
        created=len(to_create),
        updated=len(to_update),
        areas=to_create + to_update,
    )


def _districts_for(codes: list[str]) -> dict[str, Area]:
    """Parents for new municipalities: their district, created under Portugal if missing."""
    if not codes:
        return {}
    district_codes = sorted({code[:2] for code in codes})
    districts = {
        area.code: area
        for area in Area.objects.filter(
            kind=AreaKind.DISTRICT, owner_contract__isnull=True, code__in=district_codes
        )
    }
    missing = [code for code in district_codes if code not in districts]
    if missing:
        country, _created = Area.objects.get_or_create(
            kind=AreaKind.COUNTRY,
            code="PT",
            owner_contract=None,
            defaults={"name": "Portugal", "data_origin": DataOrigin.REAL},
        )
        for code in missing:
            districts[code] = Area.objects.create(
                kind=AreaKind.DISTRICT,
                code=code,
                name=DISTRICT_NAMES[code],
                parent=country,
                data_origin=DataOrigin.REAL,
            )
    return {code: districts[code[:2]] for code in codes}
