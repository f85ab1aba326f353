"""The Local Safety Diagnosis: data sets, incidents, aggregates, the indicator matrix and the
problems found (see issue 9).

:class:`Problem` is the hinge between the diagnosis and the intervention plan: the Operational
Core records the problems found (each on an axis, with its evidence), the Coordinating Committee
prioritises them, and the plan's objectives answer them. A plan may also start from problems
typed in by the committee before any data is loaded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localsafety.contracts.models import Axis, Contract
from localsafety.contracts.ownership import ContractOwned
from localsafety.core.models import OriginMixin


class Problem(ContractOwned, OriginMixin):
    """A safety problem of the contract's territory, found by the diagnosis."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="problems", verbose_name=_("contract")
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    axis = models.ForeignKey(
        Axis,
        on_delete=models.PROTECT,
        related_name="problems",
        verbose_name=_("intervention axis"),
        null=True,
        blank=True,
    )
    #: What shows the problem: a figure, a map, a hot spot (text until linked to a result).
    evidence = models.TextField(_("evidence"), blank=True)
    #: 1 is the most urgent; empty until the Coordinating Committee prioritises.
    priority = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: Optimistic locking: an edit names the version it was made on.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["contract", models.F("priority").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title


# --- the national indicator matrix ---------------------------------------------------------
#
# The Interministerial Commission sets the indicators every diagnosis reports (national roles
# only); each change makes a new version of the whole matrix, so a diagnosis names the version
# it was built on and an approved one never changes under it. A contract adds its own local
# indicators. An indicator names its computation by a formula key (``diagnosis.indicators``):
# figures are computed from the data, never typed in.


class IndicatorUnit(models.TextChoices):
    PER_1000 = "per_1000", _("per 1,000 residents")
    PER_100000 = "per_100000", _("per 100,000 residents")
    PERCENT = "percent", _("percentage")
    PER_KM2 = "per_km2", _("residents per km²")
    INDEX = "index", _("index")
    COUNT = "count", _("count")


class IndicatorTheme(models.TextChoices):
    CRIME = "crime", _("Crime and disorder")
    POPULATION = "population", _("Population")
    SOCIAL = "social", _("Socio-economic vulnerabilities")
    PERCEPTION = "perception", _("Feelings of insecurity")


class IndicatorMatrix(models.Model):
    """One version of the national indicator matrix (public reference data)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    note = models.CharField(_("what changed"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("indicator matrix")
        verbose_name_plural = _("indicator matrices")
        ordering = ["-version"]

    def __str__(self) -> str:
        return str(_("Indicator matrix, version %(version)s") % {"version": self.version})


class IndicatorFields(models.Model):
    """What a national and a local indicator share."""

    code = models.SlugField(_("code"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=200)
    definition = models.TextField(_("definition"))
    unit = models.CharField(_("unit"), max_length=12, choices=IndicatorUnit.choices)
    theme = models.CharField(_("theme"), max_length=12, choices=IndicatorTheme.choices)
    source = models.CharField(_("source"), max_length=200)
    #: The computation (``diagnosis.indicators.FORMULAS``) and its parameter (a crime category).
    formula = models.CharField(_("formula"), max_length=40)
    parameter = models.CharField(_("parameter"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_pt if (get_language() or "").startswith("pt") else self.name_en


class Indicator(IndicatorFields):
    """A national indicator of one version of the matrix (public reference data)."""

    matrix = models.ForeignKey(
        IndicatorMatrix,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("indicator matrix"),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["matrix", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "code"], name="indicator_unique_code"),
        ]


class LocalIndicator(ContractOwned, IndicatorFields):
    """An indicator a contract adds to the national matrix for its own diagnosis."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="local_indicators",
        verbose_name=_("contract"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("local indicator")
        verbose_name_plural = _("local indicators")
        ordering = ["contract", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "code"], name="local_indicator_unique_code"
            ),
        ]
