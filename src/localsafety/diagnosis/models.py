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
