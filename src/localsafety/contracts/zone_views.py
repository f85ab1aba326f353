"""A contract's zone pages: list, draw, edit, delete, upload, and their GeoJSON.

Every URL nests under ``contracts/<int:contract_id>/zones/``. The contract is resolved once
through the scope (404 for "missing" and "not yours" alike); a zone is looked up among that
contract's zones only; writes are the contract's managers' (403 for other members).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from localsafety.contracts import zones
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract, Zone
from localsafety.contracts.ownership import Need
from localsafety.contracts.views.base import contract_view
from localsafety.contracts.zone_forms import ZoneEditForm, ZoneForm
from localsafety.core.access import get_object_for_user
from localsafety.core.errors import DomainError
from localsafety.core.forms import add_service_error, form_status, submit_form
from localsafety.territory.forms import AreaImportForm
from localsafety.territory.models import Area


def _managed_zone(request: HttpRequest, contract: Contract, zone_id: int) -> Zone:
    """One of the contract's zones, looked up through the zones' own scoped queryset."""
    return get_object_for_user(
        Zone.objects.visible_to(request.user, Need.MANAGE).filter(owner_contract=contract),
        pk=zone_id,
    )


@login_required
@contract_view(Need.RECORD)
def zone_list(request: HttpRequest, contract: Contract) -> HttpResponse:
    contract_zones = list(zones.contract_zones(contract))
    municipality = contract.municipality
    return render(
        request,
        "contracts/zones/list.html",
        {
            "contract": contract,
            "zones": contract_zones,
            "can_manage": scope_for(request.user).can_manage_contract(contract.pk),
            "map_features": zones.feature_collection(
                [municipality, *contract_zones] if municipality.geometry else contract_zones
            ),
            "boundaries_loaded": bool(municipality.geometry),
            "nav": "territory",
        },
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
        next_url=lambda _saved: reverse("contracts:zone_list", args=[contract.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "contracts/zones/form.html",
        {
            "form": form,
            "contract": contract,
            "zone": zone,
            "context_url": zones.context_layer_url(contract),
            "nav": "territory",
        },
        status=form_status(request, form, invalid=200),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD, may="manage")
def zone_create(request: HttpRequest, contract: Contract) -> HttpResponse:
    form = ZoneForm(request.POST or None)
    return _zone_form_page(
        request,
        contract=contract,
        zone=None,
        form=form,
        save=lambda data: zones.zone_create(
            actor=request.user,
            contract=contract,
            name=data["name"],
            code=data["code"],
            geometry_geojson=data["geometry"],
            description=data["description"],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD, may="manage")
def zone_edit(request: HttpRequest, contract: Contract, zone_id: int) -> HttpResponse:
    zone = _managed_zone(request, contract, zone_id)
    form = ZoneEditForm(
        request.POST or None,
        initial={
            "name": zone.name,
            "code": zone.code,
            "description": zone.description,
            "geometry": zone.geometry,
            "version": zones.zone_version(zone),
        },
    )
    return _zone_form_page(
        request,
        contract=contract,
        zone=zone,
        form=form,
        save=lambda data: zones.zone_update(
            actor=request.user,
            zone=zone,
            expected_version=data["version"],
            name=data["name"],
            code=data["code"],
            geometry_geojson=data["geometry"],
            description=data["description"],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD, may="manage")
def zone_delete(request: HttpRequest, contract: Contract, zone_id: int) -> HttpResponse:
    zone = _managed_zone(request, contract, zone_id)
    if request.method == "POST":
        try:
            zones.zone_delete(actor=request.user, zone=zone)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Zone “%(name)s” deleted.") % {"name": zone.name})
        return redirect("contracts:zone_list", contract_id=contract.pk)
    return render(
        request,
        "contracts/zones/confirm_delete.html",
        {"zone": zone, "contract": contract, "nav": "territory"},
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD, may="manage")
def zone_upload(request: HttpRequest, contract: Contract) -> HttpResponse:
    """Upload zones from a file; the territory's importer runs it with visible progress."""
    form = AreaImportForm(request.POST or None, request.FILES or None, zone=True, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            area_import = zones.zone_import_create(
                actor=request.user,
                contract=contract,
                uploaded_file=form.cleaned_data["file"],
                code_field=form.cleaned_data["code_field"],
                name_field=form.cleaned_data["name_field"],
            )
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            return redirect("territory:import_detail", import_id=area_import.pk)
    return render(
        request,
        "contracts/zones/upload.html",
        {"form": form, "contract": contract, "nav": "territory"},
    )


@require_safe
@contract_view(Need.PAGE)
def zones_geojson(request: HttpRequest, contract: Contract) -> HttpResponse:
    """GeoJSON of a contract's zones, for whoever may see the contract (404 otherwise)."""
    response = HttpResponse(
        zones.feature_collection_text(zones.contract_zones(contract)),
        content_type="application/geo+json",
    )
    patch_cache_control(response, private=True, no_cache=True)
    return response
