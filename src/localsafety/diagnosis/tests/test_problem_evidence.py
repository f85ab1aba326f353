"""Evidence linked to a problem (issue 9, point 5): figures of the document, indicators of the
matrix, aggregate analysis runs and their significant hot cells; refused when they are not
the contract's, shown on the problems page, in the document, its snapshot and PDF, and
through the API under the same rules."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from localsafety.contracts import services as contract_services
from localsafety.core.errors import DomainError
from localsafety.diagnosis import pdf, services
from localsafety.diagnosis.models import (
    AnalysisRun,
    DiagnosisSnapshot,
    Problem,
    ProblemEvidence,
    RunStatus,
)

HOT = "8839336291fffff"
HOT_HIDDEN = "8839336293fffff"
NOT_SIGNIFICANT = "8839336295fffff"
COLD = "8839336297fffff"


def _run(world, contract=None, *, police=False, status=RunStatus.DONE) -> AnalysisRun:
    cells = [
        {"cell": HOT, "count": "25–49", "hotspot": "hot", "gi_bin": 3, "lisa": ""},
        {"cell": HOT_HIDDEN, "count": None, "hotspot": "hot", "gi_bin": 1, "lisa": ""},
        {"cell": NOT_SIGNIFICANT, "count": "10–24", "hotspot": "", "gi_bin": 0, "lisa": ""},
        {"cell": COLD, "count": "10–24", "hotspot": "cold", "gi_bin": -2, "lisa": ""},
    ]
    return AnalysisRun.objects.create(
        contract=contract or world.contract_a,
        police_organisation=world.psp if police else None,
        requested_by=world.partner_a,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        status=status,
        progress=100,
        finished_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
        resolution=8,
        results={"cells": cells, "hotspot_summary": {"alpha": 0.05}},
    )


def _create(world, *keys, actor=None) -> Problem:
    return services.problem_create(
        actor=actor or world.partner_a,
        contract=world.contract_a,
        title="Burglaries around the station",
        evidence_links=list(keys),
    )


# --- services -------------------------------------------------------------------------------


def test_every_kind_of_evidence_is_stored_with_the_problems_contract(world):
    run = _run(world)
    problem = _create(
        world,
        "figure:trend",
        "indicator:crime-rate",
        f"run:{run.pk}",
        f"hotspot:{run.pk}:{HOT}",
        "figure:trend",  # twice: once
    )
    links = list(problem.evidence_links.all())
    assert [link.key for link in links] == [
        "figure:trend",
        "indicator:crime-rate",
        f"run:{run.pk}",
        f"hotspot:{run.pk}:{HOT}",
    ]
    assert {link.contract_id for link in links} == {world.contract_a.pk}


def test_a_local_indicator_of_the_contract_is_evidence_but_not_anothers(world):
    values = {
        "code": "lonely-elderly",
        "name_en": "Elderly living alone",
        "name_pt": "Idosos sós",
        "definition": "d",
        "unit": "percent",
        "theme": "social",
        "source": "INE",
        "formula": "population_share_65_plus",
        "parameter": "",
    }
    services.local_indicator_create(
        actor=world.coordinator_b, contract=world.contract_b, values=values
    )
    with pytest.raises(DomainError):
        _create(world, "indicator:lonely-elderly")
    services.local_indicator_create(
        actor=world.coordinator_a, contract=world.contract_a, values=values
    )
    assert _create(world, "indicator:lonely-elderly").evidence_links.get().indicator_code == (
        "lonely-elderly"
    )


@pytest.mark.parametrize(
    "case",
    [
        "other_contract_run",
        "other_contract_hotspot",
        "police_run",
        "police_hotspot",
        "unfinished_run",
        "not_significant",
        "cold_cell",
        "unknown_cell",
        "unknown_indicator",
        "unknown_figure",
        "unknown_kind",
        "bad_run_id",
    ],
)
def test_evidence_that_is_not_the_contracts_is_refused(world, case):
    mine = _run(world)
    theirs = _run(world, world.contract_b)
    police = _run(world, police=True)
    queued = _run(world, status=RunStatus.QUEUED)
    key = {
        "other_contract_run": f"run:{theirs.pk}",
        "other_contract_hotspot": f"hotspot:{theirs.pk}:{HOT}",
        "police_run": f"run:{police.pk}",
        "police_hotspot": f"hotspot:{police.pk}:{HOT}",
        "unfinished_run": f"run:{queued.pk}",
        "not_significant": f"hotspot:{mine.pk}:{NOT_SIGNIFICANT}",
        "cold_cell": f"hotspot:{mine.pk}:{COLD}",
        "unknown_cell": f"hotspot:{mine.pk}:8839336299fffff",
        "unknown_indicator": "indicator:no-such-indicator",
        "unknown_figure": "figure:pie",
        "unknown_kind": "rumour:1",
        "bad_run_id": "run:x1",
    }[case]
    with pytest.raises(DomainError):
        _create(world, "figure:trend", key)
    assert not Problem.objects.exists() and not ProblemEvidence.objects.exists()


def test_an_update_replaces_the_links_or_leaves_them(world):
    run = _run(world)
    problem = _create(world, "figure:trend")
    fields = {"title": "t", "description": "", "axis": None, "evidence": "note"}
    services.problem_update(
        actor=world.partner_a,
        problem=problem,
        expected_version=1,
        evidence_links=[f"hotspot:{run.pk}:{HOT}"],
        **fields,
    )
    assert [link.cell for link in problem.evidence_links.all()] == [HOT]
    services.problem_update(actor=world.partner_a, problem=problem, expected_version=2, **fields)
    assert problem.evidence_links.count() == 1
    with pytest.raises(DomainError):
        services.problem_update(
            actor=world.partner_a,
            problem=problem,
            expected_version=3,
            evidence_links=["indicator:nope"],
            **fields,
        )
    assert problem.evidence_links.get().cell == HOT


# --- pages ----------------------------------------------------------------------------------


def test_the_form_offers_the_evidence_and_round_trips_it(world, client_for):
    run = _run(world)
    _run(world, police=True)
    core = client_for(world.partner_a)
    create = reverse("diagnosis:problem_create", args=[world.contract_a.pk])
    form = core.get(create).content.decode()
    assert 'value="figure:heat"' in form and 'value="indicator:crime-rate"' in form
    assert f'value="run:{run.pk}"' in form
    # Hot cells only, labelled with the counts the run stored for every member.
    assert f'value="hotspot:{run.pk}:{HOT}"' in form
    assert "Hot spot 99 % — cell 88393362…, 25–49 incidents" in form
    assert "Hot spot 90 % — cell 88393362…, incidents hidden" in form
    assert NOT_SIGNIFICANT not in form and COLD not in form
    assert form.count("hotspot:") == 2  # the police run's cells are not offered
    response = core.post(
        create,
        {
            "title": "Burglaries",
            "evidence": "Seen on the audit walk",
            "evidence_figures": ["figure:hotspots"],
            "evidence_indicators": ["indicator:crime-rate"],
            "evidence_hotspots": [f"hotspot:{run.pk}:{HOT}"],
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert [link.key for link in problem.evidence_links.all()] == [
        "figure:hotspots",
        "indicator:crime-rate",
        f"hotspot:{run.pk}:{HOT}",
    ]
    edit = reverse("diagnosis:problem_edit", args=[world.contract_a.pk, problem.pk])
    page = core.get(edit).content.decode()
    assert re.search(r'value="figure:hotspots"[^>]*checked', page)
    assert not re.search(r'value="figure:trend"[^>]*checked', page)
    response = core.post(
        edit,
        {"title": "Burglaries", "version": 1, "evidence_runs": [f"run:{run.pk}"]},
    )
    assert response.status_code == 302
    assert [link.key for link in problem.evidence_links.all()] == [f"run:{run.pk}"]
    # A forged key is refused like any other invalid choice; nothing changes.
    forged = core.post(edit, {"title": "Burglaries", "version": 2, "evidence_runs": ["run:999999"]})
    assert forged.status_code == 400
    assert [link.key for link in problem.evidence_links.all()] == [f"run:{run.pk}"]


def test_the_list_and_the_document_link_the_evidence(world, client_for):
    run = _run(world)
    problem = _create(world, "figure:trend", "indicator:crime-rate", f"hotspot:{run.pk}:{HOT}")
    document = reverse("diagnosis:document", args=[world.contract_a.pk])
    run_page = reverse("analyses:run", args=[world.contract_a.pk, run.pk])
    for url in (reverse("diagnosis:problems", args=[world.contract_a.pk]), document):
        body = client_for(world.mayor_a).get(url).content.decode()
        assert f'href="{document}#figure-trend"' in body
        assert f'href="{document}#indicator-crime-rate"' in body
        assert f'href="{run_page}#cell-{HOT}"' in body
        assert "Hot spot 99 % — cell 88393362…, 25–49 incidents" in body
    assert problem.evidence_links.count() == 3
    # The run page has the anchor the hot spot links to.
    assert f'id="cell-{HOT}"' in client_for(world.mayor_a).get(run_page).content.decode()


def test_the_snapshot_keeps_the_evidence_labels_and_the_pdf_lists_them(world, client_for, tmp_path):
    run = _run(world)
    _create(world, "figure:heat", f"hotspot:{run.pk}:{HOT}")
    stage = world.contract_a.stages.get(kind="diagnosis")
    contract_services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Burglaries.",
    )
    stage.refresh_from_db()
    contract_services.stage_decide(
        actor=world.mayor_a, stage=stage, action="approve", expected_version=stage.version
    )
    snapshot = DiagnosisSnapshot.objects.get(contract=world.contract_a)
    labels = [link["label"] for link in snapshot.problems[0]["evidence_links"]]
    assert labels[0] == "Heat grid by weekday and hour"
    assert labels[1].startswith("Hot spot 99 % — cell 88393362…, 25–49 incidents")
    # Later the links change: the approved document still shows what was approved.
    ProblemEvidence.objects.all().delete()
    body = (
        client_for(world.partner_a)
        .get(reverse("diagnosis:document", args=[world.contract_a.pk]))
        .content.decode()
    )
    assert "Heat grid by weekday and hour" in body
    from localsafety.diagnosis.document import document_for

    frozen = document_for(world.contract_a)
    source = pdf.write_source(tmp_path, title="t", document=frozen, charts=[])
    assert "Heat grid by weekday and hour" in source
    response = client_for(world.partner_a).get(
        reverse("diagnosis:document_pdf", args=[world.contract_a.pk])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- API ------------------------------------------------------------------------------------


def _api(contract, problem_id=None) -> str:
    if problem_id is None:
        return reverse("api:contract-problems", args=[contract.pk])
    return reverse("api:problem-detail", args=[contract.pk, problem_id])


def test_the_api_reads_and_writes_the_links_under_the_same_rules(world, api_for):
    run = _run(world)
    police = _run(world, police=True)
    theirs = _run(world, world.contract_b)
    links = [
        {"kind": "figure", "figure": "choropleth"},
        {"kind": "indicator", "indicator": "crime-rate"},
        {"kind": "hotspot", "run": run.pk, "cell": HOT},
    ]
    created = api_for(world.partner_a).post(
        _api(world.contract_a), {"title": "Burglaries", "evidence_links": links}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert [(link["kind"], link["run"], link["cell"]) for link in body["evidence_links"]] == [
        ("figure", None, ""),
        ("indicator", None, ""),
        ("hotspot", run.pk, HOT),
    ]
    document = reverse("diagnosis:document", args=[world.contract_a.pk])
    assert body["evidence_links"][0]["url"] == f"{document}#figure-choropleth"
    problem_id = body["id"]
    read = api_for(world.commander_a).get(_api(world.contract_a)).json()["results"][0]
    assert read["evidence_links"] == body["evidence_links"]
    # Refused: a police run, a run of another contract, a missing field, a cold cell.
    for bad in (
        {"kind": "run", "run": police.pk},
        {"kind": "run", "run": theirs.pk},
        {"kind": "hotspot", "run": run.pk},
        {"kind": "hotspot", "run": run.pk, "cell": COLD},
    ):
        response = api_for(world.partner_a).patch(
            _api(world.contract_a, problem_id),
            {"evidence_links": [bad], "version": 1},
            format="json",
        )
        assert response.status_code == 400, bad
    patched = api_for(world.partner_a).patch(
        _api(world.contract_a, problem_id),
        {"evidence_links": [{"kind": "run", "run": run.pk}], "version": 1},
        format="json",
    )
    assert patched.status_code == 200
    assert [link["kind"] for link in patched.json()["evidence_links"]] == ["run"]
    # The committee's police commander reads but does not record; outsiders see nothing.
    assert (
        api_for(world.commander_a)
        .patch(
            _api(world.contract_a, problem_id),
            {"evidence_links": [], "version": 2},
            format="json",
        )
        .status_code
        == 403
    )
    for who in ("partner_b", "stranger"):
        client = api_for(getattr(world, who))
        assert client.get(_api(world.contract_a, problem_id)).status_code == 404
        assert (
            client.patch(
                _api(world.contract_a, problem_id),
                {"evidence_links": [], "version": 2},
                format="json",
            ).status_code
            == 404
        )
    assert ProblemEvidence.objects.get().run == run
