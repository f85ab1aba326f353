"""The change history of one contract: who changed what, when, across its related records.

A selector shared by the contract page and the API. It reads django-simple-history's
records for the contract, its governance bodies and their members, signatories, stages,
meetings and documents, and computes each record's field changes with
``record.diff_against(previous)``.

The number of queries does not grow with the number of records: per model, one query for
the newest records (each annotated with its predecessor's id by a window function), one for
those predecessors outside the window, one per many-to-many field; then one query per
related model to turn foreign keys into names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import F, ForeignKey, ManyToManyField, Model, QuerySet
from django.db.models.expressions import Window
from django.db.models.functions import Lag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import (
    BodyKind,
    BodyMember,
    Contract,
    DecisionAction,
    Document,
    GovernanceBody,
    Meeting,
    Signatory,
    Stage,
)
from localsafety.core.dates import table_date, table_datetime
from localsafety.core.notes import translated_note

MAX_HISTORY = 200

# Fields that change on every save and say nothing to a reader.
NOISE_FIELDS = frozenset({"updated_at", "created_at", "uploaded_at", "sha256", "file"})

ACTION_LABELS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}
ACTION_CODES = {"+": "created", "~": "changed", "-": "deleted"}

# The reasons the services record (``core.audit``) are short English codes, kept as they are
# for the API; pages show them translated.
REASON_LABELS = {
    "created": gettext_lazy("created"),
    "edited": gettext_lazy("edited"),
    "updated": gettext_lazy("edited"),
    "areas changed": gettext_lazy("areas changed"),
    "axes changed": gettext_lazy("axes changed"),
    "removed": gettext_lazy("removed"),
    "deleted": gettext_lazy("deleted"),
    "uploaded": gettext_lazy("uploaded"),
    "summary edited": gettext_lazy("summary edited"),
    "opened": gettext_lazy("opened"),
    "import": gettext_lazy("imported from a file"),
    "reference load": gettext_lazy("reference data loaded"),
}
SEAT_CHANGES = {
    "seat added": gettext_lazy("seat added"),
    "seat removed": gettext_lazy("seat removed"),
    "named chair": gettext_lazy("named chair"),
    "no longer chair": gettext_lazy("no longer chair"),
}
SEAT_CAPACITIES = {
    "by the committee's chair": gettext_lazy("by the committee's chair"),
    "by a national user": gettext_lazy("by a national user"),
    "by the lead organisation": gettext_lazy("by the lead organisation"),
}
_SEAT_REASON = re.compile(r"^(?P<what>[a-z ]+) \((?P<body>[a-z_]+)\) (?P<by>by .+)$")


def reason_label(reason: str) -> str:
    """A recorded reason in the reader's language; a reason typed by a person (a national
    user's reason for a change, a decision's comment) is shown as typed."""
    if not reason:
        return ""
    if reason in REASON_LABELS:
        return str(REASON_LABELS[reason])
    seat = _SEAT_REASON.match(reason)
    if seat and seat["what"] in SEAT_CHANGES and seat["by"] in SEAT_CAPACITIES:
        body = dict(BodyKind.choices).get(seat["body"], seat["body"])
        return _("%(change)s (%(body)s) %(capacity)s") % {
            "change": SEAT_CHANGES[seat["what"]],
            "body": body,
            "capacity": SEAT_CAPACITIES[seat["by"]],
        }
    action, separator, comment = reason.partition(": ")
    if separator and action in DecisionAction.values:
        return f"{DecisionAction(action).label}: {comment}"
    return reason


@dataclass(frozen=True)
class _Source:
    model: type[Model]
    records: Callable[[Contract], QuerySet[Any]]
    label: Callable[[Any, Callable[[type[Model], Any], str]], str]


def _history_qs(model: type[Model]) -> QuerySet[Any]:
    return model.history.all()  # type: ignore[attr-defined, no-any-return]


def _member_label(record: Any, name_of: Callable[[type[Model], Any], str]) -> str:
    from localsafety.organisations.models import Organisation, User

    who = name_of(User, record.person_id) if record.person_id else record.person_name
    organisation = name_of(Organisation, record.organisation_id)
    return f"{who} ({organisation})" if who else organisation


def _signatory_label(record: Any, name_of: Callable[[type[Model], Any], str]) -> str:
    from localsafety.organisations.models import Organisation

    return name_of(Organisation, record.organisation_id)


def _meeting_label(record: Any, name_of: Callable[[type[Model], Any], str]) -> str:
    return f"{name_of(GovernanceBody, record.body_id)} {table_date(record.held_on)}"


SOURCES: list[_Source] = [
    _Source(
        Contract,
        lambda contract: _history_qs(Contract).filter(id=contract.pk),
        lambda record, _name_of: record.title,
    ),
    _Source(
        GovernanceBody,
        lambda contract: _history_qs(GovernanceBody).filter(contract_id=contract.pk),
        lambda record, _name_of: str(BodyKind(record.kind).label),
    ),
    _Source(
        BodyMember,
        lambda contract: _history_qs(BodyMember).filter(contract_id=contract.pk),
        _member_label,
    ),
    _Source(
        Signatory,
        lambda contract: _history_qs(Signatory).filter(contract_id=contract.pk),
        _signatory_label,
    ),
    _Source(
        Stage,
        lambda contract: _history_qs(Stage).filter(contract_id=contract.pk),
        lambda record, _name_of: str(record.get_kind_display()),
    ),
    _Source(
        Meeting,
        lambda contract: _history_qs(Meeting).filter(contract_id=contract.pk),
        _meeting_label,
    ),
    _Source(
        Document,
        lambda contract: _history_qs(Document).filter(contract_id=contract.pk),
        lambda record, _name_of: record.title,
    ),
]


def contract_history(
    user: Any, contract: Contract, limit: int = MAX_HISTORY
) -> list[dict[str, Any]]:
    """The newest ``limit`` changes to ``contract`` and its related records, newest first.

    Each entry: ``when``, ``who`` (name or None), ``who_id``, ``object_type`` (model name),
    ``object_type_label``, ``object_id``, ``object_label``, ``action`` (created / changed /
    deleted), ``action_label``, ``reason`` and ``changes`` (``field``, ``label``, ``old``,
    ``new`` as display strings or None).

    Raises ``PermissionDenied`` unless ``user`` may read the contract's restricted record.
    """
    if not scope_for(user).can_read_contract(contract.pk):
        raise PermissionDenied(_("Only the contract's members can see its history."))
    limit = max(1, min(int(limit), MAX_HISTORY))

    fetched: list[tuple[_Source, Any, Any]] = []  # (source, record, previous record or None)
    for source in SOURCES:
        fetched.extend(
            (source, record, prev) for record, prev in _records_with_prev(source, contract, limit)
        )
    fetched.sort(key=lambda item: (item[1].history_date, item[1].history_id), reverse=True)
    fetched = fetched[:limit]

    diffs: list[list[tuple[Any, Any, Any]]] = []
    wanted: dict[type[Model], set[Any]] = defaultdict(set)
    for source, record, prev in fetched:
        changes = _changes(record, prev)
        diffs.append(changes)
        for field, old, new in changes:
            related = _related_model(field)
            if related is None:
                continue
            for value in (old, new):
                if isinstance(value, list):
                    wanted[related].update(value)
                elif value is not None:
                    wanted[related].add(value)
        _want_label_keys(source.model, record, wanted)

    names = _resolve_names(wanted)

    def name_of(model: type[Model], pk: Any) -> str:
        if pk is None:
            return ""
        return names.get((model, pk), _("#%(id)s (removed)") % {"id": pk})

    entries = []
    for (source, record, _prev), changes in zip(fetched, diffs, strict=True):
        history_user = record.history_user
        entries.append(
            {
                "when": record.history_date,
                "who": (str(history_user) if history_user is not None else None),
                "who_id": record.history_user_id,
                "object_type": source.model._meta.model_name,
                "object_type_label": str(source.model._meta.verbose_name),
                "object_id": record.id,
                "object_label": source.label(record, name_of),
                "action": ACTION_CODES.get(record.history_type, record.history_type),
                "action_label": str(ACTION_LABELS.get(record.history_type, record.history_type)),
                "reason": record.history_change_reason or "",
                "reason_label": reason_label(record.history_change_reason or ""),
                "changes": [
                    {
                        "field": field.name,
                        "field_label": str(field.verbose_name),
                        "old": _display(field, old, name_of),
                        "new": _display(field, new, name_of),
                    }
                    for field, old, new in changes
                ],
            }
        )
    return entries


def _records_with_prev(source: _Source, contract: Contract, limit: int) -> list[tuple[Any, Any]]:
    history_model = source.model.history.model  # type: ignore[attr-defined]
    records = list(
        source.records(contract)
        .select_related("history_user")
        .annotate(
            prev_history_id=Window(
                Lag("history_id"),
                partition_by=[F("id")],
                order_by=[F("history_date").asc(), F("history_id").asc()],
            )
        )
        .order_by("-history_date", "-history_id")[:limit]
    )
    by_history_id = {record.history_id: record for record in records}
    missing = [
        record.prev_history_id
        for record in records
        if record.prev_history_id is not None and record.prev_history_id not in by_history_id
    ]
    previous = dict(by_history_id)
    if missing:
        previous.update(history_model.objects.in_bulk(missing, field_name="history_id"))
    _attach_m2m(source.model, list(previous.values()))
    return [
        (record, previous.get(record.prev_history_id) if record.prev_history_id else None)
        for record in records
    ]


def _m2m_fields(model: type[Model]) -> list[ManyToManyField[Any, Any]]:
    return list(model.history.model._history_m2m_fields)  # type: ignore[attr-defined]


def _attach_m2m(model: type[Model], records: list[Any]) -> None:
    """Read each record's many-to-many snapshot in one query per field."""
    if not records:
        return
    history_model = model.history.model  # type: ignore[attr-defined]
    for field in _m2m_fields(model):
        through = history_model.__dict__[field.name].model
        target = field.m2m_reverse_field_name()
        rows: dict[int, list[Any]] = defaultdict(list)
        for history_id, related_id in through.objects.filter(
            history_id__in=[record.history_id for record in records]
        ).values_list("history_id", f"{target}_id"):
            rows[history_id].append(related_id)
        for record in records:
            record.__dict__.setdefault("_m2m_snapshot", {})[field.name] = sorted(
                rows.get(record.history_id, [])
            )


