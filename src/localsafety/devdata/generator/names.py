"""Names and proportions the generator draws from: people, places, organisations, progress."""

from __future__ import annotations

import random

from localsafety.contracts.models import ContractCategory
from localsafety.organisations.models import OrganisationKind
from localsafety.territory.placenames import of_place

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
    OrganisationKind.PSP: "PSP — Esquadra {of_place} {number}",
    OrganisationKind.GNR: "GNR — Posto Territorial {of_place} {number}",
    OrganisationKind.MUNICIPAL_POLICE: "Polícia Municipal {of_place}",
    OrganisationKind.SCHOOL_CLUSTER: "Agrupamento de Escolas {of_place} n.º {number}",
    OrganisationKind.SOCIAL_SECURITY: "Segurança Social — Serviço Local {of_place}",
    OrganisationKind.HEALTH_CENTRE: "Centro de Saúde {of_place} {number}",
    OrganisationKind.MIGRATION_AGENCY: "Centro Local de Apoio à Integração de Migrantes {of_place}",
    OrganisationKind.PARISH_COUNCIL: "Junta de Freguesia {of_parish} ({place})",
    OrganisationKind.MINISTRY: "Serviço desconcentrado do Estado em {place} {number}",
    OrganisationKind.OTHER: "Comissão de Proteção de Crianças e Jovens {of_place} {number}",
}


def name_for_kind(kind: str, municipality_name: str, number: int, rng: random.Random) -> str:
    template = _NAME_TEMPLATES.get(kind)
    if template is None:
        words = rng.choice(ASSOCIATION_WORDS)
        return f"Associação {words} {of_place(municipality_name)} {number}"
    parish = rng.choice(PARISH_NAMES) if "{parish}" in template else ""
    return template.format(
        place=municipality_name,
        of_place=of_place(municipality_name),
        number=number,
        of_parish=of_place(parish) if parish else "",
    )
