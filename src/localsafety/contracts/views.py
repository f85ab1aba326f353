"""Contract pages: thin views over selectors (reads) and services (writes)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from localsafety.contracts import selectors, services
from localsafety.contracts.access import scope_for, visibility_signature
from localsafety.contracts.forms import (
    AxisForm,
    BodyMemberForm,
    ChairForm,
    ContractCreateForm,
    ContractFilterForm,
    ContractForm,
    DocumentForm,
    MeetingForm,
    SignatoryForm,
    StageDecisionForm,
    StageSummaryForm,
)
from localsafety.contracts.models import (
    BodyMember,
    Contract,
    ContractCategory,
    DecisionAction,
    Signatory,
    Stage,
    StageKind,
)
from localsafety.core.access import get_object_for_user, require
from localsafety.core.errors import DomainError
from localsafety.core.forms import add_service_error, query_without_page, submit_form
from localsafety.core.fragments import cached_fragment
from localsafety.core.models import DataOrigin
from localsafety.organisations.models import Organisation, OrganisationKind

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
            },
            request=request,
        )

    results = cached_fragment(("overview-results", *key), render_results)
    if getattr(request, "htmx", False):
        return HttpResponse(results)

    def render_body() -> str:
        form, _parsed_filters = parse()
        return render_to_string(
            "contracts/_overview_body.html",
            {"filter_form": form, "results": results},
            request=request,
        )

    body = cached_fragment(("overview-body", scope.can_create_contracts, *key), render_body)
    return render(request, "contracts/overview.html", {"body": body, "nav": "overview"})


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
            "signed": date_format(contract.signed_on, "SHORT_DATE_FORMAT")
            if contract.signed_on
            else "—",
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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contracts.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("id"),
            _("title"),
            _("category"),
            _("municipality"),
            _("code"),
            _("signed"),
            _("stage"),
            _("data origin"),
        ]
    )
    for contract in contracts:
        writer.writerow(
            [
                contract.pk,
                contract.title,
                contract.get_category_display(),
                contract.municipality.name,
                contract.municipality.code,
                contract.signed_on.strftime("%d/%m/%Y") if contract.signed_on else "",
                contract.get_stage_display(),
                contract.get_data_origin_display(),
            ]
        )
    return response


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
        .order_by("municipality__name", "title")
    )
    import json

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


# --- one contract ---------------------------------------------------------------------------


def _tab_context(request: HttpRequest, contract: Contract, tab: str) -> dict[str, Any]:
    scope = scope_for(request.user)
    return {
        "contract": contract,
        "tab": tab,
        "is_member": scope.can_read_contract(contract.pk),
        "can_manage": scope.can_manage_contract(contract.pk),
        "can_contribute": scope.can_contribute(contract.pk),
        "nav": "overview",
    }


def _form_page(
    request: HttpRequest,
    *,
    contract: Contract,
    form: Any,
    tab: str,
    title: str,
    action: Callable[[dict[str, Any]], Any],
    success: str,
    next_url: Callable[[Any], str],
    multipart: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The shape every contract form page shares: validate, call one service, report.

    A service's refusal (DomainError) lands in the form's error summary; PermissionDenied
    propagates as 403. A POST that fails validation answers 400 so scripts notice.
    """
    done = submit_form(request, form, action, success=success, next_url=next_url)
    if done is not None:
        return done
    context = _tab_context(request, contract, tab)
    context.update({"form": form, "title": title, "multipart": multipart, **(extra or {})})
    status = 400 if request.method == "POST" else 200
    return render(request, "contracts/form.html", context, status=status)


def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_page(request.user, pk)
    context = _tab_context(request, contract, "summary")

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


