"""Contract A's marked plan records for the leak walk (``testing/leakwalk.py``): one per
contract-owned model of this app. A published measure carries ``PAGE_MARK`` (the public page
shows it); everything else carries ``RECORD_MARK``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from localsafety.contracts.models import Axis
from localsafety.plans.models import (
    FundingSource,
    Indicator,
    InterventionKind,
    Measure,
    MeasureBudget,
    MeasurePartner,
    Milestone,
    Objective,
    Plan,
    PlanVersion,
)
from localsafety.plans.reference import ensure_plan_reference
from localsafety.testing.leakwalk import PAGE_MARK, RECORD_MARK, Marked, marker


@marker
def plans_marked(world) -> Marked:
    ensure_plan_reference()
    contract = world.contract_a
    plan = Plan.objects.create(
        contract=contract, title=f"{RECORD_MARK} plan", created_by=world.coordinator_a
    )
    version = PlanVersion.objects.create(
        plan=plan,
        contract=contract,
        number=1,
        # Approved, so the contract's public page lists its published measure (PAGE_MARK)
        # beside the unpublished one (RECORD_MARK) that must never show there.
        status="approved",
        summary=f"{RECORD_MARK} version summary",
        created_by=world.coordinator_a,
    )
    objective = Objective.objects.create(
        plan_version=version, contract=contract, title=f"{RECORD_MARK} objective"
    )
    common = {
        "plan_version": version,
        "contract": contract,
        "objective": objective,
        "axis": Axis.objects.national().get(code="i"),
        "kind": InterventionKind.objects.get(code="school-prevention"),
        "starts_on": dt.date(2017, 1, 1),
        "ends_on": dt.date(2018, 12, 31),
        "responsible_organisation": world.ngo_a,
    }
    secret = Measure.objects.create(title=f"{RECORD_MARK} measure", code="M1", **common)
    public = Measure.objects.create(
        title=f"{PAGE_MARK} published measure", code="M2", published=True, **common
    )
    partner = MeasurePartner.objects.create(
        measure=secret, contract=contract, organisation=world.psp, role=f"{RECORD_MARK} role"
    )
    budget = MeasureBudget.objects.create(
        measure=secret,
        contract=contract,
        funding_source=FundingSource.objects.get(code="municipality"),
        amount=Decimal("1234.56"),
    )
    milestone = Milestone.objects.create(
        measure=secret,
        contract=contract,
        title=f"{RECORD_MARK} milestone",
        due_on=dt.date(2017, 6, 1),
    )
    indicator = Indicator.objects.create(
        measure=secret,
        contract=contract,
        level="output",
        name=f"{RECORD_MARK} indicator",
        unit="people",
        direction="higher",
    )
    return Marked(
        records=[plan, version, objective, secret, partner, budget, milestone, indicator],
        fillers={
            "version_id": [str(version.pk)],
            "objective_id": [str(objective.pk)],
            "measure_id": [str(secret.pk), str(public.pk)],
            "indicator_id": [str(indicator.pk)],
            "partner_id": [str(partner.pk)],
            "budget_id": [str(budget.pk)],
            "milestone_id": [str(milestone.pk)],
        },
    )
