"""Synthetic data at national scale, for load tests, benchmarks and a full-looking demo.

Everything generated here is marked ``data_origin="synthetic"`` with ``source_note`` starting
with :data:`MARKER`, so it can be told apart from real and entered records and removed again
(:func:`delete_generated_data`). Rows are written with ``bulk_create`` in batches inside one
transaction: no per-row services, no history rows (``bulk_create`` sends no signals), so the
national scale (every municipality and parish, 500 contracts, 5,000 organisations, 20,000
people) takes seconds, not minutes.

The records are consistent with what the services would have produced (see
``contracts.services.contract_create`` and ``stage_decide``): each contract has a Coordinating
Committee with exactly one chair, an Operational Core, four stages in order whose statuses
follow the workflow, ``Contract.stage`` equal to the first incomplete stage, and the decisions
that led there.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.test.utils import override_settings
from django.utils import timezone

from localsafety.contracts.models import (
    STAGE_ORDER,
    Axis,
    BodyKind,
    BodyMember,
    BodyRole,
    Contract,
    ContractCategory,
    DecisionAction,
    GovernanceBody,
    Meeting,
    Signatory,
    Stage,
    StageDecision,
    StageKind,
    StageStatus,
)
from localsafety.core.models import DataOrigin
from localsafety.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)
from localsafety.territory.models import Area, AreaKind, AreaPopulation
from localsafety.testing.world import ensure_national_axes, ensure_national_commission

MARKER = "localsafety generate"
GENERATED_USER_PREFIX = "gen-"
BENCH_USERNAME = "bench_national"
BENCH_PASSWORD_ENV = "LOCALSAFETY_BENCH_PASSWORD"  # noqa: S105 - a variable name
BATCH_SIZE = 2000
SYNTHETIC = DataOrigin.SYNTHETIC.value


class GenerationError(Exception):
    """Generation refused (data already there, or it cannot be removed safely)."""


@dataclass(frozen=True)
class Scale:
    name: str
    municipalities: int
    parishes_per_municipality: int
    contracts: int
    organisations: int
    users: int
    use_reference: bool


SCALES: dict[str, Scale] = {
    "national": Scale(
        name="national",
        municipalities=308,
        parishes_per_municipality=10,
        contracts=500,
        organisations=5000,
        users=20000,
        use_reference=True,
    ),
    "small": Scale(
        name="small",
        municipalities=30,
        parishes_per_municipality=4,
        contracts=20,
        organisations=200,
        users=500,
        use_reference=False,
    ),
}


@dataclass
class GenerationSummary:
    scale: str
    seed: int
    territory_source: str
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    bench_username: str = BENCH_USERNAME
    bench_password: str = ""
    bench_password_generated: bool = False
    published_contract_ids: list[int] = field(default_factory=list)


# --- names ------------------------------------------------------------------------------

FIRST_NAMES = [
    "Ana", "Beatriz", "Carla", "Diana", "Eduarda", "Filipa", "Graça", "Helena", "Inês",
    "Joana", "Leonor", "Margarida", "Mariana", "Marta", "Patrícia", "Rita", "Sofia", "Teresa",
    "Afonso", "Bruno", "Carlos", "Diogo", "Eduardo", "Filipe", "Gonçalo", "Hugo", "João",
    "Luís", "Manuel", "Miguel", "Nuno", "Pedro", "Ricardo", "Rui", "Tiago", "Vasco",
]  # fmt: skip
LAST_NAMES = [
    "Almeida", "Alves", "Antunes", "Barbosa", "Carvalho", "Costa", "Cruz", "Dias", "Fernandes",
    "Ferreira", "Gomes", "Gonçalves", "Lopes", "Marques", "Martins", "Mendes", "Monteiro",
    "Moreira", "Nunes", "Oliveira", "Pereira", "Pinto", "Ramos", "Ribeiro", "Rodrigues",
    "Santos", "Silva", "Sousa", "Teixeira", "Vieira",
]  # fmt: skip
PLACE_STEMS = [
    "Vila Nova", "Santa Maria", "São João", "Ponte", "Torre", "Castelo", "Monte", "Porto",
    "Vale", "Ribeira", "Serra", "Campo", "Fonte", "Lagoa", "Póvoa", "Aldeia", "Moinhos",
    "Souto", "Carvalhal", "Pinhal",
]  # fmt: skip
PLACE_SUFFIXES = [
    "do Norte", "de Cima", "da Serra", "do Mar", "de Baixo", "do Rio", "das Flores",
    "do Campo", "da Ribeira", "dos Arcos", "de Alvor", "da Beira", "do Sado", "do Vouga",
    "de Basto", "do Minho", "da Várzea", "do Oeste", "das Pedras", "de Lima",
]  # fmt: skip
PARISH_NAMES = [
    "São Pedro", "Santa Maria", "Nossa Senhora da Graça", "Sé", "São Sebastião", "Santiago",
    "São Miguel", "Santo António", "São Martinho", "Santa Luzia", "São Bartolomeu",
    "Nossa Senhora da Conceição", "São Tiago", "Santa Cruz", "São Vicente", "Santo André",
]  # fmt: skip
NUTS2 = [
    ("PT11", "Norte"),
    ("PT16", "Centro"),
    ("PT17", "Área Metropolitana de Lisboa"),
    ("PT18", "Alentejo"),
    ("PT15", "Algarve"),
    ("PT20", "Região Autónoma dos Açores"),
    ("PT30", "Região Autónoma da Madeira"),
]
# Synthetic districts: INE codes and names, each with its NUTS II region and a box to place
# synthetic municipalities in (lat_min, lat_max, lon_min, lon_max).
DISTRICTS: list[tuple[str, str, str, tuple[float, float, float, float]]] = [
    ("01", "Aveiro", "PT16", (40.5, 41.0, -8.7, -8.2)),
    ("02", "Beja", "PT18", (37.5, 38.3, -8.6, -7.2)),
    ("03", "Braga", "PT11", (41.4, 41.8, -8.6, -8.0)),
    ("04", "Bragança", "PT11", (41.3, 41.9, -7.2, -6.3)),
    ("05", "Castelo Branco", "PT16", (39.7, 40.2, -7.9, -7.0)),
    ("06", "Coimbra", "PT16", (40.0, 40.4, -8.7, -7.9)),
    ("07", "Évora", "PT18", (38.3, 38.9, -8.4, -7.3)),
    ("08", "Faro", "PT15", (37.0, 37.4, -8.9, -7.5)),
    ("09", "Guarda", "PT16", (40.3, 41.0, -7.5, -6.9)),
    ("10", "Leiria", "PT16", (39.4, 40.0, -9.2, -8.4)),
    ("11", "Lisboa", "PT17", (38.7, 39.2, -9.4, -9.0)),
    ("12", "Portalegre", "PT18", (38.9, 39.5, -8.0, -7.2)),
    ("13", "Porto", "PT11", (41.0, 41.4, -8.7, -8.2)),
    ("14", "Santarém", "PT16", (39.0, 39.6, -8.9, -8.1)),
    ("15", "Setúbal", "PT17", (37.9, 38.6, -9.0, -8.5)),
    ("16", "Viana do Castelo", "PT11", (41.7, 42.1, -8.8, -8.2)),
    ("17", "Vila Real", "PT11", (41.2, 41.8, -7.9, -7.4)),
    ("18", "Viseu", "PT16", (40.6, 41.1, -8.1, -7.4)),
    ("31", "Ilha da Madeira", "PT30", (32.65, 32.85, -17.2, -16.7)),
    ("42", "Ilha de São Miguel", "PT20", (37.72, 37.85, -25.8, -25.2)),
]
MINISTRIES: list[tuple[str, str, str]] = [
    ("Ministério da Administração Interna", "MAI", OrganisationKind.MINISTRY),
    ("Ministério da Justiça", "MJ", OrganisationKind.MINISTRY),
    ("Ministério da Educação", "ME", OrganisationKind.MINISTRY),
    ("Ministério da Saúde", "MS", OrganisationKind.MINISTRY),
    (
        "Ministério do Trabalho, Solidariedade e Segurança Social",
        "MTSSS",
        OrganisationKind.MINISTRY,
    ),
    ("Ministério da Ciência, Tecnologia e Ensino Superior", "MCTES", OrganisationKind.MINISTRY),
    ("Secretaria de Estado para a Cidadania e a Igualdade", "SECI", OrganisationKind.MINISTRY),
    ("Associação Nacional de Municípios Portugueses", "ANMP", OrganisationKind.ASSOCIATION),
    ("Associação Nacional de Freguesias", "ANAFRE", OrganisationKind.ASSOCIATION),
]
# Relative frequency of the local organisations (the municipality and ministries aside).
LOCAL_KIND_WEIGHTS: dict[str, float] = {
    OrganisationKind.ASSOCIATION: 0.25,
    OrganisationKind.PARISH_COUNCIL: 0.18,
    OrganisationKind.SCHOOL_CLUSTER: 0.16,
    OrganisationKind.HEALTH_CENTRE: 0.08,
    OrganisationKind.GNR: 0.08,
    OrganisationKind.PSP: 0.06,
    OrganisationKind.SOCIAL_SECURITY: 0.05,
    OrganisationKind.OTHER: 0.05,
    OrganisationKind.MUNICIPAL_POLICE: 0.03,
    OrganisationKind.MIGRATION_AGENCY: 0.02,
    OrganisationKind.MINISTRY: 0.01,
    OrganisationKind.MUNICIPALITY: 0.0,
}
ASSOCIATION_WORDS = [
    "Juventude", "Bairro Unido", "Solidariedade", "Cultural e Recreativa", "Desportiva",
    "de Moradores", "de Apoio ao Idoso", "Intercultural", "de Pais", "Comunitária",
]  # fmt: skip
# Published proportions (Amante et al. 2021): 17 municipality, ~27 neighbourhood, 1 citizen.
CATEGORY_WEIGHTS = {
    ContractCategory.MUNICIPALITY: 0.38,
    ContractCategory.NEIGHBOURHOOD: 0.58,
    ContractCategory.CITIZEN: 0.04,
}
CITIZEN_THEMES = [
    "trabalhadores agrícolas sazonais",
    "época balnear",
    "festas e romarias",
    "acolhimento de migrantes",
]
# How far contracts have got: number of stages complete (0..4) and its weight.
PROGRESS_WEIGHTS = [(0, 0.25), (1, 0.3), (2, 0.25), (3, 0.15), (4, 0.05)]


_NAME_TEMPLATES: dict[str, str] = {
    OrganisationKind.PSP: "PSP — Esquadra de {place} {number}",
    OrganisationKind.GNR: "GNR — Posto Territorial de {place} {number}",
    OrganisationKind.MUNICIPAL_POLICE: "Polícia Municipal de {place}",
    OrganisationKind.SCHOOL_CLUSTER: "Agrupamento de Escolas de {place} n.º {number}",
    OrganisationKind.SOCIAL_SECURITY: "Segurança Social — Serviço Local de {place}",
    OrganisationKind.HEALTH_CENTRE: "Centro de Saúde de {place} {number}",
    OrganisationKind.MIGRATION_AGENCY: "Centro Local de Apoio à Integração de Migrantes de {place}",
    OrganisationKind.PARISH_COUNCIL: "Junta de Freguesia de {parish} ({place})",
    OrganisationKind.MINISTRY: "Serviço desconcentrado do Estado em {place} {number}",
    OrganisationKind.OTHER: "Comissão de Proteção de Crianças e Jovens de {place} {number}",
}


def _name_for_kind(kind: str, municipality_name: str, number: int, rng: random.Random) -> str:
    template = _NAME_TEMPLATES.get(kind)
    if template is None:
        return f"Associação {rng.choice(ASSOCIATION_WORDS)} de {municipality_name} {number}"
    parish = rng.choice(PARISH_NAMES) if "{parish}" in template else ""
    return template.format(place=municipality_name, number=number, parish=parish)


def _square(lat: float, lon: float, half: float) -> str:
    ring = [
        [round(lon - half, 5), round(lat - half, 5)],
        [round(lon + half, 5), round(lat - half, 5)],
        [round(lon + half, 5), round(lat + half, 5)],
        [round(lon - half, 5), round(lat + half, 5)],
        [round(lon - half, 5), round(lat - half, 5)],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring]}, separators=(",", ":"))


def _bulk(model: type[models.Model], rows: list[Any]) -> list[Any]:
    created: list[Any] = model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return created


@contextmanager
def _explicit_timestamps(*fields: tuple[type[models.Model], str]) -> Iterator[None]:
    """Let bulk_create keep the timestamps we set on ``auto_now_add`` fields (dates in the past)."""
    saved = []
    for model, name in fields:
        model_field = model._meta.get_field(name)
        saved.append((model_field, model_field.auto_now_add))  # type: ignore[union-attr]
        model_field.auto_now_add = False  # type: ignore[union-attr]
    try:
        yield
    finally:
        for model_field, value in saved:
            model_field.auto_now_add = value  # type: ignore[union-attr]


# --- existing data -----------------------------------------------------------------------


def generated_data_exists() -> bool:
    return (
        Organisation.objects.filter(source_note__startswith=MARKER).exists()
        or Contract.objects.filter(source_note__startswith=MARKER).exists()
        or User.objects.filter(username__startswith=GENERATED_USER_PREFIX).exists()
        or User.objects.filter(username=BENCH_USERNAME).exists()
    )


def delete_generated_data() -> dict[str, int]:
    """Remove everything a previous run generated (and nothing else). History is not written."""
    deleted: dict[str, int] = {}
    generated_users = User.objects.filter(username__startswith=GENERATED_USER_PREFIX) | (
        User.objects.filter(username=BENCH_USERNAME, data_origin=SYNTHETIC)
    )
    try:
        with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
            steps: list[tuple[str, models.QuerySet[Any]]] = [
                ("contracts", Contract.objects.filter(source_note__startswith=MARKER)),
                ("commission seats", BodyMember.objects.filter(source_note__startswith=MARKER)),
                ("users", generated_users),
                ("organisations", Organisation.objects.filter(source_note__startswith=MARKER)),
            ]
            for kind in (
                AreaKind.PARISH,
                AreaKind.MUNICIPALITY,
                AreaKind.DISTRICT,
                AreaKind.NUTS2,
                AreaKind.COUNTRY,
            ):
                steps.append(
                    (
                        f"areas ({kind})",
                        Area.objects.filter(kind=kind, source_note__startswith=MARKER),
                    )
                )
            for label, queryset in steps:
                count, _per_model = queryset.delete()
                deleted[label] = count
    except ProtectedError as exc:
        raise GenerationError(
            "Generated data cannot be removed because other records refer to it "
            f"({exc.args[0]}). Remove those records first."
        ) from exc
    return deleted


# --- territory -------------------------------------------------------------------------


@dataclass
class Territory:
    source: str
    municipalities: list[Area]
    parishes: dict[int, list[tuple[int, str]]]  # municipality pk -> [(parish pk, name)]
    population: dict[int, int]


def _load_reference(log: Callable[[str], None]) -> bool:
    directory = Path(settings.LOCALSAFETY_REFERENCE_DIR)
    try:
        # Written alongside this module; until it lands, fall back to a synthetic territory.
        load_reference = importlib.import_module("localsafety.territory.reference").load_reference
    except (ImportError, AttributeError):
        log("Reference loader not available; creating synthetic municipalities instead.")
        return False
    if not directory.is_dir():
        log(f"Reference folder {directory} not found; creating synthetic municipalities instead.")
        return False
    log(f"Loading reference municipalities and parishes from {directory} ...")
    load_reference(directory)
    return Area.objects.filter(kind=AreaKind.MUNICIPALITY).exists()


def _create_synthetic_territory(scale: Scale, rng: random.Random, note: str) -> None:
    """Country > NUTS II > 20 districts > municipalities (DICO) > parishes (DICOFRE)."""
    has_nuts2_code = any(f.name == "nuts2_code" for f in Area._meta.get_fields())
    existing = {
        (kind, code): pk
        for kind, code, pk in Area.objects.filter(owner_contract__isnull=True).values_list(
            "kind", "code", "pk"
        )
    }

    def area(kind: str, code: str, name: str, parent_id: int | None, **extra: Any) -> Area:
        return Area(
            kind=kind,
            code=code,
            name=name,
            parent_id=parent_id,
            data_origin=SYNTHETIC,
            source_note=note,
            **extra,
        )

    country_id = existing.get((AreaKind.COUNTRY, "PT"))
    if country_id is None:
        country_id = _bulk(Area, [area(AreaKind.COUNTRY, "PT", "Portugal", None)])[0].pk
    nuts2_ids: dict[str, int] = {}
    new_nuts2 = []
    for code, name in NUTS2:
        if (AreaKind.NUTS2, code) in existing:
            nuts2_ids[code] = existing[(AreaKind.NUTS2, code)]
        else:
            new_nuts2.append(area(AreaKind.NUTS2, code, name, country_id))
    for created in _bulk(Area, new_nuts2):
        nuts2_ids[created.code] = created.pk
    district_ids: dict[str, int] = {}
    new_districts = []
    for code, name, nuts2, _box in DISTRICTS:
        if (AreaKind.DISTRICT, code) in existing:
            district_ids[code] = existing[(AreaKind.DISTRICT, code)]
        else:
            new_districts.append(area(AreaKind.DISTRICT, code, name, nuts2_ids[nuts2]))
    for created in _bulk(Area, new_districts):
        district_ids[created.code] = created.pk

    names = [f"{stem} {suffix}" for stem in PLACE_STEMS for suffix in PLACE_SUFFIXES]
    rng.shuffle(names)
    municipalities = []
    per_district: dict[str, int] = defaultdict(int)
    for index in range(scale.municipalities):
        code, _name, nuts2, box = DISTRICTS[index % len(DISTRICTS)]
        per_district[code] += 1
        dico = f"{code}{per_district[code]:02d}"
        lat = rng.uniform(box[0], box[1])
        lon = rng.uniform(box[2], box[3])
        extra: dict[str, Any] = {
            "label_lat": round(lat, 5),
            "label_lon": round(lon, 5),
            "geometry": _square(lat, lon, 0.04),
            "area_km2": round(rng.uniform(20, 900), 2),
        }
        if has_nuts2_code:
            extra["nuts2_code"] = nuts2
        name = names[index % len(names)] + ("" if index < len(names) else f" {index}")
        municipalities.append(area(AreaKind.MUNICIPALITY, dico, name, district_ids[code], **extra))
    municipalities = _bulk(Area, municipalities)
    _bulk(
        AreaPopulation,
        [
            AreaPopulation(
                area_id=muni.pk,
                year=2021,
                population=int(rng.lognormvariate(10, 1.0)) + 1500,
                data_origin=SYNTHETIC,
                source_note=note,
            )
            for muni in municipalities
        ],
    )
    parishes = []
    average = scale.parishes_per_municipality
    for muni in municipalities:
        count = rng.randint(max(1, average // 2), average + average // 2)
        for number in range(1, count + 1):
            parishes.append(
                area(
                    AreaKind.PARISH,
                    f"{muni.code}{number:02d}",
                    f"{PARISH_NAMES[(number - 1) % len(PARISH_NAMES)]} ({muni.name})",
                    muni.pk,
                )
            )
    _bulk(Area, parishes)


def _territory(
    scale: Scale, rng: random.Random, note: str, log: Callable[[str], None]
) -> Territory:
    official = Area.objects.filter(owner_contract__isnull=True, is_active=True)
    source = "existing"
    if not official.filter(kind=AreaKind.MUNICIPALITY).exists():
        if scale.use_reference and _load_reference(log):
            source = "reference"
        else:
            _create_synthetic_territory(scale, rng, note)
            source = "synthetic"
    municipalities = list(official.filter(kind=AreaKind.MUNICIPALITY).order_by("code"))
    if not scale.use_reference:
        municipalities = municipalities[: scale.municipalities]
    muni_ids = {m.pk for m in municipalities}
    parishes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, parent_id, name in official.filter(
        kind=AreaKind.PARISH, parent_id__in=muni_ids
    ).values_list("pk", "parent_id", "name"):
        parishes[parent_id].append((pk, name))
    population: dict[int, int] = {}
    for area_id, people in (
        AreaPopulation.objects.filter(area_id__in=muni_ids)
        .order_by("area_id", "year")
        .values_list("area_id", "population")
    ):
        population[area_id] = people  # the latest year wins
    return Territory(source, municipalities, parishes, population)


# --- the generator ---------------------------------------------------------------------


def generate(
    *,
    scale: Scale,
    seed: int = 1,
    replace: bool = False,
    bench_password: str | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> GenerationSummary:
    """Generate a consistent synthetic country; refuse if generated data exists (unless replace)."""
    started = time.perf_counter()
    if generated_data_exists():
        if not replace:
            raise GenerationError(
                "Generated data already exists in this database. "
                "Run again with --replace to delete it and generate afresh."
            )
        log("Removing the previously generated data ...")
        delete_generated_data()
    password = bench_password or os.environ.get(BENCH_PASSWORD_ENV) or ""
    password_generated = not password
    if password_generated:
        password = secrets.token_urlsafe(12)
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    note = f"{MARKER} ({scale.name}, seed {seed})"
    with (
        transaction.atomic(),
        _explicit_timestamps((StageDecision, "decided_at"), (Membership, "created_at")),
    ):
        summary = _generate(scale=scale, rng=rng, note=note, password=password, log=log)
    summary.seed = seed
    summary.bench_password = password
    summary.bench_password_generated = password_generated
    summary.seconds = time.perf_counter() - started
    return summary


def _generate(
    *, scale: Scale, rng: random.Random, note: str, password: str, log: Callable[[str], None]
) -> GenerationSummary:
    territory = _territory(scale, rng, note, log)
    municipalities = territory.municipalities
    if not municipalities:
        raise GenerationError("No municipalities to generate data for.")
    log(f"Territory: {len(municipalities)} municipalities ({territory.source}).")
    national_axes = ensure_national_axes()
    commission = ensure_national_commission()
    now = timezone.now()

    # Organisations: ministries, one municipality (câmara) per municipality, then local ones.
    if scale.organisations < len(MINISTRIES) + len(municipalities):
        raise GenerationError("Too few organisations for this many municipalities.")
    orgs: list[Organisation] = [
        Organisation(
            name=name, short_name=short, kind=kind, data_origin=SYNTHETIC, source_note=note
        )
        for name, short, kind in MINISTRIES
    ]
    for muni in municipalities:
        orgs.append(
            Organisation(
                name=f"Câmara Municipal de {muni.name}",
                short_name=f"CM {muni.name}"[:60],
                kind=OrganisationKind.MUNICIPALITY,
                municipality_id=muni.pk,
                data_origin=SYNTHETIC,
                source_note=note,
            )
        )
    kinds = [kind for kind, weight in LOCAL_KIND_WEIGHTS.items() if weight > 0]
    weights = [LOCAL_KIND_WEIGHTS[kind] for kind in kinds]
    remaining = scale.organisations - len(orgs)
    local_kinds = kinds[:remaining] + rng.choices(kinds, weights, k=max(0, remaining - len(kinds)))
    for number, kind in enumerate(local_kinds, start=1):
        muni = rng.choice(municipalities)
        orgs.append(
            Organisation(
                name=_name_for_kind(kind, muni.name, number, rng)[:250],
                kind=kind,
                municipality_id=muni.pk,
                data_origin=SYNTHETIC,
                source_note=note,
            )
        )
    orgs = _bulk(Organisation, orgs)
    ministries = orgs[: len(MINISTRIES)]
    town_halls = {
        muni.pk: org for muni, org in zip(municipalities, orgs[len(MINISTRIES) :], strict=False)
    }
    local_orgs = orgs[len(MINISTRIES) + len(municipalities) :]
    local_by_muni: dict[int, list[Organisation]] = defaultdict(list)
    police_by_muni: dict[int, list[Organisation]] = defaultdict(list)
    all_police: list[Organisation] = []
    for org in local_orgs:
        assert org.municipality_id is not None
        local_by_muni[org.municipality_id].append(org)
        if org.kind in (OrganisationKind.PSP, OrganisationKind.GNR):
            police_by_muni[org.municipality_id].append(org)
            all_police.append(org)
    log(f"Organisations: {len(orgs)}.")

    # People: the bench user and a few national analysts, a mayor and a coordinator per town
    # hall, then everyone else spread over the local organisations.
    if scale.users < 1 + 2 * len(municipalities):
        raise GenerationError("Too few users for this many municipalities.")
    unusable = make_password(None)
    users: list[User] = [
        User(
            username=BENCH_USERNAME,
            password=make_password(password),
            first_name="Bench",
            last_name="National",
            email="bench_national@example.invalid",
            language=User.Language.EN,
            job_title="Ministry analyst (synthetic benchmark user)",
            data_origin=SYNTHETIC,
        )
    ]
    memberships: list[tuple[int, Organisation, str]] = [(0, ministries[0], MembershipRole.STAFF)]
    counter = 0

    def person(job: str) -> User:
        nonlocal counter
        counter += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"{GENERATED_USER_PREFIX}{counter:05d}"
        return User(
            username=username,
            password=unusable,
            first_name=first,
            last_name=f"{last} {rng.choice(LAST_NAMES)}",
            email=f"{username}@example.invalid",
            language=User.Language.PT if rng.random() < 0.85 else User.Language.EN,
            job_title=job,
            date_joined=now,
            data_origin=SYNTHETIC,
        )

    national_count = min(len(ministries), max(0, scale.users - 1 - 2 * len(municipalities)))
    for index in range(national_count):
        users.append(person("Ministry analyst"))
        memberships.append((len(users) - 1, ministries[index], MembershipRole.STAFF))
    mayor_index: dict[int, int] = {}
    coordinator_index: dict[int, int] = {}
    for muni in municipalities:
        users.append(person("Mayor"))
        mayor_index[muni.pk] = len(users) - 1
        memberships.append((len(users) - 1, town_halls[muni.pk], MembershipRole.STAFF))
        users.append(person("Municipal safety coordinator"))
        coordinator_index[muni.pk] = len(users) - 1
        memberships.append((len(users) - 1, town_halls[muni.pk], MembershipRole.MANAGER))
    member_orgs = local_orgs or list(town_halls.values())
    while len(users) < scale.users:
        org = rng.choice(member_orgs)
        users.append(person("Staff"))
        role = MembershipRole.MANAGER if rng.random() < 0.1 else MembershipRole.STAFF
        memberships.append((len(users) - 1, org, role))
        if rng.random() < 0.1:
            second = rng.choice(member_orgs)
            if second.pk != org.pk:
                memberships.append((len(users) - 1, second, MembershipRole.STAFF))
    users = _bulk(User, users)
    bench_user = users[0]
    members_of: dict[int, list[int]] = defaultdict(list)
    membership_rows = []
    for user_index, org, member_role in memberships:
        user_id = users[user_index].pk
        members_of[org.pk].append(user_id)
        membership_rows.append(
            Membership(user_id=user_id, organisation_id=org.pk, role=member_role, created_at=now)
        )
    _bulk(Membership, membership_rows)
    log(f"People: {len(users)}; memberships: {len(membership_rows)}.")

    # Seats on the Interministerial Commission, and the bench user's confirmed TOTP device.
    commission_seats = [
        BodyMember(
            body_id=commission.pk,
            organisation_id=ministries[0].pk,
            person_id=bench_user.pk,
            role=BodyRole.MEMBER,
            data_origin=SYNTHETIC,
            source_note=note,
        )
    ]
    for index in range(national_count):
        commission_seats.append(
            BodyMember(
                body_id=commission.pk,
                organisation_id=ministries[index].pk,
                person_id=users[1 + index].pk,
                role=BodyRole.NATIONAL_REPRESENTATIVE,
                data_origin=SYNTHETIC,
                source_note=note,
            )
        )
    _bulk(BodyMember, commission_seats)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=bench_user, name="bench", confirmed=True)
    national_actor_ids = [bench_user.pk] + [users[1 + i].pk for i in range(national_count)]

    counts = _generate_contracts(
        scale=scale,
        rng=rng,
        note=note,
        territory=territory,
        town_halls=town_halls,
        ministries=ministries,
        local_by_muni=local_by_muni,
        police_by_muni=police_by_muni,
        all_police=all_police,
        local_orgs=local_orgs,
        members_of=members_of,
        mayor_of={m: users[i].pk for m, i in mayor_index.items()},
        coordinator_of={m: users[i].pk for m, i in coordinator_index.items()},
        national_actor_ids=national_actor_ids,
        national_axes=national_axes,
        log=log,
    )
    published = list(
        Contract.objects.filter(source_note=note, is_published=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts.update(
        {
            "municipalities": len(municipalities),
            "parishes": sum(len(p) for p in territory.parishes.values()),
            "organisations": len(orgs),
            "users": len(users),
            "memberships": len(membership_rows),
            "published_contracts": len(published),
        }
    )
    return GenerationSummary(
        scale=scale.name,
        seed=0,
        territory_source=territory.source,
        counts=counts,
        published_contract_ids=published,
    )


def _stage_plan(rng: random.Random, complete: int) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Statuses of the four stages and the decisions that led there, for ``complete`` done.

    Returns, per stage in order, its status and the decisions (action, before, after).
    """
    plan: list[tuple[str, list[tuple[str, str, str]]]] = []
    ip, sub, ret = StageStatus.IN_PREPARATION, StageStatus.SUBMITTED, StageStatus.RETURNED
    appr, endo, ns = StageStatus.APPROVED, StageStatus.ENDORSED, StageStatus.NOT_STARTED
    for position, kind in enumerate(STAGE_ORDER, start=1):
        decisions: list[tuple[str, str, str]] = []
        if position > 1 and position <= complete + 1:
            decisions.append((DecisionAction.START, ns, ip))
        if position <= complete:
            if rng.random() < 0.25:
                decisions += [
                    (DecisionAction.SUBMIT, ip, sub),
                    (DecisionAction.RETURN, sub, ret),
                    (DecisionAction.SUBMIT, ret, sub),
                ]
            else:
                decisions.append((DecisionAction.SUBMIT, ip, sub))
            decisions.append((DecisionAction.APPROVE, sub, appr))
            if kind == StageKind.PLAN:
                decisions.append((DecisionAction.ENDORSE, appr, endo))
            plan.append((decisions[-1][2], decisions))
        elif position == complete + 1:
            options = [ip, sub, ret] + ([appr] if kind == StageKind.PLAN else [])
            status = rng.choice(options)
            if status in (sub, ret, appr):
                decisions.append((DecisionAction.SUBMIT, ip, sub))
            if status == ret:
                decisions.append((DecisionAction.RETURN, sub, ret))
            if status == appr:
                decisions.append((DecisionAction.APPROVE, sub, appr))
            plan.append((status, decisions))
        else:
            plan.append((ns, decisions))
    return plan


