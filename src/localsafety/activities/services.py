"""Writes for activities: log, correct, delete, attach evidence (imports: ``importing.py``).

A partner writes only its own organisation's activities; the lead organisation (the
municipality) keeps all of its contract's. Every rule is checked by ``rules.ActivityRules``,
the same object the spreadsheet import uses, so a form, the API and a file refuse the same
things with the same reasons.
"""

from __future__ import annotations

import functools
import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from localsafety.activities.models import (
    PARTICIPANT_FIELDS,
    Activity,
    ActivityCost,
    Evidence,
)
from localsafety.activities.rules import ActivityRules, ActivityValues
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.core.audit import mark_change, save_fields
from localsafety.core.errors import DomainError
from localsafety.core.files import sniff_document
from localsafety.core.locking import require_version
from localsafety.core.sizes import format_file_size
from localsafety.organisations.models import User

#: The fields of an activity an edit may change (besides participants and costs).
EDITABLE_FIELDS = [
    "measure",
    "organisation",
    "kind",
    "status",
    "title",
    "description",
    "starts_on",
    "ends_on",
    "area",
    "place_name",
    "latitude",
    "longitude",
    "axis",
    "intervention_kind",
    "target_group",
    "staff_hours",
    "volunteer_hours",
]


def _refuse(rules: ActivityRules, values: ActivityValues, served: int | None = None) -> None:
    """403 for another organisation's activity; the first problem otherwise (400)."""
    organisation_id = values.organisation_id
    if organisation_id in rules.organisations and not rules.may_write_for(organisation_id or 0):
        raise PermissionDenied(_("You may log activities only for your own organisation."))
    problems = rules.problems(values, served_measure_id=served)
    if problems:
        field, message = problems[0]
        raise DomainError(message, field=field)


def _apply(activity: Activity, values: ActivityValues, rules: ActivityRules) -> None:
    activity.measure_id = values.measure_id
    activity.organisation_id = values.organisation_id  # type: ignore[assignment]
    activity.kind = values.kind
    activity.status = values.status
    activity.title = values.title.strip()
    activity.description = values.description
    activity.starts_on = values.starts_on  # type: ignore[assignment]
    activity.ends_on = values.ends_on
    activity.area_id = values.area_id
    activity.place_name = values.place_name
    activity.latitude = values.latitude
    activity.longitude = values.longitude
    for name, value in rules.derived(values).items():
        setattr(activity, name, value)
    activity.staff_hours = values.staff_hours
    activity.volunteer_hours = values.volunteer_hours
    total = 0
    for name in PARTICIPANT_FIELDS:
        count = int(values.participants.get(name, 0))
        setattr(activity, name, count)
        total += count
    activity.participants = total
    activity.cost_total = sum(values.costs.values(), Decimal(0))


def _store_costs(activity: Activity, costs: dict[int, Decimal]) -> None:
    activity.costs.all().delete()
    ActivityCost.objects.bulk_create(
        ActivityCost(
            contract_id=activity.contract_id,
            activity=activity,
            funding_source_id=source_id,
            amount=amount,
        )
        for source_id, amount in costs.items()
        if amount
    )


@transaction.atomic
def activity_create(
    *,
    actor: User,
    contract: Contract,
    values: ActivityValues,
    evidence: list[UploadedFile] | None = None,
    rules: ActivityRules | None = None,
) -> Activity:
    """Log one activity (the quick-entry form, the API)."""
    scope = scope_for(actor)
    if not scope.can_contribute(contract.pk):
        raise PermissionDenied(_("Only the contract's partners log its activities."))
    rules = rules or ActivityRules(actor=actor, contract=contract)
    _refuse(rules, values)
    activity = Activity(contract=contract, created_by=actor)
    _apply(activity, values, rules)
    activity.full_clean()
    mark_change(activity, actor=actor, reason="logged")
    activity.save()
    _store_costs(activity, values.costs)
    for upload in evidence or []:
        evidence_add(actor=actor, activity=activity, upload=upload)
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity: Activity,
    expected_version: int | None,
    values: ActivityValues,
) -> Activity:
    """Correct an activity: its organisation's people or the lead; named version only."""
    scope = scope_for(actor)
    if not scope.can_write_for_organisation(activity.contract_id, activity.organisation_id):
        raise PermissionDenied(_("Only the organisation that logged an activity can change it."))
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    require_version(locked.version, expected_version)
    rules = ActivityRules(actor=actor, contract=locked.contract)
    _refuse(rules, values, served=locked.measure_id)
    _apply(locked, values, rules)
    locked.version += 1
    save_fields(
        locked,
        [*EDITABLE_FIELDS, *PARTICIPANT_FIELDS, "participants", "cost_total", "version"],
        actor=actor,
        reason="edited",
    )
    _store_costs(locked, values.costs)
    return locked


@transaction.atomic
def activity_delete(*, actor: User, activity: Activity) -> None:
    if not scope_for(actor).can_write_for_organisation(
        activity.contract_id, activity.organisation_id
    ):
        raise PermissionDenied(_("Only the organisation that logged an activity can delete it."))
    stored = [item.file for item in activity.evidence.all()]
    mark_change(activity, actor=actor, reason="deleted")
    activity.delete()
    for file in stored:
        transaction.on_commit(functools.partial(file.delete, save=False))


@transaction.atomic
def evidence_add(
    *, actor: User, activity: Activity, upload: UploadedFile, title: str = ""
) -> Evidence:
    """Attach a file after checking its size and its real type from the bytes."""
    if not scope_for(actor).can_write_for_organisation(
        activity.contract_id, activity.organisation_id
    ):
        raise PermissionDenied(_("Only the organisation that logged an activity adds evidence."))
    size = upload.size or 0
    if size > settings.LOCALSAFETY_MAX_DOCUMENT_BYTES:
        raise DomainError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {
                "size": format_file_size(size, round_up=True),
                "limit": format_file_size(settings.LOCALSAFETY_MAX_DOCUMENT_BYTES),
            },
            field="evidence",
        )
    if size == 0:
        raise DomainError(_("The file is empty."), field="evidence")
    head = upload.read(8192)
    upload.seek(0)
    try:
        content_type = sniff_document(head, upload)
    except DomainError as error:
        raise DomainError(error.message, field="evidence") from error
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "evidence")[-255:]
    item = Evidence(
        contract_id=activity.contract_id,
        activity=activity,
        title=(title or name)[:200],
        original_name=name,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    item.file.save(name, upload, save=False)
    item.full_clean()
    mark_change(item, actor=actor, reason="uploaded")
    item.save()
    return item


@transaction.atomic
def evidence_delete(*, actor: User, evidence: Evidence) -> None:
    activity = evidence.activity
    if not scope_for(actor).can_write_for_organisation(
        activity.contract_id, activity.organisation_id
    ):
        raise PermissionDenied(_("Only the organisation that logged an activity removes evidence."))
    mark_change(evidence, actor=actor, reason="deleted")
    stored = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
