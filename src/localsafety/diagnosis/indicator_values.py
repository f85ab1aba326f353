"""The indicator matrix filled in: each indicator's value for the contract's territory beside
its municipality, region (NUTS II) and the country, computed from the data held.

An indicator names its computation (``diagnosis.indicators.FORMULAS``); this module is the
one place that computes them, from published statistics (crimes registered, by municipality,
category and year) and the Census populations of ``territory``. Region and country are sums
of their municipalities, and an area where any municipality is unpublished has no value:
blank is unpublished, never zero. An indicator that cannot be computed says why.

Every figure is a plain dict (JSON), so the approved diagnosis stores it as it was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from localsafety.contracts.models import Contract
from localsafety.diagnosis.indicators import CRIME_CATEGORIES, FORMULAS
from localsafety.diagnosis.models import (
    CrimeCategory,
    IndicatorFields,
    IndicatorKind,
    StatisticValue,
)
from localsafety.territory.models import Area, AreaKind, AreaPopulation

#: The columns of the filled matrix, in order.
COLUMNS = ("territory", "municipality", "region", "country")


@dataclass
class Figures:
    """What an area's indicators are computed from (sums over its municipalities)."""

    residents: float | None = None
    under_15: float | None = None
    over_65: float | None = None
    km2: float | None = None
    #: (statistics key, year) -> published count; a key absent or None is unpublished.
    crimes: dict[tuple[str, int], float | None] = field(default_factory=dict)


@dataclass
class IndicatorData:
    """Everything the formulas read, loaded once per document (a few grouped queries)."""

    areas: dict[str, Figures]
    names: dict[str, str]
    #: Years with a published value for the municipality, newest last, and the provisional ones.
    years: list[int]
    provisional: set[int]
    #: Why the territory has no figures of its own (None when it is the whole municipality).
    territory_note: str | None


def _sum(values: list[Any]) -> float | None:
    if not values or any(v is None for v in values):
        return None
    return float(sum(values))


def _population_figures(area_ids: list[int]) -> dict[int, tuple[Any, Any, Any]]:
    """Each area's latest Census figures: (residents, under 15, 65 and over)."""
    found: dict[int, tuple[Any, Any, Any]] = {}
    rows = (
        AreaPopulation.objects.filter(area_id__in=area_ids)
        .order_by("area_id", "year")
        .values_list("area_id", "population", "population_under15", "population_65plus")
    )
    for area_id, people, young, old in rows:
        found[area_id] = (people, young, old)
    return found


def load_indicator_data(contract: Contract) -> IndicatorData:
    municipality = contract.municipality
    keys = [key for key in CRIME_CATEGORIES]
    category_key = dict(
        CrimeCategory.objects.filter(statistics_key__in=keys).values_list("pk", "statistics_key")
    )
    official = list(
        Area.objects.filter(kind=AreaKind.MUNICIPALITY, owner_contract__isnull=True).values_list(
            "pk", "nuts2_code", "area_km2"
        )
    )
    region_code = municipality.nuts2_code
    members: dict[str, list[int]] = {
        "municipality": [municipality.pk],
        "country": [pk for pk, _code, _km2 in official],
    }
    if region_code:
        members["region"] = [pk for pk, code, _km2 in official if code == region_code]
    km2 = {pk: value for pk, _code, value in official}
    people = _population_figures([pk for pk, _code, _km2 in official])
    areas: dict[str, Figures] = {}
    for name, pks in members.items():
        rows = [people.get(pk, (None, None, None)) for pk in pks]
        areas[name] = Figures(
            residents=_sum([r[0] for r in rows]),
            under_15=_sum([r[1] for r in rows]),
            over_65=_sum([r[2] for r in rows]),
            km2=_sum([km2.get(pk) for pk in pks]),
        )
    # Crimes: the municipality's own values, and sums by region in one grouped query; an
    # area is known for a (key, year) only when every one of its municipalities published it.
    published = StatisticValue.objects.filter(
        indicator=IndicatorKind.CRIMES,
        dataset__is_current=True,
        category_id__in=list(category_key),
        area__kind=AreaKind.MUNICIPALITY,
        area__owner_contract__isnull=True,
    )
    provisional: set[int] = set()
    years: set[int] = set()
    for category_id, year, value, is_provisional in published.filter(
        area_id=municipality.pk
    ).values_list("category_id", "year", "value", "provisional"):
        key = category_key[category_id]
        areas["municipality"].crimes[(key, year)] = None if value is None else float(value)
        if value is not None:
            years.add(year)
        if is_provisional:
            provisional.add(year)
    per_region = (
        published.values_list("area__nuts2_code", "category_id", "year")
        .annotate(total=Sum("value"), known=Count("value"), rows=Count("pk"))
        .order_by()
    )
    size: dict[str, int] = defaultdict(int)
    for _pk, code, _km2 in official:
        size[code] += 1
    country: dict[tuple[str, int], list[Decimal | None]] = defaultdict(list)
    for code, category_id, year, total, known, _rows in per_region:
        key = category_key[category_id]
        complete = known == size.get(code, -1)
        value = total if complete else None
        if code == region_code and "region" in areas:
            areas["region"].crimes[(key, year)] = None if value is None else float(value)
        country[(key, year)].append(value)
    regions = len({code for _pk, code, _km2 in official})
    for (key, year), parts in country.items():
        whole = len(parts) == regions and all(p is not None for p in parts)
        areas["country"].crimes[(key, year)] = (
            float(sum(p for p in parts if p is not None)) if whole else None
        )
    # The territory: the municipality when the contract covers it whole, else its parishes
    # (populations only: published crime statistics are by municipality).
    covered = list(contract.areas.all())
    whole_municipality = not covered or any(a.pk == municipality.pk for a in covered)
    note: str | None = None
    if whole_municipality:
        areas["territory"] = areas["municipality"]
    else:
        parishes = [a for a in covered if a.kind == AreaKind.PARISH]
        own = _population_figures([a.pk for a in parishes])
        rows = [own.get(a.pk, (None, None, None)) for a in parishes]
        areas["territory"] = Figures(
            residents=_sum([r[0] for r in rows]),
            under_15=_sum([r[1] for r in rows]),
            over_65=_sum([r[2] for r in rows]),
            km2=_sum([a.area_km2 for a in parishes]),
        )
        note = _(
            "The territory is part of its municipality: published crime statistics are by "
            "municipality, so its crime indicators are not computable from the data held."
        )
    names = {
        "territory": _("Territory"),
        "municipality": municipality.name,
        "region": _("Region %(code)s") % {"code": region_code} if region_code else _("Region"),
        "country": _("Portugal"),
    }
    return IndicatorData(
        areas=areas,
        names=names,
        years=sorted(years),
        provisional=provisional,
        territory_note=note,
    )


