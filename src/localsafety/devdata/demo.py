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
from django.utils import translation

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
from localsafety.contracts.reference import ensure_national_reference
from localsafety.devdata import crime
from localsafety.devdata.demo_activities import load_activities_demo
from localsafety.devdata.demo_facts import (
    ALGARVE_DAY,
    FIRST_NAMES,
    LAST_NAMES,
    LISBON_DAY,
    METRO_POLICE,
    SOURCE_ALGARVE,
    SOURCE_COMMISSION,
    SOURCE_DEMO_CONTRACT,
    SOURCE_MUNICIPALITIES,
    SOURCE_PAPER,
    ContractFact,
    contract_facts,
)
from localsafety.devdata.demo_plans import load_demo_plan
from localsafety.devdata.national import NATIONAL_ORGANISATIONS
from localsafety.organisations.access import role_requires_two_factor
from localsafety.organisations.models import (
    POLICE_KINDS,
    Membership,
    Organisation,
    OrganisationKind,
    User,
)
from localsafety.organisations.two_factor import ensure_demo_totp_device
from localsafety.territory import reference
from localsafety.territory.models import Area, AreaKind
from localsafety.territory.placenames import named_after

DEMO_PASSWORD = "demo-localsafety-2026"  # noqa: S105 - printed for the demo, documented
#: Years of synthetic incidents (each matches the published totals of its year): the last two
#: of the real series (2025 provisional), enough for seasonality, hot spots and their stability
#: from one year to the next; trends over 2021–2025 come from the published series itself.
#: About 240,000 records for the demo's 29 municipalities, stored in seconds.
DEMO_INCIDENT_YEARS = [2024, 2025]


@dataclass
class DemoResult:
    contracts: int = 0
    logins: list[tuple[str, str, str, bool]] = field(default_factory=list)
    boundaries: bool = False
    notes: list[str] = field(default_factory=list)


