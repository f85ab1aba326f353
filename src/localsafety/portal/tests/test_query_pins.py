"""Every list page, htmx fragment and API list: its query count, pinned exactly, is the same
with few rows as with many (``testing/queries.py``). A pin that moves is a decision: lower it
when a change saves a query; never raise it to let a list grow an N+1."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from localsafety.contracts import services
from localsafety.contracts.models import BodyKind, StageKind
from localsafety.organisations.models import Organisation, OrganisationKind
from localsafety.territory.models import Area, AreaImport, AreaKind, AreaPopulation
from localsafety.territory.reference import ensure_municipalities
from localsafety.testing.auth import sign_in
from localsafety.testing.queries import assert_num_queries, assert_num_queries_stable
from localsafety.testing.world import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english(english_pages: None) -> None:
    """Growth is recognised by English text on some pages."""


def _page(user) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        sign_in(client, user)
    return client


def _text(response) -> str:
    return response.content.decode()


# --- growers: many more rows of what a page lists -----------------------------------------


def _more_contracts(
    world: World, count: int = 12, category: str = "municipality", **extra
) -> Callable[[], None]:
    def grow() -> None:
        for number in range(count):
            services.contract_create(
                actor=world.coordinator_a,
                title=f"Extra {number}",
                category=category,
                municipality=world.municipality_a,
                lead_organisation=world.town_a,
                chair=world.mayor_a,
                signed_on=dt.date(2020, 1, 1 + number),
                **extra,
            )

    return grow


def _more_seats_and_signatories(world: World) -> Callable[[], None]:
    def grow() -> None:
        core = world.contract_a.bodies.get(kind=BodyKind.CORE)
        for number in range(8):
            organisation = Organisation.objects.create(name=f"Org {number}", kind="other")
            services.body_member_add(
                actor=world.coordinator_a,
                body=core,
                organisation=organisation,
                person_name=f"Agente {number}",
            )
            services.signatory_add(
                actor=world.coordinator_a, contract=world.contract_a, organisation=organisation
            )

    return grow


def _more_decisions(world: World, count: int = 8) -> Callable[[], None]:
    def grow() -> None:
        for number in range(count):
            stage = world.contract_a.stages.get(kind=StageKind.DIAGNOSIS)
            services.stage_decide(
                actor=world.coordinator_a,
                stage=stage,
                action="submit",
                expected_version=stage.version,
                summary="Entregável escrito.",
            )
            stage.refresh_from_db()
            services.stage_decide(
                actor=world.mayor_a,
                stage=stage,
                action="return",
                expected_version=stage.version,
                comment=f"Rever ponto {number}",
            )

    return grow


def _more_meetings(world: World, count: int = 10, first: int = 1) -> Callable[[], None]:
    def grow() -> None:
        body = world.contract_a.bodies.get(kind=BodyKind.COMMITTEE)
        for day in range(first, first + count):
            services.meeting_create(
                actor=world.coordinator_a,
                body=body,
                held_on=dt.date(2024, 3, day),
                agenda=f"Agenda {day}",
                location=f"Sala {day}",
                attendees=list(body.members.all()),
            )

    return grow


def _more_documents(world: World, count: int = 10, first: int = 0) -> Callable[[], None]:
    def grow() -> None:
        for number in range(first, first + count):
            services.document_upload(
                actor=world.coordinator_a if number % 2 else world.partner_a,
                contract=world.contract_a,
                kind="report",
                title=f"Relatório {number}",
                upload=SimpleUploadedFile(f"r{number}.pdf", PDF, content_type="application/pdf"),
            )

    return grow


def _more_edits(world: World, count: int = 15, first: int = 0) -> Callable[[], None]:
    def grow() -> None:
        zone = Area.objects.create(
            kind="zone", code=f"Z{first}", name="Zona", owner_contract=world.contract_a
        )
        for number in range(first, first + count):
            contract = world.contract_a
            contract.refresh_from_db()
            services.contract_update(
                actor=world.coordinator_a,
                contract=contract,
                expected_version=contract.version,
                changes={"summary": f"Versão {number}"},
            )
        _more_decisions(world, 4)()
        contract = world.contract_a
        contract.refresh_from_db()
        services.contract_update(
            actor=world.coordinator_a,
            contract=contract,
            expected_version=contract.version,
            changes={"summary": "Com zona"},
            areas=[world.municipality_a, zone],
        )

    return grow


def _more_organisations(world: World, count: int = 15, first: int = 0) -> Callable[[], None]:
    def grow() -> None:
        for number in range(first, first + count):
            Organisation.objects.create(
                name=f"Escola {number:02d}",
                kind=OrganisationKind.SCHOOL_CLUSTER,
                municipality=world.municipality_b,
            )

    return grow


def _seed_one_of_each(world: World) -> None:
    """Few rows, not none, of every kind a contract page lists: an empty list skips its
    prefetches and would count fewer queries for a reason that is not a pin."""
    _more_meetings(world, count=1, first=11)()
    _more_documents(world, count=1, first=10)()
    _more_edits(world, count=1, first=0)()


# --- pages and fragments ------------------------------------------------------------------


def test_overview_pins(world):
    client = _page(world.national)
    url = reverse("portal:overview")
    _few, many = assert_num_queries_stable(
        client,
        url,
        expected=14,  # the map's highlight is one grouped query (issue 8, point 3)
        grow=_more_contracts(world),
        shows_growth=lambda r: "Extra 11" in _text(r),  # new data shows at once: never stale
    )
    # Warm: the body comes from the fragment cache; what is left is the session, the person,
    # their scope and the data's generation.
    assert_num_queries(6, lambda: client.get(url))


def test_contract_list_pins(world):
    assert_num_queries_stable(
        _page(world.national),
        reverse("contracts:list"),
        expected=14,  # the map's highlight is one grouped query (issue 8, point 3)
        grow=_more_contracts(world),
        shows_growth=lambda r: "Extra 11" in _text(r),
    )


def test_contract_list_filtered_fragment_pins(world):
    _few, many = assert_num_queries_stable(
        _page(world.national),
        reverse("contracts:list"),
        data={"category": "neighbourhood"},  # contract A, then twelve more
        headers={"HX-Request": "true"},
        expected=14,  # the map's highlight is one grouped query (issue 8, point 3)
        grow=_more_contracts(world, category="neighbourhood"),
        shows_growth=lambda r: "Extra 11" in _text(r),
    )
    assert "<html" not in _text(many)  # the fragment, not the page


@pytest.mark.parametrize(
    ("name", "expected", "grower", "marker"),
    [
        ("detail", 12, _more_seats_and_signatories, "Org 7"),
        ("governance", 9, _more_seats_and_signatories, "Agente 7"),
        ("stages", 6, _more_decisions, "Returned with comments"),  # four stages, any history
        ("meetings", 6, _more_meetings, "Sala 10"),
        ("documents", 6, _more_documents, "Relatório 9"),
        ("history", 21, lambda world: _more_edits(world, first=1), "Versão 15"),
    ],
)
def test_contract_page_pins(world, name, expected, grower, marker):
    if name in {"meetings", "documents", "history"}:
        _seed_one_of_each(world)
    assert_num_queries_stable(
        _page(world.partner_a),
        reverse(f"contracts:{name}", args=[world.contract_a.pk]),
        expected=expected,
        grow=grower(world),
        shows_growth=lambda r: marker in _text(r),
    )


def test_stage_page_pins(world):
    assert_num_queries_stable(
        _page(world.partner_a),
        reverse("contracts:stage", args=[world.contract_a.pk, StageKind.DIAGNOSIS]),
        expected=8,
        grow=_more_decisions(world),
        shows_growth=lambda r: "Rever ponto 7" in _text(r),
    )


def test_organisation_list_pins(world):
    _more_organisations(world, count=1)()  # few rows, not none: an empty list skips prefetches
    assert_num_queries_stable(
        _page(world.coordinator_a),
        reverse("organisations:list"),
        data={"kind": OrganisationKind.SCHOOL_CLUSTER},
        expected=8,  # + the municipalities whose names repeat, named with their district
        grow=_more_organisations(world, first=1),
        shows_growth=lambda r: "Escola 15" in _text(r),
    )


def test_organisation_list_second_page_pins(world):
    """Paginated: page 2 of 60 (moved from the organisations tests, pinned exactly)."""
    for number in range(60):
        Organisation.objects.create(
            name=f"Escola {number:02d}",
            kind=OrganisationKind.SCHOOL_CLUSTER,
            municipality=world.municipality_a,
        )
    client = _page(world.coordinator_a)
    url = reverse("organisations:list")
    client.get(url)  # the session settles
    response = assert_num_queries(  # 8: with the repeated municipality names (one query)
        8, lambda: client.get(url, {"kind": OrganisationKind.SCHOOL_CLUSTER, "page": 2})
    )
    content = _text(response)
    assert "Escola 25" in content and "Escola 49" in content
    assert "Escola 24" not in content and "Escola 50" not in content
    assert "page=3" in content and "kind=school_cluster" in content


def test_municipality_list_pins(world):
    def grow() -> None:
        made = ensure_municipalities([(f"08{n:02d}", f"Algarve {n}") for n in range(1, 17)])
        for area in made.values():
            AreaPopulation.objects.create(area=area, year=2021, population=1000)

    _few, many = assert_num_queries_stable(
        _page(world.mayor_a),
        reverse("territory:municipality_list"),
        expected=10,
        grow=grow,
        shows_growth=lambda r: "Algarve 16" in _text(r),
    )
    assert len(many.context["rows"]) == 18


def test_reference_page_pins(world):
    def grow() -> None:
        for number in range(12):
            AreaImport.objects.create(
                file=f"area-imports/x{number}.zip",
                original_name=f"freguesias-{number}.zip",
                kind=AreaKind.PARISH,
                uploaded_by=world.national,
            )

    assert_num_queries_stable(
        _page(world.national),
        reverse("territory:reference"),
        expected=7,
        grow=grow,
        shows_growth=lambda r: "freguesias-11.zip" in _text(r),
    )


# --- API lists ----------------------------------------------------------------------------


def _json(response):
    return json.loads(response.content)


def test_api_contract_list_pins(world):
    few, many = assert_num_queries_stable(
        _api(world.partner_a),
        reverse("api:contract-list"),
        expected=6,
        grow=_more_contracts(world, is_published=True),
        shows_growth=lambda r: _json(r)["count"] == 13,
    )
    assert _json(few)["count"] == 1
    assert len(_json(many)["results"]) == 13


def test_api_bodies_pins(world):
    _few, many = assert_num_queries_stable(
        _api(world.partner_a),
        reverse("api:contract-bodies", args=[world.contract_a.pk]),
        expected=7,
        grow=_more_seats_and_signatories(world),
        shows_growth=lambda r: len(_json(r)[1]["members"]) == 10,
    )


def test_api_stages_pins(world):
    assert_num_queries_stable(
        _api(world.partner_a),
        reverse("api:contract-stages", args=[world.contract_a.pk]),
        expected=6,
        grow=_more_decisions(world),
        shows_growth=lambda r: "returned" in _text(r),  # four stages, any history
    )


def test_api_meetings_pins(world):
    _seed_one_of_each(world)
    assert_num_queries_stable(
        _api(world.partner_a),
        reverse("api:contract-meetings", args=[world.contract_a.pk]),
        expected=10,
        grow=_more_meetings(world, first=2),
        shows_growth=lambda r: _json(r)["count"] == 11,
    )


def test_api_documents_pins(world):
    _seed_one_of_each(world)
    assert_num_queries_stable(
        _api(world.partner_a),
        reverse("api:contract-documents", args=[world.contract_a.pk]),
        expected=7,
        grow=_more_documents(world, count=9, first=1),
        shows_growth=lambda r: _json(r)["count"] == 10,
    )


def test_api_history_pins(world):
    _seed_one_of_each(world)
    _few, many = assert_num_queries_stable(
        _api(world.partner_a),
        reverse("api:contract-history", args=[world.contract_a.pk]),
        data={"limit": 200},
        expected=21,
        grow=_more_edits(world, first=1),
        shows_growth=lambda r: "Versão 15" in _text(r),
    )


def test_api_area_list_pins(world):
    def grow() -> None:
        for number in range(20):
            Area.objects.create(
                kind=AreaKind.PARISH,
                code=f"1106{number:02d}",
                name=f"P{number}",
                parent=world.municipality_a,
            )

    assert_num_queries_stable(
        _api(world.partner_a),
        reverse("api:area-list"),
        expected=6,
        grow=grow,
        shows_growth=lambda r: _json(r)["count"] == 8 + 20,
    )


def test_api_organisation_list_pins(world):
    assert_num_queries_stable(
        _api(world.stranger),
        reverse("api:organisation-list"),
        expected=6,
        grow=_more_organisations(world),
        shows_growth=lambda r: _json(r)["count"] == 21,
    )
