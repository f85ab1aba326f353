"""Shared model pieces: record origin (real or synthetic) and optimistic locking."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataOrigin(models.TextChoices):
    """Whether a record states a published fact or was made up for the demo."""

    REAL = "real", _("Real")
    SYNTHETIC = "synthetic", _("Synthetic")
    ENTERED = "entered", _("Entered")


class OriginMixin(models.Model):
    data_origin = models.CharField(
        _("data origin"), max_length=12, choices=DataOrigin.choices, default=DataOrigin.ENTERED
    )
    source_note = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        abstract = True