def contract_areas_geojson(request: HttpRequest, pk: int) -> HttpResponse:
    import json

    from django.http import JsonResponse

    contract = selectors.contract_for_page(request.user, pk)
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
def contract_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    require(
        scope.can_create_contracts, _("Only a municipality's managers can register a contract.")
    )
    organisations = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    if not scope.is_superuser:
        organisations = organisations.filter(
            pk__in=scope.managed_organisation_ids & scope.municipality_organisation_ids
        )
    organisations = organisations.order_by("name")
    form = ContractCreateForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_create(
                actor=request.user,  # type: ignore[arg-type]
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
            return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/form.html",
        {"form": form, "nav": "overview", "title": _("Register a contract")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_page(request.user, pk)
    require(scope_for(request.user).can_manage_contract(contract.pk))
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
    return _form_page(
        request,
        contract=contract,
        form=form,
        tab="summary",
        title=_("Edit the contract"),
        action=lambda data: services.contract_update(
            actor=request.user,  # type: ignore[arg-type]
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
def axis_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_page(request.user, pk)
    require(scope_for(request.user).can_manage_contract(contract.pk))
    return _form_page(
        request,
        contract=contract,
        form=AxisForm(request.POST or None),
        tab="summary",
        title=_("Add the contract's own axis"),
        action=lambda data: services.axis_create(
            actor=request.user,  # type: ignore[arg-type]
            contract=contract,
            **data,
        ),
        success=_("The axis was added."),
        next_url=lambda _result: reverse("contracts:detail", args=[contract.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def signatory_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_page(request.user, pk)
    require(scope_for(request.user).can_manage_contract(contract.pk))
    return _form_page(
        request,
        contract=contract,
        form=SignatoryForm(request.POST or None),
        tab="summary",
        title=_("Add a signatory"),
        action=lambda data: services.signatory_add(
            actor=request.user,  # type: ignore[arg-type]
            contract=contract,
            **data,
        ),
        success=_("The signatory was added."),
        next_url=lambda _result: reverse("contracts:detail", args=[contract.pk]),
    )


@login_required
@require_POST
def signatory_remove(request: HttpRequest, pk: int, signatory_pk: int) -> HttpResponse:
    contract = selectors.contract_for_page(request.user, pk)
    signatory = get_object_for_user(Signatory.objects.filter(contract=contract), pk=signatory_pk)
    services.signatory_remove(actor=request.user, signatory=signatory)  # type: ignore[arg-type]
    messages.success(request, _("The signatory was removed."))
    return redirect("contracts:detail", pk=contract.pk)


# --- governance -------------------------------------------------------------------------------


def governance(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_page(request.user, pk)
    context = _tab_context(request, contract, "governance")
    context.update(
        {
            "bodies": selectors.contract_bodies(contract),
            "commission": selectors.national_commission(),
            "member_form": BodyMemberForm(contract_id=contract.pk)
            if context["can_manage"]
            else None,
            "chair_form": ChairForm() if context["can_manage"] else None,
        }
    )
    return render(request, "contracts/governance.html", context)


@login_required
@require_POST
def body_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    require(scope_for(request.user).can_manage_contract(contract.pk))
    form = BodyMemberForm(request.POST, contract_id=contract.pk)
    return _form_page(
        request,
        contract=contract,
        form=form,
        tab="governance",
        title=_("Add a member"),
        action=lambda _data: services.body_member_add(
            actor=request.user,  # type: ignore[arg-type]
            **form.service_arguments(),
        ),
        success=_("The member was added."),
        next_url=lambda _result: reverse("contracts:governance", args=[contract.pk]),
    )


@login_required
@require_POST
def body_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    member = get_object_for_user(
        BodyMember.objects.filter(body__contract=contract).select_related("body"), pk=member_pk
    )
    services.body_member_remove(actor=request.user, member=member)  # type: ignore[arg-type]
    messages.success(request, _("The member was removed."))
    return redirect("contracts:governance", pk=contract.pk)


@login_required
@require_POST
def chair_change(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    require(scope_for(request.user).can_manage_contract(contract.pk))
    form = ChairForm(request.POST)
    return _form_page(
        request,
        contract=contract,
        form=form,
        tab="governance",
        title=_("Change the chair"),
        action=lambda _data: services.committee_chair_change(
            actor=request.user,  # type: ignore[arg-type]
            contract=contract,
            **form.service_arguments(),
        ),
        success=_("The chair was changed."),
        next_url=lambda _result: reverse("contracts:governance", args=[contract.pk]),
    )


# --- stages -----------------------------------------------------------------------------------


def stages(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_page(request.user, pk)
    context = _tab_context(request, contract, "stages")
    context["stages"] = selectors.contract_stages(contract)
    return render(request, "contracts/stages.html", context)


@require_http_methods(["GET", "POST"])
def stage_detail(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    contract = selectors.contract_for_page(request.user, pk)
    if kind not in StageKind.values:
        from django.http import Http404

        raise Http404
    stage = contract.stages.get(kind=kind)
    actions = services.allowed_actions(request.user, stage)
    form = StageDecisionForm(
        request.POST or None, actions=actions, initial={"version": stage.version}
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        require(bool(actions) or scope_for(request.user).can_read_contract(contract.pk))
        if not actions:
            require(False, _("You cannot decide on this stage now."))
        if form.is_valid():
            try:
                decision = services.stage_decide(
                    actor=request.user,
                    stage=stage,
                    action=form.cleaned_data["action"],
                    expected_version=form.cleaned_data["version"],
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Decision recorded: %(action)s.") % {"action": decision.get_action_display()},
                )
                return redirect("contracts:stage", pk=contract.pk, kind=kind)
    context = _tab_context(request, contract, "stages")
    can_edit_summary = (
        scope_for(request.user).can_submit_stage(contract.pk)
        and stage.status in services.EDITABLE_STATUSES
    )
    context.update(
        {
            "stage": stage,
            "form": form if actions else None,
            "summary_form": StageSummaryForm(
                initial={"summary": stage.summary, "version": stage.version}
            )
            if can_edit_summary
            else None,
            "decisions": list(
                stage.decisions.select_related("actor", "actor_organisation").order_by(
                    "-decided_at", "-pk"
                )
            )
            if context["is_member"]
            else [],
            "documents": list(stage.documents.select_related("organisation"))
            if context["is_member"]
            else [],
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "contracts/stage.html", context, status=status)


@login_required
@require_POST
def stage_summary(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    contract = selectors.contract_for_page(request.user, pk)
    stage = get_object_for_user(contract.stages.all(), kind=kind)
    return _form_page(
        request,
        contract=contract,
        form=StageSummaryForm(request.POST),
        tab="stages",
        title=_("Summary of the deliverable"),
        action=lambda data: services.stage_summary_update(
            actor=request.user,  # type: ignore[arg-type]
            stage=stage,
            summary=data["summary"],
            expected_version=data["version"],
        ),
        success=_("The summary was saved."),
        next_url=lambda _result: reverse("contracts:stage", args=[contract.pk, kind]),
    )


# --- meetings and documents -------------------------------------------------------------------


def meetings(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    context = _tab_context(request, contract, "meetings")
    context["meetings"] = selectors.meetings_for(request.user, contract)
    return render(request, "contracts/meetings.html", context)


def meeting_detail(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    meeting = get_object_for_user(selectors.meetings_for(request.user, contract), pk=meeting_pk)
    context = _tab_context(request, contract, "meetings")
    context.update(
        {
            "meeting": meeting,
            "attendees": list(meeting.attendees.select_related("organisation", "person")),
            "can_edit": scope_for(request.user).can_write_for_organisation(
                contract.pk, meeting.recorded_by_organisation_id
            ),
            "documents": list(meeting.documents.all()),
        }
    )
    return render(request, "contracts/meeting_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    require(scope_for(request.user).can_contribute(contract.pk))
    return _form_page(
        request,
        contract=contract,
        form=MeetingForm(request.POST or None, request.FILES or None, contract_id=contract.pk),
        tab="meetings",
        title=_("Record a meeting"),
        multipart=True,
        action=lambda data: services.meeting_create(
            actor=request.user,  # type: ignore[arg-type]
            body=data["body"],
            held_on=data["held_on"],
            agenda=data["agenda"],
            decisions=data["decisions"],
            location=data["location"],
            attendees=data["attendees"],
            minutes=data["minutes"],
        ),
        success=_("The meeting was recorded."),
        next_url=lambda meeting: reverse("contracts:meeting", args=[contract.pk, meeting.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    meeting = get_object_for_user(selectors.meetings_for(request.user, contract), pk=meeting_pk)
    require(
        scope_for(request.user).can_write_for_organisation(
            contract.pk, meeting.recorded_by_organisation_id
        ),
        _("Only the organisation that recorded a meeting can change it."),
    )
    form = MeetingForm(
        request.POST or None,
        initial={
            "body": meeting.body_id,
            "held_on": meeting.held_on,
            "location": meeting.location,
            "agenda": meeting.agenda,
            "decisions": meeting.decisions,
            "attendees": list(meeting.attendees.all()),
        },
        contract_id=contract.pk,
    )
    form.fields["body"].disabled = True
    del form.fields["minutes"]
    return _form_page(
        request,
        contract=contract,
        form=form,
        tab="meetings",
        title=_("Correct the meeting's record"),
        action=lambda data: services.meeting_update(
            actor=request.user,  # type: ignore[arg-type]
            meeting=meeting,
            held_on=data["held_on"],
            agenda=data["agenda"],
            decisions=data["decisions"],
            location=data["location"],
            attendees=data["attendees"],
        ),
        success=_("The meeting was saved."),
        next_url=lambda _meeting: reverse("contracts:meeting", args=[contract.pk, meeting.pk]),
    )


@login_required
@require_POST
def meeting_delete(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    meeting = get_object_for_user(selectors.meetings_for(request.user, contract), pk=meeting_pk)
    services.meeting_delete(actor=request.user, meeting=meeting)  # type: ignore[arg-type]
    messages.success(request, _("The meeting was deleted."))
    return redirect("contracts:meetings", pk=contract.pk)


def documents(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    context = _tab_context(request, contract, "documents")
    scope = scope_for(request.user)
    docs = list(selectors.documents_for(request.user, contract))
    for document in docs:
        document.can_delete = scope.can_write_for_organisation(  # type: ignore[attr-defined]
            contract.pk, document.organisation_id
        )
    context["documents"] = docs
    return render(request, "contracts/documents.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    require(scope_for(request.user).can_contribute(contract.pk))
    form = DocumentForm(request.POST or None, request.FILES or None)
    stage_kind = request.GET.get("stage") or request.POST.get("stage")
    stage: Stage | None = None
    if stage_kind in StageKind.values:
        stage = contract.stages.get(kind=stage_kind)
        form.fields["kind"].initial = "deliverable"
    return _form_page(
        request,
        contract=contract,
        form=form,
        tab="documents",
        title=_("Add a document"),
        multipart=True,
        extra={"stage_kind": stage_kind},
        action=lambda data: services.document_upload(
            actor=request.user,  # type: ignore[arg-type]
            contract=contract,
            kind=data["kind"],
            title=data["title"],
            upload=data["file"],
            stage=stage,
        ),
        success=_("The document was added."),
        next_url=lambda _document: (
            reverse("contracts:stage", args=[contract.pk, stage.kind])
            if stage is not None
            else reverse("contracts:documents", args=[contract.pk])
        ),
    )


def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    document = selectors.document_for_user(request.user, pk, document_pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = selectors.document_for_user(request.user, pk, document_pk)
    services.document_delete(actor=request.user, document=document)  # type: ignore[arg-type]
    messages.success(request, _("The document was removed."))
    return redirect("contracts:documents", pk=pk)


def history(request: HttpRequest, pk: int) -> HttpResponse:
    from localsafety.contracts.history import contract_history

    contract = selectors.contract_for_member(request.user, pk)
    context = _tab_context(request, contract, "history")
    entries = contract_history(request.user, contract)
    for entry in entries:
        entry["reason"] = _readable_reason(entry["reason"])
    context["entries"] = entries
    return render(request, "contracts/history.html", context)


# Services record short English reasons; the history shows them in the reader's language.
_ROUTINE_REASONS = {"created", "edited", "added", "removed", "uploaded", "deleted", "opened"}


def _readable_reason(reason: str) -> str:
    if reason in _ROUTINE_REASONS:
        return ""  # the action column already says it
    action, _sep, comment = reason.partition(":")
    labels = dict(DecisionAction.choices)
    if action in labels:
        label = str(labels[action])
        return f"{label}: {comment.strip()}" if comment.strip() else label
    known = {
        "areas changed": _("areas changed"),
        "axes changed": _("axes changed"),
        "named chair": _("named chair"),
        "no longer chair": _("no longer chair"),
        "summary edited": _("summary edited"),
        "zone created": _("zone created"),
        "zone changed": _("zone changed"),
        "zone deleted": _("zone deleted"),
    }
    return str(known.get(reason, reason))