def _changes(record: Any, prev: Any) -> list[tuple[Any, Any, Any]]:
    """(model field, old value, new value) for each field changed since ``prev``."""
    if prev is None or record.history_type != "~":
        return []
    model = record.instance_type
    m2m_names = [field.name for field in _m2m_fields(model)]
    delta = record.diff_against(prev, excluded_fields=[*m2m_names, *NOISE_FIELDS])
    changes = []
    for change in delta.changes:
        try:
            field = model._meta.get_field(change.field)
        except FieldDoesNotExist:
            continue
        changes.append((field, change.old, change.new))
    snapshot_new = record.__dict__.get("_m2m_snapshot", {})
    snapshot_old = prev.__dict__.get("_m2m_snapshot", {})
    for name in m2m_names:
        old_ids, new_ids = snapshot_old.get(name, []), snapshot_new.get(name, [])
        if old_ids != new_ids:
            changes.append((model._meta.get_field(name), old_ids, new_ids))
    changes.sort(key=lambda item: item[0].name)
    return changes


def _related_model(field: Any) -> type[Model] | None:
    if isinstance(field, ForeignKey | ManyToManyField):
        return field.related_model  # type: ignore[return-value]
    return None


def _want_label_keys(model: type[Model], record: Any, wanted: dict[type[Model], set[Any]]) -> None:
    from localsafety.organisations.models import Organisation, User

    if model is BodyMember:
        wanted[Organisation].add(record.organisation_id)
        if record.person_id:
            wanted[User].add(record.person_id)
    elif model is Signatory:
        wanted[Organisation].add(record.organisation_id)
    elif model is Meeting:
        wanted[GovernanceBody].add(record.body_id)


