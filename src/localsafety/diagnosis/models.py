"""The Local Safety Diagnosis: data sets, incidents, aggregates, the indicator matrix and the
problems found (see issue 9).

:class:`Problem` is the hinge between the diagnosis and the intervention plan: the Operational
Core records the problems found (each on an axis, with its evidence), the Coordinating Committee
prioritises them, and the plan's objectives answer them. A plan may also start from problems
typed in by the committee before any data is loaded.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localsafety.contracts.models import Axis, Contract
from localsafety.contracts.ownership import (
    ContractOwned,
    ContractOwnedQuerySet,
    Need,
    PoliceOwned,
)
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


class EvidenceKind(models.TextChoices):
    FIGURE = "figure", _("Figure of the document")
    INDICATOR = "indicator", _("Indicator of the matrix")
    RUN = "run", _("Analysis run")
    HOTSPOT = "hotspot", _("Hot spot")


class DocumentFigure(models.TextChoices):
    """The figures of the diagnosis document (their anchors are ``#figure-<value>``)."""

    TREND = "trend", _("Trend chart of crimes registered")
    CHOROPLETH = "choropleth", _("Choropleth map of the parishes")
    HEAT = "heat", _("Heat grid by weekday and hour")
    HOTSPOTS = "hotspots", _("Hot-spot map")


class ProblemEvidence(ContractOwned):
    """One piece of evidence a problem links to: a figure of the diagnosis document, an
    indicator of the filled matrix (by code), an aggregate analysis run of the contract, or a
    hot spot (a significant hot cell of such a run). The problem's free-text ``evidence``
    stays beside these as a note."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="problem_evidence",
        verbose_name=_("contract"),
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="evidence_links", verbose_name=_("problem")
    )
    kind = models.CharField(_("kind of evidence"), max_length=10, choices=EvidenceKind.choices)
    figure = models.CharField(
        _("figure"), max_length=12, choices=DocumentFigure.choices, blank=True
    )
    indicator_code = models.SlugField(_("indicator code"), max_length=50, blank=True)
    run = models.ForeignKey(
        "diagnosis.AnalysisRun",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("analysis run"),
    )
    #: The H3 cell id (hexadecimal) of a hot spot.
    cell = models.CharField(_("H3 cell"), max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("evidence of a problem")
        verbose_name_plural = _("evidence of problems")
        ordering = ["problem_id", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.key}"

    @property
    def key(self) -> str:
        """The link as one string: ``figure:trend``, ``indicator:<code>``, ``run:<id>``,
        ``hotspot:<run id>:<cell>`` (the values of the form's checkboxes)."""
        if self.kind == EvidenceKind.FIGURE:
            return f"figure:{self.figure}"
        if self.kind == EvidenceKind.INDICATOR:
            return f"indicator:{self.indicator_code}"
        if self.kind == EvidenceKind.RUN:
            return f"run:{self.run_id}"
        return f"hotspot:{self.run_id}:{self.cell}"


# =============================================================================================
# Crime data (issue 9, points 1, 2 and 6): the national crime taxonomy, police sources and their
# column mappings, incident data sets and incidents (police-owned), the aggregates kept current
# at import, and published statistics (public reference data).
# =============================================================================================


class CategoryLevel(models.TextChoices):
    TOTAL = "total", _("All crimes")
    GROUP = "group", _("Group")
    CATEGORY = "category", _("Category")


class CrimeCategory(models.Model):
    """One node of the national crime taxonomy (DGPJ/INE groups and their sub-categories).

    A tree: the total, the five DGPJ groups (crimes against persons, property, life in society,
    the State, other legislation) and their categories, some of which have sub-categories
    (domestic violence within offences against physical integrity). Incidents name a leaf;
    published statistics name any node. Written by the data migration ``0002_crime_data``
    (``diagnosis.taxonomy``).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=CategoryLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name=_("part of"),
    )
    #: Domestic violence and sexual offences: never shown as points outside police roles.
    is_sensitive = models.BooleanField(_("sensitive"), default=False)
    #: The key of this node in the DGPJ/INE published series (indicator 0012261), if any.
    statistics_key = models.CharField(_("statistics key"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("crime category")
        verbose_name_plural = _("crime categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_pt if (get_language() or "").startswith("pt") else self.name


class CoordinateSystem(models.TextChoices):
    AUTO = "auto", _("Recognise from the values")
    WGS84 = "wgs84", _("WGS84 longitude/latitude (degrees)")
    PT_TM06 = "pttm06", _("ETRS89 / PT-TM06 (EPSG:3763, metres)")


class IncidentSource(PoliceOwned):
    """A police export (PSP, GNR) and how its columns and category codes map to the platform's.

    Remembered per force and source name, so that next month's export of the same source is
    imported unattended, from the page or with ``localsafety import-incidents``.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="incident_sources",
        verbose_name=_("police organisation"),
    )
    name = models.CharField(_("source"), max_length=120)
    #: Platform field (``record_id``, ``occurred_at``, ``category``, ``x``, …) -> column header.
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    #: The source's category code -> CrimeCategory.code (a leaf of the taxonomy).
    category_codes = models.JSONField(_("category codes"), default=dict, blank=True)
    coordinate_system = models.CharField(
        _("coordinate system"),
        max_length=8,
        choices=CoordinateSystem.choices,
        default=CoordinateSystem.AUTO,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: Optimistic locking: a mapping edit names the version it was made on.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("incident source")
        verbose_name_plural = _("incident sources")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="incident_source_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DatasetStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class ImportProvenance(models.Model):
    """What every imported file keeps: the file, who, when, its checksum, status and progress."""

    file = models.FileField(_("file"), upload_to="crime-imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file_size = models.BigIntegerField(_("file size (bytes)"), default=0)
    #: SHA-256 of the file's bytes, hexadecimal.
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DatasetStatus.choices, default=DatasetStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    # The first problems only (LOCALSAFETY_IMPORT_PROBLEMS_SHOWN); ``problem_count`` has all.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("number of problems"), default=0)
    row_count = models.PositiveIntegerField(_("rows read"), default=0)
    created_count = models.PositiveIntegerField(_("records stored"), default=0)

    class Meta:
        abstract = True

    @property
    def problems_total(self) -> int:
        return max(self.problem_count, len(self.problems or []))


class IncidentDataset(PoliceOwned, ImportProvenance, OriginMixin):
    """One import of police incident records; belongs to the police force that imported it."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="incident_datasets",
        verbose_name=_("police organisation"),
    )
    source = models.ForeignKey(
        IncidentSource,
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("source"),
    )
    #: First and last day of the records stored (set when the import is done).
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    #: Records of the file already stored by an earlier import of the same source.
    skipped_count = models.PositiveIntegerField(_("records already stored"), default=0)

    class Meta:
        verbose_name = _("incident data set")
        verbose_name_plural = _("incident data sets")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} — {self.original_name}"


class LocationMethod(models.TextChoices):
    POINT = "point", _("Coordinates")
    CODE = "code", _("Parish code")


class Incident(PoliceOwned):
    """One registered crime, as exported by the police; for the owning force's roles only.

    The time is a range: an exact time has ``occurred_from == occurred_to``; a record that
    gives only the day or a "between" range keeps its bounds (analyses weight it aoristically).
    H3 cells (resolutions 7, 8 and 9, as 64-bit integers) and the parish are assigned once, at
    import.
    """

    # Few indexes, on purpose: each one slows every import row. The organisation is led by
    # the (organisation, time) index, the source by the unique (source, record id); categories
    # and areas are read through the aggregates, not by scanning incidents.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    dataset = models.ForeignKey(IncidentDataset, on_delete=models.CASCADE, related_name="incidents")
    source = models.ForeignKey(
        IncidentSource, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source_record_id = models.CharField(_("record id at the source"), max_length=64)
    category = models.ForeignKey(
        CrimeCategory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
        db_index=False,
    )
    occurred_from = models.DateTimeField(_("occurred from"))
    occurred_to = models.DateTimeField(_("occurred to"))
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    location_method = models.CharField(
        _("located by"), max_length=5, choices=LocationMethod.choices
    )
    parish = models.ForeignKey(
        "territory.Area",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    municipality = models.ForeignKey(
        "territory.Area",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    h3_7 = models.BigIntegerField(null=True, blank=True)
    h3_8 = models.BigIntegerField(null=True, blank=True)
    h3_9 = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["occurred_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_record_id"], name="incident_unique_source_record"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "occurred_from"], name="incident_org_time"),
            models.Index(fields=["h3_9"], name="incident_h3_9"),
        ]

    def __str__(self) -> str:
        return self.source_record_id

    @property
    def is_exact(self) -> bool:
        return self.occurred_from == self.occurred_to


class CountUnit(models.TextChoices):
    PARISH = "parish", _("Parish")
    MUNICIPALITY = "municipality", _("Municipality")
    H3_7 = "h3_7", _("H3 cell, resolution 7")
    H3_8 = "h3_8", _("H3 cell, resolution 8")


#: Grid resolutions others than the owning police may ever see (after suppression).
PUBLIC_H3_UNITS = frozenset({CountUnit.H3_7, CountUnit.H3_8})


class IncidentCount(PoliceOwned):
    """Incident counts by unit (parish, municipality, H3 cell), year, month and category.

    Resolution 9 is not counted here: it is the owning force's alone, which reads its own
    records (indexed by ``h3_9``). Kept current by the import (the counts of the records it
    stores are added in the same transaction): pages and analyses read these, never the
    incident table, so that a landing page never runs a ten-year query. Raw counts are the
    owning force's; everyone else reads them through the suppression of ``diagnosis``
    aggregates (and only ``PUBLIC_H3_UNITS``).
    ``unit_code`` is the area's code (DICOFRE, DICO) or the H3 cell's hexadecimal string.
    Areas are counted by month (1–12), cells by year (``month`` 0: the whole year).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    unit = models.CharField(_("unit"), max_length=12, choices=CountUnit.choices)
    unit_code = models.CharField(_("code"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    #: 1–12; 0 for a whole year (H3 cells are counted by year).
    month = models.PositiveSmallIntegerField(_("month"))
    category = models.ForeignKey(
        CrimeCategory, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    count = models.PositiveIntegerField(_("incidents"))

    class Meta:
        verbose_name = _("incident count")
        verbose_name_plural = _("incident counts")
        constraints = [
            models.UniqueConstraint(
                # Led by the unit: the one index also serves "this area's counts".
                fields=["unit", "unit_code", "year", "month", "category", "organisation"],
                name="incident_count_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.unit_code} {self.year}-{self.month:02d}: {self.count}"


class IndicatorKind(models.TextChoices):
    CRIMES = "crimes", _("Crimes registered")
    POPULATION = "population", _("Resident population")
    UNEMPLOYMENT = "unemployment", _("Unemployment rate (%)")
    EARLY_SCHOOL_LEAVING = "early_school_leaving", _("Early school leaving (%)")
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    SOCIAL_BENEFITS = "social_benefits", _("Social-benefit recipients")


class StatisticsDataset(ImportProvenance, OriginMixin):
    """One import of a published statistics table (DGPJ/INE style): public reference data."""

    title = models.CharField(_("title"), max_length=200)
    #: Who published it (e.g. "DGPJ / INE, indicator 0012261").
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    #: A newer import of the same series replaces this one for readers (kept for provenance).
    series = models.CharField(_("series"), max_length=120, blank=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("statistics data set")
        verbose_name_plural = _("statistics data sets")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class StatisticValue(models.Model):
    """A published figure for an area (municipality, region, country), indicator and year.

    ``value`` NULL means not published (confidential or not available), never zero.
    """

    dataset = models.ForeignKey(StatisticsDataset, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey("territory.Area", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(_("indicator"), max_length=24, choices=IndicatorKind.choices)
    category = models.ForeignKey(
        CrimeCategory, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3, null=True, blank=True)
    provisional = models.BooleanField(_("provisional"), default=False)

    class Meta:
        verbose_name = _("published statistic")
        verbose_name_plural = _("published statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "area", "indicator", "category", "year"],
                condition=models.Q(category__isnull=False),
                name="statistic_unique_with_category",
            ),
            models.UniqueConstraint(
                fields=["dataset", "area", "indicator", "year"],
                condition=models.Q(category__isnull=True),
                name="statistic_unique_without_category",
            ),
        ]
        indexes = [models.Index(fields=["area", "indicator", "year"], name="statistic_area_year")]

    def __str__(self) -> str:
        return f"{self.area} {self.indicator} {self.year}: {self.value}"


# =============================================================================================
# Analysis runs (issue 9, points 3, 4 and 7): hot spots, seasonality, concentration, near
# repeats and hot-spot stability computed in the background for a contract's territory, stored
# with their provenance. A run is either a police run (one force's records, for that force's
# roles on the contract only) or an aggregate run (every force's counts, coarse grid, small
# counts suppressed before anything is stored).
# =============================================================================================


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AnalysisRunQuerySet(ContractOwnedQuerySet["AnalysisRun"]):
    """Runs the person may read: aggregate runs for the contract's members (and national
    users); a police run only for members of its force who sit on the contract."""

    def visible_to(self, user: Any, need: Need | None = None) -> AnalysisRunQuerySet:
        from localsafety.contracts.access import scope_for

        readable = super().visible_to(user, need)
        scope = scope_for(user)
        police = models.Q(
            police_organisation_id__in=scope.police_organisation_ids,
            contract_id__in=scope.police_contract_ids,
        )
        if not scope.police_organisation_ids or not scope.police_contract_ids:
            police = models.Q(pk__in=[])
        return readable.filter(models.Q(police_organisation__isnull=True) | police)


class AnalysisRun(ContractOwned):
    """One run of the spatial and temporal analyses over a contract's territory.

    ``results`` holds only what the run's audience may see: for an aggregate run, counts
    below ``LOCALSAFETY_SMALL_COUNT_THRESHOLD`` are already suppressed, there are no points
    and no near-repeat table. ``datasets`` and ``parameters`` are the provenance shown under
    every figure (the data sets read, the method and its parameters).
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="analysis_runs", verbose_name=_("contract")
    )
    #: The force whose records a police run reads (null: an aggregate run of every force).
    police_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("police force analysed"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("run finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    #: Leaf or group codes of the taxonomy; empty means every category.
    categories = models.JSONField(_("crime categories chosen"), default=list, blank=True)
    resolution = models.PositiveSmallIntegerField(_("H3 resolution"))
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    #: Provenance: the incident data sets read (id, source, file, checksum, period).
    datasets = models.JSONField(_("data sets"), default=list, blank=True)
    results = models.JSONField(_("results"), default=dict, blank=True)

    objects = AnalysisRunQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("analysis run")
        verbose_name_plural = _("analysis runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["contract", "-created_at"], name="analysis_run_recent")]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.period_start}–{self.period_end} (H3 {self.resolution})"

    @property
    def is_police(self) -> bool:
        return self.police_organisation_id is not None

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


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


# --- the diagnosis document, frozen on approval ---------------------------------------------


class DiagnosisSnapshot(ContractOwned):
    """The diagnosis as the Coordinating Committee approved it: figures, problems and the
    matrix version, stored when the diagnosis stage is approved. Later data does not change
    it; reopening and approving again stores a new one."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="diagnosis_snapshots",
        verbose_name=_("contract"),
    )
    decision = models.OneToOneField(
        "contracts.StageDecision",
        on_delete=models.CASCADE,
        related_name="diagnosis_snapshot",
        verbose_name=_("approval"),
    )
    approved_at = models.DateTimeField(_("approved"))
    matrix_version = models.PositiveIntegerField(_("indicator matrix version"), null=True)
    #: The suppressed crime table (as every non-police member sees it) and its provenance.
    figures = models.JSONField(_("figures"), default=dict)
    problems = models.JSONField(_("problems"), default=list)

    class Meta:
        verbose_name = _("approved diagnosis")
        verbose_name_plural = _("approved diagnoses")
        ordering = ["contract", "-approved_at"]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.approved_at:%Y-%m-%d}"
