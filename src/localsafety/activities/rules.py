"""What makes an activity acceptable, decided once for the form, the API and the import.

:class:`ActivityRules` is built once per contract (a handful of queries: the contract's
measures, its organisations, its places, the funding sources) and then checks any number of
activities without touching the database: the quick-entry form checks one, a 50,000-row
spreadsheet 50,000, with the same reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from localsafety.activities.models import PARTICIPANT_FIELDS, ActivityStatus
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Axis, BodyMember, Contract
from localsafety.organisations.models import Organisation
from localsafety.plans.models import (
    APPROVED_VERSION_STATUSES,
    FundingSource,
    InterventionKind,
    Measure,
    TargetGroup,
    VersionStatus,
)
from localsafety.territory.models import Area

MAX_HOURS = Decimal("99999999.9")
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass
class MeasureInfo:
    pk: int
    contract_id: int
    code: str
    title: str
    status: str
    version_number: int
    starts_on: dt.date
    ends_on: dt.date
    axis_id: int
    kind_id: int
    target_group_id: int | None


@dataclass
class ActivityValues:
    """One activity as entered: ids and parsed values (the form, the API or a row)."""

    organisation_id: int | None
    kind: str
    title: str
    starts_on: dt.date | None
    ends_on: dt.date | None = None
    measure_id: int | None = None
    status: str = ActivityStatus.HELD
    description: str = ""
    area_id: int | None = None
    place_name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    axis_id: int | None = None
    intervention_kind_id: int | None = None
    target_group_id: int | None = None
    staff_hours: Decimal = Decimal(0)
    volunteer_hours: Decimal = Decimal(0)
    participants: dict[str, int] = field(default_factory=dict)
    costs: dict[int, Decimal] = field(default_factory=dict)


def measure_refusal(info: MeasureInfo, contract_id: int) -> str | None:
    """Why an activity cannot be logged against this measure version, or None."""
    if info.contract_id != contract_id:
        return _("This measure belongs to another contract.")
    if info.status == VersionStatus.SUPERSEDED:
        return _(
            "Measure %(code)s belongs to version %(number)s of the plan, which a later version "
            "superseded: log the activity against the measure of the version in force."
        ) % {"code": info.code or info.title, "number": info.version_number}
    if info.status not in APPROVED_VERSION_STATUSES:
        return _(
            "Measure %(code)s belongs to version %(number)s of the plan, which is not "
            "approved yet: activities are logged against the approved plan."
        ) % {"code": info.code or info.title, "number": info.version_number}
    return None


class ActivityRules:
    """The contract's vocabulary for activities, read once."""

    def __init__(self, *, actor: Any, contract: Contract) -> None:
        self.contract = contract
        self.scope = scope_for(actor)
        rows = (
            Measure.objects.filter(contract=contract)
            .values_list(
                "pk",
                "contract_id",
                "code",
                "title",
                "plan_version__status",
                "plan_version__number",
                "starts_on",
                "ends_on",
                "axis_id",
                "kind_id",
            )
            .order_by("plan_version__number", "position", "pk")
        )
        self.measures: dict[int, MeasureInfo] = {
            row[0]: MeasureInfo(*row, target_group_id=None) for row in rows
        }
        # A code names the measure of the version in force (the latest approved).
        self.measures_by_code: dict[str, MeasureInfo] = {}
        for info in self.measures.values():
            if info.code and info.status in APPROVED_VERSION_STATUSES:
                self.measures_by_code[info.code.strip().lower()] = info
        seated = BodyMember.objects.filter(body__contract=contract).values("organisation_id")
        self.organisations: dict[int, str] = dict(
            Organisation.objects.filter(
                Q(pk=contract.lead_organisation_id) | Q(pk__in=seated)
            ).values_list("pk", "name")
        )
        own = [contract.municipality_id, *contract.areas.values_list("pk", flat=True)]
        self.areas: dict[int, tuple[str, str]] = {
            pk: (code, name)
            for pk, code, name in Area.objects.filter(
                Q(pk__in=own) | Q(parent_id__in=own) | Q(owner_contract=contract)
            ).values_list("pk", "code", "name")
        }
        self.axes: dict[int, str] = dict(
            Axis.objects.filter(Q(contract__isnull=True) | Q(contract=contract)).values_list(
                "pk", "code"
            )
        )
        self.funding_sources: dict[int, str] = {}
        self.funding_names: dict[int, tuple[str, str]] = {}
        for pk, code, name_en, name_pt in FundingSource.objects.values_list(
            "pk", "code", "name_en", "name_pt"
        ):
            self.funding_sources[pk] = code
            self.funding_names[pk] = (name_en, name_pt)
        self.intervention_kinds: dict[int, str] = dict(
            InterventionKind.objects.values_list("pk", "code")
        )
        self.target_groups: dict[int, str] = dict(TargetGroup.objects.values_list("pk", "code"))

    def may_write_for(self, organisation_id: int) -> bool:
        return self.scope.can_write_for_organisation(self.contract.pk, organisation_id)

    def problems(
        self, values: ActivityValues, *, served_measure_id: int | None = None
    ) -> list[tuple[str, str]]:
        """(field, reason) for everything wrong with ``values``; empty when acceptable.

        ``served_measure_id``: the measure version a corrected activity already served; it
        keeps it even after a later version superseded it.
        """
        found: list[tuple[str, str]] = []
        add = lambda name, reason: found.append((name, reason))  # noqa: E731
        if values.organisation_id is None:
            add("organisation", _("Choose the organisation that carried out the activity."))
        elif values.organisation_id not in self.organisations:
            add("organisation", _("This organisation is not a partner of the contract."))
        elif not self.may_write_for(values.organisation_id):
            add(
                "organisation",
                _("You may log activities only for your own organisation."),
            )
        if not values.title.strip():
            add("title", _("Give the activity a title."))
        if values.starts_on is None:
            add("starts_on", _("Give the date the activity took place."))
        if values.ends_on and values.starts_on and values.ends_on < values.starts_on:
            add("ends_on", _("The end date is before the start date."))
        if values.measure_id is not None:
            info = self.measures.get(values.measure_id)
            if info is None:
                add("measure", _("This measure belongs to another contract."))
            else:
                refusal = measure_refusal(info, self.contract.pk)
                if refusal and values.measure_id == served_measure_id:
                    refusal = None
                if refusal:
                    add("measure", refusal)
                elif values.starts_on and values.starts_on < info.starts_on:
                    add(
                        "starts_on",
                        _("The activity is dated %(date)s, before its measure starts (%(start)s).")
                        % {
                            "date": date_format(values.starts_on, "SHORT_DATE_FORMAT"),
                            "start": date_format(info.starts_on, "SHORT_DATE_FORMAT"),
                        },
                    )
        if values.area_id is not None and values.area_id not in self.areas:
            add("area", _("This place is not in the contract's territory."))
        if (values.latitude is None) != (values.longitude is None):
            add("latitude", _("Give both the latitude and the longitude, or neither."))
        elif values.latitude is not None and values.longitude is not None:
            if not (-90 <= values.latitude <= 90 and -180 <= values.longitude <= 180):
                add("latitude", _("These coordinates are not on Earth."))
        if values.axis_id is not None and values.axis_id not in self.axes:
            add("axis", _("This axis is not one of the contract's."))
        for name, hours in (
            ("staff_hours", values.staff_hours),
            ("volunteer_hours", values.volunteer_hours),
        ):
            if hours < 0 or hours > MAX_HOURS:
                add(name, _("Hours cannot be negative."))
        for name, count in values.participants.items():
            if name not in PARTICIPANT_FIELDS:
                add(name, _("Unknown participant group."))
            elif count < 0:
                add(name, _("A count cannot be negative."))
        for source_id, amount in values.costs.items():
            if source_id not in self.funding_sources:
                add("costs", _("Unknown funding source."))
            elif amount < 0 or amount > MAX_AMOUNT:
                add("costs", _("A cost cannot be negative."))
        return found

    def derived(self, values: ActivityValues) -> dict[str, Any]:
        """What an activity under a measure inherits from it (axis, kind of intervention)."""
        if values.measure_id is None:
            return {
                "axis_id": values.axis_id,
                "intervention_kind_id": values.intervention_kind_id,
                "target_group_id": values.target_group_id,
            }
        info = self.measures[values.measure_id]
        return {
            "axis_id": info.axis_id,
            "intervention_kind_id": info.kind_id,
            "target_group_id": values.target_group_id,
        }