def _resolve_names(wanted: dict[type[Model], set[Any]]) -> dict[tuple[type[Model], Any], str]:
    names: dict[tuple[type[Model], Any], str] = {}
    for model, pks in wanted.items():
        pks.discard(None)
        if not pks:
            continue
        queryset: QuerySet[Any] = model._default_manager.all()
        if model is BodyMember:
            queryset = queryset.select_related("person", "organisation")
        for pk, instance in queryset.in_bulk(list(pks)).items():
            names[(model, pk)] = str(instance)
    return names


def _display(field: Any, value: Any, name_of: Callable[[type[Model], Any], str]) -> str | None:
    if value is None:
        return None
    related = _related_model(field)
    if related is not None:
        values: Iterable[Any] = value if isinstance(value, list) else [value]
        return ", ".join(name_of(related, pk) for pk in values)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.name == "source_note":
        return translated_note(value)
    if isinstance(value, dt.datetime):
        return table_datetime(value)
    if isinstance(value, dt.date):
        return table_date(value)
    return str(value)


# --- the newest changes across a person's contracts (their home page) ---------------------


def _recent_label(model: type[Model], record: Any) -> str:
    """What changed, as a reader names it (no diff: the contract's history tab has those)."""
    if model is Contract:
        return str(record.title)
    if model is GovernanceBody:
        return str(BodyKind(record.kind).label)
    if model is BodyMember:
        who = str(record.person) if record.person_id else record.person_name
        name = record.organisation.short_name or record.organisation.name
        return f"{who} ({name})" if who else str(name)
    if model is Signatory:
        return str(record.organisation.name)
    if model is Stage:
        return f"{record.get_kind_display()}: {record.get_status_display()}"
    if model is Meeting:
        return f"{BodyKind(record.body.kind).label} {record.held_on:%Y-%m-%d}"
    return str(getattr(record, "title", "") or record.pk)


