"""Reads for the analysis pages that come straight from the aggregates."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from localsafety.contracts.models import Contract
from localsafety.diagnosis.aggregates import municipal_yearly_counts
from localsafety.diagnosis.analysis_services import police_force_for
from localsafety.diagnosis.models import CountUnit, IncidentCount


def yearly_counts(user: Any, contract: Contract) -> list[dict[str, Any]]:
    """Registered incidents in the contract's municipality per year, from ``IncidentCount``.

    The police of a force seated on the contract read their own force's counts in full.
    Everyone else reads the municipality's yearly figures of the contract's one suppressed
    crime release (``aggregates.municipal_yearly_counts``): the same cells hidden as on the
    crime figures page, its downloads, the API and the document, never a choice of its own.
    """
    force = police_force_for(user, contract)
    if force is None:
        return [
            {"year": year, "count": count, "own_force": False}
            for year, count in municipal_yearly_counts(user, contract)
        ]
    rows = (
        IncidentCount.objects.filter(
            unit=CountUnit.MUNICIPALITY,
            unit_code=contract.municipality.code,
            organisation_id=force,
        )
        .values("year")
        .order_by("year")
        .annotate(total=Sum("count"))
        .values_list("year", "total")
    )
    return [{"year": year, "count": int(total), "own_force": True} for year, total in rows]