def _ratio(top: float | None, bottom: float | None, scale: float) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom * scale


def compute(formula: str, parameter: str, figures: Figures, year: int | None) -> float | None:
    """One formula for one area (None: not computable from the data held)."""
    if formula == "population_share_65_plus":
        return _ratio(figures.over_65, figures.residents, 100)
    if formula == "population_share_under_15":
        return _ratio(figures.under_15, figures.residents, 100)
    if formula == "ageing_index":
        return _ratio(figures.over_65, figures.under_15, 100)
    if formula == "population_density":
        return _ratio(figures.residents, figures.km2, 1)
    if year is None:
        return None
    crimes = figures.crimes.get((parameter, year))
    if formula == "crime_rate":
        return _ratio(crimes, figures.residents, 1000)
    if formula == "crime_rate_100000":
        return _ratio(crimes, figures.residents, 100_000)
    if formula == "crime_share":
        return _ratio(crimes, figures.crimes.get(("total", year)), 100)
    if formula == "crime_change":
        before = figures.crimes.get((parameter, year - 1))
        if crimes is None or not before:
            return None
        return (crimes - before) / before * 100
    return None


def _crime_year(data: IndicatorData, formula: str, parameter: str) -> int | None:
    """The newest year the municipality published the category (and, for a change, the year
    before it too)."""
    own = data.areas["municipality"].crimes
    for year in reversed(data.years):
        if own.get((parameter, year)) is None:
            continue
        if formula == "crime_change" and own.get((parameter, year - 1)) is None:
            continue
        if formula == "crime_share" and own.get(("total", year)) is None:
            continue
        return year
    return None


def _reason(formula: str, parameter: str, data: IndicatorData) -> str:
    if formula not in FORMULAS:
        return _("The platform has no computation for this formula.")
    if FORMULAS[formula].needs_category:
        return _(
            "No published statistics of this crime category for the municipality "
            "(DGPJ / INE series not imported, or unpublished)."
        )
    if formula == "population_density":
        return _("The area in km² or the residents of the municipality are not loaded.")
    return _("The Census population by age group is not loaded for the municipality.")


def indicator_row(
    indicator: IndicatorFields, data: IndicatorData, *, local: bool
) -> dict[str, Any]:
    formula, parameter = indicator.formula, indicator.parameter
    known = formula in FORMULAS
    needs_year = known and FORMULAS[formula].needs_category
    year = _crime_year(data, formula, parameter) if needs_year else None
    values: dict[str, float | None] = {}
    for column in COLUMNS:
        figures = data.areas.get(column)
        value = None
        if known and figures is not None and not (needs_year and year is None):
            value = compute(formula, parameter, figures, year)
        values[column] = None if value is None else value
    computable = values["municipality"] is not None or values["territory"] is not None
    notes = []
    if computable and values["territory"] is None and data.territory_note and needs_year:
        notes.append(data.territory_note)
    return {
        "code": indicator.code,
        "name": str(indicator),
        "definition": indicator.definition,
        "unit": indicator.get_unit_display(),
        "source": indicator.source,
        "formula": str(FORMULAS[formula].label) if known else formula,
        "local": local,
        "year": year,
        "provisional": year in data.provisional if year is not None else False,
        "values": values,
        "computable": computable,
        "reason": "" if computable else _reason(formula, parameter, data),
        "note": " ".join(notes),
    }


def filled_matrix(
    contract: Contract,
    indicators: Sequence[IndicatorFields],
    local_indicators: Sequence[IndicatorFields],
    data: IndicatorData | None = None,
) -> dict[str, Any]:
    """The matrix's and the contract's indicators with their values, per column."""
    data = data if data is not None else load_indicator_data(contract)
    return {
        "columns": [[column, data.names[column]] for column in COLUMNS],
        "rows": [
            *(indicator_row(i, data, local=False) for i in indicators),
            *(indicator_row(i, data, local=True) for i in local_indicators),
        ],
        "territory_note": data.territory_note or "",
        "provenance": _(
            "Source: DGPJ / INE, crimes registered by the police (by municipality, category "
            "and year); INE, Census 2021 residents by age group; area in km². Method: the "
            "indicator's formula on the newest year published for the municipality; region "
            "and country are sums of their municipalities; blank where any part is unpublished."
        ),
    }
