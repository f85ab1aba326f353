"""Choosers that fit their size (issue 8, point 7).

- a municipality that shares its name with another is named with its district or island;
- registering a contract offers the chosen municipality's parishes, not the country's;
- a committee seat's organisation is searched (server side, accents ignored), the contract's
  territory first, never a select of every organisation; the page's queries do not grow
  with the register.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from localsafety.organisations.models import Organisation, OrganisationKind
from localsafety.territory.models import Area, AreaKind
from localsafety.testing.queries import assert_num_queries_stable

# The real repeats of the 308 municipalities (INE's DICO; district or island as parent).
REPEATS = [
    ("0806", "Lagoa", "08", "Faro"),
    ("4201", "Lagoa", "42", "Ilha de São Miguel"),
    ("3101", "Calheta", "31", "Ilha da Madeira"),
    ("4501", "Calheta", "45", "Ilha de São Jorge"),
]


@pytest.fixture
def repeats(world: Any) -> dict[str, Area]:
    made = {}
    for code, name, district_code, district_name in REPEATS:
        district = Area.objects.get_or_create(
            kind=AreaKind.DISTRICT, code=district_code, defaults={"name": district_name}
        )[0]
        made[code] = Area.objects.create(
            kind=AreaKind.MUNICIPALITY, code=code, name=name, parent=district
        )
        Organisation.objects.create(
            name=f"Câmara Municipal de {name} {code}",
            kind=OrganisationKind.MUNICIPALITY,
            municipality=made[code],
        )
    return made


def _options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, select_name
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", select[1])]


def test_repeated_municipality_names_carry_their_district_or_island(repeats, client_for, world):
    html = client_for(world.national).get(reverse("contracts:create")).content.decode()
    options = _options(html, "municipality")
    assert "Lagoa (Faro)" in options
    assert "Lagoa (Ilha de São Miguel)" in options
    assert "Calheta (Ilha da Madeira)" in options
    assert "Calheta (Ilha de São Jorge)" in options
    assert "Lisboa" in options  # a name nobody else has stays bare
    assert "Lagoa" not in options
    # The organisations' filter and edit forms name them the same way.
    html = client_for(world.national).get("/organisations/").content.decode()
    assert "Lagoa (Faro)" in _options(html, "municipality")


def test_registering_a_contract_offers_only_the_chosen_municipalitys_parishes(
    repeats, client_for, world
):
    lagoa = repeats["0806"]
    for index, name in enumerate(["Estômbar e Parchal", "Ferragudo", "Porches"]):
        Area.objects.create(kind=AreaKind.PARISH, code=f"0806{index:02d}", name=name, parent=lagoa)
    client = client_for(world.national)
    html = client.get(reverse("contracts:create")).content.decode()
    assert 'name="areas"' not in html  # nothing to pick before the municipality
    assert "Lumiar" not in html
    sent = {"title": "CLS Lagoa", "category": "municipality", "municipality": lagoa.pk}
    html = client.post(reverse("contracts:create"), {**sent, "show_parishes": "1"}).content
    html = html.decode()
    areas = re.findall(r'<input type="checkbox" name="areas" value="(\d+)"', html)
    assert sorted(map(int, areas)) == sorted(
        [lagoa.pk, *Area.objects.filter(parent=lagoa).values_list("pk", flat=True)]
    )
    assert 'value="CLS Lagoa"' in html  # what was typed stays
    assert "error-summary" not in html  # and is not judged yet
    # A parish of another municipality is not a choice.
    refused = client.post(
        reverse("contracts:create"),
        {
            **sent,
            "chair_name": "Presidente",
            "lead_organisation": world.town_a.pk,
            "areas": [world.parish_a.pk],
        },
    )
    assert refused.status_code in {200, 400}
    assert not lagoa.contracts.exists()


def _grow_register(world: Any, count: int = 120) -> None:
    Organisation.objects.bulk_create(
        Organisation(name=f"Entidade Distante {index:03d}", kind=OrganisationKind.OTHER)
        for index in range(count)
    )


def _radios(html: str, name: str = "organisation") -> list[str]:
    return [
        label.strip()
        for label in re.findall(
            rf'<input type="radio" name="{name}" value="\d+" id="[^"]+"[^>]*> <label[^>]*>([^<]+)',
            html,
        )
    ]


def test_the_seat_chooser_offers_the_territory_first_and_searches_the_rest(world, client_for):
    _grow_register(world)
    local = Organisation.objects.create(
        name="Agrupamento de Escolas do Lumiar",
        kind=OrganisationKind.SCHOOL_CLUSTER,
        municipality=world.municipality_a,
    )
    client = client_for(world.coordinator_a)
    url = reverse("contracts:governance", args=[world.contract_a.pk])
    html = client.get(url).content.decode()
    offered = _radios(html)
    assert 0 < len(offered) <= 20
    assert offered[:2] == ["Agrupamento de Escolas do Lumiar", "Câmara Municipal de Lisboa"]
    assert "Entidade Distante 119" not in html
    assert '<select name="organisation"' not in html
    # Without JavaScript: the search button posts the form, which comes back as typed,
    # offering what matches; nothing is decided.
    core = world.contract_a.bodies.get(kind="core")
    seats = core.members.count()
    response = client.post(
        reverse("contracts:body_member_add", args=[world.contract_a.pk]),
        {
            "body": core.pk,
            "role": "secretary",
            "organisation_q": "distante 11",
            "organisation_search": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert _radios(html) == [f"Entidade Distante {n}" for n in range(110, 120)]
    assert re.search(r'<option value="secretary" selected>', html)
    assert "error-summary" not in html and core.members.count() == seats
    # A link may carry the search too (GET).
    html = client.get(url, {"organisation_q": "distante 11"}).content.decode()
    assert _radios(html) == [f"Entidade Distante {n}" for n in range(110, 120)]
    # With JavaScript: htmx asks the endpoint; accents and case are ignored.
    search = reverse("contracts:governance_organisations", args=[world.contract_a.pk])
    html = client.get(search, {"organisation_q": "ESCOLAS DO LUMIAR"}).content.decode()
    assert _radios(html) == [local.name]
    html = client.get(
        search, {"chair_organisation_q": "camara", "query_name": "chair_organisation_q"}
    ).content.decode()
    assert _radios(html) == ["Câmara Municipal de Lisboa", "Câmara Municipal de Serpa"]
    assert 'id="id_chair_organisation_0"' in html
    # The chosen organisation is seated as before.
    response = client.post(
        reverse("contracts:body_member_add", args=[world.contract_a.pk]),
        {
            "body": world.contract_a.bodies.get(kind="core").pk,
            "organisation": local.pk,
            "role": "member",
        },
    )
    assert response.status_code == 302
    assert world.contract_a.bodies.get(kind="core").members.filter(organisation=local).exists()


def test_the_seat_search_is_for_those_who_seat(world, client_for):
    search = reverse("contracts:governance_organisations", args=[world.contract_a.pk])
    assert client_for(world.partner_b).get(search, {"organisation_q": "a"}).status_code == 404
    assert client_for(world.partner_a).get(search, {"organisation_q": "a"}).status_code == 403
    assert client_for(world.mayor_a).get(search, {"organisation_q": "a"}).status_code == 200


def test_the_governance_page_does_not_grow_with_the_register(world, client_for):
    client = client_for(world.coordinator_a)
    assert_num_queries_stable(
        client,
        reverse("contracts:governance", args=[world.contract_a.pk]),
        expected=11,
        grow=lambda: Organisation.objects.bulk_create(
            Organisation(name=f"Associação Aaa {n}", kind=OrganisationKind.ASSOCIATION)
            for n in range(300)
        ),
        shows_growth=lambda response: "Associação Aaa 1" in response.content.decode(),
    )


def test_the_signatory_form_uses_the_same_chooser(world, client_for):
    _grow_register(world)
    client = client_for(world.coordinator_a)
    url = reverse("contracts:signatory_add", args=[world.contract_a.pk])
    html = client.get(url).content.decode()
    assert '<select name="organisation"' not in html
    assert 0 < len(_radios(html)) <= 20
    html = client.get(url, {"organisation_q": "distante 119"}).content.decode()
    assert _radios(html) == ["Entidade Distante 119"]
    response = client.post(url, {"organisation": world.psp.pk, "signed_by": "Comandante"})
    assert response.status_code == 302
    assert world.contract_a.signatories.filter(organisation=world.psp).exists()


def test_the_seat_search_does_not_grow_with_the_register(world, client_for):
    client = client_for(world.coordinator_a)
    assert_num_queries_stable(
        client,
        reverse("contracts:governance_organisations", args=[world.contract_a.pk]),
        data={"organisation_q": "associacao"},
        expected=EXPECTED_SEARCH_QUERIES,
        grow=lambda: Organisation.objects.bulk_create(
            Organisation(name=f"Associação Aaa {n}", kind=OrganisationKind.ASSOCIATION)
            for n in range(300)
        ),
        shows_growth=lambda response: "Associação Aaa 1" in response.content.decode(),
    )


EXPECTED_SEARCH_QUERIES = 7