_RECENT_RELATED: dict[type[Model], tuple[str, ...]] = {
    BodyMember: ("organisation", "person"),
    Signatory: ("organisation",),
    Meeting: ("body",),
}


def recent_changes(user: Any, contracts: dict[int, str], limit: int = 10) -> list[dict[str, Any]]:
    """The newest ``limit`` changes to the given contracts (id -> title) and their records,
    newest first: one query per kind of record, whatever the number of contracts.

    Only contracts whose record ``user`` reads are looked at. Each entry: ``when``, ``who``,
    ``contract_id``, ``contract_title``, ``object_type_label``, ``object_label``, ``action``
    (created / changed / deleted) and ``action_label``.
    """
    scope = scope_for(user)
    ids = [pk for pk in contracts if scope.can_read_contract(pk)]
    if not ids:
        return []
    found: list[tuple[type[Model], Any]] = []
    models: list[type[Model]] = [
        Contract,
        GovernanceBody,
        BodyMember,
        Signatory,
        Stage,
        Meeting,
        Document,
    ]
    for model in models:
        key = "id__in" if model is Contract else "contract_id__in"
        records = (
            _history_qs(model)
            .filter(**{key: ids})
            .select_related("history_user", *_RECENT_RELATED.get(model, ()))
            .order_by("-history_date", "-history_id")[:limit]
        )
        found.extend((model, record) for record in records)
    found.sort(key=lambda item: (item[1].history_date, item[1].history_id), reverse=True)
    entries = []
    for source, record in found[:limit]:
        contract_id = record.id if source is Contract else record.contract_id
        entries.append(
            {
                "when": record.history_date,
                "who": str(record.history_user) if record.history_user is not None else None,
                "contract_id": contract_id,
                "contract_title": contracts.get(contract_id, ""),
                "object_type_label": str(source._meta.verbose_name),
                "object_label": _recent_label(source, record),
                "action": ACTION_CODES.get(record.history_type, record.history_type),
                "action_label": str(ACTION_LABELS.get(record.history_type, record.history_type)),
            }
        )
    return entries
