"""Territory pages: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_http_methods, require_POST, require_safe

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.core.access import get_object_for_user, require
from localsafety.core.errors import DomainError
from localsafety.core.forms import add_service_error, query_without_page, submit_form
from localsafety.territory import selectors, services
from localsafety.territory.forms import AreaImportForm, MunicipalityFilterForm, ZoneForm
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
    municipalities = selectors.municipalities_for_list(request.user, **filters)
    page = Paginator(municipalities, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    counts = selectors.contract_counts(request.user, [area.pk for area in rows])
    for area in rows:
        area.contract_count = counts.get(area.pk, 0)
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
    municipality = get_object_for_user(
        Area.objects.visible_to(request.user)
        .municipalities()
        .select_related("parent__parent__parent"),
        code=code,
    )
    parents = []
    ancestor = municipality.parent
    while ancestor is not None:
        parents.append(ancestor)
        ancestor = ancestor.parent
    zones = list(
        Area.objects.visible_to(request.user)
        .filter(kind=AreaKind.ZONE, parent=municipality)
        .select_related("owner_contract", "parent")
        .order_by("name")
    )
    return render(
        request,
        "territory/municipality_detail.html",
        {
            "municipality": municipality,
            "parents": parents,
            "population": municipality.latest_population(),
            "parishes": municipality.children.filter(
                kind=AreaKind.PARISH, owner_contract__isnull=True
            ).order_by("name"),
            "contracts": selectors.contracts_covering(request.user, municipality),
            "zones": zones,
            "map_features": selectors.feature_collection([municipality, *zones]),
            "nav": "territory",
        },
    )


# --- reference data --------------------------------------------------------------------


@login_required
def reference(request: HttpRequest) -> HttpResponse:
    require(
        scope_for(request.user).can_manage_reference_data,
        _("Only national users manage reference data."),
    )
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


def _upload(request: HttpRequest, contract: Contract | None) -> HttpResponse:
    zone = contract is not None
    form = AreaImportForm(request.POST or None, request.FILES or None, zone=zone)
    if request.method == "POST" and form.is_valid():
        try:
            area_import = services.area_import_create(
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                kind=AreaKind.ZONE if zone else form.cleaned_data["kind"],
                contract=contract,
                code_field=form.cleaned_data["code_field"],
                name_field=form.cleaned_data["name_field"],
            )
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            return redirect("territory:import_detail", pk=area_import.pk)
    return render(
        request,
        "territory/import_form.html",
        {"form": form, "contract": contract, "nav": "territory" if zone else "reference"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    require(
        scope_for(request.user).can_manage_reference_data,
        _("Only national users import official boundaries."),
    )
    return _upload(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def zone_upload(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = get_object_for_user(Contract.objects.accessible_to(request.user), pk=contract_id)
    require(scope_for(request.user).can_manage_contract(contract.pk))
    return _upload(request, contract)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    area_import = get_object_for_user(selectors.area_imports_visible_to(request.user), pk=pk)
    context = {
        "area_import": area_import,
        "in_progress": area_import.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "nav": "reference" if area_import.contract_id is None else "territory",
    }
    if getattr(request, "htmx", False):
        return render(request, "territory/includes/import_status.html", context)
    return render(request, "territory/import_detail.html", context)


# --- contract zones --------------------------------------------------------------------


def _member_contract(request: HttpRequest, contract_id: int) -> Contract:
    """Zones are managed on the contract's restricted record: members (and national) only."""
    return get_object_for_user(
        Contract.objects.accessible_to(request.user).select_related("municipality"),
        pk=contract_id,
    )


def _context_layer_url(contract: Contract) -> str:
    ids = {
        contract.municipality_id,
        *contract.areas.filter(kind=AreaKind.MUNICIPALITY).values_list("pk", flat=True),
    }
    return reverse("territory:areas_geojson") + "?ids=" + ",".join(str(pk) for pk in sorted(ids))


