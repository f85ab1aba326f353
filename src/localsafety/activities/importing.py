"""Bulk entry: a spreadsheet of activities (CSV, XLSX or ODS), imported whole or not at all.

Every row is checked by the same ``ActivityRules`` as the quick-entry form; ALL problems are
collected (file, row, column, reason; the first ``LOCALSAFETY_IMPORT_PROBLEMS_SHOWN`` kept,
all counted) and if there is any the file is refused with ``ImportRefused`` and nothing is
stored. A clean file is stored in one transaction: one ``ImportBatch`` (who, when, which
file), the activities in bulk, then their costs.

Columns (headers in English or Portuguese, any case, accents ignored; ``columns_help`` lists
them): date, end, measure (its reference in the approved plan; empty for an isolated action),
title, kind, status, description, organisation (empty: your own), area (code or name of a
parish, the municipality or a zone of the contract), place, latitude, longitude, axis,
intervention_kind, target_group, staff_hours, volunteer_hours, one column per participant
group (``women_12_17``, ``men_65plus``, ``unrecorded_unknown``, …) or a single
``participants`` total, and one ``cost_<funding source code>`` column per funding source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from localsafety.activities.models import (
    PARTICIPANT_CELLS,
    PARTICIPANT_FIELDS,
    Activity,
    ActivityCost,
    ActivityKind,
    ActivityStatus,
    ImportBatch,
    participant_field,
)
from localsafety.activities.rules import ActivityRules, ActivityValues
from localsafety.contracts.access import scope_for
from localsafety.contracts.generation import contract_generation_move
from localsafety.contracts.models import Contract
from localsafety.core import tabular
from localsafety.core.cells import parse_count, parse_date, parse_decimal
from localsafety.core.errors import DomainError, ImportRefused
from localsafety.core.files import sniff_document
from localsafety.core.sizes import format_file_size
from localsafety.organisations.models import User

MAX_ROWS = 100_000
PROBLEM_TEXT = 300
SPREADSHEETS = {
    "text/plain",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
}
_UNITS = re.compile(r"\(.*?\)")


def normalise_header(text: Any) -> str:
    """``"Custo — Município (€)"`` → ``"custo_municipio"``: ``core.tabular.header_key``
    (no accents or case, words joined by ``_``) with bracketed units dropped."""
    return tabular.header_key(_UNITS.sub(" ", str(text or "")))


def column_label(index: int, labels: list[str]) -> str:
    """``B (Fim)``: the column as a spreadsheet names it, with its header as written."""
    return f"{tabular.column_letter(index)} ({labels[index]})"


#: Column name → the names people write for it (normalised).
ALIASES: dict[str, tuple[str, ...]] = {
    "starts_on": ("date", "start", "starts_on", "data", "inicio", "data_inicio", "data_de_inicio"),
    "ends_on": ("end", "ends_on", "end_date", "fim", "data_fim", "data_de_fim"),
    "measure": ("measure", "medida"),
    "title": ("title", "activity", "titulo", "atividade", "actividade"),
    "kind": ("kind", "type", "tipo", "tipo_de_atividade"),
    "status": ("status", "estado"),
    "description": ("description", "descricao"),
    "organisation": ("organisation", "organization", "organizacao", "entidade"),
    "area": ("area", "zone", "zona", "freguesia"),
    "place_name": ("place", "local"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "axis": ("axis", "eixo"),
    "intervention_kind": ("intervention_kind", "tipo_de_intervencao"),
    "target_group": ("target_group", "grupo_alvo"),
    "staff_hours": ("staff_hours", "horas_tecnicos", "horas_de_tecnicos"),
    "volunteer_hours": ("volunteer_hours", "horas_voluntarios", "horas_de_voluntarios"),
    "participants": ("participants", "participantes", "people", "pessoas"),
}
_SEX_WORDS = {"women": "women", "mulheres": "women", "men": "men", "homens": "men"}
_SEX_WORDS |= {"unrecorded": "unrecorded", "nao_registado": "unrecorded"}


@dataclass
class ImportResult:
    batch: ImportBatch
    created: int


@dataclass
class _Problems:
    file: str
    shown: int
    rows: list[dict[str, str]] = field(default_factory=list)
    count: int = 0

    def add(self, reason: str, *, row: int | str = "", column: str = "") -> None:
        self.count += 1
        if len(self.rows) < self.shown:
            self.rows.append(
                {
                    "file": self.file[:PROBLEM_TEXT],
                    "row": str(row),
                    "field": column[:PROBLEM_TEXT],
                    "reason": str(reason)[:PROBLEM_TEXT],
                }
            )

    def refusal(self) -> ImportRefused:
        return ImportRefused(
            _("The file was refused: %(count)s problem(s). Nothing was stored.")
            % {"count": self.count},
            problems=self.rows,
            total=self.count,
        )


def _column_map(
    rules: ActivityRules,
) -> dict[str, tuple[str, Any]]:
    """Normalised header → (what it is, detail)."""
    known: dict[str, tuple[str, Any]] = {}
    for name, aliases in ALIASES.items():
        for alias in aliases:
            known[alias] = ("field", name)
    for name, sex, age in PARTICIPANT_CELLS:
        known[normalise_header(f"{sex}_{age}")] = ("participant", name)
        known[name] = ("participant", name)
        for word, value in _SEX_WORDS.items():
            if value == sex:
                known[normalise_header(f"{word}_{age}")] = ("participant", name)
    for pk, code in rules.funding_sources.items():
        name_en, name_pt = rules.funding_names[pk]
        for prefix in ("cost", "custo"):
            for name in (code, name_en, name_pt):
                known.setdefault(normalise_header(f"{prefix}_{name}"), ("cost", pk))
    return known


def columns_help(rules: ActivityRules) -> list[str]:
    """The column names the import knows (the page lists them)."""
    names = [aliases[0] for aliases in ALIASES.values()]
    names += [f"{sex}_{age}" for _name, sex, age in PARTICIPANT_CELLS]
    names += [f"cost_{normalise_header(code)}" for code in rules.funding_sources.values()]
    return names


def _choice_lookup(choices: Any) -> dict[str, str]:
    """A choice by its value or either language's label, normalised."""
    from django.utils import translation

    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[normalise_header(value)] = value
        for language in ("en", "pt-pt"):
            with translation.override(language):
                lookup[normalise_header(str(label))] = value
    return lookup


