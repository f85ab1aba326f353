"""Writes for contracts: the only code that changes contract state, each in a transaction.

Every service takes the acting user first, checks the access rules itself (so pages, API
and commands cannot disagree), validates, saves and leaves a history record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localsafety.contracts.access import forget_scope, scope_for
from localsafety.contracts.models import (
    STAGE_ORDER,
    Axis,
    BodyKind,
    BodyMember,
    BodyRole,
    Contract,
    DecisionAction,
    Document,
    DocumentKind,
    GovernanceBody,
    Meeting,
    Signatory,
    Stage,
    StageDecision,
    StageKind,
    StageStatus,
)
from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.errors import ConflictError, DomainError
from localsafety.core.files import sniff_document
from localsafety.organisations.models import Organisation, User
from localsafety.territory.models import Area, AreaKind


def contract_touch(contract_id: int) -> None:
    """Mark a contract as changed: its pages' cached fragments are keyed on ``updated_at``.

    Called by every service that changes something a contract page shows (stages, bodies,
    members, signatories, axes, zones), so cached pages are never stale.
    """
    Contract.objects.filter(pk=contract_id).update(updated_at=timezone.now())


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _organisation_for(actor: User, contract: Contract) -> Organisation | None:
    """The organisation on whose behalf ``actor`` acts in ``contract`` (first match)."""
    scope = scope_for(actor)
    if contract.lead_organisation_id in scope.organisation_ids:
        return contract.lead_organisation
    seat_orgs = BodyMember.objects.filter(
        body__contract=contract, organisation_id__in=scope.organisation_ids
    ).values_list("organisation_id", flat=True)
    for org_id in seat_orgs:
        return Organisation.objects.get(pk=org_id)
    if scope.organisation_ids:
        return Organisation.objects.filter(pk__in=scope.organisation_ids).first()
    return None


# --- contracts -------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    actor: User,
    title: str,
    category: str,
    municipality: Area,
    lead_organisation: Organisation,
    chair: User | None,
    chair_name: str = "",
    chair_organisation: Organisation | None = None,
    signed_on: dt.date | None = None,
    signing_place: str = "",
    summary: str = "",
    areas: Iterable[Area] = (),
    axes: Iterable[Axis] | None = None,
    is_published: bool = False,
    data_origin: str = "entered",
    source_note: str = "",
) -> Contract:
    """Create a contract with its two bodies, a chaired Coordinating Committee and four stages."""
    scope = scope_for(actor)
    if not (scope.can_create_contracts or actor.is_superuser):
        raise _deny(_("Only a municipality's managers can register a contract."))
    if not scope.is_superuser and lead_organisation.pk not in scope.managed_organisation_ids:
        raise _deny(_("You can only register contracts led by an organisation you manage."))
    if municipality.kind != AreaKind.MUNICIPALITY:
        raise DomainError(
            _("The contract's municipality must be a municipality."), field="municipality"
        )
    if chair is None and not chair_name.strip():
        raise DomainError(
            _("A contract needs the chair of its Coordinating Committee (usually the mayor)."),
            field="chair",
        )
    contract = create_validated(
        Contract,
        actor=actor,
        reason="created",
        title=title,
        category=category,
        municipality=municipality,
        lead_organisation=lead_organisation,
        signed_on=signed_on,
        signing_place=signing_place,
        summary=summary,
        is_published=is_published,
        data_origin=data_origin,
        source_note=source_note,
    )
    chosen_areas = list(areas) or [municipality]
    _check_areas(contract, chosen_areas)
    contract.areas.set(chosen_areas)
    contract.axes.set(list(axes) if axes is not None else list(Axis.objects.national()))
    committee = create_validated(
        GovernanceBody,
        actor=actor,
        kind=BodyKind.COMMITTEE,
        contract=contract,
    )
    create_validated(
        GovernanceBody,
        actor=actor,
        kind=BodyKind.CORE,
        contract=contract,
    )
    create_validated(
        BodyMember,
        actor=actor,
        body=committee,
        contract=contract,
        organisation=chair_organisation or lead_organisation,
        person=chair,
        person_name="" if chair else chair_name.strip(),
        role=BodyRole.CHAIR,
        data_origin=data_origin,
    )
    for position, kind in enumerate(STAGE_ORDER, start=1):
        create_validated(
            Stage,
            actor=actor,
            contract=contract,
            kind=kind,
            position=position,
            status=StageStatus.IN_PREPARATION if position == 1 else StageStatus.NOT_STARTED,
        )
    create_validated(
        Signatory,
        actor=actor,
        contract=contract,
        organisation=lead_organisation,
        data_origin=data_origin,
    )
    forget_scope(actor)
    return contract


def _check_areas(contract: Contract, areas: list[Area]) -> None:
    for area in areas:
        if area.owner_contract_id not in (None, contract.pk):
            raise DomainError(
                _("Zone %(zone)s belongs to another contract.") % {"zone": area.name}, field="areas"
            )


def _check_version(instance: Contract | Stage, expected: int | None) -> None:
    if expected is not None and instance.version != expected:
        raise ConflictError(
            _(
                "Someone else changed this record while you were working on it. "
                "Reload the page to see their change, then try again."
            )
        )


@transaction.atomic
def contract_update(
    *,
    actor: User,
    contract: Contract,
    expected_version: int | None,
    changes: dict[str, Any],
    areas: Iterable[Area] | None = None,
    axes: Iterable[Axis] | None = None,
) -> Contract:
    """Change a contract's own fields; refuses with a conflict if it changed meanwhile."""
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise _deny(_("Only the contract's lead organisation can edit it."))
    allowed = {"title", "category", "summary", "signed_on", "signing_place", "is_published"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    _check_version(locked, expected_version)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    save_fields(locked, [*changes, "version", "updated_at"], actor=actor, reason="edited")
    if areas is not None:
        chosen = list(areas)
        if not chosen:
            raise DomainError(_("A contract covers at least one area."), field="areas")
        _check_areas(locked, chosen)
        mark_change(locked, actor=actor, reason="areas changed")
        locked.areas.set(chosen)
    if axes is not None:
        chosen_axes = list(axes)
        for axis in chosen_axes:
            if axis.contract_id not in (None, locked.pk):
                raise DomainError(_("That axis belongs to another contract."), field="axes")
        mark_change(locked, actor=actor, reason="axes changed")
        locked.axes.set(chosen_axes)
    return locked


@transaction.atomic
def axis_create(*, actor: User, contract: Contract, code: str, name_en: str, name_pt: str) -> Axis:
    """A contract may add its own axes beside the four national ones."""
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise _deny(_("Only the contract's lead organisation can add axes."))
    if (
        Axis.objects.filter(contract=contract, code=code).exists()
        or Axis.objects.filter(contract__isnull=True, code=code).exists()
    ):
        raise DomainError(_("An axis with this code already exists."), field="code")
    position = Axis.objects.filter(contract=contract).count() + 10
    axis = create_validated(
        Axis,
        actor=actor,
        contract=contract,
        code=code,
        name_en=name_en,
        name_pt=name_pt,
        position=position,
    )
    contract.axes.add(axis)
    contract_touch(contract.pk)
    return axis


@transaction.atomic
def signatory_add(
    *, actor: User, contract: Contract, organisation: Organisation, signed_by: str = ""
) -> Signatory:
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise _deny(_("Only the contract's lead organisation can edit signatories."))
    if Signatory.objects.filter(contract=contract, organisation=organisation).exists():
        raise DomainError(_("This organisation already signed the contract."), field="organisation")
    signatory = create_validated(
        Signatory, actor=actor, contract=contract, organisation=organisation, signed_by=signed_by
    )
    contract_touch(contract.pk)
    return signatory


@transaction.atomic
def signatory_remove(*, actor: User, signatory: Signatory) -> None:
    if not scope_for(actor).can_manage_contract(signatory.contract_id):
        raise _deny(_("Only the contract's lead organisation can edit signatories."))
    mark_change(signatory, actor=actor, reason="removed")
    signatory.delete()
    contract_touch(signatory.contract_id)


# --- governance bodies ---------------------------------------------------------------------


@transaction.atomic
def body_member_add(
    *,
    actor: User,
    body: GovernanceBody,
    organisation: Organisation,
    person: User | None = None,
    person_name: str = "",
    role: str = BodyRole.MEMBER,
    data_origin: str = "entered",
) -> BodyMember:
    """Seat an organisation (and optionally a person) on a body; a body has one chair."""
    scope = scope_for(actor)
    if body.contract_id is None:
        if not scope.is_superuser:
            raise _deny(_("Only an administrator can change the Interministerial Commission."))
    elif not scope.can_manage_contract(body.contract_id):
        raise _deny(_("Only the contract's lead organisation can change its bodies."))
    if role == BodyRole.CHAIR and body.members.filter(role=BodyRole.CHAIR).exists():
        raise DomainError(
            _("This body already has a chair; change the chair instead."), field="role"
        )
    if role == BodyRole.CHAIR and body.kind != BodyKind.COMMITTEE:
        raise DomainError(_("Only the Coordinating Committee has a chair."), field="role")
    if person is not None and BodyMember.objects.filter(body=body, person=person).exists():
        raise DomainError(_("This person already sits on this body."), field="person")
    member = create_validated(
        BodyMember,
        actor=actor,
        reason="added",
        body=body,
        contract_id=body.contract_id,
        organisation=organisation,
        person=person,
        person_name="" if person else person_name.strip(),
        role=role,
        data_origin=data_origin,
    )
    if person is not None:
        forget_scope(person)
    if body.contract_id is not None:
        contract_touch(body.contract_id)
    return member


@transaction.atomic
def body_member_remove(*, actor: User, member: BodyMember) -> None:
    body = member.body
    if body.contract_id is None:
        if not scope_for(actor).is_superuser:
            raise _deny(_("Only an administrator can change the Interministerial Commission."))
    elif not scope_for(actor).can_manage_contract(body.contract_id):
        raise _deny(_("Only the contract's lead organisation can change its bodies."))
    if member.role == BodyRole.CHAIR:
        raise DomainError(
            _("The Coordinating Committee cannot be left without a chair; name a new chair first.")
        )
    mark_change(member, actor=actor, reason="removed")
    member.delete()
    if body.contract_id is not None:
        contract_touch(body.contract_id)


@transaction.atomic
def committee_chair_change(
    *,
    actor: User,
    contract: Contract,
    organisation: Organisation,
    person: User | None,
    person_name: str = "",
) -> BodyMember:
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise _deny(_("Only the contract's lead organisation can change its bodies."))
    if person is None and not person_name.strip():
        raise DomainError(_("Name the new chair."), field="person")
    committee = GovernanceBody.objects.get(contract=contract, kind=BodyKind.COMMITTEE)
    contract_touch(contract.pk)
    for old in committee.members.filter(role=BodyRole.CHAIR):
        old.role = BodyRole.MEMBER
        save_fields(old, ["role"], actor=actor, reason="no longer chair")
    if person is not None:
        existing = committee.members.filter(person=person).first()
        if existing:
            existing.role = BodyRole.CHAIR
            save_fields(existing, ["role"], actor=actor, reason="named chair")
            return existing
    return create_validated(
        BodyMember,
        actor=actor,
        reason="named chair",
        body=committee,
        contract_id=committee.contract_id,
        organisation=organisation,
        person=person,
        person_name="" if person else person_name.strip(),
        role=BodyRole.CHAIR,
    )


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
        raise _deny(_("Only the contract's partners can record its meetings."))
    attendee_list = list(attendees)
    if any(member.body_id != body.pk for member in attendee_list):
        raise DomainError(_("Attendees must be members of the body that met."), field="attendees")
    organisation = _organisation_for(actor, contract)
    if organisation is None:
        raise _deny(_("You must belong to an organisation to record a meeting."))
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
            % {"body": body.name, "date": held_on.isoformat()},
            upload=minutes,
            meeting=meeting,
        )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    held_on: dt.date,
    agenda: str,
    decisions: str = "",
    location: str = "",
    attendees: Iterable[BodyMember] = (),
) -> Meeting:
    """Correct a meeting's record: only the organisation that recorded it (or the lead)."""
    if not scope_for(actor).can_write_for_organisation(
        meeting.contract_id, meeting.recorded_by_organisation_id
    ):
        raise _deny(_("Only the organisation that recorded a meeting can change it."))
    attendee_list = list(attendees)
    if any(member.body_id != meeting.body_id for member in attendee_list):
        raise DomainError(_("Attendees must be members of the body that met."), field="attendees")
    meeting.held_on = held_on
    meeting.agenda = agenda
    meeting.decisions = decisions
    meeting.location = location
    save_fields(
        meeting, ["held_on", "agenda", "decisions", "location"], actor=actor, reason="edited"
    )
    meeting.attendees.set(attendee_list)
    return meeting


