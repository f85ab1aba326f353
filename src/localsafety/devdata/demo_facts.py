"""The published facts the demo is built from (FACTS.md), and the names it gives its people.

Real: each contract's municipality, category, signing date and place, and the territories
named for it, with the source of each. Synthetic: the first and last names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from localsafety.contracts.models import ContractCategory

SOURCE_PAPER = (
    "Amante, Saraiva & Sá Marques (2021), Crime Prevention and Community Safety 23:155-173"
)
# Notes the application writes itself are catalogue messages (gettext_noop), shown translated
# by the ``source_note`` filter; " | " separates them from the citation that follows.
SOURCE_COMMISSION = gettext_noop("Interministerial Commission composition")
SOURCE_MUNICIPALITIES = gettext_noop("INE municipality list")
SOURCE_DEMO_CONTRACT = gettext_noop(
    "Real: municipality, category, signing date and place, named territories. Synthetic: "
    "people, committee seats, stage progress, meetings."
)
SOURCE_LISBON = "observador.pt, 14/07/2016; " + SOURCE_PAPER
SOURCE_ALGARVE = "AMAL, Loulé, 05/12/2016; " + SOURCE_PAPER


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
    "1110": ["Porto Salvo", "Carnaxide/Queijas (bairros dos Navegadores e de Carnaxide)"],
    "1312": ["Cerco", "Pasteleira"],
    "1111": [
        "Pendão",
        "Casal de São José",
        "Tapada das Mercês",
        "Estações de Agualva-Cacém / Monte Abraão / Rinchoa",
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
                "Afluxo sazonal de trabalhadores agrícolas migrantes; um centro de apoio à "
                "integração de migrantes; 87 mil euros de financiamento do ministério."
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
            summary="Todo o concelho.",
        ),
        ContractFact(
            "0703",
            "Borba",
            ContractCategory.MUNICIPALITY,
            dt.date(2020, 1, 7),
            "Borba",
            "Texto do contrato (Borba, 07/01/2020)",
        ),
        ContractFact(
            "1211",
            "Monforte",
            ContractCategory.MUNICIPALITY,
            dt.date(2020, 10, 30),
            "Monforte",
            "Assinatura a 30/10/2020 (categoria presumida: município)",
        ),
    ]
    return facts


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