@login_required
def zone_list(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _member_contract(request, contract_id)
    zones = list(selectors.contract_zones(request.user, contract))
    municipality = contract.municipality
    return render(
        request,
        "territory/zone_list.html",
        {
            "contract": contract,
            "zones": zones,
            "can_manage": scope_for(request.user).can_manage_contract(contract.pk),
            "map_features": selectors.feature_collection(
                [municipality, *zones] if municipality.geometry else zones
            ),
            "boundaries_loaded": bool(municipality.geometry),
            "nav": "territory",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def zone_create(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _member_contract(request, contract_id)
    require(scope_for(request.user).can_manage_contract(contract.pk))
    form = ZoneForm(request.POST or None)
    return _zone_form_page(
        request,
        contract=contract,
        zone=None,
        form=form,
        save=lambda data: services.zone_create(
            actor=request.user,
            contract=contract,
            name=data["name"],
            code=data["code"],
            geometry_geojson=data["geometry"],
            description=data["description"],
        ),
    )


def _zone_form_page(
    request: HttpRequest,
    *,
    contract: Contract,
    zone: Area | None,
    form: ZoneForm,
    save: Callable[[dict[str, Any]], Area],
) -> HttpResponse:
    """Draw or edit a zone: validate, call the service, report its refusal on the form."""
    done = submit_form(
        request,
        form,
        save,
        success=lambda saved: _("Zone “%(name)s” saved.") % {"name": saved.name},
        next_url=lambda _saved: reverse("territory:zone_list", args=[contract.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "territory/zone_form.html",
        {
            "form": form,
            "contract": contract,
            "zone": zone,
            "context_url": _context_layer_url(contract),
            "nav": "territory",
        },
    )


def _managed_zone(request: HttpRequest, pk: int) -> Area:
    zone = get_object_for_user(
        Area.objects.visible_to(request.user)
        .filter(
            kind=AreaKind.ZONE,
            owner_contract__in=Contract.objects.accessible_to(request.user),
        )
        .select_related("owner_contract__municipality"),
        pk=pk,
    )
    assert zone.owner_contract is not None  # noqa: S101 - filtered above
    require(scope_for(request.user).can_manage_contract(zone.owner_contract.pk))
    return zone


@login_required
@require_http_methods(["GET", "POST"])
def zone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    zone = _managed_zone(request, pk)
    contract = zone.owner_contract
    assert contract is not None  # noqa: S101 - a zone always has its contract
    form = ZoneForm(
        request.POST or None,
        initial={
            "name": zone.name,
            "code": zone.code,
            "description": zone.description,
            "geometry": zone.geometry,
        },
        require_geometry=False,
    )
    return _zone_form_page(
        request,
        contract=contract,
        zone=zone,
        form=form,
        save=lambda data: services.zone_update(
            actor=request.user,
            zone=zone,
            name=data["name"],
            code=data["code"],
            geometry_geojson=data["geometry"],
            description=data["description"],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def zone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    zone = _managed_zone(request, pk)
    contract = zone.owner_contract
    assert contract is not None  # noqa: S101 - a zone always has its contract
    if request.method == "POST":
        try:
            services.zone_delete(actor=request.user, zone=zone)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Zone “%(name)s” deleted.") % {"name": zone.name})
        return redirect("territory:zone_list", contract_id=contract.pk)
    return render(
        request,
        "territory/zone_confirm_delete.html",
        {"zone": zone, "contract": contract, "nav": "territory"},
    )


# --- GeoJSON ---------------------------------------------------------------------------


def _geojson_params(request: HttpRequest) -> dict[str, Any] | None:
    raw_ids = request.GET.get("ids", "").strip()
    kind = request.GET.get("kind", "").strip()
    raw_contract = request.GET.get("contract", "").strip()
    try:
        ids = [int(part) for part in raw_ids.split(",") if part.strip()] if raw_ids else []
        contract_id = int(raw_contract) if raw_contract else None
    except ValueError:
        return None
    if kind and kind not in AreaKind.values:
        return None
    if not (ids or kind or contract_id is not None) or len(ids) > 1000:
        return None
    return {"ids": ids, "kind": kind, "contract_id": contract_id}


def _geojson_etag(request: HttpRequest) -> str | None:
    params = _geojson_params(request)
    if params is None:
        return None
    areas = selectors.geojson_queryset(request.user, **params)
    return selectors.geojson_etag(
        request.user,
        areas,
        public=selectors.geojson_is_public(**params),
        query=request.GET.urlencode(),
    )


@require_safe
@condition(etag_func=_geojson_etag)
def areas_geojson(request: HttpRequest) -> HttpResponse:
    """GeoJSON of the areas the user may see: ``?ids=1,2,3``, ``?kind=...``, ``?contract=ID``."""
    params = _geojson_params(request)
    if params is None:
        return HttpResponseBadRequest(
            _("Ask for ids=1,2,3, kind=municipality or contract=ID."), content_type="text/plain"
        )
    areas = selectors.geojson_queryset(request.user, **params)
    response = HttpResponse(
        selectors.feature_collection_text(areas), content_type="application/geo+json"
    )
    if selectors.geojson_is_public(**params):
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response