class _RowReader:
    """Turns one row's cells into ``ActivityValues``, reporting problems by column."""

    def __init__(
        self,
        *,
        rules: ActivityRules,
        columns: dict[int, tuple[str, Any]],
        labels: list[str],
        default_organisation: int | None,
        problems: _Problems,
        from_workbook: bool = False,
    ) -> None:
        self.rules = rules
        # A workbook's number cells come as text with a decimal point (core.tabular).
        self.point = from_workbook
        self.columns = columns
        self.labels = labels
        self.problems = problems
        self.default_organisation = default_organisation
        self.kinds = _choice_lookup(ActivityKind)
        self.statuses = _choice_lookup(ActivityStatus)
        self.organisations: dict[str, int] = {}
        for pk, name in rules.organisations.items():
            self.organisations[normalise_header(name)] = pk
            self.organisations[str(pk)] = pk
        from localsafety.organisations.models import Organisation

        for pk, short in Organisation.objects.filter(
            pk__in=list(rules.organisations), short_name__gt=""
        ).values_list("pk", "short_name"):
            self.organisations.setdefault(normalise_header(short), pk)
        self.areas: dict[str, int] = {}
        for pk, (code, name) in rules.areas.items():
            self.areas[normalise_header(name)] = pk
            if code:
                self.areas[normalise_header(code)] = pk
        self.axes = {normalise_header(code): pk for pk, code in rules.axes.items()}
        self.intervention_kinds = {
            normalise_header(code): pk for pk, code in rules.intervention_kinds.items()
        }
        self.target_groups = {
            normalise_header(code): pk for pk, code in rules.target_groups.items()
        }

    def read(self, number: int, cells: Mapping[int, str]) -> ActivityValues | None:
        """``cells``: the text of each column read, by column index."""
        ok = True
        raw: dict[str, str] = {}
        participants: dict[str, int] = {}
        costs: dict[int, Decimal] = {}

        def bad(index: int, reason: str) -> None:
            nonlocal ok
            ok = False
            self.problems.add(reason, row=number, column=column_label(index, self.labels))

        for index, (what, detail) in self.columns.items():
            cell = cells[index]
            if what == "field":
                raw[detail] = cell
                continue
            try:
                if what == "participant":
                    participants[detail] = parse_count(cell, point_is_decimal=self.point)
                elif what == "cost" and cell:
                    amount = parse_decimal(cell, point_is_decimal=self.point)
                    if amount < 0:
                        raise ValueError(_("a cost cannot be negative"))
                    costs[detail] = amount
            except ValueError as error:
                bad(index, str(error))
        index_of = {detail: index for index, (what, detail) in self.columns.items()}

        def text(name: str) -> str:
            return raw.get(name, "")

        def parsed(name: str, parser: Callable[[str], Any], *, required: bool = False) -> Any:
            if not raw.get(name):
                if required:
                    if name in index_of:
                        bad(index_of[name], _("this column must be filled in"))
                return None
            try:
                return parser(raw[name])
            except ValueError as error:
                bad(index_of[name], str(error))
                return None

        def looked_up(name: str, table: dict[str, Any], reason: Callable[[], str]) -> Any:
            value = text(name)
            if not value:
                return None
            found = table.get(value) or table.get(normalise_header(value))
            if found is None:
                bad(index_of[name], reason() % {"value": value[:60]})
            return found

        starts_on: dt.date | None = parsed("starts_on", parse_date, required=True)
        ends_on: dt.date | None = parsed("ends_on", parse_date)
        measure_id = None
        code = text("measure")
        if code:
            info = self.rules.measures_by_code.get(code.lower())
            if info is None:
                bad(
                    index_of["measure"],
                    _("no measure %(value)s in the approved plan of this contract")
                    % {"value": code[:60]},
                )
            else:
                measure_id = info.pk
        kind = looked_up("kind", self.kinds, lambda: _("%(value)s is not a kind of activity"))
        if "kind" in index_of and not text("kind"):
            bad(index_of["kind"], _("this column must be filled in"))
        status = looked_up("status", self.statuses, lambda: _("%(value)s is not a status"))
        organisation_id = looked_up(
            "organisation",
            self.organisations,
            lambda: _("%(value)s is not a partner of this contract"),
        )
        if organisation_id is None and not text("organisation"):
            organisation_id = self.default_organisation
        area_id = looked_up(
            "area", self.areas, lambda: _("%(value)s is not in the contract's territory")
        )
        # Coordinates never group thousands: a dot is their decimal point.
        latitude = parsed(
            "latitude", lambda cell: float(parse_decimal(cell, places=8, point_is_decimal=True))
        )
        longitude = parsed(
            "longitude", lambda cell: float(parse_decimal(cell, places=8, point_is_decimal=True))
        )
        axis_id = looked_up(
            "axis", self.axes, lambda: _("%(value)s is not an axis of this contract")
        )
        intervention_kind_id = looked_up(
            "intervention_kind",
            self.intervention_kinds,
            lambda: _("%(value)s is not a kind of intervention"),
        )
        target_group_id = looked_up(
            "target_group", self.target_groups, lambda: _("%(value)s is not a target group")
        )
        staff_hours = parsed(
            "staff_hours", lambda cell: parse_decimal(cell, places=1, point_is_decimal=self.point)
        )
        volunteer_hours = parsed(
            "volunteer_hours",
            lambda cell: parse_decimal(cell, places=1, point_is_decimal=self.point),
        )
        total = parsed("participants", lambda cell: parse_count(cell, point_is_decimal=self.point))
        if total is not None:
            cells_sum = sum(participants.values())
            if cells_sum and cells_sum != total:
                bad(
                    index_of["participants"],
                    _("the total (%(total)s) is not the sum of the groups (%(sum)s)")
                    % {"total": total, "sum": cells_sum},
                )
            elif not cells_sum:
                participants[participant_field("unrecorded", "unknown")] = total
        if not ok:
            return None
        values = ActivityValues(
            organisation_id=organisation_id,
            kind=kind or "",
            title=text("title") or (str(ActivityKind(kind).label) if kind else ""),
            starts_on=starts_on,
            ends_on=ends_on,
            measure_id=measure_id,
            status=status or ActivityStatus.HELD,
            description=text("description"),
            area_id=area_id,
            place_name=text("place_name")[:200],
            latitude=latitude,
            longitude=longitude,
            axis_id=axis_id,
            intervention_kind_id=intervention_kind_id,
            target_group_id=target_group_id,
            staff_hours=staff_hours or Decimal(0),
            volunteer_hours=volunteer_hours or Decimal(0),
            participants=participants,
            costs=costs,
        )
        if not values.kind:
            self.problems.add(_("the kind of activity is missing"), row=number, column="kind")
            return None
        for name, reason in self.rules.problems(values):
            position = index_of.get(name)
            label = column_label(position, self.labels) if position is not None else name
            self.problems.add(reason, row=number, column=label)
            ok = False
        return values if ok else None


