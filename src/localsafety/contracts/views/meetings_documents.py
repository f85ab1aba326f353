"""Meetings and documents of a contract."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from localsafety.contracts import selectors, services
from localsafety.contracts.access import scope_for
from localsafety.contracts.forms import (
    DocumentForm,
    MeetingEditForm,
    MeetingForm,
)
from localsafety.contracts.models import (
    Contract,
    Stage,
    StageKind,
)
from localsafety.contracts.views.base import contract_view, form_page, tab_context
from localsafety.core.access import get_object_for_user, require
from localsafety.core.http import AuthenticatedHttpRequest


@contract_view("record")
def meetings(request: HttpRequest, contract: Contract) -> HttpResponse:
    context = tab_context(request, contract, "meetings")
    context["meetings"] = selectors.meeting_list(request.user, contract)
    return render(request, "contracts/meetings.html", context)


@contract_view("record")
def meeting_detail(request: HttpRequest, contract: Contract, meeting_id: int) -> HttpResponse:
    meeting = get_object_for_user(selectors.meeting_list(request.user, contract), pk=meeting_id)
    context = tab_context(request, contract, "meetings")
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
@contract_view("record", may="contribute")
def meeting_create(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    return form_page(
        request,
        contract=contract,
        form=MeetingForm(request.POST or None, request.FILES or None, contract_id=contract.pk),
        tab="meetings",
        title=_("Record a meeting"),
        multipart=True,
        action=lambda data: services.meeting_create(
            actor=request.user,
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
@contract_view("record")
def meeting_edit(
    request: AuthenticatedHttpRequest, contract: Contract, meeting_id: int
) -> HttpResponse:
    meeting = get_object_for_user(selectors.meeting_list(request.user, contract), pk=meeting_id)
    require(
        scope_for(request.user).can_write_for_organisation(
            contract.pk, meeting.recorded_by_organisation_id
        ),
        _("Only the organisation that recorded a meeting can change it."),
    )
    form = MeetingEditForm(
        request.POST or None,
        initial={
            "body": meeting.body_id,
            "held_on": meeting.held_on,
            "location": meeting.location,
            "agenda": meeting.agenda,
            "decisions": meeting.decisions,
            "attendees": list(meeting.attendees.all()),
            "version": meeting.version,
        },
        contract_id=contract.pk,
    )
    return form_page(
        request,
        contract=contract,
        form=form,
        tab="meetings",
        title=_("Correct the meeting's record"),
        action=lambda data: services.meeting_update(
            actor=request.user,
            meeting=meeting,
            expected_version=data["version"],
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
@contract_view("record")
def meeting_delete(
    request: AuthenticatedHttpRequest, contract: Contract, meeting_id: int
) -> HttpResponse:
    meeting = get_object_for_user(selectors.meeting_list(request.user, contract), pk=meeting_id)
    services.meeting_delete(actor=request.user, meeting=meeting)
    messages.success(request, _("The meeting was deleted."))
    return redirect("contracts:meetings", contract_id=contract.pk)


@contract_view("record")
def documents(request: HttpRequest, contract: Contract) -> HttpResponse:
    context = tab_context(request, contract, "documents")
    scope = scope_for(request.user)
    docs = list(selectors.document_list(request.user, contract))
    for document in docs:
        document.can_delete = scope.can_write_for_organisation(  # type: ignore[attr-defined]
            contract.pk, document.organisation_id
        )
    context["documents"] = docs
    return render(request, "contracts/documents.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("record", may="contribute")
def document_upload(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None)
    stage_kind = request.GET.get("stage") or request.POST.get("stage")
    stage: Stage | None = None
    if stage_kind in StageKind.values:
        stage = contract.stages.get(kind=stage_kind)
        form.fields["kind"].initial = "deliverable"
    return form_page(
        request,
        contract=contract,
        form=form,
        tab="documents",
        title=_("Add a document"),
        multipart=True,
        extra={"stage_kind": stage_kind},
        action=lambda data: services.document_upload(
            actor=request.user,
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


@contract_view("record")
def document_download(request: HttpRequest, contract: Contract, document_id: int) -> FileResponse:
    document = get_object_for_user(selectors.document_list(request.user, contract), pk=document_id)
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
@contract_view("record")
def document_delete(
    request: AuthenticatedHttpRequest, contract: Contract, document_id: int
) -> HttpResponse:
    document = get_object_for_user(selectors.document_list(request.user, contract), pk=document_id)
    services.document_delete(actor=request.user, document=document)
    messages.success(request, _("The document was removed."))
    return redirect("contracts:documents", contract_id=contract.pk)
