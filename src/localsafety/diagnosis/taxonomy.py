"""The national crime taxonomy: the DGPJ/INE groups and their categories.

Written once by the data migration ``0002_crime_data`` (with the historical model it is given)
and ensured again, idempotently, by the demo and the tests, so the names live here only.

The groups are those of the Ministry of Justice's statistics (DGPJ), disseminated by INE:
crimes against persons, against property, against life in society, against the State, and
crimes under other legislation. Categories follow the published series (INE indicator 0012261)
where one exists (``statistics_key``), so that incident records and published totals can be
compared: domestic violence is part of the offences against physical integrity, which are part
of the crimes against persons, as in the published figures.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Node(NamedTuple):
    code: str
    parent: str | None
    level: str  # total | group | category
    name: str
    name_pt: str
    statistics_key: str = ""
    sensitive: bool = False


TAXONOMY: tuple[Node, ...] = (
    Node("all", None, "total", "All crimes", "Total", "total"),
    # --- crimes against persons
    Node(
        "persons",
        "all",
        "group",
        "Crimes against persons",
        "Crimes contra as pessoas",
        "contraPessoas",
    ),
    Node(
        "homicide",
        "persons",
        "category",
        "Intentional homicide (completed)",
        "Homicídio voluntário consumado",
        "homicidio",
    ),
    Node(
        "physical-integrity",
        "persons",
        "category",
        "Offences against physical integrity",
        "Crimes contra a integridade física",
        "integridadeFisica",
    ),
    Node(
        "domestic-violence",
        "physical-integrity",
        "category",
        "Domestic violence against a spouse or partner",
        "Violência doméstica contra cônjuge ou análogos",
        "violenciaDomestica",
        True,
    ),
    Node(
        "assault",
        "physical-integrity",
        "category",
        "Other offences against physical integrity",
        "Outros crimes contra a integridade física",
    ),
    Node(
        "sexual-offences",
        "persons",
        "category",
        "Crimes against sexual freedom and self-determination",
        "Crimes contra a liberdade e autodeterminação sexual",
        "",
        True,
    ),
    Node("threats", "persons", "category", "Threats and coercion", "Ameaça e coação"),
    Node(
        "other-persons",
        "persons",
        "category",
        "Other crimes against persons",
        "Outros crimes contra as pessoas",
    ),
    # --- crimes against property
    Node(
        "property",
        "all",
        "group",
        "Crimes against property",
        "Crimes contra o património",
        "contraPatrimonio",
    ),
    Node(
        "vehicle-theft",
        "property",
        "category",
        "Theft of and from motor vehicles",
        "Furto de veículo e em veículo motorizado",
        "furtoVeiculo",
    ),
    Node(
        "street-robbery",
        "property",
        "category",
        "Snatch theft and street robbery",
        "Roubo por esticão e na via pública",
        "rouboViaPublica",
    ),
    Node(
        "burglary",
        "property",
        "category",
        "Burglary of a dwelling",
        "Furto em residência com arrombamento",
    ),
    Node("shoplifting", "property", "category", "Theft in shops", "Furto em edifício comercial"),
    Node("criminal-damage", "property", "category", "Criminal damage", "Dano"),
    Node(
        "other-property",
        "property",
        "category",
        "Other crimes against property",
        "Outros crimes contra o património",
    ),
    # --- crimes against life in society
    Node(
        "society",
        "all",
        "group",
        "Crimes against life in society",
        "Crimes contra a vida em sociedade",
    ),
    Node(
        "drink-driving",
        "society",
        "category",
        "Driving with a blood alcohol level of 1.2 g/l or more",
        "Condução de veículo com taxa de álcool igual ou superior a 1,2 g/l",
        "conducaoAlcool",
    ),
    Node("arson", "society", "category", "Arson", "Incêndio, fogo posto"),
    Node(
        "other-society",
        "society",
        "category",
        "Other crimes against life in society",
        "Outros crimes contra a vida em sociedade",
    ),
    # --- crimes against the State
    Node("state", "all", "group", "Crimes against the State", "Crimes contra o Estado"),
    Node(
        "resisting-officers",
        "state",
        "category",
        "Resisting and coercing officials",
        "Resistência e coação sobre funcionário",
    ),
    Node(
        "other-state",
        "state",
        "category",
        "Other crimes against the State",
        "Outros crimes contra o Estado",
    ),
    # --- crimes under other legislation
    Node(
        "other-legislation",
        "all",
        "group",
        "Crimes under other legislation",
        "Crimes previstos em legislação avulsa",
    ),
    Node(
        "drug-trafficking",
        "other-legislation",
        "category",
        "Drug trafficking",
        "Tráfico de estupefacientes",
    ),
    Node(
        "unlicensed-driving",
        "other-legislation",
        "category",
        "Driving without a licence",
        "Condução sem habilitação legal",
    ),
    Node(
        "other-other-legislation",
        "other-legislation",
        "category",
        "Other crimes under other legislation",
        "Outros crimes de legislação avulsa",
    ),
)

#: Codes of the nodes incidents may name (nodes without children).
LEAF_CODES = frozenset(
    node.code for node in TAXONOMY if not any(other.parent == node.code for other in TAXONOMY)
)


def ensure_taxonomy(apps: Any = None) -> dict[str, Any]:
    """Create or update the taxonomy (``apps``: a migration's app registry); code -> row."""
    model: Any
    if apps is None:
        from localsafety.diagnosis.models import CrimeCategory

        model = CrimeCategory
    else:
        model = apps.get_model("diagnosis", "CrimeCategory")
    rows: dict[str, Any] = {}
    for position, node in enumerate(TAXONOMY, start=1):
        row, _created = model.objects.update_or_create(
            code=node.code,
            defaults={
                "name": node.name,
                "name_pt": node.name_pt,
                "level": node.level,
                "parent": rows.get(node.parent) if node.parent else None,
                "is_sensitive": node.sensitive,
                "statistics_key": node.statistics_key,
                "position": position,
            },
        )
        rows[node.code] = row
    return rows
