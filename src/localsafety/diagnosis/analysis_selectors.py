"""Reads for the analysis pages that come straight from the aggregates."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db.models import Sum

from localsafety.contracts.models import Contract
from localsafety.diagnosis.analyses import small_count_threshold, suppressed_mask
from localsafety.diagnosis.analysis_services import police_force_for
from localsafety.diagnosis.models import CountUnit, IncidentCount


def yearly_counts(user: Any, contract: Contract) -> list[dict[str, Any]]:
    """Registered incidents in the contract's municipality per year, from ``IncidentCount``.

    The police of a force seated on the contract read their own force's counts in full;
    everyone else reads every force's counts with small counts suppressed.
    """
    force = police_force_for(user, contract)
    queryset = IncidentCount.objects.filter(
        unit=CountUnit.MUNICIPALITY, unit_code=contract.municipality.code
    )
    if force is not None:
        queryset = queryset.filter(organisation_id=force)
    rows = list(
        queryset.values("year")
        .order_by("year")
        .annotate(total=Sum("count"))
        .values_list("year", "total")
    )
    values = np.array([total for _year, total in rows], dtype=np.float64)
    hidden = (
        np.zeros(len(rows), dtype=bool)
        if force is not None
        else suppressed_mask(values, small_count_threshold())
    )
    return [
        {"year": year, "count": None if hide else int(total), "own_force": force is not None}
        for (year, total), hide in zip(rows, hidden, strict=True)
    ]
