"""The national vocabularies of intervention plans, written by migration 0002 and ensured again,
idempotently, by the demo and the test world (so the names live here and nowhere else).

Kinds of intervention and partner programmes follow the published descriptions of the Local
Safety Contracts and the PSP's proximity-policing programmes (see /work/shared/domain/FACTS.md):
Safe School (1992), Safe Trade (1998), Support 65 — Elderly in Safety, GNR's Senior Census,
Together for Everyone (Juntos por Todos, 2016).
"""

from __future__ import annotations

from typing import Any

# (code, English, Portuguese, usual national axis)
INTERVENTION_KINDS: list[tuple[str, str, str, str]] = [
    ("school-prevention", "School-based prevention", "Prevenção em meio escolar", "i"),
    ("youth-sport", "Youth sport and leisure", "Desporto e ocupação de tempos livres juvenis", "i"),
    ("youth-mentoring", "Mentoring of young people at risk", "Mentoria de jovens em risco", "i"),
    (
        "street-lighting",
        "Street lighting and CPTED works",
        "Iluminação pública e obras de prevenção situacional (CPTED)",
        "ii",
    ),
    (
        "public-space",
        "Requalification of public space",
        "Requalificação do espaço público",
        "ii",
    ),
    ("video-surveillance", "Video surveillance", "Videovigilância", "ii"),
    ("proximity-patrols", "Proximity patrols", "Patrulhamento de proximidade", "ii"),
    ("mediation", "Mediation", "Mediação", "iii"),
    (
        "elderly-visits",
        "Support visits to the elderly",
        "Visitas de apoio a idosos",
        "iii",
    ),
    ("victim-support", "Victim support", "Apoio à vítima", "iii"),
    (
        "migrant-integration",
        "Migrant integration support",
        "Apoio à integração de migrantes",
        "iii",
    ),
    ("employment", "Training and employment", "Formação e emprego", "iii"),
    (
        "citizenship-awareness",
        "Citizenship and gender-equality awareness",
        "Sensibilização para a cidadania e a igualdade de género",
        "iv",
    ),
    (
        "police-training",
        "Training of police officers and staff",
        "Formação de agentes e técnicos",
        "iv",
    ),
    ("other", "Other intervention", "Outra intervenção", ""),
]

TARGET_GROUPS: list[tuple[str, str, str]] = [
    ("young-people", "Young people", "Jovens"),
    ("children", "Children", "Crianças"),
    ("school-community", "School community", "Comunidade escolar"),
    ("elderly-alone", "Elderly people living alone", "Idosos a viver sós"),
    ("migrants", "Migrants", "Migrantes"),
    ("women", "Women", "Mulheres"),
    ("victims", "Victims of crime", "Vítimas de crime"),
    ("estate-residents", "Residents of an estate", "Moradores de um bairro"),
    ("traders", "Traders", "Comerciantes"),
    ("general-public", "General public", "Público em geral"),
    ("professionals", "Professionals and officers", "Profissionais e agentes"),
]

FUNDING_SOURCES: list[tuple[str, str, str]] = [
    ("ministry", "Ministry of Internal Administration", "Ministério da Administração Interna"),
    ("municipality", "Municipality", "Município"),
    ("parish", "Parish", "Freguesia"),
    ("eu-funds", "European funds", "Fundos europeus"),
    ("partner-own", "Partner's own resources", "Recursos próprios do parceiro"),
    ("other-public", "Other public funding", "Outro financiamento público"),
    ("private", "Private funding", "Financiamento privado"),
]

PARTNER_PROGRAMMES: list[tuple[str, str, str]] = [
    ("safe-school", "Safe School", "Escola Segura"),
    ("safe-trade", "Safe Trade", "Comércio Seguro"),
    ("support-65", "Support 65 — Elderly in Safety", "Apoio 65 — Idosos em Segurança"),
    ("senior-census", "Senior Census (GNR)", "Censos Sénior (GNR)"),
    ("juntos-por-todos", "Together for Everyone", "Juntos por Todos"),
]