def _default_organisation(actor: User, contract: Contract, rules: ActivityRules) -> int | None:
    scope = scope_for(actor)
    if contract.lead_organisation_id in scope.organisation_ids:
        return contract.lead_organisation_id
    own = sorted(pk for pk in rules.organisations if pk in scope.organisation_ids)
    return own[0] if own else None


def read_activities(
    *, actor: User, contract: Contract, data: bytes, file_label: str
) -> tuple[list[ActivityValues], ActivityRules]:
    """Check a whole file; every problem or the clean activities (nothing stored)."""
    problems = _Problems(file_label, int(settings.LOCALSAFETY_IMPORT_PROBLEMS_SHOWN))
    limit = int(settings.LOCALSAFETY_MAX_DOCUMENT_BYTES)
    if len(data) > limit:
        problems.add(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {
                "size": format_file_size(len(data), round_up=True),
                "limit": format_file_size(limit),
            }
        )
        raise problems.refusal()
    if not data:
        problems.add(_("The file is empty."))
        raise problems.refusal()
    try:
        content_type = sniff_document(data[:8192], io.BytesIO(data))
    except DomainError as error:  # the file's kind, found from its bytes
        problems.add(error.message)
        raise problems.refusal() from None
    if content_type not in SPREADSHEETS:
        problems.add(_("Upload a spreadsheet: CSV, XLSX or ODS."))
        raise problems.refusal()
    try:
        table = tabular.read_table(data, name=file_label)
    except ImportRefused as refused:
        for refusal in refused.problems:
            problems.add(
                refusal["reason"], row=refusal.get("row", ""), column=refusal.get("column", "")
            )
        raise problems.refusal() from None
    if table.row_count > MAX_ROWS:
        problems.add(
            _("The file has %(count)s rows; at most %(limit)s are imported at once.")
            % {"count": table.row_count, "limit": MAX_ROWS}
        )
        raise problems.refusal()
    rules = ActivityRules(actor=actor, contract=contract)
    known = _column_map(rules)
    labels = table.columns
    columns: dict[int, tuple[str, Any]] = {}
    first_of: dict[tuple[str, Any], int] = {}
    for index, label in enumerate(labels):
        name = normalise_header(label)
        if name not in known:
            problems.add(
                _("%(header)s is not a column the import knows") % {"header": label},
                row=1,
                column=tabular.column_letter(index),
            )
            continue
        meaning = known[name]
        if meaning in first_of:
            problems.add(
                _("Columns %(first)s and %(second)s have the same header (%(name)s).")
                % {
                    "first": tabular.column_letter(first_of[meaning]),
                    "second": tabular.column_letter(index),
                    "name": label,
                },
                row=1,
                column=tabular.column_letter(index),
            )
            continue
        first_of[meaning] = index
        columns[index] = meaning
    present = {detail for what, detail in columns.values() if what == "field"}
    for required in ("starts_on", "kind"):
        if required not in present:
            problems.add(
                _("the file has no %(column)s column") % {"column": ALIASES[required][0]},
                row=1,
            )
    if problems.count:
        raise problems.refusal()
    reader = _RowReader(
        rules=rules,
        columns=columns,
        labels=labels,
        default_organisation=_default_organisation(actor, contract, rules),
        problems=problems,
        from_workbook=table.format != tabular.CSV,
    )
    # Only the columns the import reads, as Python strings, row by row.
    read = sorted(columns)
    texts = [table.column(labels[index]).to_pylist() for index in read]
    activities = []
    for number, values in zip(table.rows.tolist(), zip(*texts, strict=True), strict=True):
        checked = reader.read(number, dict(zip(read, values, strict=True)))
        if checked is not None:
            activities.append(checked)
    if problems.count:
        raise problems.refusal()
    if not activities:
        problems.add(_("The file has a header but no rows."))
        raise problems.refusal()
    return activities, rules


