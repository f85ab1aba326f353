"""Portuguese contractions before place names (issue 8, point 5)."""

from __future__ import annotations

import csv

import pytest
from django.conf import settings

from localsafety.territory import placenames
from localsafety.territory.placenames import named_after, of_place


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Porto", "Câmara Municipal do Porto"),
        ("Amadora", "Câmara Municipal da Amadora"),
        ("Lisboa", "Câmara Municipal de Lisboa"),
        ("Maia", "Câmara Municipal da Maia"),
        ("Seixal", "Câmara Municipal do Seixal"),
        ("Caldas da Rainha", "Câmara Municipal das Caldas da Rainha"),
        ("Arcos de Valdevez", "Câmara Municipal dos Arcos de Valdevez"),
        ("Lajes do Pico", "Câmara Municipal das Lajes do Pico"),
        ("Porto de Mós", "Câmara Municipal de Porto de Mós"),  # not "do Porto de Mós"
        ("Vila do Conde", "Câmara Municipal de Vila do Conde"),
        ("Póvoa de Varzim", "Câmara Municipal da Póvoa de Varzim"),
        ("Évora", "Câmara Municipal de Évora"),
        ("Loulé", "Câmara Municipal de Loulé"),
    ],
)
def test_council_names_contract_de_with_the_places_article(place, expected):
    assert named_after("Câmara Municipal", place) == expected


def test_schools_and_parishes_too():
    assert named_after("Agrupamento de Escolas", "Amadora") == "Agrupamento de Escolas da Amadora"
    assert of_place("Sé") == "da Sé"
    assert of_place("Bairro do Cerco") == "do Bairro do Cerco"
    assert of_place("  Porto ") == "do Porto"
    assert of_place("PORTO") == "do PORTO"  # by the name, whatever its case


def _real_municipality_names() -> list[str]:
    path = settings.LOCALSAFETY_REFERENCE_DIR / "pt_municipalities.csv"
    if not path.exists():
        pytest.skip(f"the reference data is not at {path}")
    with path.open(encoding="utf-8") as handle:
        return [row["municipality"] for row in csv.DictReader(handle)]


def test_the_table_names_real_municipalities_and_every_one_gets_a_contraction():
    """Every municipality listed with an article is a real one (no typo silently falls back
    to "de"), and each of the 308 gets "de", "do", "da", "dos" or "das"."""
    names = _real_municipality_names()
    assert len(names) == 308
    listed = set(placenames._WITH_ARTICLE)
    assert listed <= set(names), listed - set(names)
    contractions = {of_place(name).split(" ", 1)[0] for name in names}
    assert contractions == {"de", "do", "da", "dos", "das"}
    assert sum(of_place(name).startswith("de ") for name in names) > 200
