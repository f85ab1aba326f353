"""Local Safety Contracts, their governance bodies, meetings, documents and stage workflow."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localsafety.contracts.ownership import (
    ContractOwned,
    ContractOwnedQuerySet,
    Need,
    contract_condition,
)
from localsafety.core.dates import table_date
from localsafety.core.fields import FoldedKeyField, FoldedKeys
from localsafety.core.models import OriginMixin
from localsafety.territory.models import Area, AreaKind


class ContractCategory(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
    CITIZEN = "citizen", _("Citizen")


class StageKind(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("Local safety diagnosis")
    PLAN = "plan", _("Intervention plan")
    IMPLEMENTATION = "implementation", _("Implementation of measures")
    EVALUATION = "evaluation", _("Monitoring and evaluation")


STAGE_ORDER = [StageKind.DIAGNOSIS, StageKind.PLAN, StageKind.IMPLEMENTATION, StageKind.EVALUATION]


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PREPARATION = "in_preparation", _("In preparation")
    SUBMITTED = "submitted", _("Submitted for approval")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved by the Coordinating Committee")
    ENDORSED = "endorsed", _("Endorsed nationally")


class ContractQuerySet(models.QuerySet["Contract"]):
    def visible_to(self, user: Any, need: Need = Need.RECORD) -> ContractQuerySet:
        """Contracts that meet ``need`` for the user (strict by default: their record).

        ``Need.PAGE``: published contracts plus the person's own (the contract's page);
        ``Need.RECORD``: the person's own (meetings, documents, history); ``Need.MANAGE``:
        the contracts their organisation leads. See ``contracts.ownership``.
        """
        return self.filter(
            contract_condition(user, Need(need), contract_id="pk", published="is_published")
        )


class Contract(FoldedKeys, OriginMixin):
    title = models.CharField(_("title"), max_length=250)
    # The title folded for search (core.text): "loule" finds "CLS de Loulé".
    title_key = FoldedKeyField(source="title", max_length=250)
    category = models.CharField(
        _("category"), max_length=14, choices=ContractCategory.choices, db_index=True
    )
    municipality = models.ForeignKey(
        "territory.Area",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="contracts",
        limit_choices_to={"kind": "municipality"},
    )
    areas = models.ManyToManyField(
        "territory.Area",
        verbose_name=_("areas covered"),
        related_name="covering_contracts",
        blank=True,
    )
    lead_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_contracts",
        help_text=_("Usually the municipality; its staff manage the contract record."),
    )
    summary = models.TextField(_("summary"), blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    signing_place = models.CharField(_("signing place"), max_length=120, blank=True)
    axes: models.ManyToManyField[Axis, Any] = models.ManyToManyField(
        "Axis", verbose_name=_("intervention axes"), related_name="contracts", blank=True
    )
    stage = models.CharField(
        _("current stage"),
        max_length=16,
        choices=StageKind.choices,
        default=StageKind.DIAGNOSIS,
        db_index=True,
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Published contracts have a public page; the rest is for members only."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[areas, axes], excluded_fields=["title_key"])
    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "title"]
        indexes = [models.Index(fields=["category", "stage"])]

    def __str__(self) -> str:
        return self.title


class AxisQuerySet(ContractOwnedQuerySet["Axis"]):
    def national(self) -> AxisQuerySet:
        return self.filter(contract__isnull=True)


class Axis(ContractOwned, OriginMixin):
    """An intervention axis: one of the four national axes, or a contract's own."""

    national_rows_public = True

    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_axes",
        verbose_name=_("contract (for its own axes)"),
    )
    code = models.CharField(_("code"), max_length=12)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects = AxisQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("intervention axis")
        verbose_name_plural = _("intervention axes")
        ordering = ["contract_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(contract__isnull=True), name="axis_unique_national"
            ),
            models.UniqueConstraint(
                fields=["contract", "code"],
                condition=Q(contract__isnull=False),
                name="axis_unique_per_contract",
            ),
        ]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        name = self.name_en if (get_language() or "pt").startswith("en") else self.name_pt
        return f"{self.code}. {name}"

    @property
    def is_national(self) -> bool:
        return self.contract_id is None


