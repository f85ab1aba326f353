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
            "matrix_indicator_id": [str(national.pk)] if national else ["1"],
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


def _marked_results(police: bool) -> dict:
    cell = {"cell": "8839336291fffff", "count": 12, "hotspot": "hot", "lisa": "high-high"}
    results = {
        "resolution": 8,
        "cells": [{**cell, "z": 3.2, "p": 0.001, "q": 0.002} if police else cell],
        "hotspot_summary": {"cells": 30, "hot": 1, "cold": 0, "alpha": 0.05},
        "concentration": {
            "places": 30,
            "top_1": 0.3,
            "top_5": 0.5,
            "gini": 0.6,
            "lorenz": [[0.0, 0.0], [0.5, 0.2], [1.0, 1.0]],
        },
        "stability": {"hot_year": 2023, "crime_year": 2024, "hotspots": 0},
        "seasonality": {"grid": [[12.0] * 24 for _ in range(7)]},
        "threshold": None if police else 10,
    }
    if police:
        results["near_repeat"] = {
            "incidents": 3,
            "distance_edges_m": [100.0],
            "time_edges_days": [7.0],
            "observed": [[1, 0], [1, 1]],
            "expected": [[0.5, 0.5], [1.0, 1.0]],
            "ratio": [[2.0, 0.0], [1.0, 1.0]],
            "p_value": [[0.2, 1.0], [0.5, 0.5]],
            "permutations": 9,
        }
        results["points"] = [
            {"lon": -9.15, "lat": 38.74, "at": "2024-05-01T22:30:00+00:00", "category": RECORD_MARK}
        ]
    return results


@marker
def analysis_runs_marked(world) -> Marked:
    """A police run (PSP's people on A only) and an aggregate run (A's members)."""
    from localsafety.diagnosis.models import AnalysisRun, RunStatus

    common = {
        "contract": world.contract_a,
        "period_start": dt.date(2023, 1, 1),
        "period_end": dt.date(2024, 12, 31),
        "status": RunStatus.DONE,
        "progress": 100,
        "finished_at": dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
        "resolution": 8,
    }
    police = AnalysisRun.objects.create(
        **common,
        police_organisation=world.psp,
        requested_by=world.commander_a,
        message=f"{RECORD_MARK} police run",
        datasets=[{"organisation": "PSP", "file": f"{RECORD_MARK}.csv"}],
        results=_marked_results(True),
    )
    aggregate = AnalysisRun.objects.create(
        **common,
        requested_by=world.partner_a,
        message=f"{RECORD_MARK} aggregate run",
        datasets=[{"organisation": f"{RECORD_MARK} force"}],
        results=_marked_results(False),
    )
    # A problem whose evidence is the aggregate run's hot cell and a figure of the document.
    problem = services.problem_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        title=f"{RECORD_MARK} problem with evidence",
        evidence_links=["figure:hotspots", f"hotspot:{aggregate.pk}:8839336291fffff"],
    )
    return Marked(
        records=[police, aggregate, problem, *problem.evidence_links.all()],
        fillers={"run_id": [str(police.pk), str(aggregate.pk)]},
    )