@transaction.atomic
def activities_import(
    *, actor: User, contract: Contract, data: bytes, file_label: str
) -> ImportResult:
    """Import a spreadsheet of activities whole, or refuse it whole (``ImportRefused``)."""
    if not scope_for(actor).can_contribute(contract.pk):
        raise PermissionDenied(_("Only the contract's partners log its activities."))
    rows, rules = read_activities(actor=actor, contract=contract, data=data, file_label=file_label)
    batch = ImportBatch.objects.create(
        contract=contract,
        original_name=file_label[-255:],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=len(rows),
        imported_by=actor,
    )
    _insert(actor=actor, contract=contract, batch=batch, rows=rows, rules=rules)
    contract_generation_move(Q(pk=contract.pk))
    return ImportResult(batch=batch, created=len(rows))


#: The activity columns an import writes (besides the participant cells).
ACTIVITY_COLUMNS = [
    "contract_id",
    "measure_id",
    "axis_id",
    "intervention_kind_id",
    "target_group_id",
    "organisation_id",
    "kind",
    "status",
    "title",
    "description",
    "starts_on",
    "ends_on",
    "area_id",
    "place_name",
    "latitude",
    "longitude",
    "participants",
    "staff_hours",
    "volunteer_hours",
    "cost_total",
    "import_batch_id",
    "created_by_id",
    "created_at",
    "version",
    "data_origin",
    "source_note",
]


