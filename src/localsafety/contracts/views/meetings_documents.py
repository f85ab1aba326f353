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
    MeetingForm,
)
from localsafety.contracts.models import (
    Stage,
    StageKind,
)
from localsafety.contracts.views.base import form_page, tab_context
from localsafety.core.access import get_object_for_user, require
from localsafety.core.http import AuthenticatedHttpRequest


def meetings(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    context = tab_context(request, contract, "meetings")
    context["meetings"] = selectors.meetings_for(request.user, contract)
    return render(request, "contracts/meetings.html", context)


def meeting_detail(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    meeting = get_object_for_user(selectors.meetings_for(request.user, contract), pk=meeting_pk)
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
def meeting_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    require(scope_for(request.user).can_contribute(contract.pk))
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
def meeting_edit(request: AuthenticatedHttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
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
    return form_page(
        request,
        contract=contract,
        form=form,
        tab="meetings",
        title=_("Correct the meeting's record"),
        action=lambda data: services.meeting_update(
            actor=request.user,
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
def meeting_delete(request: AuthenticatedHttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    meeting = get_object_for_user(selectors.meetings_for(request.user, contract), pk=meeting_pk)
    services.meeting_delete(actor=request.user, meeting=meeting)
    messages.success(request, _("The meeting was deleted."))
    return redirect("contracts:meetings", pk=contract.pk)


def documents(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    context = tab_context(request, contract, "documents")
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
def document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_for_member(request.user, pk)
    require(scope_for(request.user).can_contribute(contract.pk))
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
def document_delete(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = selectors.document_for_user(request.user, pk, document_pk)
    services.document_delete(actor=request.user, document=document)
    messages.success(request, _("The document was removed."))
    return redirect("contracts:documents", pk=pk)
