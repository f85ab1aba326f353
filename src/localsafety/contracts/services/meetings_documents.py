"""Writes for meetings and documents."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import (
    BodyMember,
    Contract,
    Document,
    DocumentKind,
    GovernanceBody,
    Meeting,
    Stage,
)
from localsafety.contracts.services.common import (
    check_version,
    deny,
    organisation_for,
)
from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.dates import table_date
from localsafety.core.errors import DomainError
from localsafety.core.files import sniff_document
from localsafety.core.sizes import format_file_size
from localsafety.organisations.models import User

# --- meetings and documents ----------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    body: GovernanceBody,
    held_on: dt.date,
    agenda: str,
    decisions: str = "",
    location: str = "",
    attendees: Iterable[BodyMember] = (),
    minutes: UploadedFile | None = None,
) -> Meeting:
    contract = body.contract
    if contract is None:
        raise DomainError(_("Meetings are recorded for a contract's bodies."))
    scope = scope_for(actor)
    if not scope.can_contribute(contract.pk):
        raise deny(_("Only the contract's partners can record its meetings."))
    attendee_list = list(attendees)
    if any(member.body_id != body.pk for member in attendee_list):
        raise DomainError(_("Attendees must be members of the body that met."), field="attendees")
    organisation = organisation_for(actor, contract)
    if organisation is None:
        raise deny(_("You must belong to an organisation to record a meeting."))
    meeting = create_validated(
        Meeting,
        actor=actor,
        body=body,
        contract=contract,
        held_on=held_on,
        location=location,
        agenda=agenda,
        decisions=decisions,
        recorded_by_organisation=organisation,
        created_by=actor,
    )
    meeting.attendees.set(attendee_list)
    if minutes is not None:
        document_upload(
            actor=actor,
            contract=contract,
            kind=DocumentKind.MINUTES,
            title=_("Minutes, %(body)s, %(date)s")
            % {"body": body.name, "date": table_date(held_on)},
            upload=minutes,
            meeting=meeting,
        )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    expected_version: int | None,
    held_on: dt.date,
    agenda: str,
    decisions: str = "",
    location: str = "",
    attendees: Iterable[BodyMember] = (),
) -> Meeting:
    """Correct a meeting's record: only the organisation that recorded it (or the lead).

    ``expected_version`` is the version the correction was made on: without one it is
    refused, and if someone corrected the meeting meanwhile it is a conflict.
    """
    if not scope_for(actor).can_write_for_organisation(
        meeting.contract_id, meeting.recorded_by_organisation_id
    ):
        raise deny(_("Only the organisation that recorded a meeting can change it."))
    attendee_list = list(attendees)
    if any(member.body_id != meeting.body_id for member in attendee_list):
        raise DomainError(_("Attendees must be members of the body that met."), field="attendees")
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(locked, expected_version)
    locked.held_on = held_on
    locked.agenda = agenda
    locked.decisions = decisions
    locked.location = location
    locked.version += 1
    save_fields(
        locked,
        ["held_on", "agenda", "decisions", "location", "version"],
        actor=actor,
        reason="edited",
    )
    locked.attendees.set(attendee_list)
    return locked


@transaction.atomic
def meeting_delete(*, actor: User, meeting: Meeting) -> None:
    if not scope_for(actor).can_write_for_organisation(
        meeting.contract_id, meeting.recorded_by_organisation_id
    ):
        raise deny(_("Only the organisation that recorded a meeting can delete it."))
    mark_change(meeting, actor=actor, reason="deleted")
    meeting.delete()


@transaction.atomic
def document_upload(
    *,
    actor: User,
    contract: Contract,
    kind: str,
    title: str,
    upload: UploadedFile,
    meeting: Meeting | None = None,
    stage: Stage | None = None,
) -> Document:
    """Store a document after checking its size and its real type from the bytes.

    An office document is an archive: ``sniff_document`` unpacks it within the caps of
    ``core.archives`` (refusing bombs, programs and macros) before anything is stored.
    """
    if not scope_for(actor).can_contribute(contract.pk):
        raise deny(_("Only the contract's partners can add documents."))
    size = upload.size or 0
    if size > settings.LOCALSAFETY_MAX_DOCUMENT_BYTES:
        raise DomainError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {
                "size": format_file_size(size, round_up=True),
                "limit": format_file_size(settings.LOCALSAFETY_MAX_DOCUMENT_BYTES),
            },
            field="file",
        )
    if size == 0:
        raise DomainError(_("The file is empty."), field="file")
    head = upload.read(8192)
    upload.seek(0)
    content_type = sniff_document(head, upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    organisation = organisation_for(actor, contract)
    if organisation is None:
        raise deny(_("You must belong to an organisation to add documents."))
    document = Document(
        contract=contract,
        kind=kind,
        title=title,
        original_name=(upload.name or "document")[-255:],
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        organisation=organisation,
        meeting=meeting,
        stage=stage,
        uploaded_by=actor,
    )
    document.file.save(upload.name or "document", upload, save=False)
    document.full_clean()
    mark_change(document, actor=actor, reason="uploaded")
    document.save()
    return document


@transaction.atomic
def document_delete(*, actor: User, document: Document) -> None:
    if not scope_for(actor).can_write_for_organisation(
        document.contract_id, document.organisation_id
    ):
        raise deny(_("Only the organisation that added a document can remove it."))
    mark_change(document, actor=actor, reason="deleted")
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
