"""Writes for crime data: incident imports (police) and published statistics (national).

Incident data belong to a police force: only its members upload, map and run imports
(``scope.police_organisation_ids``). An upload is stored and waits for its column mapping
(prefilled from the source's remembered one); saving the mapping remembers it for the source
and queues the import (after commit) as a background task that keeps status and progress on
the data set. The command line (``localsafety import-incidents``) runs the same import at
once with the remembered mapping. Published statistics are national reference data: national
users import them (page or ``localsafety import-statistics``).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localsafety.contracts.access import scope_for
from localsafety.core.errors import DomainError, ImportRefused
from localsafety.core.locking import require_version
from localsafety.core.tabular import check_size, read_table
from localsafety.diagnosis.importing.fields import INCIDENT_FIELDS
from localsafety.diagnosis.importing.incidents import IncidentImportResult, import_incidents
from localsafety.diagnosis.importing.statistics import StatisticsImportResult, import_statistics
from localsafety.diagnosis.models import (
    CoordinateSystem,
    CrimeCategory,
    DatasetStatus,
    IncidentDataset,
    IncidentSource,
    StatisticsDataset,
)
from localsafety.diagnosis.taxonomy import LEAF_CODES
from localsafety.organisations.models import POLICE_KINDS, Organisation

logger = logging.getLogger(__name__)


def require_police_of(actor: Any, organisation: Organisation | int) -> None:
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    if organisation_id not in scope_for(actor).police_organisation_ids:
        raise PermissionDenied(_("Only the police force that owns these data may do this."))


def checksum_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _source(organisation: Organisation, name: str, actor: Any) -> IncidentSource:
    name = name.strip()
    if not name:
        raise DomainError(_("Name the source (e.g. “PSP Lisboa monthly export”)."), field="source")
    source, _created = IncidentSource.objects.get_or_create(
        organisation=organisation, name=name[:120], defaults={"created_by": actor}
    )
    return source


# --- incident imports from the pages --------------------------------------------------------


@transaction.atomic
def incident_dataset_create(
    *, actor: Any, organisation: Organisation, source_name: str, uploaded_file: UploadedFile
) -> IncidentDataset:
    """Store an upload; it waits for its column mapping (prefilled from the source's)."""
    require_police_of(actor, organisation)
    name = (uploaded_file.name or "upload")[:255]
    try:
        check_size(name, uploaded_file.size or 0)
    except ImportRefused as exc:
        raise DomainError(exc.message, field="file") from exc
    source = _source(organisation, source_name, actor)
    dataset = IncidentDataset(
        organisation=organisation,
        source=source,
        original_name=name,
        file_size=uploaded_file.size or 0,
        checksum=checksum_of(uploaded_file),
        imported_by=actor,
        status=DatasetStatus.MAPPING,
        message=_("Check the column mapping, then run the import."),
    )
    dataset.file.save(name, uploaded_file, save=False)
    dataset.full_clean()
    dataset.save()
    return dataset


def _clean_mapping(
    columns: dict[str, str], category_codes: dict[str, str], coordinate_system: str
) -> tuple[dict[str, str], dict[str, str]]:
    known = {field.name for field in INCIDENT_FIELDS}
    clean_columns = {
        name: header.strip()[:200] for name, header in columns.items() if name in known and header
    }
    clean_codes: dict[str, str] = {}
    for code, target in category_codes.items():
        if not target:
            continue
        if target not in LEAF_CODES:
            raise DomainError(
                _("“%(target)s” is not a category of the taxonomy.") % {"target": target},
                field="category_codes",
            )
        clean_codes[str(code).strip()[:100]] = target
    if coordinate_system not in CoordinateSystem.values:
        raise DomainError(_("Choose a coordinate system."), field="coordinate_system")
    return clean_columns, clean_codes


@transaction.atomic
def incident_source_map(
    *,
    actor: Any,
    source: IncidentSource,
    expected_version: int | None,
    columns: dict[str, str],
    category_codes: dict[str, str],
    coordinate_system: str,
) -> IncidentSource:
    """Remember a source's mapping (optimistic locking: the version the form was made on)."""
    require_police_of(actor, source.organisation_id)
    source = IncidentSource.objects.select_for_update().get(pk=source.pk)
    require_version(source.version, expected_version)
    source.columns, merged = _clean_mapping(columns, category_codes, coordinate_system)
    source.category_codes = {**(source.category_codes or {}), **merged}
    source.coordinate_system = coordinate_system
    source.version += 1
    source.full_clean()
    source.save(
        update_fields=["columns", "category_codes", "coordinate_system", "version", "updated_at"]
    )
    return source


@transaction.atomic
def incident_dataset_queue(*, actor: Any, dataset: IncidentDataset) -> IncidentDataset:
    """Queue a mapped upload for import (the task runs after commit)."""
    require_police_of(actor, dataset.organisation_id)
    updated = IncidentDataset.objects.filter(
        pk=dataset.pk, status__in=[DatasetStatus.MAPPING, DatasetStatus.REFUSED]
    ).update(
        status=DatasetStatus.QUEUED,
        progress=0,
        message=_("Waiting for a worker"),
        problems=[],
        problem_count=0,
    )
    if not updated:
        raise DomainError(_("This import has already run."))
    from localsafety.diagnosis.tasks import run_incident_import

    dataset_id = dataset.pk
    transaction.on_commit(lambda: run_incident_import.enqueue(dataset_id))
    dataset.refresh_from_db()
    return dataset


def _set_progress(dataset_id: int, **values: Any) -> None:
    IncidentDataset.objects.filter(pk=dataset_id).update(**values)


def _finish(dataset: IncidentDataset, result: IncidentImportResult) -> None:
    message = _("Imported %(created)s record(s) of %(rows)s; %(skipped)s were already stored.") % {
        "created": result.created,
        "rows": result.rows,
        "skipped": result.skipped,
    }
    if result.swapped:
        message += " " + _(
            "%(count)s record(s) had latitude and longitude the wrong way round; they were "
            "swapped back."
        ) % {"count": result.swapped}
    _set_progress(
        dataset.pk,
        status=DatasetStatus.DONE,
        progress=100,
        message=message,
        problems=[],
        problem_count=0,
        row_count=result.rows,
        created_count=result.created,
        skipped_count=result.skipped,
        period_start=result.period[0],
        period_end=result.period[1],
        finished_at=timezone.now(),
    )


def _run(dataset: IncidentDataset, source: str | Path | IO[bytes], name: str) -> None:
    dataset_id = dataset.pk
    _set_progress(dataset_id, status=DatasetStatus.RUNNING, progress=1, message=_("Started"))
    try:
        table = read_table(source, name=name)
        _set_progress(dataset_id, progress=5, row_count=table.row_count)
        result = import_incidents(
            table,
            dataset=dataset,
            progress=lambda percent, message: _set_progress(
                dataset_id, progress=min(percent, 99), message=message
            ),
        )
    except ImportRefused as exc:
        _set_progress(
            dataset_id,
            status=DatasetStatus.REFUSED,
            progress=100,
            message=exc.message,
            problems=exc.problems,
            problem_count=exc.total,
            finished_at=timezone.now(),
        )
        return
    except Exception as exc:  # noqa: BLE001 - the page must show that the import failed
        logger.exception("incident import %s failed", dataset_id)
        _set_progress(
            dataset_id,
            status=DatasetStatus.FAILED,
            progress=100,
            message=_("The import failed unexpectedly: %(error)s") % {"error": exc},
            finished_at=timezone.now(),
        )
        return
    _warm_releases(dataset_id, result)
    _finish(dataset, result)


def _warm_releases(dataset_id: int, result: IncidentImportResult) -> None:
    """After the import has committed: compute the suppressed crime release of every contract
    whose municipality received records, so that the first reader does not wait for it. A
    failure here is logged; the import has succeeded all the same."""
    if not result.municipality_ids:
        return
    from localsafety.diagnosis.aggregates import warm_contract_releases
    from localsafety.territory.models import Area

    _set_progress(dataset_id, progress=99, message=_("Preparing the shared figures…"))
    try:
        codes = Area.objects.filter(pk__in=result.municipality_ids).values_list("code", flat=True)
        warm_contract_releases(list(codes))
    except Exception:  # noqa: BLE001 - the records are stored; only the cache stays cold
        logger.exception("preparing the crime releases after import %s failed", dataset_id)


def incident_dataset_run(*, dataset_id: int) -> None:
    """Run one queued import (the task); status, progress and problems go on the data set."""
    dataset = IncidentDataset.objects.select_related("source").get(pk=dataset_id)
    if dataset.status not in (DatasetStatus.QUEUED, DatasetStatus.RUNNING):
        return
    with dataset.file.open("rb") as stream:
        _run(dataset, stream, dataset.original_name)


# --- incident imports from the command line -------------------------------------------------


def incident_file_import(
    *,
    path: Path,
    organisation: Organisation,
    source_name: str,
    actor: Any = None,
    data_origin: str = "entered",
    source_note: str = "",
) -> IncidentDataset:
    """Import a file at once with the source's remembered mapping (``import-incidents``).

    The operator of the command line is trusted (it runs with the server's rights); ``actor``
    is recorded as who imported, and must be of the force when given.
    """
    if actor is not None:
        require_police_of(actor, organisation)
    if organisation.kind not in POLICE_KINDS:
        raise DomainError(_("Incident records belong to a police force (PSP or GNR)."))
    check_size(path.name, path.stat().st_size)
    source = _source(organisation, source_name, actor)
    with path.open("rb") as stream:
        checksum = checksum_of(stream)
    dataset = IncidentDataset.objects.create(
        organisation=organisation,
        source=source,
        original_name=path.name[:255],
        file_size=path.stat().st_size,
        checksum=checksum,
        imported_by=actor,
        status=DatasetStatus.QUEUED,
        data_origin=data_origin,
        source_note=source_note[:300],
    )
    _run(dataset, path, path.name)
    dataset.refresh_from_db()
    return dataset


# --- published statistics -------------------------------------------------------------------


def require_national(actor: Any) -> None:
    if actor is not None and not scope_for(actor).can_manage_reference_data:
        raise PermissionDenied(_("Only national users import published statistics."))


def statistics_import(
    *,
    actor: Any,
    source: str | Path | IO[bytes],
    name: str,
    title: str,
    publisher: str = "",
    series: str = "",
    indicator: str = "",
    data_origin: str = "real",
    source_note: str = "",
) -> tuple[StatisticsDataset, StatisticsImportResult]:
    """Validate and store a published table (refused whole on any problem).

    ``actor`` None is the command line. A new import of the same ``series`` becomes the
    current one; the earlier stays for provenance.
    """
    require_national(actor)
    if isinstance(source, str | Path):
        path = Path(source)
        size = path.stat().st_size
        with path.open("rb") as stream:
            checksum = checksum_of(stream)
    else:
        size = int(getattr(source, "size", 0) or 0)
        checksum = checksum_of(source)
    check_size(name, size)
    table = read_table(source, name=name)
    with transaction.atomic():
        dataset = StatisticsDataset.objects.create(
            title=title[:200] or name[:200],
            publisher=publisher[:200],
            series=series[:120],
            original_name=name[:255],
            file_size=size,
            checksum=checksum,
            imported_by=actor,
            status=DatasetStatus.RUNNING,
            data_origin=data_origin,
            source_note=source_note[:300],
        )
        result = import_statistics(table, dataset=dataset, indicator=indicator)
        if series:
            StatisticsDataset.objects.filter(series=series, is_current=True).exclude(
                pk=dataset.pk
            ).update(is_current=False)
        dataset.status = DatasetStatus.DONE
        dataset.progress = 100
        dataset.row_count = result.rows
        dataset.created_count = result.created
        dataset.finished_at = timezone.now()
        dataset.message = _(
            "Imported %(created)s value(s), %(blank)s unpublished (blank), %(provisional)s "
            "provisional."
        ) % {"created": result.created, "blank": result.blank, "provisional": result.provisional}
        dataset.save()
    return dataset, result


def leaf_categories() -> list[CrimeCategory]:
    return list(CrimeCategory.objects.filter(code__in=LEAF_CODES))
