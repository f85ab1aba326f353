"""Writes for the territory: boundary uploads (run in the background) and reference loading.

A contract's zones are drawn, changed and deleted in ``contracts.zones``; their uploads come
through ``area_import_create`` here, with the contract as an opaque object.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from localsafety.core.archives import inspect_archive
from localsafety.core.audit import create_validated
from localsafety.core.errors import DomainError, ImportRefused
from localsafety.territory import limits
from localsafety.territory.access import can_import, is_national
from localsafety.territory.importer import (
    IMPORTABLE_KINDS,
    SHAPEFILE_ZIP,
    import_areas,
    shapefile_zip_problem,
    sniff_geo_bytes,
)
from localsafety.territory.models import AreaImport, AreaKind, ImportStatus
from localsafety.territory.reference import load_reference

logger = logging.getLogger(__name__)


# --- boundary uploads ------------------------------------------------------------------


@transaction.atomic
def area_import_create(
    *,
    actor: Any,
    uploaded_file: UploadedFile,
    kind: str,
    contract: Any = None,
    code_field: str = "",
    name_field: str = "",
) -> AreaImport:
    """Store the upload and queue the import (after commit); the task does the work.

    Official boundaries are national users' to import; a contract's zones (``contract`` is
    opaque here) whoever the contract's rules allow (``territory.access.can_import``). The
    file's size is capped by kind (``territory.limits``); a zip is inspected now.
    """
    if kind not in IMPORTABLE_KINDS:
        raise DomainError(_("Choose municipalities, parishes or zones."), field="kind")
    if kind == AreaKind.ZONE and contract is None:
        raise DomainError(_("Zones belong to a contract."), field="kind")
    if not can_import(actor, kind=kind, contract=contract):
        raise PermissionDenied(_("You may not import these areas."))
    too_large = limits.file_too_large(kind, uploaded_file.size or 0)
    if too_large is not None:
        raise DomainError(too_large, field="file")
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
        # Unpacked here once within the caps (and again by the import, into its work folder):
        # a bomb or a stray member is refused before anything is stored or queued.
        inspect_archive(uploaded_file, names_problem=shapefile_zip_problem)
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
            problem_count=exc.total,
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
        problem_count=0,
    )


def reference_load(*, actor: Any) -> dict[str, Any]:
    """Load the official territory from the configured folder (national users only)."""
    if not is_national(actor):
        raise PermissionDenied(_("Only national users manage reference data."))
    return load_reference(Path(settings.LOCALSAFETY_REFERENCE_DIR), actor=actor)