# (code, English, Portuguese, level, unit, direction, source, frequency, computation,
#  definition English, definition Portuguese)
INDICATOR_CATALOGUE: list[tuple[str, str, str, str, str, str, str, str, str, str, str]] = [
    (
        "activities-held",
        "Activities held",
        "Atividades realizadas",
        "output",
        "activities",
        "higher",
        "LocalSafety",
        "quarterly",
        "activity_count",
        "Number of activities recorded under the measure in the period.",
        "Número de atividades registadas na medida no período.",
    ),
    (
        "people-reached",
        "People reached",
        "Pessoas abrangidas",
        "output",
        "people",
        "higher",
        "LocalSafety",
        "quarterly",
        "people_reached",
        "Participants counted in the measure's activities in the period.",
        "Participantes contados nas atividades da medida no período.",
    ),
    (
        "hours-delivered",
        "Hours delivered",
        "Horas de intervenção",
        "output",
        "hours",
        "higher",
        "LocalSafety",
        "quarterly",
        "activity_hours",
        "Staff and volunteer hours recorded in the measure's activities.",
        "Horas de técnicos e voluntários registadas nas atividades da medida.",
    ),
    (
        "registered-crimes",
        "Registered crimes in the area",
        "Crimes registados na área",
        "outcome",
        "crimes",
        "lower",
        "DGPJ / security forces",
        "yearly",
        "crime_count",
        "Crimes of the chosen category registered in the chosen area in the period.",
        "Crimes da categoria escolhida registados na área escolhida no período.",
    ),
    (
        "burglaries",
        "Residential burglaries",
        "Furtos em residência",
        "outcome",
        "crimes",
        "lower",
        "DGPJ / security forces",
        "yearly",
        "crime_count",
        "Residential burglaries registered in the area in the period.",
        "Furtos em residência registados na área no período.",
    ),
    (
        "feel-unsafe",
        "Share who feel unsafe after dark",
        "Proporção que se sente insegura depois de escurecer",
        "outcome",
        "%",
        "lower",
        "Insecurity survey",
        "yearly",
        "",
        "Share of respondents who feel unsafe walking alone after dark.",
        "Proporção de inquiridos que se sentem inseguros a andar sozinhos depois de escurecer.",
    ),
    (
        "school-absenteeism",
        "School absenteeism",
        "Absentismo escolar",
        "outcome",
        "%",
        "lower",
        "School cluster",
        "yearly",
        "",
        "Share of pupils with unjustified absences above the legal limit.",
        "Proporção de alunos com faltas injustificadas acima do limite legal.",
    ),
    (
        "officers-trained",
        "Officers trained",
        "Agentes formados",
        "output",
        "people",
        "higher",
        "Training records",
        "yearly",
        "",
        "Officers who completed the training in the period.",
        "Agentes que concluíram a formação no período.",
    ),
]


def ensure_plan_reference(models_of: Any = None) -> None:
    """Create the national lists if missing (``models_of(name)`` gives historical models)."""
    from localsafety.plans import models as plan_models

    def model(name: str) -> Any:
        return models_of(name) if models_of else getattr(plan_models, name)

    for position, (code, en, pt, axis) in enumerate(INTERVENTION_KINDS, start=1):
        model("InterventionKind").objects.get_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_pt": pt,
                "axis_code": axis,
                "position": position,
                "data_origin": "real",
            },
        )
    for name, rows in (
        ("TargetGroup", TARGET_GROUPS),
        ("FundingSource", FUNDING_SOURCES),
        ("PartnerProgramme", PARTNER_PROGRAMMES),
    ):
        for position, (code, en, pt) in enumerate(rows, start=1):
            model(name).objects.get_or_create(
                code=code,
                defaults={
                    "name_en": en,
                    "name_pt": pt,
                    "position": position,
                    "data_origin": "real",
                },
            )
    for position, row in enumerate(INDICATOR_CATALOGUE, start=1):
        code, en, pt, level, unit, direction, source, frequency, computation, d_en, d_pt = row
        model("IndicatorTemplate").objects.get_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_pt": pt,
                "level": level,
                "unit": unit,
                "direction": direction,
                "source": source,
                "frequency": frequency,
                "computation": computation,
                "definition_en": d_en,
                "definition_pt": d_pt,
                "position": position,
                "data_origin": "real",
            },
        )
