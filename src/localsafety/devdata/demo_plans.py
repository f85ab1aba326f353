"""The demo's intervention plan: one contract (Vila Nova de Gaia, whose diagnosis the demo
approves) with an approved and endorsed plan, returned once by its committee on the way, and
a second version in preparation. Everything here is synthetic (marked so), written through the
plans services as people would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from localsafety.contracts.models import Contract, StageKind, StageStatus
from localsafety.diagnosis.models import Problem
from localsafety.organisations.models import Organisation, User
from localsafety.plans import services
from localsafety.plans.models import (
    FundingSource,
    IndicatorTemplate,
    InterventionKind,
    PartnerProgramme,
    Plan,
    TargetGroup,
)
from localsafety.plans.reference import ensure_plan_reference

PLAN_CONTRACT_CODE = "1317"  # Vila Nova de Gaia: diagnosis approved, plan stage open
SYNTHETIC = "Synthetic demo plan (no published source)."


def _pick_contract() -> Contract | None:
    """Gaia when the demo has it; otherwise the first contract whose plan stage is open. Once
    any contract has a plan the demo's plan exists (a second run must not write another)."""
    existing = Plan.objects.select_related("contract").first()
    if existing is not None:
        return existing.contract
    candidates = Contract.objects.filter(
        stages__kind=StageKind.PLAN, stages__status=StageStatus.IN_PREPARATION
    ).order_by("municipality__code")
    return candidates.filter(municipality__code=PLAN_CONTRACT_CODE).first() or candidates.first()


