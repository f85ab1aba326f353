"""Intervention plans: objectives, measures, indicators and resources (see issue 10).

The chain this app holds is *problem → objective → measure → indicator*: a contract has one
:class:`Plan` (the deliverable of its PLAN stage), written in numbered :class:`PlanVersion`\\ s.
A version is drafted by the Operational Core, submitted, returned with comments or approved by
the Coordinating Committee and endorsed nationally, through the contract's stage workflow. An
approved version is frozen: a change is a new version copied from it, whose measures and
indicators keep the ``lineage`` key of the ones they were copied from, so two versions compare
measure by measure, and activities keep pointing at the measure version they served.

National vocabularies (kinds of intervention, target groups, funding sources, partner
programmes, the indicator catalogue) are public reference data, the same for every contract,
so that measures stay comparable across contracts; they are seeded by migration 0002.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localsafety.contracts.models import Axis, Contract
from localsafety.contracts.ownership import ContractOwned
from localsafety.core.models import OriginMixin

# --- national vocabularies (public reference data) --------------------------------------------


class NationalTerm(OriginMixin):
    """One entry of a national list: a stable code and its name in both languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "pt").startswith("en") else self.name_pt


class InterventionKind(NationalTerm):
    """The national typology of interventions, so measures compare across contracts."""

    #: The national axis the kind usually serves ("i".."iv"); a hint, not a rule.
    axis_code = models.CharField(_("usual axis"), max_length=12, blank=True)

    class Meta(NationalTerm.Meta):
        verbose_name = _("kind of intervention")
        verbose_name_plural = _("kinds of intervention")


