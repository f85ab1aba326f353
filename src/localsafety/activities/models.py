"""Activities as carried out: what was done, where, for how many people, with what resources
(issue 10, points 5 and 6).

An activity serves one *version* of a plan's measure (the version in force when it was
logged: an approved plan changes only through a new version, and an activity keeps pointing
at the version it served) or none: an activity without a measure is an **isolated action**,
shown as such to the committee with the measures it could serve.

Participants are counts by sex and age group, stored as one column per cell of the matrix
(``PARTICIPANT_CELLS``) beside their total: a contract's or the nation's totals are then one
``GROUP BY`` over one table, and a 50,000-row import is one insert per activity. No names, and
no ethnicity field (FACTS.md, data protection). Costs are rows by funding source.

The axis, kind of intervention and target group are copied from the measure version when the
activity is logged (an isolated action states them itself), so totals by axis and kind, the
way the national level counts them, read the activities table alone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Axis, Contract
from localsafety.contracts.ownership import ContractOwned, ContractOwnedQuerySet, Need
from localsafety.core.models import OriginMixin


class Sex(models.TextChoices):
    WOMEN = "women", _("Women and girls")
    MEN = "men", _("Men and boys")
    UNRECORDED = "unrecorded", _("Sex not recorded")


class AgeGroup(models.TextChoices):
    UNDER_12 = "under12", _("Under 12")
    AGE_12_17 = "12_17", _("12 to 17")
    AGE_18_24 = "18_24", _("18 to 24")
    AGE_25_64 = "25_64", _("25 to 64")
    AGE_65_PLUS = "65plus", _("65 and over")
    UNKNOWN = "unknown", _("Age not recorded")


def participant_field(sex: str, age: str) -> str:
    return f"p_{sex}_{age}"


#: Every cell of the participants matrix: (column name, sex, age group).
PARTICIPANT_CELLS: list[tuple[str, str, str]] = [
    (participant_field(sex, age), sex, age) for sex in Sex.values for age in AgeGroup.values
]
PARTICIPANT_FIELDS: list[str] = [name for name, _sex, _age in PARTICIPANT_CELLS]


class ActivityKind(models.TextChoices):
    SESSION = "session", _("Session or workshop")
    TRAINING = "training", _("Training")
    EVENT = "event", _("Event or campaign")
    VISIT = "visit", _("Visit or home support")
    PATROL = "patrol", _("Patrol or police presence")
    WORKS = "works", _("Works or site improvement")
    MEDIATION = "mediation", _("Mediation or counselling")
    SPORT = "sport", _("Sport or leisure activity")
    MEETING = "meeting", _("Partnership meeting")
    OTHER = "other", _("Other")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityQuerySet(ContractOwnedQuerySet["Activity"]):
    def visible_to(self, user: Any, need: Need | None = None) -> ActivityQuerySet:
        """A partner reads its own organisation's activities; the committee, the lead
        organisation and national users read all of their contracts' (issue 10, point 7)."""
        rows = super().visible_to(user, need)
        scope = scope_for(user)
        if scope.is_national:
            return rows
        whole = scope.committee_contract_ids | scope.lead_contract_ids
        return rows.filter(Q(contract_id__in=whole) | Q(organisation_id__in=scope.organisation_ids))

    def isolated(self) -> ActivityQuerySet:
        return self.filter(measure__isnull=True)


class ImportBatch(ContractOwned):
    """One spreadsheet of activities, imported whole: who, when, which file (the audit of
    rows created together)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="activity_imports"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity import")
        verbose_name_plural = _("activity imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.original_name


class Activity(ContractOwned, OriginMixin):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="activities", verbose_name=_("contract")
    )
    # RESTRICT, not PROTECT: a measure an activity served cannot be deleted on its own, but
    # deleting the whole contract (which cascades to both) is allowed.
    measure = models.ForeignKey(
        "plans.Measure",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="activities",
        verbose_name=_("measure (version served)"),
        help_text=_("Leave empty for an isolated action that serves no measure."),
    )
    #: Copied from the measure version (or stated by an isolated action).
    axis = models.ForeignKey(
        Axis,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("intervention axis"),
    )
    intervention_kind = models.ForeignKey(
        "plans.InterventionKind",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("kind of intervention (from the measure)"),
    )
    target_group = models.ForeignKey(
        "plans.TargetGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("target group (isolated actions)"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind of activity"), max_length=12, choices=ActivityKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActivityStatus.choices,
        default=ActivityStatus.HELD,
        db_index=True,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("date (start)"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    area = models.ForeignKey(
        "territory.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("area or zone"),
    )
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    #: Sum of the participant cells (kept by the services).
    participants = models.PositiveIntegerField(_("participants"), default=0)
    staff_hours = models.DecimalField(
        _("staff hours worked"), max_digits=9, decimal_places=1, default=0
    )
    volunteer_hours = models.DecimalField(
        _("volunteer hours"), max_digits=9, decimal_places=1, default=0
    )
    #: Sum of the costs by funding source (kept by the services).
    cost_total = models.DecimalField(_("cost (EUR)"), max_digits=14, decimal_places=2, default=0)
    import_batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Optimistic locking: an edit names the version it was made on.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=PARTICIPANT_FIELDS)
    objects = ActivityQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["contract", "starts_on"]),
            models.Index(fields=["contract", "measure"]),
            models.Index(fields=["axis", "status", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="activity_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_isolated(self) -> bool:
        return self.measure_id is None

    def participant_counts(self) -> dict[tuple[str, str], int]:
        return {(sex, age): getattr(self, name) for name, sex, age in PARTICIPANT_CELLS}


for _name, _sex, _age in PARTICIPANT_CELLS:
    Activity.add_to_class(
        _name,
        models.PositiveIntegerField(
            format_lazy("{}: {}, {}", _("participants"), Sex(_sex).label, AgeGroup(_age).label),
            default=0,
        ),
    )


class ActivityCost(ContractOwned):
    """What an activity cost, by funding source (the plan's funding sources)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="costs")
    funding_source = models.ForeignKey(
        "plans.FundingSource",
        on_delete=models.PROTECT,
        related_name="activity_costs",
        verbose_name=_("paid by (funding source)"),
    )
    amount = models.DecimalField(_("amount paid (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("activity cost")
        verbose_name_plural = _("activity costs")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "funding_source"], name="activity_cost_unique_source"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="activity_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.funding_source}: {self.amount}"


class Evidence(ContractOwned):
    """A photo, attendance sheet or report showing the activity took place (checked by its
    bytes, like contract documents)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="activities/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title
