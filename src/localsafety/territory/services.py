"""Writes for the territory: boundary uploads (run in the background) and contract zones."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.contracts.services import contract_touch
from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.errors import DomainError, ImportRefused
from localsafety.core.models import DataOrigin
from localsafety.territory import geometry as geo
from localsafety.territory.importer import (
    IMPORTABLE_KINDS,
    SHAPEFILE_ZIP,
    _contract_municipalities,
    choose_zone_parent,
    import_areas,
    sniff_geo_bytes,
)
from localsafety.territory.models import Area, AreaImport, AreaKind, ImportStatus
from localsafety.territory.reference import load_reference

logger = logging.getLogger(__name__)


def can_import(actor: Any, *, kind: str, contract: Contract | None) -> bool:
    scope = scope_for(actor)
    if kind == AreaKind.ZONE:
        return contract is not None and scope.can_manage_contract(contract.pk)
    return scope.can_manage_reference_data


# --- boundary uploads ------------------------------------------------------------------


@transaction.atomic
def area_import_create(
    *,
    actor: Any,
    uploaded_file: UploadedFile,
    kind: str,
    contract: Contract | None = None,
    code_field: str = "",
    name_field: str = "",
) -> AreaImport:
    """Store the upload and queue the import (after commit); the task does the work."""
    if kind not in IMPORTABLE_KINDS:
        raise DomainError(_("Choose municipalities, parishes or zones."), field="kind")
    if kind == AreaKind.ZONE and contract is None:
        raise DomainError(_("Zones belong to a contract."), field="kind")
    if not can_import(actor, kind=kind, contract=contract):
        raise PermissionDenied(_("You may not import these areas."))
    if uploaded_file.size and uploaded_file.size > settings.LOCALSAFETY_MAX_AREA_FILE_BYTES:
        raise DomainError(_("The file is too large."), field="file")
    uploaded_file.seek(0)
    head = uploaded_file.read(64)
    uploaded_file.seek(0)
    file_type = sniff_geo_bytes(head)
    if file_type is None:
        raise DomainError(
            _(
                "This is not a GeoPackage, a zipped shapefile or a GeoJSON file "
                "(recognised by content, not by name)."
            ),
            field="file",
        )
    if file_type == SHAPEFILE_ZIP:
        import zipfile

        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                has_shp = any(name.lower().endswith(".shp") for name in archive.namelist())
        except zipfile.BadZipFile as exc:
            raise DomainError(_("The zip archive cannot be read."), field="file") from exc
        finally:
            uploaded_file.seek(0)
        if not has_shp:
            raise DomainError(_("The zip archive holds no shapefile (.shp)."), field="file")
    area_import = create_validated(
        AreaImport,
        file=uploaded_file,
        original_name=(uploaded_file.name or "upload")[:255],
        kind=kind,
        contract=contract if kind == AreaKind.ZONE else None,
        uploaded_by=actor,
        code_field=code_field.strip(),
        name_field=name_field.strip(),
        status=ImportStatus.QUEUED,
        message=_("Waiting for a worker"),
        problems=[],
    )
    from localsafety.territory.tasks import run_area_import

    import_id = area_import.pk
    transaction.on_commit(lambda: run_area_import.enqueue(import_id))
    return area_import


def _set_progress(import_id: int, **values: Any) -> None:
    AreaImport.objects.filter(pk=import_id).update(**values)


def area_import_run(*, import_id: int) -> None:
    """Run one queued import, keeping its status, progress, message and problems current."""
    area_import = AreaImport.objects.select_related("contract", "uploaded_by").get(pk=import_id)
    if area_import.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return
    _set_progress(import_id, status=ImportStatus.RUNNING, progress=1, message=_("Started"))
    try:
        path = Path(area_import.file.path)
        result = import_areas(
            path,
            kind=area_import.kind,
            actor=area_import.uploaded_by,
            contract=area_import.contract,
            code_field=area_import.code_field,
            name_field=area_import.name_field,
            file_label=area_import.original_name,
            progress=lambda percent, message: _set_progress(
                import_id, progress=min(percent, 99), message=message
            ),
        )
    except ImportRefused as exc:
        _set_progress(
            import_id,
            status=ImportStatus.REFUSED,
            progress=100,
            message=exc.message,
            problems=exc.problems,
        )
        return
    except Exception as exc:  # noqa: BLE001 - the page must show that the import failed
        logger.exception("area import %s failed", import_id)
        _set_progress(
            import_id,
            status=ImportStatus.FAILED,
            progress=100,
            message=_("The import failed unexpectedly: %(error)s") % {"error": exc},
        )
        return
    _set_progress(
        import_id,
        status=ImportStatus.DONE,
        progress=100,
        message=_("Imported %(count)s feature(s): %(created)s created, %(updated)s updated.")
        % {"count": result.features, "created": result.created, "updated": result.updated},
        created_count=result.created,
        updated_count=result.updated,
        problems=[],
    )


def reference_load(*, actor: Any) -> dict[str, Any]:
    """Load the official territory from the configured folder (national users only)."""
    if not scope_for(actor).can_manage_reference_data:
        raise PermissionDenied(_("Only national users manage reference data."))
    return load_reference(Path(settings.LOCALSAFETY_REFERENCE_DIR), actor=actor)


# --- contract zones --------------------------------------------------------------------


def _require_zone_manager(actor: Any, contract: Contract) -> None:
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise PermissionDenied(_("Only the contract's lead organisation manages its zones."))


def _zone_shape(geometry_geojson: str) -> Any:
    try:
        return geo.parse_geojson(geometry_geojson)
    except geo.GeometryError as exc:
        raise DomainError(str(exc), field="geometry") from exc


def _zone_code(contract: Contract, code: str, name: str, *, exclude_pk: int | None) -> str:
    base = (code.strip() or slugify(name) or "zone")[:40]
    if code.strip():
        clash = Area.objects.filter(owner_contract=contract, code=base)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise DomainError(_("This contract already has a zone with that code."), field="code")
        return base
    taken = set(
        Area.objects.filter(owner_contract=contract, code__startswith=base[:36])
        .exclude(pk=exclude_pk or 0)
        .values_list("code", flat=True)
    )
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base[:36]}-{number}"
        number += 1
    return candidate


def _zone_values(contract: Contract, shape: Any) -> dict[str, Any]:
    parent = choose_zone_parent(_contract_municipalities(contract), shape)
    if parent is None:
        raise DomainError(
            _("The zone lies outside the contract's municipalities."), field="geometry"
        )
    lat, lon = geo.label_point(shape)
    return {
        "parent": parent,
        "geometry": geo.to_geojson_text(shape),
        "bbox": geo.bbox_text(shape),
        "label_lat": lat,
        "label_lon": lon,
        "area_km2": geo.area_km2(shape),
    }


@transaction.atomic
def zone_create(
    *,
    actor: Any,
    contract: Contract,
    name: str,
    code: str = "",
    geometry_geojson: str,
    description: str = "",
) -> Area:
    """A zone the contract defines (an estate, a neighbourhood), drawn or uploaded."""
    _require_zone_manager(actor, contract)
    if not name.strip():
        raise DomainError(_("A zone needs a name."), field="name")
    shape = _zone_shape(geometry_geojson)
    zone = create_validated(
        Area,
        actor=actor,
        reason="zone created",
        kind=AreaKind.ZONE,
        owner_contract=contract,
        code=_zone_code(contract, code, name, exclude_pk=None),
        name=name.strip(),
        description=description.strip(),
        data_origin=DataOrigin.ENTERED,
        **_zone_values(contract, shape),
    )
    # A zone the contract defines is part of the territory it covers.
    contract.areas.add(zone)
    contract_touch(contract.pk)
    return zone


@transaction.atomic
def zone_update(
    *,
    actor: Any,
    zone: Area,
    name: str,
    code: str = "",
    geometry_geojson: str = "",
    description: str = "",
) -> Area:
    """Rename, redescribe or redraw a zone (an empty geometry keeps the current boundary)."""
    contract = zone.owner_contract
    if zone.kind != AreaKind.ZONE or contract is None:
        raise DomainError(_("Only contract zones can be changed here."))
    _require_zone_manager(actor, contract)
    if not name.strip():
        raise DomainError(_("A zone needs a name."), field="name")
    zone.name = name.strip()
    zone.description = description.strip()
    zone.code = _zone_code(contract, code or zone.code, name, exclude_pk=zone.pk)
    fields = ["name", "description", "code", "updated_at"]
    if geometry_geojson.strip():
        for key, value in _zone_values(contract, _zone_shape(geometry_geojson)).items():
            setattr(zone, key, value)
        fields += ["parent", "geometry", "bbox", "label_lat", "label_lon", "area_km2"]
    save_fields(zone, fields, actor=actor, reason="zone changed")
    contract_touch(contract.pk)
    return zone


@transaction.atomic
def zone_delete(*, actor: Any, zone: Area) -> None:
    contract = zone.owner_contract
    if zone.kind != AreaKind.ZONE or contract is None:
        raise DomainError(_("Only contract zones can be deleted here."))
    _require_zone_manager(actor, contract)
    mark_change(zone, actor=actor, reason="zone deleted")
    try:
        zone.delete()
    except ProtectedError as exc:
        raise DomainError(
            _("This zone is used by other records (data, measures) and cannot be deleted.")
        ) from exc
    contract_touch(contract.pk)
