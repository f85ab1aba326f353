"""A small, named world for tests: two contracts, their people, and strangers.

Like healthchecks' alice/bob/charlie: every access test speaks of the same people.

- ``national``: ministry analyst on the Interministerial Commission (reads everything).
- ``mayor_a``: chairs contract A's Coordinating Committee (reads, approves); municipality A.
- ``coordinator_a``: municipality A safety coordinator, manager of the lead organisation.
- ``commander_a``: PSP commander on A's committee (reads, approves; cannot edit the record).
- ``partner_a``: NGO A staff; NGO A sits on A's Operational Core (reads; writes its own items,
  not the stage deliverables, which are the lead organisation's).
- ``mayor_b``, ``coordinator_b``, ``partner_b``: the same for contract B.
- ``stranger``: signed in, belongs to nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any

from django.db import transaction
from django.db.models import Model

from localsafety.contracts import services as contract_services
from localsafety.contracts.models import (
    BodyKind,
    BodyMember,
    BodyRole,
    Contract,
    ContractCategory,
)
from localsafety.contracts.reference import ensure_national_reference
from localsafety.diagnosis.taxonomy import ensure_taxonomy
from localsafety.organisations.models import Membership, Organisation, OrganisationKind, User
from localsafety.plans.reference import ensure_plan_reference
from localsafety.territory.models import Area, AreaKind, AreaPopulation

SQUARE_A = (
    '{"type":"Polygon","coordinates":'
    "[[[-9.2,38.69],[-9.09,38.69],[-9.09,38.8],[-9.2,38.8],[-9.2,38.69]]]}"
)
SQUARE_B = (
    '{"type":"Polygon","coordinates":'
    "[[[-7.7,37.85],[-7.4,37.85],[-7.4,38.1],[-7.7,38.1],[-7.7,37.85]]]}"
)


@dataclass
class World:
    national: User
    mayor_a: User
    coordinator_a: User
    commander_a: User
    partner_a: User
    mayor_b: User
    coordinator_b: User
    partner_b: User
    stranger: User
    municipality_a: Area
    municipality_b: Area
    parish_a: Area
    ministry: Organisation
    town_a: Organisation
    town_b: Organisation
    psp: Organisation
    ngo_a: Organisation
    ngo_b: Organisation
    contract_a: Contract
    contract_b: Contract

    @property
    def users(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in (
                "national",
                "mayor_a",
                "coordinator_a",
                "commander_a",
                "partner_a",
                "mayor_b",
                "coordinator_b",
                "partner_b",
                "stranger",
            )
        }


def _user(username: str, first: str, last: str, *, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username=username,
        password="correct horse battery staple",  # noqa: S106 - test password
        first_name=first,
        last_name=last,
        email=f"{username}@example.test",
        is_superuser=superuser,
        is_staff=superuser,
    )
    return user


@transaction.atomic
def build_world() -> World:
    reference = ensure_national_reference()  # the migration wrote it, unless a test flushed
    axes, commission = reference.axes, reference.commission
    ensure_taxonomy()  # likewise the national crime taxonomy (migration 0002_crime_data)
    ensure_plan_reference()  # and the plans' national lists (plans migration 0002)
    portugal = Area.objects.create(kind=AreaKind.COUNTRY, code="PT", name="Portugal")
    region = Area.objects.create(
        kind=AreaKind.NUTS2, code="PT17", name="Área Metropolitana de Lisboa", parent=portugal
    )
    district = Area.objects.create(kind=AreaKind.DISTRICT, code="11", name="Lisboa", parent=region)
    alentejo = Area.objects.create(
        kind=AreaKind.NUTS2, code="PT18", name="Alentejo", parent=portugal
    )
    beja = Area.objects.create(kind=AreaKind.DISTRICT, code="02", name="Beja", parent=alentejo)
    municipality_a = Area.objects.create(
        kind=AreaKind.MUNICIPALITY,
        nuts2_code="PT17",
        code="1106",
        name="Lisboa",
        parent=district,
        geometry=SQUARE_A,
        label_lat=38.74,
        label_lon=-9.15,
    )
    municipality_b = Area.objects.create(
        kind=AreaKind.MUNICIPALITY,
        nuts2_code="PT18",
        code="0213",
        name="Serpa",
        parent=beja,
        geometry=SQUARE_B,
        label_lat=37.94,
        label_lon=-7.6,
    )
    AreaPopulation.objects.create(area=municipality_a, year=2021, population=545796)
    AreaPopulation.objects.create(area=municipality_b, year=2021, population=14590)
    parish_a = Area.objects.create(
        kind=AreaKind.PARISH, code="110658", name="Lumiar", parent=municipality_a
    )

    ministry = Organisation.objects.create(
        name="Ministério da Administração Interna", short_name="MAI", kind=OrganisationKind.MINISTRY
    )
    town_a = Organisation.objects.create(
        name="Câmara Municipal de Lisboa",
        kind=OrganisationKind.MUNICIPALITY,
        municipality=municipality_a,
    )
    town_b = Organisation.objects.create(
        name="Câmara Municipal de Serpa",
        kind=OrganisationKind.MUNICIPALITY,
        municipality=municipality_b,
    )
    psp = Organisation.objects.create(
        name="PSP — Comando Metropolitano de Lisboa",
        short_name="PSP Lisboa",
        kind=OrganisationKind.PSP,
    )
    ngo_a = Organisation.objects.create(
        name="Associação Bairro Feliz", kind=OrganisationKind.ASSOCIATION
    )
    ngo_b = Organisation.objects.create(
        name="Associação Planície Unida", kind=OrganisationKind.ASSOCIATION
    )

    national = _user("national", "Nádia", "Nacional")
    mayor_a = _user("mayor_a", "Mário", "Lisboa")
    coordinator_a = _user("coordinator_a", "Carla", "Coordenadora")
    commander_a = _user("commander_a", "Comandante", "Costa")
    partner_a = _user("partner_a", "Paula", "Parceira")
    mayor_b = _user("mayor_b", "Manuel", "Serpa")
    coordinator_b = _user("coordinator_b", "Carlos", "Coordenador")
    partner_b = _user("partner_b", "Pedro", "Parceiro")
    stranger = _user("stranger", "Sara", "Estranha")

    Membership.objects.create(user=national, organisation=ministry)
    Membership.objects.create(user=mayor_a, organisation=town_a)
    Membership.objects.create(user=coordinator_a, organisation=town_a, role="manager")
    Membership.objects.create(user=commander_a, organisation=psp)
    Membership.objects.create(user=partner_a, organisation=ngo_a)
    Membership.objects.create(user=mayor_b, organisation=town_b)
    Membership.objects.create(user=coordinator_b, organisation=town_b, role="manager")
    Membership.objects.create(user=partner_b, organisation=ngo_b)
    BodyMember.objects.create(
        body=commission, organisation=ministry, person=national, contract=None
    )

    contract_a = contract_services.contract_create(
        actor=coordinator_a,
        title="CLS Lisboa — Lumiar",
        category=ContractCategory.NEIGHBOURHOOD,
        municipality=municipality_a,
        lead_organisation=town_a,
        chair=mayor_a,
        signed_on=dt.date(2016, 7, 14),
        areas=[municipality_a, parish_a],
        axes=axes,
    )
    contract_b = contract_services.contract_create(
        actor=coordinator_b,
        title="CLS Serpa",
        category=ContractCategory.CITIZEN,
        municipality=municipality_b,
        lead_organisation=town_b,
        chair=mayor_b,
        signed_on=dt.date(2016, 7, 14),
        axes=axes,
    )
    committee_a = contract_a.bodies.get(kind=BodyKind.COMMITTEE)
    core_a = contract_a.bodies.get(kind=BodyKind.CORE)
    core_b = contract_b.bodies.get(kind=BodyKind.CORE)
    contract_services.body_member_add(
        actor=mayor_a,  # committee seats are the chair's to give (issue 7, finding 5)
        body=committee_a,
        organisation=psp,
        person=commander_a,
        role=BodyRole.SECURITY_FORCE,
    )
    contract_services.body_member_add(actor=coordinator_a, body=core_a, organisation=town_a)
    contract_services.body_member_add(actor=coordinator_a, body=core_a, organisation=ngo_a)
    contract_services.body_member_add(actor=coordinator_b, body=core_b, organisation=town_b)
    contract_services.body_member_add(actor=coordinator_b, body=core_b, organisation=ngo_b)

    return World(
        national=national,
        mayor_a=mayor_a,
        coordinator_a=coordinator_a,
        commander_a=commander_a,
        partner_a=partner_a,
        mayor_b=mayor_b,
        coordinator_b=coordinator_b,
        partner_b=partner_b,
        stranger=stranger,
        municipality_a=municipality_a,
        municipality_b=municipality_b,
        parish_a=parish_a,
        ministry=ministry,
        town_a=town_a,
        town_b=town_b,
        psp=psp,
        ngo_a=ngo_a,
        ngo_b=ngo_b,
        contract_a=contract_a,
        contract_b=contract_b,
    )


# --- built once, fetched per test ---------------------------------------------------------

WorldKeys = dict[str, tuple[type[Model], object]]
"""Where each named object of a built world lives: field name -> (model, primary key)."""


def world_keys(world: World) -> WorldKeys:
    keys: WorldKeys = {}
    for field in fields(World):
        obj = getattr(world, field.name)
        keys[field.name] = (type(obj), obj.pk)
    return keys


def fetch_world(keys: WorldKeys) -> World:
    """Fresh instances of a world already in the database: one query per model.

    Fresh matters: the access layers memoise a person's scope on the user object
    (``core.access.ACCESS_CACHE_ATTR``), so objects shared between tests would carry one
    test's seats into the next.
    """
    wanted: dict[type[Model], list[object]] = defaultdict(list)
    for model, pk in keys.values():
        wanted[model].append(pk)
    rows = {model: model._default_manager.in_bulk(pks) for model, pks in wanted.items()}
    objects: dict[str, Any] = {name: rows[model][pk] for name, (model, pk) in keys.items()}
    return World(**objects)
