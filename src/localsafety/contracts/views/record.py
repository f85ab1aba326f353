"""The contract record: the national list, its exports and map, one contract's summary,
creating and editing it, its axes and signatories."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from localsafety.contracts import selectors, services
from localsafety.contracts.access import scope_for, visibility_signature
from localsafety.contracts.forms import (
    AxisForm,
    ContractCreateForm,
    ContractFilterForm,
    ContractForm,
    SignatoryForm,
)
from localsafety.contracts.models import (
    Contract,
    ContractCategory,
    Signatory,
    StageKind,
)
from localsafety.contracts.ownership import Need
from localsafety.contracts.views.base import (
    contract_view,
    form_page,
    tab_context,
    typed_values,
)
from localsafety.contracts.views.governance import (
    offer_organisations,
    organisation_search_page,
)
from localsafety.core.access import get_object_for_user, require
from localsafety.core.dates import table_date
from localsafety.core.errors import DomainError
from localsafety.core.exports import csv_response
from localsafety.core.forms import add_service_error, query_without_page
from localsafety.core.fragments import cached_fragment
from localsafety.core.http import AuthenticatedHttpRequest
from localsafety.core.models import DataOrigin
from localsafety.organisations.models import Organisation, OrganisationKind
from localsafety.territory.models import Area, AreaKind

PAGE_SIZE = 25


def _filters(request: HttpRequest) -> tuple[ContractFilterForm, selectors.ContractFilters]:
    form = ContractFilterForm(
        request.GET or None,
        regions=list(selectors.nuts2_regions()),
        axes=list(selectors.national_axes()),
    )
    if form.is_valid():
        data = form.cleaned_data
        return form, selectors.ContractFilters(
            category=data["category"],
            stage=data["stage"],
            axis=data["axis"],
            region=data["region"],
            q=data["q"].strip(),
        )
    return form, selectors.ContractFilters()


def contract_list(request: HttpRequest) -> HttpResponse:
    """The national overview: filters update the results in place with htmx.

    The page body (filters and results) is cached under a key that includes the raw filters,
    what the viewer may see and the data's generation, so a landing page costs two
    aggregate queries and never shows stale figures.
    """
    query_string = query_without_page(request)
    scope = scope_for(request.user)
    key = (
        visibility_signature(scope),
        query_string,
        request.GET.get("page", ""),
        *selectors.contracts_generation(),
    )

    parsed: list[tuple[ContractFilterForm, selectors.ContractFilters]] = []

    def parse() -> tuple[ContractFilterForm, selectors.ContractFilters]:
        if not parsed:  # the filter form costs two queries: only on a cache miss, once
            parsed.append(_filters(request))
        return parsed[0]

    def render_results() -> str:
        _form, filters = parse()
        contracts = selectors.contract_list(request.user, filters)
        form = parsed[0][0]
        counts = selectors.contract_counts(
            contracts,
            regions=form.region_pairs,
            axes=form.axis_pairs,
        )
        paginator = Paginator(contracts, PAGE_SIZE)
        # Every contract has exactly one category: the total is already counted.
        paginator.__dict__["count"] = sum(counts["category"].values())
        page = paginator.get_page(request.GET.get("page"))
        return render_to_string(
            "contracts/_results.html",
            {
                "page": page,
                "rows": _result_rows(page.object_list),
                "members_only": _("members only"),
                "counts": counts,
                "query_string": query_string,
                "highlight": json.dumps(selectors.contract_map_highlight(contracts)),
            },
            request=request,
        )

    results = cached_fragment(("overview-results", *key), render_results)
    if getattr(request, "htmx", False):
        response = HttpResponse(results)
        # The same URL answers a fragment or the page: a cache must not give one for the other.
        patch_vary_headers(response, ["HX-Request"])
        return response

    def render_body() -> str:
        form, _parsed_filters = parse()
        return render_to_string(
            "contracts/_overview_body.html",
            {"filter_form": form, "results": results},
            request=request,
        )

    body = cached_fragment(("overview-body", scope.can_create_contracts, *key), render_body)
    response = render(request, "contracts/overview.html", {"body": body, "nav": "overview"})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _result_rows(contracts: Any) -> list[dict[str, Any]]:
    """Plain rows for the results table: labels and links computed once, in Python.

    The table is the expensive part of a cache miss; resolving URLs and choice labels per
    cell in the template engine cost about three times as much.
    """
    detail = reverse("contracts:detail", args=[0]).replace("/0/", "/{}/")
    municipality = reverse("territory:municipality_detail", args=["0"]).replace("/0/", "/{}/")
    categories = {key: str(label) for key, label in ContractCategory.choices}
    stages = {key: str(label) for key, label in StageKind.choices}
    origins = {key: str(label) for key, label in DataOrigin.choices}
    return [
        {
            "url": detail.format(contract.pk),
            "title": contract.title,
            "is_published": contract.is_published,
            "category": contract.category,
            "category_label": categories.get(contract.category, contract.category),
            "municipality": contract.municipality.name,
            "municipality_url": municipality.format(contract.municipality.code),
            "region": contract.region_name or "—",
            "signed": table_date(contract.signed_on) or "—",
            "stage_label": stages.get(contract.stage, contract.stage),
            "origin": contract.data_origin,
            "origin_label": origins.get(contract.data_origin, contract.data_origin),
        }
        for contract in contracts
    ]


def contract_export_csv(request: HttpRequest) -> HttpResponse:
    """The same list the person sees, as CSV (semicolon-separated, UTF-8 with BOM for Excel)."""
    _form, filters = _filters(request)
    contracts = selectors.contract_list(request.user, filters)
    return csv_response(
        filename="contracts.csv",
        header=[
            _("id"),
            _("title"),
            _("category"),
            _("municipality"),
            _("code"),
            _("signed"),
            _("stage"),
            _("data origin"),
        ],
        rows=(
            [
                contract.pk,
                contract.title,
                contract.get_category_display(),
                contract.municipality.name,
                contract.municipality.code,
                table_date(contract.signed_on),
                contract.get_stage_display(),
                contract.get_data_origin_display(),
            ]
            for contract in contracts
        ),
    )


def contract_map_geojson(request: HttpRequest) -> HttpResponse:
    """Municipal boundaries of the visible contracts, coloured by category, for the map."""
    from django.http import JsonResponse

    _form, filters = _filters(request)
    rows = (
        selectors.contract_list(request.user, filters)
        .values(
            "pk",
            "title",
            "category",
            "municipality_id",
            "municipality__name",
            "municipality__code",
            "municipality__geometry",
        )
        .order_by("municipality__name_key", "title_key", "pk")
    )
    by_municipality: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = by_municipality.setdefault(
            row["municipality_id"],
            {
                "geometry": row["municipality__geometry"],
                "name": row["municipality__name"],
                "code": row["municipality__code"],
                "contracts": [],
                "categories": [],
            },
        )
        entry["contracts"].append(
            {"title": row["title"], "url": reverse("contracts:detail", args=[row["pk"]])}
        )
        entry["categories"].append(row["category"])
    features = []
    for municipality_id, entry in by_municipality.items():
        categories = entry["categories"]
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(entry["geometry"]) if entry["geometry"] else None,
                "properties": {
                    "id": municipality_id,
                    "name": entry["name"],
                    "code": entry["code"],
                    "category": max(set(categories), key=categories.count),
                    "contracts": entry["contracts"],
                    "label": "; ".join(item["title"] for item in entry["contracts"]),
                    "url": entry["contracts"][0]["url"]
                    if len(entry["contracts"]) == 1
                    else reverse("territory:municipality_detail", args=[entry["code"]]),
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@contract_view("page")
def contract_detail(request: HttpRequest, contract: Contract) -> HttpResponse:
    context = tab_context(request, contract, "summary")

    def render_body() -> str:
        areas = selectors.contract_areas(contract)
        body_context = {
            **context,
            "areas": areas,
            "boundaries_loaded": any(area.geometry for area in areas),
            "stages": selectors.contract_stages(contract),
            "axes": list(contract.axes.order_by("contract_id", "position")),
            "signatories": list(contract.signatories.select_related("organisation")),
            "bodies": selectors.contract_bodies(contract),
            "population": contract.municipality.latest_population(),
        }
        return render_to_string("contracts/_detail_body.html", body_context, request=request)

    if context["can_manage"]:
        # Managers' pages carry forms (with CSRF tokens): never cached.
        body = mark_safe(render_body())  # noqa: S308 - our own template output
    else:
        body = cached_fragment(
            (
                "contract",
                contract.pk,
                contract.updated_at.isoformat(),
                contract.municipality.updated_at.isoformat(),
                context["is_member"],
            ),
            render_body,
        )
    context["body"] = body
    return render(request, "contracts/detail.html", context)


@contract_view("page")
def contract_areas_geojson(request: HttpRequest, contract: Contract) -> HttpResponse:
    from django.http import JsonResponse

    features = [
        {
            "type": "Feature",
            "geometry": json.loads(area.geometry) if area.geometry else None,
            "properties": {
                "id": area.pk,
                "name": area.name,
                "kind": area.kind,
                "category": contract.category if area.kind != "parish" else "",
            },
        }
        for area in selectors.contract_areas(contract)
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    require(
        scope.can_create_contracts, _("Only a municipality's managers can register a contract.")
    )
    organisations = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    municipalities = Area.objects.filter(kind=AreaKind.MUNICIPALITY)
    if not scope.is_national:
        # A municipality registers contracts only for itself: offer only what the service
        # would accept (it checks again, for the API and anything else that calls it).
        organisations = organisations.filter(
            pk__in=scope.managed_organisation_ids & scope.municipality_organisation_ids
        )
        municipalities = municipalities.filter(organisations__in=organisations).distinct()
    organisations = organisations.order_by("name_key", "name")
    if "show_parishes" in request.POST:
        # "List its parishes": the same form again, as typed, offering the municipality's
        # parishes; nothing is checked or saved yet.
        form = ContractCreateForm(
            initial=typed_values(request.POST, multiple=frozenset({"areas", "axes"})),
            organisations=organisations,
            municipalities=municipalities,
        )
    else:
        form = ContractCreateForm(
            request.POST or None, organisations=organisations, municipalities=municipalities
        )
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_create(
                actor=request.user,
                title=data["title"],
                category=data["category"],
                municipality=data["municipality"],
                lead_organisation=data["lead_organisation"],
                chair=data["chair"],
                chair_name=data["chair_name"],
                signed_on=data["signed_on"],
                signing_place=data["signing_place"],
                summary=data["summary"],
                areas=data["areas"],
                axes=data["axes"],
                is_published=data["is_published"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The contract was registered."))
            return redirect("contracts:detail", contract_id=contract.pk)
    return render(
        request,
        "contracts/form.html",
        {"form": form, "nav": "overview", "title": _("Register a contract")},
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("page", may="manage")
def contract_edit(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    initial = {
        "title": contract.title,
        "category": contract.category,
        "signed_on": contract.signed_on,
        "signing_place": contract.signing_place,
        "summary": contract.summary,
        "is_published": contract.is_published,
        "areas": list(contract.areas.all()),
        "axes": list(contract.axes.all()),
        "version": contract.version,
    }
    form = ContractForm(
        request.POST or None,
        initial=initial,
        municipality=contract.municipality,
        contract_id=contract.pk,
    )
    fields = ("title", "category", "signed_on", "signing_place", "summary", "is_published")
    return form_page(
        request,
        contract=contract,
        form=form,
        tab="summary",
        title=_("Edit the contract"),
        action=lambda data: services.contract_update(
            actor=request.user,
            contract=contract,
            expected_version=data["version"],
            changes={key: data[key] for key in fields},
            areas=data["areas"] or None,
            axes=data["axes"],
        ),
        success=_("The contract was saved."),
        next_url=lambda _result: reverse("contracts:detail", args=[contract.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("page", may="manage")
def axis_create(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    return form_page(
        request,
        contract=contract,
        form=AxisForm(request.POST or None),
        tab="summary",
        title=_("Add the contract's own axis"),
        action=lambda data: services.axis_create(
            actor=request.user,
            contract=contract,
            **data,
        ),
        success=_("The axis was added."),
        next_url=lambda _result: reverse("contracts:detail", args=[contract.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("page", may="manage")
def signatory_add(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    title = _("Add a signatory")
    searched = organisation_search_page(
        request,
        contract,
        SignatoryForm(initial=typed_values(request.POST)),
        tab="summary",
        title=title,
    )
    if searched is not None:
        return searched
    form = offer_organisations(request, contract, SignatoryForm(request.POST or None))
    return form_page(
        request,
        contract=contract,
        form=form,
        tab="summary",
        title=title,
        action=lambda data: services.signatory_add(
            actor=request.user,
            contract=contract,
            **data,
        ),
        success=_("The signatory was added."),
        next_url=lambda _result: reverse("contracts:detail", args=[contract.pk]),
    )


@login_required
@require_POST
@contract_view("page")
def signatory_remove(
    request: AuthenticatedHttpRequest, contract: Contract, signatory_id: int
) -> HttpResponse:
    signatory: Signatory = get_object_for_user(
        Signatory.objects.visible_to(request.user, Need.PAGE).filter(contract=contract),
        pk=signatory_id,
    )
    services.signatory_remove(actor=request.user, signatory=signatory)
    messages.success(request, _("The signatory was removed."))
    return redirect("contracts:detail", contract_id=contract.pk)