def _insert(
    *,
    actor: User,
    contract: Contract,
    batch: ImportBatch,
    rows: list[ActivityValues],
    rules: ActivityRules,
) -> None:
    """Store checked rows with one ``executemany`` per table.

    Every value was checked by ``ActivityRules`` and converted by the readers above, so the
    ORM's per-object preparation (``bulk_create``: about 20 times the database's own cost
    for 50,000 rows) is skipped. Each activity's id is read back in insertion order (ids
    only grow within one connection) to attach its costs. The import batch is the audit of
    these rows: who, when, which file (no history row per activity).
    """
    now = timezone.now()
    columns = [*ACTIVITY_COLUMNS, *PARTICIPANT_FIELDS]
    records = []
    for values in rows:
        derived = rules.derived(values)
        counts = [int(values.participants.get(name, 0)) for name in PARTICIPANT_FIELDS]
        records.append(
            (
                contract.pk,
                values.measure_id,
                derived["axis_id"],
                derived["intervention_kind_id"],
                derived["target_group_id"],
                values.organisation_id,
                values.kind,
                values.status,
                values.title[:200],
                values.description,
                values.starts_on,
                values.ends_on,
                values.area_id,
                values.place_name,
                values.latitude,
                values.longitude,
                sum(counts),
                values.staff_hours,
                values.volunteer_hours,
                sum(values.costs.values(), Decimal(0)),
                batch.pk,
                actor.pk,
                now,
                1,
                "entered",
                "",
                *counts,
            )
        )
    raw_insert(Activity, columns, records)
    ids = list(
        Activity.objects.filter(import_batch=batch).order_by("pk").values_list("pk", flat=True)
    )
    assert len(ids) == len(rows), (len(ids), len(rows))
    costs = [
        (contract.pk, pk, source_id, amount)
        for pk, values in zip(ids, rows, strict=True)
        for source_id, amount in values.costs.items()
        if amount
    ]
    raw_insert(ActivityCost, COST_COLUMNS, costs)


COST_COLUMNS = ["contract_id", "activity_id", "funding_source_id", "amount"]


def raw_insert(model: type[Any], columns: list[str], records: list[tuple[Any, ...]]) -> None:
    """One ``executemany`` of checked rows (no signals, no history rows: the caller moves the
    contract's generation and keeps the audit). Values are plain Python values the database
    adapters take as they are."""
    if not records:
        return
    quote = connection.ops.quote_name
    # Names from the model, values as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, records)