def _municipalities(facts: list[ContractFact], result: DemoResult) -> dict[str, Area]:
    reference_dir = Path(settings.LOCALSAFETY_REFERENCE_DIR)
    if reference_dir.is_dir():
        reference.load_reference(reference_dir)
        result.boundaries = True
    else:
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
    national_reference = ensure_national_reference()
    axes, commission = national_reference.axes, national_reference.commission
    people = _People()

    national_orgs = [
        _org(
            name,
            OrganisationKind.MINISTRY,
            short=short,
            origin="real",
            source=SOURCE_COMMISSION + " | " + SOURCE_PAPER,
        )
        for name, short in NATIONAL_ORGANISATIONS
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
    national = people.make(
        "demo_national", national_orgs[0], title="Técnica superior (análise de segurança)"
    )
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
    plan_contract = load_demo_plan()
    if plan_contract is not None:
        result.notes.append(f"Demo plan (approved v1, v2 in preparation): {plan_contract}.")
    # After the written plan: its measures in force serve that contract's activities.
    load_activities_demo()
    _demo_crime_data(facts, result)
    if result.boundaries:
        _demo_lisbon_analysis()
    _demo_authenticators()
    lisboa = Contract.objects.get(municipality__code="1106", signed_on=LISBON_DAY)
    result.logins = _demo_logins(lisboa, national, admin)
    return result


#: Synthetic problems of the Lisbon demo diagnosis: (title, description, national axis code,
#: evidence). The evidence names the real published series the document shows beside them.
LISBON_PROBLEMS = [
    (
        "Furtos e roubos na via pública junto às estações e interfaces",
        "Concentração de furtos por carteirista e roubos por esticão nas horas de ponta.",
        "ii",
        "Crimes contra o património por 1000 residentes (DGPJ/INE, 2021–2025), acima da "
        "região e do país.",
    ),
    (
        "Violência doméstica com vítimas idosas que vivem sós",
        "Casos registados e sinalizações das juntas de freguesia sem resposta articulada.",
        "i",
        "Violência doméstica contra cônjuge ou análogos por 1000 residentes (DGPJ/INE).",
    ),
    (
        "Sentimento de insegurança noturno nos bairros com pouca iluminação",
        "Moradores evitam percursos a pé depois do anoitecer; iluminação e espaços degradados.",
        "iii",
        "Queixas dos moradores nas reuniões da Comissão Coordenadora.",
    ),
]


def _demo_lisbon_problems(contract: Contract, coordinator: User, chair: User) -> None:
    from localsafety.contracts.models import Axis
    from localsafety.diagnosis import services as diagnosis_services
    from localsafety.diagnosis.evidence import indicator_names

    axes = {axis.code: axis for axis in Axis.objects.national()}
    # The first problem points at the document's trend chart and the matrix's crime rate.
    first_links = ["figure:trend"]
    if "crime-rate" in indicator_names(contract):
        first_links.append("indicator:crime-rate")
    for priority, (title, description, axis_code, evidence) in enumerate(LISBON_PROBLEMS, 1):
        problem = diagnosis_services.problem_create(
            actor=coordinator,
            contract=contract,
            title=title,
            description=description,
            axis=axes.get(axis_code),
            evidence=evidence,
            evidence_links=first_links if priority == 1 else [],
        )
        problem = diagnosis_services.problem_prioritise(
            actor=chair, problem=problem, expected_version=problem.version, priority=priority
        )
    contract.problems.update(
        data_origin="synthetic", source_note="Demonstração: problemas fictícios (sintéticos)."
    )


def _demo_crime_data(facts: list[ContractFact], result: DemoResult) -> None:
    """The real registered-crime series (statistics import) and synthetic incidents that add
    up to it for every demo municipality, owned by its police force (``devdata.crime``)."""
    if not result.boundaries:
        result.notes.append(
            "Crime statistics and synthetic incidents skipped: they need every municipality "
            "of the reference data (LOCALSAFETY_REFERENCE_DIR)."
        )
        return
    crime.import_crime_series()
    codes = [fact.code for fact in facts]
    forces = {
        organisation.municipality.code: organisation
        for organisation in Organisation.objects.filter(
            kind__in=POLICE_KINDS, municipality__code__in=codes
        ).select_related("municipality")
        if organisation.municipality is not None
    }
    crime.generate_incidents(forces, years=DEMO_INCIDENT_YEARS)


def _demo_lisbon_analysis() -> None:
    """Lisbon's aggregate analysis (every force's counts, coarse grid, small counts
    suppressed), so its diagnosis document shows the weekly heat grid and the hot-spot map
    beside the published series."""
    contract = Contract.objects.filter(municipality__code="1106", signed_on=LISBON_DAY).first()
    coordinator = User.objects.filter(username="coord_1106").first()
    if contract is not None and coordinator is not None:
        demo_aggregate_run(contract, coordinator)


def demo_aggregate_run(contract: Contract, actor: User) -> None:
    """An aggregate run over the demo's incident years, computed now (once)."""
    from localsafety.diagnosis import analysis_services
    from localsafety.diagnosis.models import AnalysisRun, RunStatus

    if AnalysisRun.objects.filter(contract=contract, police_organisation__isnull=True).exists():
        return
    run = analysis_services.analysis_run_create(
        actor=actor,
        contract=contract,
        period_start=dt.date(DEMO_INCIDENT_YEARS[0], 1, 1),
        period_end=dt.date(DEMO_INCIDENT_YEARS[-1], 12, 31),
        categories=[],
        resolution=8,
    )
    run.refresh_from_db()
    if run.status == RunStatus.QUEUED:
        # The demo is loaded without a worker: compute it here (a worker later finds it done).
        analysis_services.analysis_run_execute(run_id=run.pk)


def _demo_authenticators() -> None:
    """Every demo account whose role requires two-factor (police, national, administrator)
    has its authenticator, with the published demo key: such accounts never enrol with their
    password alone, so the demo's logins must not need an enrolment link."""
    for user in User.objects.filter(is_active=True).order_by("pk"):
        if role_requires_two_factor(user):
            ensure_demo_totp_device(user)


def _demo_contract(
    fact: ContractFact, municipality: Area, axes: list[Any], people: _People, amal: Organisation
) -> Contract:
    code = fact.code
    town = _org(
        named_after("Câmara Municipal", fact.municipality),
        OrganisationKind.MUNICIPALITY,
        municipality=municipality,
        origin="real",
        source=SOURCE_MUNICIPALITIES,
    )
    police_kind = OrganisationKind.PSP if code in METRO_POLICE else OrganisationKind.GNR
    police_name = (
        "PSP" if police_kind == OrganisationKind.PSP else "GNR"
    ) + f" — {fact.municipality}"
    police = _org(police_name, police_kind, municipality=municipality)
    school = _org(
        named_after("Agrupamento de Escolas", fact.municipality),
        OrganisationKind.SCHOOL_CLUSTER,
        municipality=municipality,
    )
    social = _org(
        named_after("Segurança Social — serviço local", fact.municipality),
        OrganisationKind.SOCIAL_SECURITY,
        municipality=municipality,
    )
    ngo = _org(
        named_after("Associação Comunitária", fact.municipality),
        OrganisationKind.ASSOCIATION,
        municipality=municipality,
    )

    slug = code
    coordinator = people.make(
        f"coord_{slug}", town, role="manager", title="Coordenador(a) municipal de segurança"
    )
    mayor = people.make(f"mayor_{slug}", town, title="Presidente da Câmara Municipal")
    commander = people.make(
        f"police_{slug}", police, title="Comandante de policiamento de proximidade"
    )
    people.make(f"partner_{slug}", ngo, title="Técnico(a) de projeto")

    with translation.override("pt-pt"):  # the demo's contract texts are in Portuguese
        category_label = str(dict(ContractCategory.choices)[fact.category]).lower()
    contract = services.contract_create(
        actor=coordinator,
        title=f"CLS {fact.municipality}",
        category=fact.category,
        municipality=municipality,
        lead_organisation=town,
        chair=mayor,
        signed_on=fact.signed_on,
        signing_place=fact.place,
        summary=fact.summary
        or f"Contrato Local de Segurança do MAI (categoria: {category_label}).",
        axes=axes,
        is_published=code != "1114",
        data_origin="real",
        source_note=SOURCE_DEMO_CONTRACT + " | " + fact.source,
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
        actor=mayor,  # the committee's seats are its chair's to give
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
    ministry = Organisation.objects.get(name=NATIONAL_ORGANISATIONS[0][0])
    services.signatory_add(
        actor=coordinator,
        contract=contract,
        organisation=ministry,
        signed_by="Ministério da Administração Interna",
    )
    return contract


#: The deliverables the demo's coordinators write before submitting (synthetic).
DELIVERABLES: dict[str, str] = {
    StageKind.DIAGNOSIS: (
        "Diagnóstico local de segurança: criminalidade participada 2013-2015, perfil "
        "socioeconómico, sentimento de insegurança (inquérito) e marchas exploratórias nos "
        "bairros do contrato. Conclui pelas prioridades dos quatro eixos."
    ),
    StageKind.PLAN: (
        "Plano de intervenção: medidas por eixo, parceiros responsáveis, recursos e "
        "cronograma, com indicadores de realização e de resultado."
    ),
}


def _decide(contract: Contract, kind: str, action: str, actor: User, comment: str = "") -> None:
    stage = contract.stages.get(kind=kind)
    services.stage_decide(
        actor=actor,
        stage=stage,
        action=action,
        expected_version=stage.version,
        comment=comment,
        # A deliverable is submitted written (never empty), by the lead organisation.
        summary=DELIVERABLES.get(kind, "") if action == DecisionAction.SUBMIT else None,
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
            # Lisbon's diagnosis is written, with its problems prioritised by the committee's
            # chair, and waits for the mayor's decision.
            _demo_lisbon_problems(contract, coordinator, mayor)
            _decide(contract, StageKind.DIAGNOSIS, DecisionAction.SUBMIT, coordinator)
            continue
        if bucket == 0:
            continue
        _decide(contract, StageKind.DIAGNOSIS, DecisionAction.SUBMIT, coordinator)
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
    for _label, username, _note, needs_code in rows:
        if needs_code:
            ensure_demo_totp_device(User.objects.get(username=username))
    return [(label, username, DEMO_PASSWORD, needs) for label, username, _n, needs in rows]
