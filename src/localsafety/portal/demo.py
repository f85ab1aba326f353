"""The demo: the real contracts of FACTS.md with synthetic people and progress.

Real (published facts, marked ``data_origin="real"``): the municipalities and their codes,
each contract's category, signing date and place, the territories named for it, the four
national axes and the national bodies. Synthetic (``"synthetic"``): every person, committee
seat beyond the organisations named, stage progress, meetings and documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from localsafety.contracts import services
from localsafety.contracts.models import (
    BodyKind,
    BodyMember,
    BodyRole,
    Contract,
    ContractCategory,
    DecisionAction,
    GovernanceBody,
    StageKind,
)
from localsafety.organisations.models import Membership, Organisation, OrganisationKind, User
from localsafety.territory.models import Area, AreaKind
from localsafety.testing.world import ensure_national_axes, ensure_national_commission

DEMO_PASSWORD = "demo-localsafety-2026"  # noqa: S105 - printed for the demo, documented

SOURCE_PAPER = (
    "Amante, Saraiva & Sá Marques (2021), Crime Prevention and Community Safety 23:155-173"
)
SOURCE_LISBON = "observador.pt, 2016-07-14; " + SOURCE_PAPER
SOURCE_ALGARVE = "Signing in Loulé through AMAL, 5 Dec 2016; " + SOURCE_PAPER


@dataclass
class ContractFact:
    code: str
    municipality: str
    category: str
    signed_on: dt.date
    place: str
    source: str
    territories: list[str] = field(default_factory=list)
    summary: str = ""


LISBON_DAY = dt.date(2016, 7, 14)
ALGARVE_DAY = dt.date(2016, 12, 5)

NEIGHBOURHOOD_TERRITORIES = {
    "1115": [],
    "1106": ["Casal dos Machados", "Cruz Vermelha (Lumiar)", "Bairro de Santos"],
    "1107": [],
    "1306": ["Bairro do Sobreiro"],
    "1110": ["Porto Salvo", "Carnaxide/Queijas (Navegadores and Carnaxide estates)"],
    "1312": ["Cerco", "Pasteleira"],
    "1111": [
        "Pendão",
        "Casal de São José",
        "Tapada das Mercês",
        "Agualva-Cacém / Monte Abraão / Rinchoa stations",
    ],
    "1114": ["Bairro de Povos"],
    "1317": [],
}
NEIGHBOURHOOD_NAMES = {
    "1115": "Amadora",
    "1106": "Lisboa",
    "1107": "Loures",
    "1306": "Maia",
    "1110": "Oeiras",
    "1312": "Porto",
    "1111": "Sintra",
    "1114": "Vila Franca de Xira",
    "1317": "Vila Nova de Gaia",
}
ALGARVE = {
    "0801": "Albufeira",
    "0802": "Alcoutim",
    "0803": "Aljezur",
    "0804": "Castro Marim",
    "0805": "Faro",
    "0806": "Lagoa",
    "0807": "Lagos",
    "0808": "Loulé",
    "0809": "Monchique",
    "0810": "Olhão",
    "0811": "Portimão",
    "0812": "São Brás de Alportel",
    "0813": "Silves",
    "0814": "Tavira",
    "0815": "Vila do Bispo",
    "0816": "Vila Real de Santo António",
}


def contract_facts() -> list[ContractFact]:
    facts = [
        ContractFact(
            code,
            name,
            ContractCategory.NEIGHBOURHOOD,
            LISBON_DAY,
            "Lisboa",
            SOURCE_LISBON,
            NEIGHBOURHOOD_TERRITORIES[code],
        )
        for code, name in NEIGHBOURHOOD_NAMES.items()
    ]
    facts.append(
        ContractFact(
            "0213",
            "Serpa",
            ContractCategory.CITIZEN,
            LISBON_DAY,
            "Lisboa",
            SOURCE_LISBON,
            summary=(
                "Seasonal influx of migrant farm workers; a migrant integration support centre; "
                "EUR 87k of ministry funding."
            ),
        )
    )
    facts += [
        ContractFact(
            code, name, ContractCategory.MUNICIPALITY, ALGARVE_DAY, "Loulé", SOURCE_ALGARVE
        )
        for code, name in ALGARVE.items()
    ]
    facts += [
        ContractFact(
            "1113",
            "Torres Vedras",
            ContractCategory.MUNICIPALITY,
            dt.date(2018, 4, 18),
            "Torres Vedras",
            SOURCE_PAPER,
            summary="Whole municipality.",
        ),
        ContractFact(
            "0703",
            "Borba",
            ContractCategory.MUNICIPALITY,
            dt.date(2020, 1, 7),
            "Borba",
            "Contract text (Borba, 7 Jan 2020)",
        ),
        ContractFact(
            "1211",
            "Monforte",
            ContractCategory.MUNICIPALITY,
            dt.date(2020, 10, 30),
            "Monforte",
            "Signing 30 Oct 2020 (category assumed: municipality)",
        ),
    ]
    return facts


NATIONAL_BODIES = [
    ("Ministério da Administração Interna", "MAI"),
    ("Ministério da Justiça", "MJ"),
    ("Ministério da Educação", "ME"),
    ("Ministério da Saúde", "MS"),
    ("Ministério do Trabalho, Solidariedade e Segurança Social", "MTSSS"),
    ("Ministério da Ciência, Tecnologia e Ensino Superior", "MCTES"),
    ("Secretaria de Estado para a Cidadania e a Igualdade", "SECI"),
    ("Associação Nacional de Municípios Portugueses", "ANMP"),
    ("Associação Nacional de Freguesias", "ANAFRE"),
]

METRO_POLICE = {
    "1115",
    "1106",
    "1107",
    "1306",
    "1110",
    "1312",
    "1111",
    "1114",
    "1317",
    "0805",
    "0808",
    "0811",
    "0801",
    "0810",
    "1113",
}

FIRST_NAMES = [
    "Ana",
    "João",
    "Maria",
    "Rui",
    "Inês",
    "Pedro",
    "Sofia",
    "Tiago",
    "Marta",
    "Luís",
    "Beatriz",
    "Nuno",
    "Carla",
    "Hugo",
    "Rita",
    "Paulo",
    "Joana",
    "Miguel",
]
LAST_NAMES = [
    "Silva",
    "Santos",
    "Ferreira",
    "Pereira",
    "Oliveira",
    "Costa",
    "Rodrigues",
    "Martins",
    "Sousa",
    "Fernandes",
    "Gonçalves",
    "Gomes",
    "Lopes",
    "Marques",
]


@dataclass
class DemoResult:
    contracts: int = 0
    logins: list[tuple[str, str, str, bool]] = field(default_factory=list)
    boundaries: bool = False
    notes: list[str] = field(default_factory=list)


def _municipalities(facts: list[ContractFact], result: DemoResult) -> dict[str, Area]:
    reference_dir = Path(settings.LOCALSAFETY_REFERENCE_DIR)
    try:
        from localsafety.territory import reference
    except ImportError:  # pragma: no cover - the territory app always ships it
        reference = None  # type: ignore[assignment]
    if reference is not None and reference_dir.is_dir():
        reference.load_reference(reference_dir)
        result.boundaries = True
    elif reference is not None:
        reference.ensure_municipalities([(fact.code, fact.municipality) for fact in facts])
        result.notes.append(
            f"Reference folder {reference_dir} not found: municipalities were created from "
            "facts without boundaries. Import the official CAOP with "
            "`localsafety import-areas FILE` or set LOCALSAFETY_REFERENCE_DIR."
        )
    codes = [fact.code for fact in facts]
    return {
        area.code: area
        for area in Area.objects.filter(
            kind=AreaKind.MUNICIPALITY, code__in=codes, owner_contract__isnull=True
        )
    }


class _People:
    """Synthetic people with stable names and usernames."""

    def __init__(self) -> None:
        self.counter = 0
        # One hash for every demo account: hashing is deliberately slow (~0.3 s each).
        self.password_hash = make_password(DEMO_PASSWORD)

    def make(
        self,
        username: str,
        organisation: Organisation,
        *,
        role: str = "staff",
        title: str = "",
        language: str = "pt-pt",
    ) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            first = FIRST_NAMES[self.counter % len(FIRST_NAMES)]
            last = LAST_NAMES[(self.counter * 7) % len(LAST_NAMES)]
            self.counter += 1
            user = User.objects.create_user(
                username=username,
                password=None,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.localsafety.invalid",
                job_title=title,
                language=language,
                data_origin="synthetic",
            )
            user.password = self.password_hash
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        return user


def _org(
    name: str,
    kind: str,
    *,
    municipality: Area | None = None,
    short: str = "",
    origin: str = "synthetic",
    source: str = "",
) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "kind": kind,
            "municipality": municipality,
            "short_name": short,
            "data_origin": origin,
            "source_note": source,
        },
    )
    return organisation


@transaction.atomic
def load_demo() -> DemoResult:
    """Load the demo once; running it again changes nothing."""
    result = DemoResult()
    facts = contract_facts()
    municipalities = _municipalities(facts, result)
    axes = ensure_national_axes()
    commission = ensure_national_commission()
    people = _People()

    national_orgs = [
        _org(
            name,
            OrganisationKind.MINISTRY,
            short=short,
            origin="real",
            source="Interministerial Commission composition (" + SOURCE_PAPER + ")",
        )
        for name, short in NATIONAL_BODIES
    ]
    for organisation in national_orgs:
        if not commission.members.filter(organisation=organisation, person__isnull=True).exists():
            BodyMember.objects.create(
                body=commission,
                organisation=organisation,
                data_origin="real",
                source_note=SOURCE_PAPER,
            )
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser(
            "admin",
            "admin@demo.localsafety.invalid",
            DEMO_PASSWORD,
            first_name="Admin",
            data_origin="synthetic",
        )
    national = people.make("demo_national", national_orgs[0], title="Ministry analyst")
    if not commission.members.filter(person=national).exists():
        BodyMember.objects.create(
            body=commission,
            organisation=national_orgs[0],
            person=national,
            role=BodyRole.MEMBER,
            data_origin="synthetic",
        )
    amal = _org(
        "AMAL — Comunidade Intermunicipal do Algarve",
        OrganisationKind.OTHER,
        short="AMAL",
        origin="real",
        source=SOURCE_ALGARVE,
    )

    for fact in facts:
        municipality = municipalities.get(fact.code)
        if municipality is None:
            result.notes.append(f"Municipality {fact.code} {fact.municipality} missing; skipped.")
            continue
        if Contract.objects.filter(municipality=municipality, signed_on=fact.signed_on).exists():
            result.contracts += 1
            continue
        _demo_contract(fact, municipality, axes, people, amal)
        result.contracts += 1

    _demo_progress()
    lisboa = Contract.objects.get(municipality__code="1106", signed_on=LISBON_DAY)
    result.logins = _demo_logins(lisboa, national, admin)
    return result


def _demo_contract(
    fact: ContractFact, municipality: Area, axes: list[Any], people: _People, amal: Organisation
) -> Contract:
    code = fact.code
    town = _org(
        f"Câmara Municipal de {fact.municipality}",
        OrganisationKind.MUNICIPALITY,
        municipality=municipality,
        origin="real",
        source="INE municipality list",
    )
    police_kind = OrganisationKind.PSP if code in METRO_POLICE else OrganisationKind.GNR
    police_name = (
        "PSP" if police_kind == OrganisationKind.PSP else "GNR"
    ) + f" — {fact.municipality}"
    police = _org(police_name, police_kind, municipality=municipality)
    school = _org(
        f"Agrupamento de Escolas de {fact.municipality}",
        OrganisationKind.SCHOOL_CLUSTER,
        municipality=municipality,
    )
    social = _org(
        f"Segurança Social — serviço local de {fact.municipality}",
        OrganisationKind.SOCIAL_SECURITY,
        municipality=municipality,
    )
    ngo = _org(
        f"Associação Comunitária de {fact.municipality}",
        OrganisationKind.ASSOCIATION,
        municipality=municipality,
    )

    slug = code
    coordinator = people.make(f"coord_{slug}", town, role="manager", title="Safety coordinator")
    mayor = people.make(f"mayor_{slug}", town, title="Mayor")
    commander = people.make(f"police_{slug}", police, title="Proximity commander")
    people.make(f"partner_{slug}", ngo, title="Project officer")

    category_label = dict(ContractCategory.choices)[fact.category]
    contract = services.contract_create(
        actor=coordinator,
        title=f"CLS {fact.municipality}",
        category=fact.category,
        municipality=municipality,
        lead_organisation=town,
        chair=mayor,
        signed_on=fact.signed_on,
        signing_place=fact.place,
        summary=fact.summary or f"MAI {category_label} contract.",
        axes=axes,
        is_published=code != "1114",
        data_origin="real",
        source_note=(
            "Real: municipality, category, signing date and place, named territories "
            f"({fact.source}). Synthetic: people, committee seats, stage progress, meetings."
        ),
    )
    for position, territory in enumerate(fact.territories, start=1):
        zone = Area.objects.create(
            kind=AreaKind.ZONE,
            code=f"Z{position}",
            name=territory,
            parent=municipality,
            owner_contract=contract,
            data_origin="real",
            source_note=fact.source,
        )
        contract.areas.add(zone)
    committee = contract.bodies.get(kind=BodyKind.COMMITTEE)
    core = contract.bodies.get(kind=BodyKind.CORE)
    services.body_member_add(
        actor=coordinator,
        body=committee,
        organisation=police,
        person=commander,
        role=BodyRole.SECURITY_FORCE,
        data_origin="synthetic",
    )
    for organisation in (town, police, school, social, ngo):
        services.body_member_add(
            actor=coordinator, body=core, organisation=organisation, data_origin="synthetic"
        )
    if fact.signed_on == ALGARVE_DAY:
        services.signatory_add(
            actor=coordinator, contract=contract, organisation=amal, signed_by="AMAL"
        )
    ministry = Organisation.objects.get(name=NATIONAL_BODIES[0][0])
    services.signatory_add(
        actor=coordinator,
        contract=contract,
        organisation=ministry,
        signed_by="Ministério da Administração Interna",
    )
    return contract


def _decide(contract: Contract, kind: str, action: str, actor: User, comment: str = "") -> None:
    stage = contract.stages.get(kind=kind)
    services.stage_decide(
        actor=actor, stage=stage, action=action, expected_version=stage.version, comment=comment
    )


def _demo_progress() -> None:
    """Synthetic progress so every state of the workflow can be seen."""
    national = User.objects.get(username="demo_national")
    for contract in Contract.objects.filter(
        stages__kind=StageKind.DIAGNOSIS,
        stages__status="in_preparation",
        stages__decisions__isnull=True,
    ).distinct():
        code = contract.municipality.code
        partner = User.objects.filter(username=f"partner_{code}").first()
        mayor = User.objects.filter(username=f"mayor_{code}").first()
        coordinator = User.objects.filter(username=f"coord_{code}").first()
        if not (partner and mayor and coordinator):
            continue
        bucket = int(code) % 4
        if code == "1106":
            _decide(contract, StageKind.DIAGNOSIS, DecisionAction.SUBMIT, partner)
            continue
        if bucket == 0:
            continue
        _decide(contract, StageKind.DIAGNOSIS, DecisionAction.SUBMIT, partner)
        _decide(
            contract,
            StageKind.DIAGNOSIS,
            DecisionAction.APPROVE,
            mayor,
            "Diagnóstico aprovado em reunião da Comissão Coordenadora.",
        )
        if bucket >= 2:
            _decide(contract, StageKind.PLAN, DecisionAction.SUBMIT, coordinator)
            _decide(contract, StageKind.PLAN, DecisionAction.APPROVE, mayor)
        if bucket == 3:
            _decide(
                contract,
                StageKind.PLAN,
                DecisionAction.ENDORSE,
                national,
                "Plano homologado pela Comissão Interministerial.",
            )
        committee = GovernanceBody.objects.get(contract=contract, kind=BodyKind.COMMITTEE)
        services.meeting_create(
            actor=coordinator,
            body=committee,
            held_on=(contract.signed_on or dt.date(2017, 1, 1)) + dt.timedelta(days=60),
            agenda="Aprovação do diagnóstico local de segurança.",
            decisions="Diagnóstico aprovado.",
            location="Paços do Concelho",
            attendees=list(committee.members.all()),
        )


def _demo_logins(lisboa: Contract, national: User, admin: User) -> list[tuple[str, str, str, bool]]:
    code = lisboa.municipality.code
    rows = [
        ("Ministry analyst (Interministerial Commission)", national.username, "", True),
        ("Mayor, chairs the Coordinating Committee (Lisboa)", f"mayor_{code}", "", False),
        ("Municipal safety coordinator (Lisboa)", f"coord_{code}", "", False),
        ("Police proximity commander (PSP Lisboa)", f"police_{code}", "", True),
        ("Partner organisation (association, Lisboa)", f"partner_{code}", "", False),
        ("Mayor of another contract (Porto)", "mayor_1312", "", False),
        ("Administrator", admin.username, "", True),
    ]
    try:
        from localsafety.organisations.two_factor import ensure_demo_totp_device
    except ImportError:  # the accounts work may not be present in a partial checkout
        ensure_demo_totp_device = None  # type: ignore[assignment]
    for _label, username, _note, needs_code in rows:
        if needs_code and ensure_demo_totp_device is not None:
            ensure_demo_totp_device(User.objects.get(username=username))
    return [(label, username, DEMO_PASSWORD, needs) for label, username, _n, needs in rows]
