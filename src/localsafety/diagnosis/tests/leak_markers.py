"""Contract A's marked diagnosis records for the leak walk (``testing/leakwalk.py``), and the
police force's (PSP, seated on A's committee) marked incident data: only PSP's members may
ever read those."""

from __future__ import annotations

import datetime as dt

from localsafety.contracts.models import StageDecision, StageKind, StageStatus
from localsafety.diagnosis import selectors, services
from localsafety.diagnosis.models import (
    CountUnit,
    CrimeCategory,
    DiagnosisSnapshot,
    Incident,
    IncidentCount,
    IncidentDataset,
    IncidentSource,
    LocationMethod,
)
from localsafety.testing.leakwalk import RECORD_MARK, Marked, marker


@marker
def diagnosis_marked(world) -> Marked:
    problem = services.problem_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        title=f"{RECORD_MARK} problem",
        description=f"{RECORD_MARK} problem description",
        evidence=f"{RECORD_MARK} problem evidence",
    )
    local = services.local_indicator_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        values={
            "code": "marked-local",
            "name_en": f"{RECORD_MARK} local indicator",
            "name_pt": f"{RECORD_MARK} indicador local",
            "definition": f"{RECORD_MARK} definition",
            "unit": "percent",
            "theme": "social",
            "source": f"{RECORD_MARK} source",
            "formula": "population_share_65_plus",
            "parameter": "",
        },
    )
    national = selectors.matrix_indicators(selectors.current_matrix()).first()
    # Approving the diagnosis freezes it (with the marked problem) into a snapshot.
    stage = world.contract_a.stages.get(kind=StageKind.DIAGNOSIS)
    decision = StageDecision.objects.create(
        stage=stage,
        contract=world.contract_a,
        action="approve",
        actor=world.mayor_a,
        status_before=StageStatus.SUBMITTED,
        status_after=StageStatus.APPROVED,
        comment=f"{RECORD_MARK} approval",
    )
    snapshot = DiagnosisSnapshot.objects.get(decision=decision)
    return Marked(
        records=[problem, local, snapshot],
        fillers={
            "problem_id": [str(problem.pk)],
            "indicator_id": [str(national.pk)] if national else ["1"],
        },
    )


@marker
def incident_data_marked(world) -> Marked:
    psp = world.psp
    source = IncidentSource.objects.create(
        organisation=psp,
        name=f"{RECORD_MARK} source",
        columns={"record_id": f"{RECORD_MARK}_id"},
        category_codes={f"{RECORD_MARK}1": "vehicle-theft"},
        created_by=world.commander_a,
    )
    dataset = IncidentDataset.objects.create(
        organisation=psp,
        source=source,
        original_name=f"{RECORD_MARK}.csv",
        imported_by=world.commander_a,
        status="done",
        message=f"{RECORD_MARK} message",
    )
    category = CrimeCategory.objects.get(code="vehicle-theft")
    moment = dt.datetime(2024, 5, 1, 22, 30, tzinfo=dt.UTC)
    incident = Incident.objects.create(
        organisation=psp,
        dataset=dataset,
        source=source,
        source_record_id=f"{RECORD_MARK}-1",
        category=category,
        occurred_from=moment,
        occurred_to=moment,
        lon=-9.15,
        lat=38.74,
        location_method=LocationMethod.POINT,
        parish=world.parish_a,
        municipality=world.municipality_a,
    )
    count = IncidentCount.objects.create(
        organisation=psp,
        unit=CountUnit.H3_8,
        unit_code="88393750a5fffff",  # RECORD_MARK cannot be a cell: the count is the secret
        year=2024,
        month=5,
        category=category,
        count=1,
    )
    return Marked(
        records=[source, dataset, incident, count],
        fillers={
            "dataset_id": [str(dataset.pk)],
            "source_id": [str(source.pk)],
            "incident_id": [str(incident.pk)],
        },
    )
