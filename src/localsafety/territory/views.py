"""Territory pages: the official areas, reference data and boundary imports.

Thin views over selectors (reads) and services (writes). A contract's zones have their pages
in ``contracts`` (``contracts.zone_views``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_http_methods, require_POST, require_safe

from localsafety.core.access import get_object_for_user, require
from localsafety.core.errors import DomainError
from localsafety.core.forms import add_service_error, query_without_page
from localsafety.core.params import BadParameter, int_list_param, int_param
from localsafety.territory import selectors, services
from localsafety.territory.access import is_national
from localsafety.territory.forms import AreaImportForm, MunicipalityFilterForm
from localsafety.territory.models import Area, AreaKind, ImportStatus
from localsafety.territory.reference import reference_folder_status

PAGE_SIZE = 50


# --- municipalities --------------------------------------------------------------------


def municipality_list(request: HttpRequest) -> HttpResponse:
    form = MunicipalityFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "query": form.cleaned_data["q"].strip(),
            "district": form.cleaned_data["district"],
            "region": form.cleaned_data["region"],
        }
    municipalities = selectors.municipalities_for_list(**filters)
    page = Paginator(municipalities, PAGE_SIZE).get_page(request.GET.get("page"))
    # The contracts column is filled by the contracts app's template tag (one call per page).
    rows = list(page.object_list)
    return render(
        request,
        "territory/municipality_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query_string": query_without_page(request),
            "nav": "territory",
        },
    )


def municipality_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An official municipality; the contracts and zones in it are drawn by ``contracts``' tags."""
    municipality = get_object_for_user(
        Area.objects.official().municipalities().select_related("parent__parent__parent"),
        code=code,
    )
    parents = []
    ancestor = municipality.parent
    while ancestor is not None:
        parents.append(ancestor)
        ancestor = ancestor.parent
    return render(
        request,
        "territory/municipality_detail.html",
        {
            "municipality": municipality,
            "parents": parents,
            "population": municipality.latest_population(),
            "parishes": municipality.children.filter(
                kind=AreaKind.PARISH, owner_contract__isnull=True
            ).order_by("name_key", "name"),
            "nav": "territory",
        },
    )


# --- reference data --------------------------------------------------------------------


@login_required
def reference(request: HttpRequest) -> HttpResponse:
    require(is_national(request.user), _("Only national users manage reference data."))
    return render(
        request,
        "territory/reference.html",
        {
            "counts": selectors.reference_counts(),
            "imports": selectors.area_imports_visible_to(request.user)[:10],
            "folder": reference_folder_status(settings.LOCALSAFETY_REFERENCE_DIR),
            "nav": "reference",
        },
    )


@login_required
@require_POST
def reference_load(request: HttpRequest) -> HttpResponse:
    try:
        result = services.reference_load(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Reference data loaded: %(created)s created, %(updated)s updated, "
                "%(same)s unchanged."
            )
            % {
                "created": result["created"],
                "updated": result["updated"],
                "same": result["unchanged"],
            },
        )
    return redirect("territory:reference")


# --- boundary uploads ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """Official boundaries (national users); a contract's zones are uploaded from its pages."""
    require(is_national(request.user), _("Only national users import official boundaries."))
    form = AreaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            area_import = services.area_import_create(
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                code_field=form.cleaned_data["code_field"],
                name_field=form.cleaned_data["name_field"],
            )
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            return redirect("territory:import_detail", import_id=area_import.pk)
    return render(request, "territory/import_form.html", {"form": form, "nav": "reference"})


@login_required
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    area_import = selectors.area_import_for(request.user, import_id)
    context = {
        "area_import": area_import,
        "in_progress": area_import.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "nav": "reference" if area_import.contract_id is None else "territory",
    }
    if getattr(request, "htmx", False):
        return render(request, "territory/includes/import_status.html", context)
    return render(request, "territory/import_detail.html", context)


# --- GeoJSON ---------------------------------------------------------------------------


def _geojson_params(request: HttpRequest) -> dict[str, Any] | None:
    """The query's ids, kind and contract, or None when it asks for nothing or is malformed."""
    kind = request.GET.get("kind", "").strip()
    try:
        ids = int_list_param(request.GET, "ids")
        contract_id = int_param(request.GET, "contract")
    except BadParameter:
        return None
    if kind and kind not in AreaKind.values:
        return None
    if not (ids or kind or contract_id is not None):
        return None
    return {"ids": ids, "kind": kind, "contract_id": contract_id}


def _geojson_etag(request: HttpRequest) -> str | None:
    params = _geojson_params(request)
    if params is None:
        return None
    areas = selectors.geojson_queryset(**params)
    return selectors.geojson_etag(areas, query=request.GET.urlencode())


@require_safe
@condition(etag_func=_geojson_etag)
def areas_geojson(request: HttpRequest) -> HttpResponse:
    """GeoJSON of official areas (the same for everyone): ``?ids=1,2,3``, ``?kind=...``.

    ``?contract=ID`` is still understood but answers no features: a contract's zones have
    their own GeoJSON under the contract (``contracts:zones_geojson``).
    """
    params = _geojson_params(request)
    if params is None:
        return HttpResponseBadRequest(
            _("Ask for ids=1,2,3, kind=municipality or contract=ID."), content_type="text/plain"
        )
    areas = selectors.geojson_queryset(**params)
    response = HttpResponse(
        selectors.feature_collection_text(areas), content_type="application/geo+json"
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response
