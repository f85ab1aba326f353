"""The computations an indicator may name (its ``formula``), and the crime categories a
formula's parameter may name.

An indicator's figure is computed from stored data (principle 4), so the matrix names a
computation from this registry rather than a free-text formula. Categories are those of the
registered-crime series (DGPJ, by municipality and year).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Formula:
    label: Promise
    #: Whether the formula needs a crime category as its parameter.
    needs_category: bool = False


FORMULAS: dict[str, Formula] = {
    "crime_rate": Formula(
        _("Registered crimes of the category / resident population × 1,000"), needs_category=True
    ),
    "crime_rate_100000": Formula(
        _("Registered crimes of the category / resident population × 100,000"),
        needs_category=True,
    ),
    "crime_share": Formula(
        _("Registered crimes of the category / all registered crimes × 100"), needs_category=True
    ),
    "crime_change": Formula(
        _("Change in registered crimes of the category over the previous year, %"),
        needs_category=True,
    ),
    "population_share_65_plus": Formula(_("Residents aged 65 or more / residents × 100")),
    "population_share_under_15": Formula(_("Residents under 15 / residents × 100")),
    "ageing_index": Formula(_("Residents aged 65 or more / residents under 15 × 100")),
    "population_density": Formula(_("Residents / area in km²")),
}

CRIME_CATEGORIES: dict[str, Promise] = {
    "total": _("All registered crime"),
    "contraPessoas": _("Crimes against persons"),
    "contraPatrimonio": _("Crimes against property"),
    "violenciaDomestica": _("Domestic violence against a spouse or partner"),
    "integridadeFisica": _("Assault (offences against physical integrity)"),
    "homicidio": _("Homicide"),
    "rouboViaPublica": _("Robbery in the street"),
    "furtoVeiculo": _("Theft of motor vehicles"),
    "conducaoAlcool": _("Driving under the influence of alcohol"),
}


def formula_choices() -> list[tuple[str, Promise]]:
    return [(key, formula.label) for key, formula in FORMULAS.items()]


def category_choices() -> list[tuple[str, Promise]]:
    return [("", _("(none)")), *CRIME_CATEGORIES.items()]
