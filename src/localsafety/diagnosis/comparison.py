"""Each territory beside its municipality, region and country: registered-crime rates per
1,000 residents with exact Poisson intervals (``analysis.rates``), from published statistics.

Region and country are the sums of their municipalities' published counts and Census 2021
residents; a year where any municipality of an area is unpublished leaves that area's rate
blank (blank is unpublished, never zero).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from localsafety.analysis.rates import rates_per_thousand
from localsafety.diagnosis.models import CrimeCategory, IndicatorKind, StatisticValue
from localsafety.territory.models import Area, AreaKind, AreaPopulation


@dataclass(frozen=True)
class RateRow:
    area: str
    year: int
    crimes: int | None
    residents: int | None
    rate: float | None
    lower: float | None
    upper: float | None
    provisional: bool


def crime_rate_comparison(municipality: Area) -> tuple[list[RateRow], str]:
    total = CrimeCategory.objects.filter(level="total").first()
    municipalities = list(
        Area.objects.filter(kind=AreaKind.MUNICIPALITY, owner_contract__isnull=True).values_list(
            "pk", "nuts2_code"
        )
    )
    region_of = dict(municipalities)
    residents = dict(
        AreaPopulation.objects.filter(area_id__in=region_of)
        .order_by("area_id", "year")
        .values_list("area_id", "population")
    )
    values = StatisticValue.objects.filter(
        indicator=IndicatorKind.CRIMES,
        dataset__is_current=True,
        area_id__in=region_of,
        category=total,
    ).values_list("area_id", "year", "value", "provisional")
    crimes: dict[tuple[int, int], float | None] = {}
    provisional: dict[int, bool] = defaultdict(bool)
    for area_id, year, value, is_provisional in values:
        crimes[(area_id, year)] = None if value is None else float(value)
        provisional[year] |= is_provisional
    years = sorted({year for _area, year in crimes})
    groups: dict[str, list[int]] = {municipality.name: [municipality.pk]}
    if municipality.nuts2_code:
        region = _("Region %(code)s") % {"code": municipality.nuts2_code}
        groups[region] = [pk for pk, code in municipalities if code == municipality.nuts2_code]
    groups[_("Portugal")] = [pk for pk, _code in municipalities]
    rows: list[RateRow] = []
    for name, members in groups.items():
        counts = []
        pops = []
        for year in years:
            parts = [crimes.get((pk, year)) for pk in members]
            people = [residents.get(pk) for pk in members]
            known = all(p is not None for p in parts) and all(p for p in people)
            counts.append(sum(p for p in parts if p is not None) if known else math.nan)
            pops.append(sum(p for p in people if p) if known else math.nan)
        rates = rates_per_thousand(np.array(counts), np.array(pops))
        for i, year in enumerate(years):
            ok = not math.isnan(counts[i])
            rows.append(
                RateRow(
                    area=name,
                    year=year,
                    crimes=int(counts[i]) if ok else None,
                    residents=int(pops[i]) if ok else None,
                    rate=float(rates.residents.rate[i]) if ok else None,
                    lower=float(rates.residents.lower[i]) if ok else None,
                    upper=float(rates.residents.upper[i]) if ok else None,
                    provisional=provisional[year],
                )
            )
    provenance = _(
        "Source: DGPJ / INE, crimes registered by the police; INE, Census 2021 residents. "
        "Method: crimes per 1,000 residents with exact Poisson intervals (95 per cent); region and "
        "country are sums of their municipalities."
    )
    return rows, provenance
