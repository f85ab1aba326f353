"""Analysis runs: who may start one, running it in the background, and reading them back.

Any member of the contract (and a national user) may start an *aggregate* run: every force's
counts on a coarse grid with small counts suppressed. A police member of a force seated on
the contract may start a *police* run over that force's own records (the finest grid, the
near-repeat table, points); only that force's people on the contract ever read it
(``AnalysisRun.objects.visible_to``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.core.access import get_object_for_user
from localsafety.core.audit import create_validated
from localsafety.core.errors import DomainError
from localsafety.diagnosis.analyses import (
    DEFAULT_PARAMETERS,
    POLICE_RESOLUTIONS,
    PUBLIC_RESOLUTIONS,
    AnalysisImpossible,
    compute,
    datasets_used,
)
from localsafety.diagnosis.models import AnalysisRun, CrimeCategory, RunStatus

logger = logging.getLogger(__name__)

#: The longest period one run may cover (the aggregates hold ten years and more).
MAX_PERIOD_DAYS = 366 * 12


def police_force_for(actor: Any, contract: Contract) -> int | None:
    """The police force the person acts for on this contract (None if not police there)."""
    scope = scope_for(actor)
    if contract.pk not in scope.police_contract_ids or not scope.police_organisation_ids:
        return None
    seated = set(
        contract.bodies.filter(members__organisation_id__in=scope.police_organisation_ids)
        .values_list("members__organisation_id", flat=True)
        .distinct()
    )
    chosen = sorted(seated & set(scope.police_organisation_ids))
    return chosen[0] if chosen else None


def analysis_run_create(
    *,
    actor: Any,
    contract: Contract,
    period_start: dt.date,
    period_end: dt.date,
    categories: list[str],
    resolution: int,
    as_police: bool = False,
) -> AnalysisRun:
    """Queue a run (after commit); refused with a reason the form shows."""
    scope = scope_for(actor)
    if not (scope.can_read_contract(contract.pk) or contract.pk in scope.police_contract_ids):
        raise PermissionDenied(_("Only the contract's members may run analyses."))
    force = police_force_for(actor, contract) if as_police else None
    if as_police and force is None:
        raise PermissionDenied(_("Only the police seated on this contract may analyse records."))
    allowed = POLICE_RESOLUTIONS if force else PUBLIC_RESOLUTIONS
    if resolution not in allowed:
        raise DomainError(
            _("Choose a grid resolution among %(allowed)s.")
            % {"allowed": ", ".join(str(r) for r in allowed)},
            field="resolution",
        )
    if period_end < period_start:
        raise DomainError(_("The period ends before it starts."), field="period_end")
    if (period_end - period_start).days > MAX_PERIOD_DAYS:
        raise DomainError(_("A run covers at most twelve years."), field="period_start")
    known = set(CrimeCategory.objects.filter(code__in=categories).values_list("code", flat=True))
    unknown = sorted(set(categories) - known)
    if unknown:
        raise DomainError(
            _("Unknown categories: %(codes)s") % {"codes": ", ".join(unknown)}, field="categories"
        )
    with transaction.atomic():
        run = create_validated(
            AnalysisRun,
            actor=actor,
            contract=contract,
            police_organisation_id=force,
            requested_by=actor,
            period_start=period_start,
            period_end=period_end,
            categories=sorted(known),
            resolution=resolution,
            parameters=dict(DEFAULT_PARAMETERS),
            status=RunStatus.QUEUED,
            message=_("Waiting for a worker"),
        )
        from localsafety.diagnosis.tasks import run_analysis

        run_id = run.pk
        transaction.on_commit(lambda: run_analysis.enqueue(run_id))
    return run


def _set_progress(run_id: int, **values: Any) -> None:
    AnalysisRun.objects.filter(pk=run_id).update(**values)


def analysis_run_execute(*, run_id: int) -> None:
    """Compute a queued run, keeping its status, progress and message current."""
    run = AnalysisRun.objects.select_related("contract__municipality").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return
    _set_progress(run_id, status=RunStatus.RUNNING, progress=1, message=_("Started"))
    try:
        results = compute(
            run,
            lambda percent, message: _set_progress(
                run_id, progress=min(percent, 99), message=message
            ),
        )
        used = datasets_used(run)
    except AnalysisImpossible as exc:
        _set_progress(
            run_id,
            status=RunStatus.FAILED,
            progress=100,
            message=str(exc),
            finished_at=timezone.now(),
        )
        return
    except Exception as exc:  # noqa: BLE001 - the page must show that the run failed
        logger.exception("analysis run %s failed", run_id)
        _set_progress(
            run_id,
            status=RunStatus.FAILED,
            progress=100,
            message=_("The analysis failed unexpectedly: %(error)s") % {"error": exc},
            finished_at=timezone.now(),
        )
        return
    _set_progress(
        run_id,
        status=RunStatus.DONE,
        progress=100,
        message=_("Done"),
        results=results,
        datasets=used,
        finished_at=timezone.now(),
    )


# --- reads ------------------------------------------------------------------------------------


def analysis_runs(user: Any, contract: Contract) -> QuerySet[AnalysisRun]:
    """The contract's runs the person may read, newest first."""
    return (
        AnalysisRun.objects.visible_to(user)
        .filter(contract=contract)
        .select_related("requested_by", "police_organisation")
        .defer("results")
    )


def analysis_run_for(user: Any, contract: Contract, run_id: Any) -> AnalysisRun:
    """One of the contract's runs (404 for missing and not yours alike)."""
    return get_object_for_user(
        AnalysisRun.objects.visible_to(user)
        .filter(contract=contract)
        .select_related("requested_by", "police_organisation", "contract"),
        pk=run_id,
    )


def latest_done_run(user: Any, contract: Contract) -> AnalysisRun | None:
    return (
        AnalysisRun.objects.visible_to(user)
        .filter(contract=contract, status=RunStatus.DONE)
        .select_related("requested_by", "police_organisation", "contract")
        .first()
    )