@transaction.atomic
def meeting_delete(*, actor: User, meeting: Meeting) -> None:
    if not scope_for(actor).can_write_for_organisation(
        meeting.contract_id, meeting.recorded_by_organisation_id
    ):
        raise _deny(_("Only the organisation that recorded a meeting can delete it."))
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
    """Store a document after checking its size and its real type from the bytes."""
    if not scope_for(actor).can_contribute(contract.pk):
        raise _deny(_("Only the contract's partners can add documents."))
    size = upload.size or 0
    if size > settings.LOCALSAFETY_MAX_DOCUMENT_BYTES:
        raise DomainError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": round(size / 1e6, 1),
                "limit": round(settings.LOCALSAFETY_MAX_DOCUMENT_BYTES / 1e6),
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
    organisation = _organisation_for(actor, contract)
    if organisation is None:
        raise _deny(_("You must belong to an organisation to add documents."))
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
        raise _deny(_("Only the organisation that added a document can remove it."))
    mark_change(document, actor=actor, reason="deleted")
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# --- stage workflow -------------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[set[str], str]] = {
    DecisionAction.SUBMIT: (
        {StageStatus.IN_PREPARATION, StageStatus.RETURNED},
        StageStatus.SUBMITTED,
    ),
    DecisionAction.APPROVE: ({StageStatus.SUBMITTED}, StageStatus.APPROVED),
    DecisionAction.RETURN: ({StageStatus.SUBMITTED}, StageStatus.RETURNED),
    DecisionAction.ENDORSE: ({StageStatus.APPROVED}, StageStatus.ENDORSED),
    DecisionAction.REOPEN: (
        {StageStatus.APPROVED, StageStatus.ENDORSED},
        StageStatus.IN_PREPARATION,
    ),
}


