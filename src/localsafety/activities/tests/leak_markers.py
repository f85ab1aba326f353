"""Contract A's marked activity records for the leak walk (``testing/leakwalk.py``): one per
contract-owned model of this app, all restricted (``RECORD_MARK``): activities are never on
a public page (the national view shows only computed totals)."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from localsafety.activities import services
from localsafety.activities.importing import activities_import
from localsafety.activities.models import ActivityCost
from localsafety.activities.rules import ActivityValues
from localsafety.plans.models import FundingSource
from localsafety.plans.reference import ensure_plan_reference
from localsafety.testing.leakwalk import RECORD_MARK, Marked, marker


@marker
def activities_marked(world) -> Marked:
    import datetime as dt

    ensure_plan_reference()
    activity = services.activity_create(
        actor=world.partner_a,
        contract=world.contract_a,
        values=ActivityValues(
            organisation_id=world.ngo_a.pk,
            kind="session",
            title=f"{RECORD_MARK} activity",
            description=f"{RECORD_MARK} activity notes",
            place_name=f"{RECORD_MARK} place",
            starts_on=dt.date(2017, 3, 1),
            costs={FundingSource.objects.get(code="municipality").pk: Decimal("12.50")},
        ),
    )
    evidence = services.evidence_add(
        actor=world.partner_a,
        activity=activity,
        upload=SimpleUploadedFile("sheet.csv", f"{RECORD_MARK};1\n".encode()),
        title=f"{RECORD_MARK} evidence",
    )
    result = activities_import(
        actor=world.partner_a,
        contract=world.contract_a,
        data=f"date;title;kind\n01/03/2017;{RECORD_MARK} imported;session\n".encode(),
        file_label=f"{RECORD_MARK}.csv",
    )
    cost = ActivityCost.objects.get(activity=activity)
    return Marked(
        records=[activity, evidence, result.batch, cost],
        fillers={"activity_id": [str(activity.pk)], "evidence_id": [str(evidence.pk)]},
    )
