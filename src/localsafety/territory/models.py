"""Areas: country > NUTS II > district / island > municipality > parish, and contract zones.

Geometry is stored as GeoJSON text in WGS84 (lon/lat) so that no GIS extension is needed;
shapely reads it for checks and maps draw it directly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from localsafety.core.fields import FoldedKeyField, FoldedKeys
from localsafety.core.models import OriginMixin


class AreaKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    NUTS2 = "nuts2", _("NUTS II region")
    DISTRICT = "district", _("District / autonomous region island")
    MUNICIPALITY = "municipality", _("Municipality")
    PARISH = "parish", _("Parish")
    ZONE = "zone", _("Contract zone")


KIND_DEPTH = {
    AreaKind.COUNTRY: 0,
    AreaKind.NUTS2: 1,
    AreaKind.DISTRICT: 2,
    AreaKind.MUNICIPALITY: 3,
    AreaKind.PARISH: 4,
    AreaKind.ZONE: 5,
}


class AreaQuerySet(models.QuerySet["Area"]):
    def official(self) -> AreaQuerySet:
        """The official reference areas (country to parish): public, the same for everyone.

        A contract's own zones are not official; who may see them is decided by ``contracts``.
        """
        return self.filter(owner_contract__isnull=True).exclude(kind=AreaKind.ZONE)

    def municipalities(self) -> AreaQuerySet:
        return self.filter(kind=AreaKind.MUNICIPALITY)


class Area(FoldedKeys, OriginMixin):
    kind = models.CharField(_("kind"), max_length=12, choices=AreaKind.choices, db_index=True)
    code = models.CharField(
        _("code"),
        max_length=40,
        help_text=_("Official code: DICO for municipalities, DICOFRE for parishes."),
    )
    name = models.CharField(_("name"), max_length=200)
    # The name folded for search and sort (core.text): "loule" finds Loulé, Évora sorts with E.
    name_key = FoldedKeyField(source="name", max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    owner_contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("defined by contract"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="zones",
        help_text=_("Set for zones that a contract defines (a neighbourhood, an estate)."),
    )
    description = models.TextField(_("description"), blank=True)
    nuts2_code = models.CharField(
        _("NUTS II code"),
        max_length=8,
        blank=True,
        db_index=True,
        help_text=_("The municipality's own NUTS II region (2013 codes); a district may span two."),
    )
    nuts3_name = models.CharField(_("NUTS III"), max_length=120, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    label_lat = models.FloatField(_("label latitude"), null=True, blank=True)
    label_lon = models.FloatField(_("label longitude"), null=True, blank=True)
    geometry = models.TextField(
        _("boundary (GeoJSON, WGS84)"), blank=True, help_text=_("Empty when not loaded.")
    )
    bbox = models.CharField(_("bounding box"), max_length=120, blank=True)
    is_active = models.BooleanField(_("in force"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["geometry", "updated_at", "name_key"])
    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["kind", "name_key", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=Q(owner_contract__isnull=True),
                name="area_unique_official_code",
            ),
            models.UniqueConstraint(
                fields=["owner_contract", "code"],
                condition=Q(owner_contract__isnull=False),
                name="area_unique_zone_code_per_contract",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "code"]),
            models.Index(fields=["parent", "kind"]),
            models.Index(fields=["kind", "name_key"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_boundary(self) -> bool:
        return bool(self.geometry)

    def latest_population(self) -> AreaPopulation | None:
        return self.populations.order_by("-year").first()


class AreaPopulation(OriginMixin):
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="populations", verbose_name=_("area")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("resident population"))
    population_under15 = models.PositiveIntegerField(_("under 15"), null=True, blank=True)
    population_65plus = models.PositiveIntegerField(_("65 and over"), null=True, blank=True)

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["area", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="population_unique_area_year")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year}: {self.population}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class AreaImport(models.Model):
    """One upload of a boundary file, processed in the background with visible progress."""

    file = models.FileField(_("file"), upload_to="area-imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind of areas"), max_length=12, choices=AreaKind.choices)
    contract = models.ForeignKey(
        "contracts.Contract",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="area_imports",
        verbose_name=_("contract (for zones)"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="area_imports"
    )
    code_field = models.CharField(
        _("code attribute"), max_length=80, blank=True, help_text=_("Empty: found automatically.")
    )
    name_field = models.CharField(
        _("name attribute"), max_length=80, blank=True, help_text=_("Empty: found automatically.")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    # The first problems only (LOCALSAFETY_IMPORT_PROBLEMS_SHOWN); ``problem_count`` has all.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("number of problems"), default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("area import")
        verbose_name_plural = _("area imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def problems_total(self) -> int:
        """All the problems found, of which ``problems`` lists the first."""
        return max(self.problem_count, len(self.problems or []))