class Signatory(ContractOwned, OriginMixin):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("contract")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="signed",
        verbose_name=_("organisation"),
    )
    signed_by = models.CharField(_("signed by (name and office)"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "organisation"], name="signatory_unique_per_contract"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class BodyKind(models.TextChoices):
    INTERMINISTERIAL = "interministerial", _("Interministerial Commission")
    COMMITTEE = "committee", _("Coordinating Committee")
    CORE = "core", _("Operational Core")


class GovernanceBody(ContractOwned):
    """The national commission (no contract) or one contract's committee or core.

    Its name is its kind, translated when shown (never stored already translated).
    """

    national_rows_public = True

    kind = models.CharField(_("kind"), max_length=16, choices=BodyKind.choices)
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bodies",
        verbose_name=_("contract"),
    )
    remit = models.TextField(_("remit"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("governance body")
        verbose_name_plural = _("governance bodies")
        ordering = ["contract_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind"],
                condition=Q(contract__isnull=False),
                name="body_unique_kind_per_contract",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(contract__isnull=True),
                name="body_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(self.get_kind_display())


class BodyRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECURITY_FORCE = "security_force", _("Security-force commander")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")
    NATIONAL_REPRESENTATIVE = "national_rep", _("Interministerial Commission representative")


class BodyMember(ContractOwned, OriginMixin):
    """A seat on a governance body (its contract copied from the body; none: national)."""

    national_rows_public = True

    body = models.ForeignKey(
        GovernanceBody, on_delete=models.CASCADE, related_name="members", verbose_name=_("body")
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="seats",
        verbose_name=_("contract"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="body_seats",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="body_seats",
        verbose_name=_("person"),
    )
    person_name = models.CharField(_("name (if no account)"), max_length=150, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=BodyRole.choices, default=BodyRole.MEMBER
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("body member")
        verbose_name_plural = _("body members")
        ordering = ["body", "role", "organisation__name_key", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body"],
                condition=Q(role="chair"),
                name="body_single_chair",
            ),
        ]

    def __str__(self) -> str:
        who = str(self.person) if self.person_id else self.person_name
        return f"{who} ({self.organisation})" if who else str(self.organisation)

    @property
    def display_name(self) -> str:
        if self.person_id:
            return str(self.person)
        return self.person_name


class Meeting(ContractOwned):
    body = models.ForeignKey(
        GovernanceBody, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("body")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("contract")
    )
    held_on = models.DateField(_("date"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"))
    decisions = models.TextField(_("decisions"), blank=True)
    attendees = models.ManyToManyField(
        BodyMember, verbose_name=_("attendance"), related_name="meetings_attended", blank=True
    )
    recorded_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="recorded_meetings",
        verbose_name=_("recorded by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Optimistic locking: a correction names the version it was made on.
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.body} {table_date(self.held_on)}"


class DocumentKind(models.TextChoices):
    SIGNED_CONTRACT = "signed_contract", _("Signed contract")
    MINUTES = "minutes", _("Meeting minutes")
    DELIVERABLE = "deliverable", _("Stage deliverable")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class Document(ContractOwned):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="documents", verbose_name=_("contract")
    )
    kind = models.CharField(_("type"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("organisation"),
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name=_("meeting (for minutes)"),
    )
    stage = models.ForeignKey(
        "Stage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name=_("stage (for deliverables)"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Stage(ContractOwned):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="stages", verbose_name=_("contract")
    )
    kind = models.CharField(_("stage"), max_length=16, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    status = models.CharField(
        _("status"), max_length=16, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )
    summary = models.TextField(_("summary of the deliverable"), blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["contract", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind"], name="stage_unique_per_contract")
        ]

    def __str__(self) -> str:
        return f"{self.contract}: {self.get_kind_display()}"

    @property
    def needs_national_endorsement(self) -> bool:
        return self.kind == StageKind.PLAN

    @property
    def is_complete(self) -> bool:
        if self.needs_national_endorsement:
            return self.status == StageStatus.ENDORSED
        return self.status in {StageStatus.APPROVED, StageStatus.ENDORSED}


class DecisionAction(models.TextChoices):
    START = "start", _("Started")
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned with comments")
    ENDORSE = "endorse", _("Endorsed nationally")
    REOPEN = "reopen", _("Reopened")


# Decisions that judge a submitted deliverable: never taken by the person who submitted it.
JUDGED_ACTIONS = frozenset({DecisionAction.APPROVE, DecisionAction.RETURN, DecisionAction.ENDORSE})


class StageDecision(ContractOwned):
    """Who decided what on a stage, when and why. Never edited, only appended."""

    # For approvals, returns and endorsements read through ``selectors.decision_trail``:
    # the person who submitted the deliverable judged (not stored: the trail shows it).
    submitted_by: Any = None

    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("stage")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("contract")
    )
    action = models.CharField(_("action"), max_length=10, choices=DecisionAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    actor_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    status_before = models.CharField(max_length=16, choices=StageStatus.choices)
    status_after = models.CharField(max_length=16, choices=StageStatus.choices)
    comment = models.TextField(_("comment / reason"), blank=True)
    decided_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage decision")
        verbose_name_plural = _("stage decisions")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.stage}: {self.get_action_display()}"


class ZoneQuerySet(ContractOwnedQuerySet["Zone"]):
    pass


class ZoneManager(models.Manager["Zone"]):
    def get_queryset(self) -> ZoneQuerySet:
        return ZoneQuerySet(self.model, using=self._db).filter(kind=AreaKind.ZONE)


class Zone(ContractOwned, Area):
    """A contract's own area (a neighbourhood, an estate): stored with the official areas
    in ``territory.Area``, read through the contract's visibility."""

    contract_field = "owner_contract"

    objects = ZoneManager.from_queryset(ZoneQuerySet)()  # type: ignore[misc,assignment]

    class Meta:
        proxy = True
        verbose_name = _("contract zone")
        verbose_name_plural = _("contract zones")