def _generate_contracts(
    *,
    scale: Scale,
    rng: random.Random,
    note: str,
    territory: Territory,
    town_halls: dict[int, Organisation],
    ministries: list[Organisation],
    local_by_muni: dict[int, list[Organisation]],
    police_by_muni: dict[int, list[Organisation]],
    all_police: list[Organisation],
    local_orgs: list[Organisation],
    members_of: dict[int, list[int]],
    mayor_of: dict[int, int],
    coordinator_of: dict[int, int],
    national_actor_ids: list[int],
    national_axes: list[Axis],
    log: Callable[[str], None],
) -> dict[str, int]:
    municipalities = territory.municipalities
    weights = [float(territory.population.get(m.pk, 10000)) ** 0.5 for m in municipalities]
    categories = list(CATEGORY_WEIGHTS)
    category_weights = [CATEGORY_WEIGHTS[c] for c in categories]
    titles: dict[str, int] = defaultdict(int)

    contracts: list[Contract] = []
    covered: list[list[int]] = []
    plans = []
    for index in range(scale.contracts):
        muni = rng.choices(municipalities, weights)[0]
        category = rng.choices(categories, category_weights)[0]
        parishes = territory.parishes.get(muni.pk, [])
        chosen = rng.sample(parishes, min(len(parishes), rng.randint(1, 4)))
        if category == ContractCategory.NEIGHBOURHOOD and chosen:
            title = f"CLS {muni.name} — {chosen[0][1]}"
        elif category == ContractCategory.CITIZEN:
            title = f"CLS {muni.name} — {rng.choice(CITIZEN_THEMES)}"
        else:
            title = f"CLS {muni.name}"
        titles[title] += 1
        if titles[title] > 1:
            title = f"{title} ({titles[title]})"
        signed_on = dt.date(2016, 7, 14) + dt.timedelta(days=rng.randint(0, 8 * 365))
        complete = rng.choices(
            [c for c, _w in PROGRESS_WEIGHTS], [w for _c, w in PROGRESS_WEIGHTS]
        )[0]
        stage_plan = _stage_plan(rng, complete)
        current = STAGE_ORDER[-1]
        for kind, (status, _decisions) in zip(STAGE_ORDER, stage_plan, strict=True):
            done = status == StageStatus.ENDORSED or (
                kind != StageKind.PLAN and status == StageStatus.APPROVED
            )
            if not done:
                current = kind
                break
        contracts.append(
            Contract(
                title=title[:250],
                category=category,
                municipality_id=muni.pk,
                lead_organisation_id=town_halls[muni.pk].pk,
                summary=(
                    f"Contrato Local de Segurança (sintético) n.º {index + 1} para {muni.name}."
                ),
                signed_on=signed_on,
                signing_place=muni.name,
                stage=current,
                is_published=rng.random() < 0.4 or index == 0,
                data_origin=SYNTHETIC,
                source_note=note,
            )
        )
        covered.append([muni.pk] + [pk for pk, _name in chosen])
        plans.append(stage_plan)
    contracts = _bulk(Contract, contracts)

    area_links = [
        Contract.areas.through(contract_id=c.pk, area_id=a)
        for c, areas in zip(contracts, covered, strict=True)
        for a in areas
    ]
    _bulk(Contract.areas.through, area_links)
    axis_links = []
    for contract in contracts:
        axes = national_axes
        if rng.random() < 0.15:
            axes = rng.sample(national_axes, 3)
        axis_links += [Contract.axes.through(contract_id=contract.pk, axis_id=a.pk) for a in axes]
    _bulk(Contract.axes.through, axis_links)

    bodies = []
    for contract in contracts:
        for body_kind, name in (
            (BodyKind.COMMITTEE, "Comissão Coordenadora"),
            (BodyKind.CORE, "Núcleo Operacional"),
        ):
            bodies.append(GovernanceBody(kind=body_kind, contract_id=contract.pk, name=name))
    bodies = _bulk(GovernanceBody, bodies)

    def someone_from(org: Organisation) -> int | None:
        people = members_of.get(org.pk)
        return rng.choice(people) if people else None

    seats: list[BodyMember] = []
    signatories: list[Signatory] = []
    seat_ranges: list[tuple[range, range]] = []
    for index, contract in enumerate(contracts):
        committee, core = bodies[2 * index], bodies[2 * index + 1]
        muni_id = contract.municipality_id
        town_hall = town_halls[muni_id]
        local = local_by_muni.get(muni_id, [])
        start = len(seats)
        seats.append(
            BodyMember(
                body_id=committee.pk,
                organisation_id=town_hall.pk,
                person_id=mayor_of[muni_id],
                role=BodyRole.CHAIR,
                data_origin=SYNTHETIC,
            )
        )
        used = {town_hall.pk}
        wanted = rng.randint(2, 5)
        police = police_by_muni.get(muni_id) or all_police
        candidates: list[tuple[Organisation, str]] = []
        if police:
            candidates.append((rng.choice(police), BodyRole.SECURITY_FORCE))
        candidates.append((rng.choice(ministries), BodyRole.NATIONAL_REPRESENTATIVE))
        others = local or local_orgs
        candidates += [(org, BodyRole.MEMBER) for org in rng.sample(others, min(len(others), 6))]
        for org, role in candidates:
            if wanted == 0:
                break
            if org.pk in used:
                continue
            used.add(org.pk)
            wanted -= 1
            has_account = role != BodyRole.NATIONAL_REPRESENTATIVE and rng.random() < 0.7
            person_id = someone_from(org) if has_account else None
            seats.append(
                BodyMember(
                    body_id=committee.pk,
                    organisation_id=org.pk,
                    person_id=person_id,
                    person_name=""
                    if person_id
                    else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    role=role,
                    data_origin=SYNTHETIC,
                )
            )
        committee_orgs = list(dict.fromkeys(seat.organisation_id for seat in seats[start:]))
        middle = len(seats)
        core_orgs = [town_hall] + [
            org for org in rng.sample(others, min(len(others), 12)) if org.pk != town_hall.pk
        ]
        if len(core_orgs) < 3:
            extra = [
                o for o in rng.sample(local_orgs, min(len(local_orgs), 12)) if o not in core_orgs
            ]
            core_orgs += extra
        core_orgs = core_orgs[: rng.randint(3, 10)]
        for org in core_orgs:
            person_id = someone_from(org) if rng.random() < 0.5 else None
            seats.append(
                BodyMember(
                    body_id=core.pk,
                    organisation_id=org.pk,
                    person_id=person_id,
                    person_name="",
                    role=BodyRole.MEMBER,
                    data_origin=SYNTHETIC,
                )
            )
        seat_ranges.append((range(start, middle), range(middle, len(seats))))
        for org_id in committee_orgs:
            signatories.append(
                Signatory(
                    contract_id=contract.pk,
                    organisation_id=org_id,
                    data_origin=SYNTHETIC,
                    source_note=note,
                )
            )
    seats = _bulk(BodyMember, seats)
    _bulk(Signatory, signatories)

    stages: list[Stage] = []
    for contract, stage_plan in zip(contracts, plans, strict=True):
        assert contract.signed_on is not None
        for position, (kind, (status, done_decisions)) in enumerate(
            zip(STAGE_ORDER, stage_plan, strict=True), start=1
        ):
            stages.append(
                Stage(
                    contract_id=contract.pk,
                    kind=kind,
                    position=position,
                    status=status,
                    summary=("Entregável sintético." if status != StageStatus.NOT_STARTED else ""),
                    due_on=contract.signed_on + dt.timedelta(days=120 * position),
                    version=1 + len(done_decisions),
                )
            )
    stages = _bulk(Stage, stages)

    decisions: list[StageDecision] = []
    for index, (contract, stage_plan) in enumerate(zip(contracts, plans, strict=True)):
        assert contract.signed_on is not None
        muni_id = contract.municipality_id
        town_hall_id = town_halls[muni_id].pk
        moment = dt.datetime.combine(contract.signed_on, dt.time(10), tzinfo=dt.UTC)
        for offset, (_status, stage_decisions) in enumerate(stage_plan):
            stage = stages[4 * index + offset]
            for action, before, after in stage_decisions:
                moment += dt.timedelta(days=rng.randint(7, 60), hours=rng.randint(0, 6))
                if action == DecisionAction.ENDORSE:
                    actor, actor_org = rng.choice(national_actor_ids), ministries[0].pk
                elif action in (DecisionAction.APPROVE, DecisionAction.RETURN):
                    actor, actor_org = mayor_of[muni_id], town_hall_id
                else:
                    actor, actor_org = coordinator_of[muni_id], town_hall_id
                decisions.append(
                    StageDecision(
                        stage_id=stage.pk,
                        action=action,
                        actor_id=actor,
                        actor_organisation_id=actor_org,
                        status_before=before,
                        status_after=after,
                        comment=(
                            "Rever os dados de base e completar."
                            if action == DecisionAction.RETURN
                            else ""
                        ),
                        decided_at=moment,
                    )
                )
    _bulk(StageDecision, decisions)

    meetings: list[Meeting] = []
    attendee_seats: list[list[int]] = []
    for index, contract in enumerate(contracts):
        assert contract.signed_on is not None
        muni_id = contract.municipality_id
        committee_seats, core_seats = seat_ranges[index]
        for number in range(rng.randint(1, 4)):
            on_committee = number % 2 == 0
            body = bodies[2 * index + (0 if on_committee else 1)]
            body_seats = committee_seats if on_committee else core_seats
            meetings.append(
                Meeting(
                    body_id=body.pk,
                    contract_id=contract.pk,
                    held_on=contract.signed_on + dt.timedelta(days=30 + 90 * number),
                    location=f"Paços do Concelho de {contract.signing_place}",
                    agenda="1. Ponto de situação. 2. Próximos passos.",
                    decisions="Aprovado o ponto de situação.",
                    recorded_by_organisation_id=town_halls[muni_id].pk,
                    created_by_id=coordinator_of[muni_id],
                )
            )
            present = [seats[i].pk for i in body_seats if rng.random() < 0.8]
            attendee_seats.append(present)
    meetings = _bulk(Meeting, meetings)
    attendance = [
        Meeting.attendees.through(meeting_id=meeting.pk, bodymember_id=seat_id)
        for meeting, present in zip(meetings, attendee_seats, strict=True)
        for seat_id in present
    ]
    _bulk(Meeting.attendees.through, attendance)
    log(
        f"Contracts: {len(contracts)}; body seats: {len(seats)}; stages: {len(stages)}; "
        f"decisions: {len(decisions)}; meetings: {len(meetings)}."
    )
    return {
        "contracts": len(contracts),
        "governance_bodies": len(bodies),
        "body_members": len(seats),
        "signatories": len(signatories),
        "stages": len(stages),
        "stage_decisions": len(decisions),
        "meetings": len(meetings),
        "meeting_attendance": len(attendance),
    }