def allowed_actions(actor: Any, stage: Stage) -> list[str]:
    """The decisions ``actor`` may take on ``stage`` now (for buttons and the API)."""
    scope = scope_for(actor)
    contract_id = stage.contract_id
    actions: list[str] = []
    for action, (sources, _target) in TRANSITIONS.items():
        if stage.status not in sources:
            continue
        if action == DecisionAction.SUBMIT and scope.can_submit_stage(contract_id):
            actions.append(action)
        elif action in {DecisionAction.APPROVE, DecisionAction.RETURN, DecisionAction.REOPEN}:
            if scope.can_decide_stage(contract_id):
                actions.append(action)
        elif action == DecisionAction.ENDORSE:
            if stage.needs_national_endorsement and scope.can_endorse_plan():
                actions.append(action)
    return actions


@transaction.atomic
def stage_decide(
    *,
    actor: User,
    stage: Stage,
    action: str,
    expected_version: int,
    comment: str = "",
    summary: str | None = None,
) -> StageDecision:
    """Apply one decision to a stage: who, when, what and why are recorded.

    Optimistic locking: the decision names the version the person saw; if another decision
    landed meanwhile the update matches no row and the person is told to reload.
    """
    if action not in TRANSITIONS:
        raise DomainError(_("Unknown decision."), field="action")
    scope = scope_for(actor)
    contract_id = stage.contract_id
    if action == DecisionAction.SUBMIT and not scope.can_submit_stage(contract_id):
        raise _deny(_("Only the Operational Core submits a stage's deliverable."))
    if action in {DecisionAction.APPROVE, DecisionAction.RETURN, DecisionAction.REOPEN} and not (
        scope.can_decide_stage(contract_id)
    ):
        raise _deny(
            _("Only members of the Coordinating Committee can approve, return or reopen a stage.")
        )
    if action == DecisionAction.ENDORSE:
        if not scope.can_endorse_plan():
            raise _deny(_("Only the Interministerial Commission endorses intervention plans."))
        if not stage.needs_national_endorsement:
            raise DomainError(_("Only the intervention plan is endorsed nationally."))
    if action in {DecisionAction.RETURN, DecisionAction.REOPEN} and not comment.strip():
        raise DomainError(_("Say why: a reason is required."), field="comment")

    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    _check_version(locked, expected_version)
    sources, target = TRANSITIONS[action]
    if locked.status not in sources:
        raise ConflictError(
            _("This stage is now “%(status)s”; that decision no longer applies. Reload the page.")
            % {"status": locked.get_status_display()}
        )
    if action == DecisionAction.SUBMIT:
        previous = Stage.objects.filter(contract_id=contract_id, position__lt=locked.position)
        if any(not earlier.is_complete for earlier in previous):
            raise DomainError(_("The previous stage must be approved first."))
    before = locked.status
    updated = Stage.objects.filter(pk=locked.pk, version=locked.version).update(
        status=target,
        version=locked.version + 1,
        **({"summary": summary} if summary is not None else {}),
    )
    if updated != 1:
        raise ConflictError(_("Someone else decided on this stage first. Reload the page."))
    locked.refresh_from_db()
    mark_change(locked, actor=actor, reason=f"{action}: {comment}"[:100])
    # Record the post-decision state in the stage's history (update() bypasses signals).
    locked.save(update_fields=["updated_at"])
    decision = StageDecision.objects.create(
        stage=locked,
        contract_id=locked.contract_id,
        action=action,
        actor=actor,
        actor_organisation=_organisation_for(actor, locked.contract),
        status_before=before,
        status_after=target,
        comment=comment.strip(),
    )
    _advance_contract(locked.contract, actor=actor)
    return decision