def load_demo_plan() -> Contract | None:
    """Idempotent: a contract that already has a plan is left as it is."""
    ensure_plan_reference()
    contract = _pick_contract()
    if contract is None or Plan.objects.filter(contract=contract).exists():
        return contract
    code = contract.municipality.code
    coordinator = User.objects.get(username=f"coord_{code}")
    mayor = User.objects.get(username=f"mayor_{code}")
    national = User.objects.get(username="demo_national")
    name = contract.municipality.name
    town = contract.lead_organisation
    police = Organisation.objects.get(name__endswith=f"— {name}", kind__in=["psp", "gnr"])
    school = Organisation.objects.get(name=f"Agrupamento de Escolas de {name}")
    ngo = Organisation.objects.get(name=f"Associação Comunitária de {name}")
    axes = {axis.code: axis for axis in contract.axes.all()}

    def kind(code: str) -> InterventionKind:
        return InterventionKind.objects.get(code=code)

    def groups(*codes: str) -> list[TargetGroup]:
        return list(TargetGroup.objects.filter(code__in=codes))

    def source(code: str) -> FundingSource:
        return FundingSource.objects.get(code=code)

    problems = [
        Problem.objects.create(
            contract=contract,
            title="Furtos em residência concentrados em dois bairros",
            axis=axes.get("ii"),
            evidence="Participações de furto em residência acima da média do concelho.",
            priority=1,
            created_by=coordinator,
            data_origin="synthetic",
            source_note=SYNTHETIC,
        ),
        Problem.objects.create(
            contract=contract,
            title="Absentismo escolar e jovens sem ocupação",
            axis=axes.get("i"),
            evidence="Absentismo acima de 10% no agrupamento de escolas.",
            priority=2,
            created_by=coordinator,
            data_origin="synthetic",
            source_note=SYNTHETIC,
        ),
    ]
    plan = services.plan_create(
        actor=coordinator, contract=contract, title=f"Plano de intervenção — CLS {name}"
    )
    version = plan.versions.get()
    burglary = services.objective_create(
        actor=coordinator,
        version=version,
        title="Reduzir os furtos em residência nos bairros prioritários",
        problems=[problems[0]],
    )
    youth = services.objective_create(
        actor=coordinator,
        version=version,
        title="Manter os jovens na escola e ocupados",
        problems=[problems[1]],
    )
    isolation = services.objective_create(
        actor=coordinator,
        version=version,
        title="Acompanhar os idosos que vivem sós",
        problem_statement="Idosos isolados vítimas de burlas (problema indicado pela Comissão).",
    )
    rows: list[dict[str, Any]] = [
        {
            "objective": burglary,
            "values": {
                "code": "M1",
                "title": "Iluminação pública e limpeza de espaços abandonados",
                "axis": axes["ii"],
                "kind": kind("street-lighting"),
                "starts_on": dt.date(2017, 3, 1),
                "ends_on": dt.date(2018, 6, 30),
                "responsible_organisation": town,
                "staff_count": 4,
                "staff_hours": 320,
                "material": "Luminárias LED, vedações",
            },
            "groups": groups("estate-residents"),
            "budget": {source("municipality"): "45.000,00", source("ministry"): "20.000,00"},
            "partners": [(police, "Auditoria de segurança (CPTED)")],
            "milestones": [
                ("Auditoria concluída", dt.date(2017, 5, 31), dt.date(2017, 5, 20)),
                ("Obras concluídas", dt.date(2018, 3, 31), None),
            ],
            "indicators": [("registered-crimes", {"target_value": 80}), ("activities-held", {})],
        },
        {
            "objective": burglary,
            "values": {
                "code": "M2",
                "title": "Patrulhamento de proximidade nos bairros",
                "axis": axes["ii"],
                "kind": kind("proximity-patrols"),
                "starts_on": dt.date(2017, 1, 15),
                "ends_on": dt.date(2019, 12, 31),
                "responsible_organisation": police,
                "staff_count": 6,
                "staff_hours": 2400,
            },
            "groups": groups("estate-residents", "traders"),
            "budget": {source("partner-own"): "12.000,00"},
            "partners": [(town, "Apoio logístico")],
            "milestones": [("Primeiro balanço", dt.date(2017, 12, 31), dt.date(2018, 1, 10))],
            "indicators": [("burglaries", {"target_value": 40}), ("hours-delivered", {})],
        },
        {
            "objective": youth,
            "values": {
                "code": "M3",
                "title": "Escola Segura: prevenção e mediação escolar",
                "axis": axes["i"],
                "kind": kind("school-prevention"),
                "starts_on": dt.date(2017, 9, 15),
                "ends_on": dt.date(2019, 6, 30),
                "responsible_organisation": school,
                "partner_programme": PartnerProgramme.objects.get(code="safe-school"),
                "staff_count": 3,
                "staff_hours": 600,
            },
            "groups": groups("school-community", "young-people"),
            "budget": {source("ministry"): "15.500,00"},
            "partners": [(police, "Agentes do programa Escola Segura"), (ngo, "Mediadores")],
            "milestones": [("Plano de sessões aprovado", dt.date(2017, 10, 31), None)],
            "indicators": [
                ("school-absenteeism", {"baseline_value": 11, "target_value": 7}),
                ("people-reached", {"target_value": 600}),
            ],
        },
        {
            "objective": isolation,
            "values": {
                "code": "M4",
                "title": "Visitas de apoio a idosos que vivem sós",
                "axis": axes["iii"],
                "kind": kind("elderly-visits"),
                "starts_on": dt.date(2017, 4, 1),
                "ends_on": dt.date(2019, 3, 31),
                "responsible_organisation": ngo,
                "partner_programme": PartnerProgramme.objects.get(code="support-65"),
                "staff_count": 5,
                "staff_hours": 900,
            },
            "groups": groups("elderly-alone"),
            "budget": {source("municipality"): "8.000,00", source("eu-funds"): "6.500,00"},
            "partners": [(police, "Programa Apoio 65")],
            "milestones": [("Levantamento dos idosos isolados", dt.date(2017, 6, 30), None)],
            "indicators": [("people-reached", {"target_value": 250})],
        },
    ]
    for row in rows:
        measure = services.measure_create(
            actor=coordinator,
            objective=row["objective"],
            values=row["values"],
            target_groups=row["groups"],
            budget=row["budget"],
        )
        for organisation, role in row["partners"]:
            measure.refresh_from_db()
            services.measure_partner_add(
                actor=coordinator,
                measure=measure,
                expected_version=measure.version,
                organisation=organisation,
                role=role,
            )
        for title, due_on, done_on in row["milestones"]:
            measure.refresh_from_db()
            services.milestone_add(
                actor=coordinator,
                measure=measure,
                expected_version=measure.version,
                title=title,
                due_on=due_on,
                done_on=done_on,
            )
        for template, extra in row["indicators"]:
            services.indicator_create(
                actor=coordinator,
                measure=measure,
                values={"template": IndicatorTemplate.objects.get(code=template), **extra},
            )

    def decide(actor: User, action: str, comment: str = "") -> None:
        version.refresh_from_db()
        services.plan_version_decide(
            actor=actor,
            version=version,
            action=action,
            expected_version=version.version,
            comment=comment,
        )

    decide(coordinator, "submit")
    decide(mayor, "return", "Indiquem a fonte de financiamento do patrulhamento.")
    decide(coordinator, "submit")
    decide(mayor, "approve")
    decide(national, "endorse", "")
    for measure in version.measures.filter(code__in=["M1", "M3"]):
        services.measure_publish(
            actor=mayor, measure=measure, published=True, expected_version=measure.version
        )
    plan.refresh_from_db()
    second = services.plan_version_new(actor=coordinator, plan=plan, expected_version=plan.version)
    lighting = second.measures.get(code="M1")
    services.measure_update(
        actor=coordinator,
        measure=lighting,
        expected_version=lighting.version,
        changes={"ends_on": dt.date(2018, 12, 31)},
        budget={source("municipality"): "52.000,00"},
    )
    services.measure_create(
        actor=coordinator,
        objective=second.objectives.get(lineage=youth.lineage),
        values={
            "code": "M5",
            "title": "Desporto no bairro às sextas à noite",
            "axis": axes["i"],
            "kind": kind("youth-sport"),
            "starts_on": dt.date(2019, 1, 1),
            "ends_on": dt.date(2020, 12, 31),
            "responsible_organisation": ngo,
        },
        target_groups=groups("young-people"),
        budget={source("parish"): "4.000,00"},
    )
    return contract
