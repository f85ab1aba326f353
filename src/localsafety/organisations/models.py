"""Organisations, people and their memberships.

What a person may do on a contract follows from two facts recorded here and in
``contracts``: the organisations they belong to (``Membership``) and the governance
bodies they sit on (``contracts.BodyMember``). See ``organisations.access``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localsafety.core.dates import table_datetime
from localsafety.core.fields import FoldedKeyField, FoldedKeys
from localsafety.core.models import OriginMixin


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry / national body")
    MUNICIPALITY = "municipality", _("Municipality")
    PSP = "psp", _("PSP (Public Security Police)")
    GNR = "gnr", _("GNR (National Republican Guard)")
    MUNICIPAL_POLICE = "municipal_police", _("Municipal police")
    SCHOOL_CLUSTER = "school_cluster", _("School cluster")
    SOCIAL_SECURITY = "social_security", _("Social security")
    HEALTH_CENTRE = "health_centre", _("Health centre")
    MIGRATION_AGENCY = "migration_agency", _("Migration agency")
    PARISH_COUNCIL = "parish_council", _("Parish council")
    ASSOCIATION = "association", _("Association / NGO")
    OTHER = "other", _("Other")


POLICE_KINDS = frozenset({OrganisationKind.PSP, OrganisationKind.GNR})


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        """The register of organisations is public reference data (names, kinds, places)."""
        return self.filter(is_active=True) if not getattr(user, "is_authenticated", False) else self


class Organisation(FoldedKeys, OriginMixin):
    name = models.CharField(_("name"), max_length=250)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    # Both names folded for search and sort (core.text): "camara" finds Câmara.
    name_key = FoldedKeyField(source="name", max_length=250)
    short_name_key = FoldedKeyField(source="short_name", max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    municipality = models.ForeignKey(
        "territory.Area",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        limit_choices_to={"kind": "municipality"},
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["name_key", "short_name_key"])
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_key", "name"]
        indexes = [models.Index(fields=["kind", "name"]), models.Index(fields=["kind", "name_key"])]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_police(self) -> bool:
        return self.kind in POLICE_KINDS


class User(AbstractUser):
    """A person who logs in. Ethnicity or similar special-category data is never recorded."""

    class Language(models.TextChoices):
        PT = "pt-pt", "Português"
        EN = "en", "English"

    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.PT
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    data_origin = models.CharField(_("data origin"), max_length=12, default="entered")
    # Whether the person has a confirmed authenticator: kept by a signal on the devices
    # (organisations.apps), read on every request without a query. Once on, sign-in needs it.
    two_factor_enabled = models.BooleanField(
        _("two-factor authentication on"), default=False, editable=False
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login", "two_factor_enabled"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class MembershipRole(models.TextChoices):
    STAFF = "staff", _("Staff")
    MANAGER = "manager", _("Manager")


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.STAFF
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


def enrolment_token_hash(token: str) -> str:
    """What is stored of an enrolment link's secret: its SHA-256, never the secret."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class EnrolmentLinkQuerySet(models.QuerySet["EnrolmentLink"]):
    def usable(self) -> EnrolmentLinkQuerySet:
        """Links that were not followed yet and have not expired."""
        return self.filter(opened_at__isnull=True, expires_at__gt=timezone.now())


class EnrolmentLink(models.Model):
    """A one-time link that lets one person add an authenticator (two-factor enrolment).

    Roles that require two-factor never enrol with their password alone: an administrator
    or a national user issues a link, or it is sent to the account's e-mail address. Only a
    hash of the link's secret is stored; the link expires, works once and only for its person.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="enrolment_links",
        verbose_name=_("person"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    opened_at = models.DateTimeField(_("followed"), null=True, blank=True)
    completed_at = models.DateTimeField(_("authenticator confirmed"), null=True, blank=True)

    objects = EnrolmentLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("two-factor enrolment link")
        verbose_name_plural = _("two-factor enrolment links")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} ({table_datetime(self.created_at)})"