EDITABLE_STATUSES = {StageStatus.IN_PREPARATION, StageStatus.RETURNED}


@transaction.atomic
def stage_summary_update(
    *, actor: User, stage: Stage, summary: str, expected_version: int
) -> Stage:
    """The Operational Core writes the deliverable's summary while the stage is open."""
    if not scope_for(actor).can_submit_stage(stage.contract_id):
        raise _deny(_("Only the Operational Core prepares a stage's deliverable."))
    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    _check_version(locked, expected_version)
    if locked.status not in EDITABLE_STATUSES:
        raise ConflictError(
            _("This stage is “%(status)s”: its deliverable can no longer be edited.")
            % {"status": locked.get_status_display()}
        )
    locked.summary = summary.strip()
    locked.version += 1
    save_fields(locked, ["summary", "version", "updated_at"], actor=actor, reason="summary edited")
    contract_touch(locked.contract_id)
    return locked


def _advance_contract(contract: Contract, *, actor: User) -> None:
    """Open the next stage once the current one is complete; keep ``Contract.stage`` current."""
    stages = list(contract.stages.order_by("position"))
    current = stages[-1]
    for stage in stages:
        if not stage.is_complete:
            current = stage
            break
    for stage in stages:
        if stage.position == current.position and stage.status == StageStatus.NOT_STARTED:
            stage.status = StageStatus.IN_PREPARATION
            stage.version += 1
            save_fields(stage, ["status", "version", "updated_at"], actor=actor, reason="opened")
            StageDecision.objects.create(
                stage=stage,
                contract_id=stage.contract_id,
                action=DecisionAction.START,
                actor=actor,
                status_before=StageStatus.NOT_STARTED,
                status_after=StageStatus.IN_PREPARATION,
            )
    if contract.stage != current.kind:
        Contract.objects.filter(pk=contract.pk).update(stage=current.kind)
        contract.stage = current.kind
    contract_touch(contract.pk)


__all__ = [
    "StageKind",
    "allowed_actions",
    "axis_create",
    "body_member_add",
    "body_member_remove",
    "committee_chair_change",
    "contract_touch",
    "contract_create",
    "contract_update",
    "document_delete",
    "document_upload",
    "meeting_create",
    "meeting_delete",
    "meeting_update",
    "signatory_add",
    "signatory_remove",
    "stage_decide",
    "stage_summary_update",
]
