"""The diagnosis's analysis pages: start a run, follow its progress, read its figures.

Every URL nests under ``contracts/<int:contract_id>/diagnosis/analyses/``. The contract is
resolved once through the scope (members and national users; 404 for anyone else); a run is
looked up among the runs the person may read (a police run: its force's people on the
contract only), 404 otherwise. Pages, CSV and GeoJSON read the same stored results.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRefresh

from localsafety.contracts.models import Contract
from localsafety.contracts.ownership import Need
from localsafety.contracts.views.base import contract_view
from localsafety.core.exports import csv_response
from localsafety.core.forms import form_status, submit_form
from localsafety.diagnosis import analysis_figures as figures
from localsafety.diagnosis import analysis_services as services
from localsafety.diagnosis.analysis_forms import AnalysisRunForm
from localsafety.diagnosis.analysis_selectors import yearly_counts
from localsafety.diagnosis.models import AnalysisRun


class _FieldsExcept:
    """The form's fields but one, for the shared field template; the page writes that one
    itself (26 category checkboxes through the widget templates cost more than the rest of
    the form)."""

    def __init__(self, form: AnalysisRunForm, skip: str) -> None:
        self.form, self.skip = form, skip

    def visible_fields(self) -> list[Any]:
        return [field for field in self.form.visible_fields() if field.name != self.skip]

    def hidden_fields(self) -> list[Any]:
        return list(self.form.hidden_fields())


def run_context(run: AnalysisRun | None) -> dict[str, Any]:
    if run is None or run.status != "done":
        return {"run": run}
    return {
        "run": run,
        "cells": run.results.get("cells", []),
        "cell_map": figures.cell_features(run),
        "point_map": figures.point_features(run) if run.is_police else None,
        "heat": figures.heat_grid(run),
        "lorenz": figures.lorenz(run),
        "knox_rows": figures.knox_rows(run),
        "knox_columns": figures.knox_columns(run),
        "stability": run.results.get("stability"),
        "summary": run.results.get("hotspot_summary"),
        "provenance": figures.provenance(run),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@contract_view(Need.RECORD)
def analyses(request: HttpRequest, contract: Contract) -> HttpResponse:
    police = services.police_force_for(request.user, contract) is not None
    form = AnalysisRunForm(request.POST or None, police=police)
    done = submit_form(
        request,
        form,
        lambda data: services.analysis_run_create(
            actor=request.user,
            contract=contract,
            period_start=data["period_start"],
            period_end=data["period_end"],
            categories=list(data["categories"]),
            resolution=data["resolution"],
            as_police=bool(data.get("as_police")),
        ),
        success=_("The analysis was started."),
        next_url=lambda run: reverse("analyses:run", args=[contract.pk, run.pk]),
    )
    if done is not None:
        return done
    runs = list(services.analysis_runs(request.user, contract)[:10])
    latest = services.latest_done_run(request.user, contract)
    context = {
        "contract": contract,
        "form": form,
        "form_without_categories": _FieldsExcept(form, "categories"),
        "category_choices": form.fields["categories"].choices,  # type: ignore[attr-defined]
        "chosen_categories": set(form["categories"].value() or []),
        "runs": runs,
        "police": police,
        "years": yearly_counts(request.user, contract),
        "nav": "overview",
        **run_context(latest),
    }
    return render(
        request, "diagnosis/analyses/index.html", context, status=form_status(request, form)
    )


@login_required
@require_safe
@contract_view(Need.RECORD)
def run_detail(request: HttpRequest, contract: Contract, run_id: int) -> HttpResponse:
    run = services.analysis_run_for(request.user, contract, run_id)
    if getattr(request, "htmx", False):
        # The status fragment polls while the run is in progress; once it is over, the page
        # reloads to draw the figures (the whole page swapped into the fragment would nest
        # a second page inside the first).
        if not run.in_progress:
            return HttpResponseClientRefresh()
        return render(
            request,
            "diagnosis/analyses/includes/run_status.html",
            {"contract": contract, "run": run},
        )
    context = {"contract": contract, "nav": "overview", **run_context(run)}
    return render(request, "diagnosis/analyses/run.html", context)


def _done_run(request: HttpRequest, contract: Contract, run_id: int) -> AnalysisRun:
    run = services.analysis_run_for(request.user, contract, run_id)
    if run.status != "done":
        raise Http404(_("This analysis has no results yet."))
    return run


def _geojson(data: dict[str, Any], filename: str) -> HttpResponse:
    response = JsonResponse(data, content_type="application/geo+json")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, private=True, no_cache=True)
    return response


@login_required
@require_safe
@contract_view(Need.RECORD)
def cells_geojson(request: HttpRequest, contract: Contract, run_id: int) -> HttpResponse:
    run = _done_run(request, contract, run_id)
    return _geojson(figures.cell_features(run), f"hot-spots-{run.pk}.geojson")


@login_required
@require_safe
@contract_view(Need.RECORD)
def points_geojson(request: HttpRequest, contract: Contract, run_id: int) -> HttpResponse:
    run = _done_run(request, contract, run_id)
    if not run.is_police:
        raise Http404(_("Only police analyses have incident points."))
    return _geojson(figures.point_features(run), f"incidents-{run.pk}.geojson")


@login_required
@require_safe
@contract_view(Need.RECORD)
def cells_csv(request: HttpRequest, contract: Contract, run_id: int) -> HttpResponse:
    run = _done_run(request, contract, run_id)
    police = run.is_police
    header = [_("H3 cell"), _("Incidents"), _("Hot spot"), _("Local Moran quadrant")]
    if police:
        header += ["z", "p", "q"]
    rows = []
    for cell in run.results.get("cells", []):
        row = [
            cell["cell"],
            _("suppressed") if cell["count"] is None else cell["count"],
            cell["hotspot"],
            cell["lisa"],
        ]
        if police:
            row += [cell.get("z"), cell.get("p"), cell.get("q")]
        rows.append(row)
    return csv_response(filename=f"hot-spots-{run.pk}.csv", header=header, rows=rows)


@login_required
@require_safe
@contract_view(Need.RECORD)
def heat_grid_csv(request: HttpRequest, contract: Contract, run_id: int) -> HttpResponse:
    run = _done_run(request, contract, run_id)
    grid = (run.results.get("seasonality") or {}).get("grid") or []
    rows = [
        [str(figures.WEEKDAYS[day]), *(_("suppressed") if v is None else v for v in values)]
        for day, values in enumerate(grid)
    ]
    header = [_("Weekday"), *(f"{hour:02d}:00" for hour in range(24))]
    return csv_response(filename=f"heat-grid-{run.pk}.csv", header=header, rows=rows)


@login_required
@require_safe
@contract_view(Need.RECORD)
def near_repeat_csv(request: HttpRequest, contract: Contract, run_id: int) -> HttpResponse:
    run = _done_run(request, contract, run_id)
    if not run.is_police:
        raise Http404(_("Only police analyses have a near-repeat table."))
    columns = figures.knox_columns(run)
    rows = [
        [row["label"], column, cell["observed"], cell["expected"], cell["ratio"], cell["p"]]
        for row in figures.knox_rows(run)
        for column, cell in zip(columns, row["cells"], strict=True)
    ]
    header = [_("Distance"), _("Time"), _("Observed pairs"), _("Expected"), _("Ratio"), "p"]
    return csv_response(filename=f"near-repeat-{run.pk}.csv", header=header, rows=rows)
