"""Import a published statistics table (DGPJ/INE style), validated and atomic.

A long table, one figure per row: the area's code (DICO for a municipality, a NUTS II code
such as PT17 for a region, PT for the country), the year, the value, and optionally the
indicator (else given by the caller), the crime category (for crimes: the taxonomy's code, its
DGPJ/INE series key such as ``contraPatrimonio`` or its name) and a provisional flag
(yes/sim/true/1/P). A blank value is *unpublished* (stored as NULL), never zero. Every problem
is collected (file, row, column, reason) and the caller's transaction stores nothing if any.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from django.conf import settings
from django.utils.translation import gettext as _

from localsafety.core.errors import ImportRefused
from localsafety.core.tabular import Table, header_key, parse_numbers, problem, row_problems
from localsafety.diagnosis.models import (
    CrimeCategory,
    IndicatorKind,
    StatisticsDataset,
    StatisticValue,
)
from localsafety.territory.models import Area, AreaKind

COLUMNS = {
    "area": ("dico", "area_code", "code", "codigo", "cod_municipio", "nuts", "geo_code"),
    "year": ("year", "ano", "periodo"),
    "value": ("value", "valor", "crimes", "count", "total"),
    "indicator": ("indicator", "indicador"),
    "category": ("category", "categoria", "crime_category"),
    "provisional": ("provisional", "provisorio", "provisoria", "status", "estado"),
}
TRUE_TEXTS = frozenset({"yes", "sim", "true", "1", "p", "provisional", "provisorio", "provisoria"})
FALSE_TEXTS = frozenset({"no", "nao", "false", "0", "", "final", "definitivo"})


@dataclass
class StatisticsImportResult:
    rows: int = 0
    created: int = 0
    blank: int = 0
    provisional: int = 0


def _category_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    for row in CrimeCategory.objects.all():
        for text in (row.code, row.name, row.name_pt, row.statistics_key):
            if text:
                lookup[header_key(text)] = row.pk
    return lookup


def import_statistics(
    table: Table, *, dataset: StatisticsDataset, indicator: str = ""
) -> StatisticsImportResult:
    found = {name: table.find(*candidates) for name, candidates in COLUMNS.items()}
    items: list[dict[str, str]] = []
    total = 0
    for name in ("area", "year", "value"):
        if not found[name]:
            items.append(
                problem(
                    table.name,
                    "",
                    name,
                    _("No column for the %(what)s (headers found: %(headers)s).")
                    % {"what": name, "headers": ", ".join(table.columns)[:200]},
                )
            )
            total += 1
    if not found["indicator"] and indicator not in IndicatorKind.values:
        items.append(problem(table.name, "", "indicator", _("Say which indicator the file holds.")))
        total += 1
    if total:
        raise ImportRefused(_("The file was refused. Nothing was stored."), items, total=total)

    def add(mask: np.ndarray, column: str, reason: str, values: object = None) -> None:
        nonlocal total
        if mask.any():
            more, count = row_problems(table, mask, column, reason, values=values)
            room = int(settings.LOCALSAFETY_IMPORT_PROBLEMS_SHOWN) - len(items)
            items.extend(more[: max(room, 0)])
            total += count

    size = table.row_count
    area_header, year_header, value_header = found["area"], found["year"], found["value"]
    assert area_header and year_header and value_header
    areas = Area.objects.official().filter(
        kind__in=[AreaKind.MUNICIPALITY, AreaKind.NUTS2, AreaKind.COUNTRY, AreaKind.DISTRICT]
    )
    area_ids = dict(areas.values_list("code", "pk"))
    codes = table.column(area_header)
    area_id = pd.Series(codes.to_numpy(zero_copy_only=False)).map(area_ids)
    add(area_id.isna().to_numpy(), area_header, _("Unknown area code."), codes)

    years = parse_numbers(table.column(year_header))
    bad_year = (
        years.invalid | years.empty | ~np.isin(np.nan_to_num(years.values), np.arange(1900, 2101))
    )
    add(bad_year, year_header, _("Not a year."), table.column(year_header))

    values = parse_numbers(table.column(value_header))
    add(values.invalid, value_header, _("Not a number."), table.column(value_header))
    add(~values.invalid & (values.values < 0), value_header, _("A negative figure."))

    if found["indicator"]:
        kinds_text = table.column(found["indicator"])
        kinds = pd.Series(kinds_text.to_numpy(zero_copy_only=False)).map(
            lambda text: text if text in IndicatorKind.values else (indicator or None)
        )
        add(kinds.isna().to_numpy(), found["indicator"], _("Unknown indicator."), kinds_text)
    else:
        kinds = pd.Series([indicator] * size)

    category_id = pd.Series([None] * size, dtype=object)
    if found["category"]:
        categories_text = table.column(found["category"])
        lookup = _category_lookup()
        category_id = pd.Series(categories_text.to_numpy(zero_copy_only=False)).map(
            lambda text: lookup.get(header_key(text))
        )
        crimes = (kinds == IndicatorKind.CRIMES).to_numpy()
        add(
            crimes & category_id.isna().to_numpy(),
            found["category"],
            _("Unknown crime category."),
            categories_text,
        )

    provisional = np.zeros(size, dtype=bool)
    if found["provisional"]:
        flags_text = table.column(found["provisional"])
        flags = pd.Series(pc.utf8_lower(flags_text).to_numpy(zero_copy_only=False)).map(header_key)
        provisional = flags.isin(TRUE_TEXTS).to_numpy()
        unknown = ~provisional & ~flags.isin(FALSE_TEXTS).to_numpy()
        add(unknown, found["provisional"], _("Say yes or no."), flags_text)

    keys = pd.DataFrame(
        {"area": area_id, "kind": kinds, "category": category_id, "year": years.values}
    )
    duplicated = keys.duplicated(keep=False).to_numpy() & ~area_id.isna().to_numpy()
    add(duplicated, area_header, _("The same area, indicator, category and year appear twice."))
    if total:
        raise ImportRefused(
            _("The file was refused: %(count)s problem(s). Nothing was stored.") % {"count": total},
            items,
            total=total,
        )

    blank = values.empty
    rows = [
        StatisticValue(
            dataset=dataset,
            area_id=int(area),
            indicator=kind,
            category_id=None if pd.isna(category) else int(category),
            year=int(year),
            value=None if is_blank else _decimal(value),
            provisional=bool(flag),
        )
        for area, kind, category, year, value, is_blank, flag in zip(
            area_id.tolist(),
            kinds.tolist(),
            category_id.tolist(),
            years.values.tolist(),
            values.values.tolist(),
            blank.tolist(),
            provisional.tolist(),
            strict=True,
        )
    ]
    StatisticValue.objects.bulk_create(rows, batch_size=2000)
    return StatisticsImportResult(
        rows=size,
        created=len(rows),
        blank=int(blank.sum()),
        provisional=int(provisional.sum()),
    )


def _decimal(value: float) -> str:
    return f"{value:.3f}"
