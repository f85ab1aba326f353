"""Crime-data pages: a police force's incident data sets (upload → mapping → run, with
progress), and published statistics (list for everyone, upload for national users).

Incident data sets are looked up through ``PoliceOwned.visible_to``: anyone but a member of
the owning force gets 404, whatever the URL.
"""

from __future__ import annotations

from typing import Any

import pyarrow.compute as pc
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from localsafety.contracts.access import scope_for
from localsafety.core.access import require
from localsafety.core.errors import DomainError, ImportRefused
from localsafety.core.forms import add_service_error, form_status
from localsafety.core.tabular import Table, header_key, read_table
from localsafety.diagnosis import data_selectors as selectors
from localsafety.diagnosis import data_services as services
from localsafety.diagnosis.data_forms import DatasetUploadForm, MappingForm, StatisticsUploadForm
from localsafety.diagnosis.importing.fields import guess_columns
from localsafety.diagnosis.importing.incidents import category_lookup
from localsafety.diagnosis.models import CrimeCategory, DatasetStatus, IncidentDataset
from localsafety.diagnosis.taxonomy import LEAF_CODES

PAGE_SIZE = 50


def _require_police(request: HttpRequest) -> None:
    require(
        scope_for(request.user).is_police,
        _("Incident data are for members of a police force (PSP, GNR)."),
    )


@login_required
def dataset_list(request: HttpRequest) -> HttpResponse:
    _require_police(request)
    page = Paginator(selectors.dataset_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "diagnosis/data/dataset_list.html",
        {"page": page, "sources": selectors.source_list(request.user), "nav": "crime_data"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def dataset_upload(request: HttpRequest) -> HttpResponse:
    _require_police(request)
    form = DatasetUploadForm(
        request.POST or None,
        request.FILES or None,
        organisations=selectors.police_organisations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.incident_dataset_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                source_name=form.cleaned_data["source_name"],
                uploaded_file=form.cleaned_data["file"],
            )
        except (DomainError, PermissionDenied) as exc:
            add_service_error(form, exc if isinstance(exc, DomainError) else DomainError(str(exc)))
        else:
            return redirect("crime_data:dataset_detail", dataset_id=dataset.pk)
    sources = selectors.source_list(request.user)
    return render(
        request,
        "diagnosis/data/dataset_upload.html",
        {"form": form, "sources": sources, "nav": "crime_data"},
    )


def _read_upload(dataset: IncidentDataset) -> Table:
    with dataset.file.open("rb") as stream:
        return read_table(stream, name=dataset.original_name)


def _mapping_form(request: HttpRequest, dataset: IncidentDataset, table: Table) -> MappingForm:
    source = dataset.source
    guessed = guess_columns(table, source.columns)
    codes: list[str] = []
    category_header = guessed.get("category")
    if request.method == "POST":
        category_header = request.POST.get("column_category") or category_header
    if category_header in table.columns:
        codes = sorted(
            str(value) for value in pc.unique(table.column(category_header)).to_pylist() if value
        )
    lookup = category_lookup(source)
    leaves = CrimeCategory.objects.filter(code__in=LEAF_CODES).select_related("parent")
    by_pk = {category.pk: category.code for category in leaves}
    code_initial = {code: by_pk.get(lookup.get(header_key(code), 0), "") for code in codes}
    return MappingForm(
        request.POST or None,
        initial={"version": source.version, "coordinate_system": source.coordinate_system},
        headers=table.columns,
        guessed=guessed,
        codes=codes,
        code_choices=[(category.code, str(category)) for category in leaves],
        code_initial=code_initial,
        codes_column=category_header or "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def dataset_detail(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = selectors.dataset_for(request.user, dataset_id)
    context: dict[str, Any] = {
        "dataset": dataset,
        "in_progress": dataset.status in (DatasetStatus.QUEUED, DatasetStatus.RUNNING),
        "nav": "crime_data",
    }
    if getattr(request, "htmx", False) and request.method == "GET":
        # The status fragment polls while the import runs; once it is over, the page reloads
        # to show what the fragment does not hold: the period read, and after a refusal the
        # mapping form to correct.
        if not context["in_progress"]:
            return HttpResponseClientRefresh()
        return render(request, "diagnosis/data/includes/dataset_status.html", context)
    if dataset.status in (DatasetStatus.MAPPING, DatasetStatus.REFUSED) and dataset.file:
        try:
            table = _read_upload(dataset)
        except ImportRefused as exc:
            context["read_problems"] = exc.problems
        else:
            form = _mapping_form(request, dataset, table)
            context["form"] = form
            context["preview"] = [
                dict(zip(table.columns, row, strict=False))
                for row in zip(
                    *(table.column(h).slice(0, 5).to_pylist() for h in table.columns), strict=False
                )
            ]
            context["headers"] = table.columns
            context["row_count"] = table.row_count
            if request.method == "POST" and form.is_valid():
                try:
                    services.incident_source_map(
                        actor=request.user,
                        source=dataset.source,
                        expected_version=form.cleaned_data["version"],
                        columns=form.columns(),
                        category_codes=form.category_codes(),
                        coordinate_system=form.cleaned_data["coordinate_system"],
                    )
                    services.incident_dataset_queue(actor=request.user, dataset=dataset)
                except DomainError as exc:
                    add_service_error(form, exc)
                else:
                    return redirect("crime_data:dataset_detail", dataset_id=dataset.pk)
            return render(
                request,
                "diagnosis/data/dataset_detail.html",
                context,
                status=form_status(request, form),
            )
    elif request.method == "POST":
        raise PermissionDenied(_("This import has already run."))
    return render(request, "diagnosis/data/dataset_detail.html", context)


# --- published statistics -------------------------------------------------------------------


def statistics_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.statistics_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "diagnosis/data/statistics_list.html",
        {
            "page": page,
            "can_upload": scope_for(request.user).can_manage_reference_data,
            "nav": "crime_data",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statistics_upload(request: HttpRequest) -> HttpResponse:
    require(
        scope_for(request.user).can_manage_reference_data,
        _("Only national users import published statistics."),
    )
    form = StatisticsUploadForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, str]] = []
    total = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.statistics_import(
                actor=request.user,
                source=upload,
                name=(upload.name or "upload")[:255],
                title=form.cleaned_data["title"],
                publisher=form.cleaned_data["publisher"],
                series=form.cleaned_data["series"],
                indicator=form.cleaned_data["indicator"],
                source_note=form.cleaned_data["publisher"],
            )
        except ImportRefused as exc:
            problems, total = exc.problems, exc.total
            add_service_error(form, DomainError(exc.message))
        else:
            return redirect("crime_data:statistics_list")
    return render(
        request,
        "diagnosis/data/statistics_upload.html",
        {"form": form, "problems": problems, "total": total, "nav": "crime_data"},
    )
