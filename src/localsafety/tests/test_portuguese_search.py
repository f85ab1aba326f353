"""Search and sort as a Portuguese reader expects (issue 8, point 6): accents and case are
ignored when searching, and names sort as in Portuguese (Alcácer do Sal before Alcoutim,
Évora among the E's) — on SQLite and PostgreSQL alike, through the stored folded keys."""

from __future__ import annotations

import re
from typing import Any

import pytest

from localsafety.contracts import services as contract_services
from localsafety.contracts.models import Contract, ContractCategory
from localsafety.core.text import fold, portuguese_sort_key
from localsafety.organisations.models import Organisation, OrganisationKind
from localsafety.territory.models import Area, AreaKind

NAMES = ["Loulé", "São Brás de Alportel", "Alcoutim", "Alcácer do Sal", "Évora", "Elvas", "Faro"]


def test_fold_drops_case_accents_and_extra_spaces():
    assert fold("São  Brás de Alportel") == "sao bras de alportel"
    assert fold("ÉVORA") == "evora"
    assert fold("Vila Nova de Famalicão") == "vila nova de famalicao"
    assert fold("Câmara Municipal de Loulé") == "camara municipal de loule"
    assert sorted(["Évora", "Elvas", "Alcoutim", "Alcácer do Sal"], key=portuguese_sort_key) == [
        "Alcácer do Sal",
        "Alcoutim",
        "Elvas",
        "Évora",
    ]


@pytest.fixture
def places(world: Any) -> dict[str, Area]:
    district = world.municipality_a.parent
    return {
        name: Area.objects.create(
            kind=AreaKind.MUNICIPALITY, code=f"99{index:02d}", name=name, parent=district
        )
        for index, name in enumerate(NAMES)
    }


def _order(text: str, names: list[str]) -> list[str]:
    """The names in the order the page's table rows (their first links) list them."""
    listed = re.findall(r"<tr>\s*<t[hd][^>]*>\s*<a [^>]*>([^<]+)</a>", text)
    return [name for name in listed if name in names]


def test_municipality_search_ignores_accents_and_case(places, client):
    for query, expected in (
        ("loule", "Loulé"),
        ("sao bras", "São Brás de Alportel"),
        ("EVORA", "Évora"),
        ("alcacer", "Alcácer do Sal"),
    ):
        page = client.get("/territory/municipalities/", {"q": query}).content.decode()
        assert expected in page, query
    page = client.get("/territory/municipalities/", {"q": "sao bras"}).content.decode()
    assert "Loulé" not in page


def test_municipalities_sort_in_portuguese_order(places, client):
    page = client.get("/territory/municipalities/").content.decode()
    names = NAMES + ["Lisboa", "Serpa"]
    assert _order(page, names) == [
        "Alcácer do Sal",
        "Alcoutim",
        "Elvas",
        "Évora",
        "Faro",
        "Lisboa",
        "Loulé",
        "São Brás de Alportel",
        "Serpa",
    ]


def test_organisation_search_and_order(places, client_for, world):
    for name in (
        "Câmara Municipal de Loulé",
        "Câmara Municipal de Évora",
        "Agrupamento de Escolas de Elvas",
    ):
        Organisation.objects.create(name=name, kind=OrganisationKind.OTHER)
    client = client_for(world.stranger)
    page = client.get("/organisations/", {"q": "camara municipal de loule"}).content.decode()
    assert "Câmara Municipal de Loulé" in page
    assert "Câmara Municipal de Évora" not in page
    page = client.get("/organisations/", {"q": "CAMARA"}).content.decode()
    assert _order(
        page,
        [
            "Câmara Municipal de Évora",
            "Câmara Municipal de Lisboa",
            "Câmara Municipal de Loulé",
            "Câmara Municipal de Serpa",
        ],
    ) == [
        "Câmara Municipal de Évora",
        "Câmara Municipal de Lisboa",
        "Câmara Municipal de Loulé",
        "Câmara Municipal de Serpa",
    ]
    api = client.get("/api/v1/organisations/", {"q": "escolas de elvas"}).json()
    assert [row["name"] for row in api["results"]] == ["Agrupamento de Escolas de Elvas"]
    api = client.get("/api/v1/areas/", {"q": "sao bras"}).json()
    assert [row["name"] for row in api["results"]] == ["São Brás de Alportel"]


def test_contract_search_finds_titles_and_municipalities_without_accents(places, client_for, world):
    loule = places["Loulé"]
    town = Organisation.objects.create(
        name="Câmara Municipal de Loulé", kind=OrganisationKind.MUNICIPALITY, municipality=loule
    )
    contract_services.contract_create(
        actor=world.national,
        title="Segurança em Quarteira",
        category=ContractCategory.MUNICIPALITY,
        municipality=loule,
        lead_organisation=town,
        chair=None,
        chair_name="Presidente",
        is_published=True,
    )
    client = client_for(world.national)
    page = client.get("/", {"q": "LOULE"}).content.decode()
    assert "Segurança em Quarteira" in page
    page = client.get("/", {"q": "seguranca em"}).content.decode()
    assert "Segurança em Quarteira" in page
    assert "CLS Serpa" not in page


def test_keys_follow_every_kind_of_write(places, world):
    evora = places["Évora"]
    evora.name = "Évora (cidade)"
    evora.save(update_fields=["name"])  # a service's narrow save writes the key too
    evora.refresh_from_db()
    assert evora.name_key == "evora (cidade)"
    created = Organisation.objects.bulk_create(
        [Organisation(name="Junta de Freguesia de Sé", kind="other")]
    )
    assert Organisation.objects.get(pk=created[0].pk).name_key == "junta de freguesia de se"
    contract = Contract.objects.get(pk=world.contract_a.pk)
    assert contract.title_key == fold(contract.title)
    stale = Area.objects.filter(kind=AreaKind.MUNICIPALITY).exclude(name_key="")
    assert all(area.name_key == fold(area.name) for area in stale)