class TargetGroup(NationalTerm):
    class Meta(NationalTerm.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class FundingSource(NationalTerm):
    class Meta(NationalTerm.Meta):
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")


class PartnerProgramme(NationalTerm):
    """A national partner programme (Safe School, Juntos por Todos, …)."""

    class Meta(NationalTerm.Meta):
        verbose_name = _("partner programme")
        verbose_name_plural = _("partner programmes")


class IndicatorLevel(models.TextChoices):
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")


class Direction(models.TextChoices):
    LOWER = "lower", _("Lower is better")
    HIGHER = "higher", _("Higher is better")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every six months")
    YEARLY = "yearly", _("Yearly")
    END = "end", _("At the end of the measure")


class Computation(models.TextChoices):
    """Indicators the platform computes from its own data instead of a typed value."""

    NONE = "", _("Typed values")
    CRIME_COUNT = "crime_count", _("Registered crimes of a category in an area")
    ACTIVITY_COUNT = "activity_count", _("Activities held under the measure")
    PEOPLE_REACHED = "people_reached", _("People reached by the measure's activities")
    ACTIVITY_HOURS = "activity_hours", _("Staff and volunteer hours of the measure's activities")


class IndicatorTemplate(NationalTerm):
    """The national indicator catalogue: indicators every contract can use the same way."""

    level = models.CharField(_("level"), max_length=8, choices=IndicatorLevel.choices)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    definition_pt = models.TextField(_("definition (Portuguese)"), blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.YEARLY
    )
    computation = models.CharField(
        _("computed from"), max_length=20, choices=Computation.choices, blank=True, default=""
    )

    class Meta(NationalTerm.Meta):
        verbose_name = _("catalogue indicator")
        verbose_name_plural = _("indicator catalogue")

    @property
    def definition(self) -> str:
        en = (get_language() or "pt").startswith("en")
        return self.definition_en if en else self.definition_pt


# --- the plan ----------------------------------------------------------------------------------


class Plan(ContractOwned):
    """A contract's intervention plan: the deliverable of its PLAN stage."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="plan", verbose_name=_("contract")
    )
    title = models.CharField(_("title"), max_length=250)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("intervention plan")
        verbose_name_plural = _("intervention plans")
        ordering = ["contract_id"]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved by the Coordinating Committee")
    ENDORSED = "endorsed", _("Endorsed nationally")
    SUPERSEDED = "superseded", _("Superseded by a later version")


#: Statuses in which the Operational Core may still change a version.
EDITABLE_VERSION_STATUSES = frozenset({VersionStatus.DRAFT, VersionStatus.RETURNED})
#: Statuses of a version in force (approved, possibly endorsed).
APPROVED_VERSION_STATUSES = frozenset({VersionStatus.APPROVED, VersionStatus.ENDORSED})


class PlanVersion(ContractOwned):
    """One numbered version of a plan; frozen once approved."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="plan_versions", verbose_name=_("contract")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("copied from"),
    )
    summary = models.TextField(_("summary"), blank=True)
    #: The Coordinating Committee's comments when it returned the version.
    comments = models.TextField(_("comments"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    endorsed_at = models.DateTimeField(_("endorsed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_VERSION_STATUSES

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED_VERSION_STATUSES


class Objective(ContractOwned):
    """What the plan wants to change, answering one or more problems of the diagnosis."""

    plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("version")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="plan_objectives",
        verbose_name=_("contract"),
    )
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    title = models.CharField(_("objective"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    problems = models.ManyToManyField(
        "diagnosis.Problem",
        verbose_name=_("problems answered"),
        related_name="objectives",
        blank=True,
    )
    #: A problem the committee typed in (when the diagnosis has not recorded it).
    problem_statement = models.TextField(_("problem (typed in)"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(m2m_fields=[problems])

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["plan_version_id", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Measure(ContractOwned):
    """A measure of one plan version: who does what, where, when, with what resources."""

    plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="measures", verbose_name=_("version")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="plan_measures", verbose_name=_("contract")
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="measures", verbose_name=_("objective")
    )
    #: The same measure across versions (copied with it), for comparison and activities.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    code = models.CharField(_("reference"), max_length=20, blank=True)
    title = models.CharField(_("measure"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, related_name="measures", verbose_name=_("intervention axis")
    )
    kind = models.ForeignKey(
        InterventionKind,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("kind of intervention"),
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), related_name="measures", blank=True
    )
    areas = models.ManyToManyField(
        "territory.Area", verbose_name=_("places"), related_name="plan_measures", blank=True
    )
    #: Points: ``[{"label": str, "lat": float, "lon": float}, …]`` (WGS84).
    points = models.JSONField(_("points"), default=list, blank=True)
    place_note = models.CharField(_("place (description)"), max_length=250, blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    responsible_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="responsible_measures",
        verbose_name=_("responsible organisation"),
    )
    partner_programme = models.ForeignKey(
        PartnerProgramme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("partner programme"),
    )
    staff_count = models.PositiveIntegerField(_("staff"), default=0)
    staff_hours = models.DecimalField(
        _("staff hours"), max_digits=10, decimal_places=1, default=Decimal(0)
    )
    material = models.TextField(_("material resources"), blank=True)
    #: Shown on the contract's public page once the committee publishes it.
    published = models.BooleanField(_("published"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[target_groups, areas])

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan_version_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="measure_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["plan_version", "lineage"], name="measure_unique_lineage_per_version"
            ),
        ]
        indexes = [models.Index(fields=["contract", "published"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def clean(self) -> None:
        try:
            super().clean()
        except ValidationError as error:
            # A national axis belongs to no contract and serves every one.
            national_axis = self.axis_id is not None and self.axis.contract_id is None
            errors = {
                name: messages
                for name, messages in error.message_dict.items()
                if not (name == "axis" and national_axis)
            }
            if errors:
                raise ValidationError(errors) from None
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end is before the start.")})


class MeasurePartner(ContractOwned):
    """A partner of a measure, its role and the terms of the partnership."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="partners", verbose_name=_("measure")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="+", verbose_name=_("contract")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="measure_partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=200)
    terms = models.TextField(_("partnership terms"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure partner")
        verbose_name_plural = _("measure partners")
        ordering = ["measure_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organisation"], name="measure_partner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role})"


class MeasureBudget(ContractOwned):
    """Planned money of a measure from one funding source."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("measure")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="+", verbose_name=_("contract")
    )
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name=_("funding source"),
    )
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["measure_id", "funding_source_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "funding_source"], name="measure_budget_unique_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.funding_source}: {self.amount}"


class Milestone(ContractOwned):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("measure")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="+", verbose_name=_("contract")
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("reached on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["measure_id", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: Any) -> bool:
        return self.done_on is None and self.due_on < today


class Indicator(ContractOwned):
    """How a measure's output or outcome is measured: baseline, target, source."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("measure")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="plan_indicators",
        verbose_name=_("contract"),
    )
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    template = models.ForeignKey(
        IndicatorTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("from the national catalogue"),
    )
    level = models.CharField(_("level"), max_length=8, choices=IndicatorLevel.choices)
    name = models.CharField(_("indicator"), max_length=250)
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.YEARLY
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    target_on = models.DateField(_("target date"), null=True, blank=True)
    computation = models.CharField(
        _("computed from"), max_length=20, choices=Computation.choices, blank=True, default=""
    )
    #: Parameters of the computation, e.g. ``{"category": "burglary", "area_id": 12}``.
    computation_params = models.JSONField(_("computation parameters"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["measure_id", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.computation)
