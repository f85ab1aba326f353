"""The live diagnosis document is kept whole in the cache: each test warms the page, changes one
of the things the document is computed from, and reads the change at once. Each test fails if
its part of the cache key (``document.document_key``) is taken out.

The approved document keeps its text in every language of the site: approved in one language,
it reads in the reader's, with the same numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from localsafety.diagnosis import services
from localsafety.diagnosis.aggregates import ALL
from localsafety.diagnosis.document import document_for
from localsafety.diagnosis.document_figures import document_figures, indicator_lines
from localsafety.diagnosis.models import (
    AnalysisRun,
    CountUnit,
    CrimeCategory,
    DiagnosisSnapshot,
    IncidentCount,
    IncidentDataset,
    IncidentSource,
    RunStatus,
    StatisticsDataset,
)
from localsafety.diagnosis.pdf import write_source
from localsafety.diagnosis.tests.test_crime_aggregates import (  # noqa: F401 - fixture
    LISBOA,
    LUMIAR,
    crime,
)
from localsafety.diagnosis.tests.test_document_figures import (  # noqa: F401 - fixture
    PEOPLE,
    TOTAL,
    _dataset,
    _decide,
    _publish,
    _svg,
    rate,
    stats,
)
from localsafety.organisations.models import User

pytestmark = pytest.mark.django_db


def _page(client_for, world, who=None) -> str:
    response = client_for(who or world.partner_a).get(
        reverse("diagnosis:document", args=[world.contract_a.pk])
    )
    assert response.status_code == 200
    return response.content.decode()


def _cell(contract, area, group, year):
    for row in document_for(contract)["figures"]["rows"]:
        if (row["area_code"], row["category_code"], row["year"]) == (area, group, year):
            return row["count"]
    raise KeyError((area, group, year))


# --- what the live document is computed from ------------------------------------------------


def test_a_new_problem_shows_at_once(world, client_for):
    assert "Graffiti on the school" not in _page(client_for, world)
    services.problem_create(
        actor=world.partner_a, contract=world.contract_a, title="Graffiti on the school"
    )
    assert "Graffiti on the school" in _page(client_for, world)


def test_an_import_that_changes_a_count_shows_at_once(crime):  # noqa: F811
    world = crime
    before = _cell(world.contract_a, LISBOA, ALL, None)
    assert before is not None
    # An import adds to a count already stored (the upsert keeps the row, and its key).
    row = IncidentCount.objects.filter(unit=CountUnit.MUNICIPALITY, unit_code=LISBOA).first()
    IncidentCount.objects.filter(pk=row.pk).update(count=row.count + 100)
    source = IncidentSource.objects.create(organisation=world.psp, name="PSP records")
    IncidentDataset.objects.create(
        organisation=world.psp,
        source=source,
        original_name="late.csv",
        status="done",
        finished_at=timezone.now(),
    )
    assert _cell(world.contract_a, LISBOA, ALL, None) == before + 100


def test_counts_rebuilt_without_a_data_set_show_at_once(crime):  # noqa: F811
    world = crime
    before = _cell(world.contract_a, LISBOA, ALL, None)
    # A recount (or a bulk load) writes count rows with no data set of its own.
    IncidentCount.objects.create(
        organisation=world.psp,
        unit=CountUnit.MUNICIPALITY,
        unit_code=LISBOA,
        year=2024,
        month=7,
        category=CrimeCategory.objects.get(code="shoplifting"),
        count=500,
    )
    assert _cell(world.contract_a, LISBOA, ALL, None) == before + 500


def test_the_small_count_threshold_applies_at_once(crime, settings):  # noqa: F811
    world = crime
    assert _cell(world.contract_a, LUMIAR, "persons", 2024) is None
    settings.LOCALSAFETY_SMALL_COUNT_THRESHOLD = 1
    assert _cell(world.contract_a, LUMIAR, "persons", 2024) is not None


def test_a_new_statistics_data_set_shows_at_once(stats, client_for):  # noqa: F811
    world = stats
    old = rate(TOTAL["1106"][-1], PEOPLE["1106"][0])
    assert f"{old:.2f}" in _svg(_page(client_for, world), "trend")
    StatisticsDataset.objects.update(is_current=False)
    _publish(_dataset("crimes, revised"), stats.areas, TOTAL, "total", scale=2.0)
    new = rate(TOTAL["1106"][-1] * 2, PEOPLE["1106"][0])
    assert f"{new:.2f}" in _svg(_page(client_for, world), "trend")


def test_a_run_finished_by_the_worker_shows_at_once(stats, client_for):  # noqa: F811
    from localsafety.diagnosis.tests.leak_markers import _marked_results

    world = stats
    run = AnalysisRun.objects.create(
        contract=world.contract_a,
        requested_by=world.partner_a,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        status=RunStatus.QUEUED,
        resolution=8,
    )
    assert "Hot spots on the H3 grid" not in _page(client_for, world)
    # The worker finishes a run with a bulk update (no signal, no generation moved).
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        finished_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        results=_marked_results(False),
    )
    assert "Hot spots on the H3 grid" in _page(client_for, world)


def test_a_new_matrix_version_shows_at_once(stats, client_for):  # noqa: F811
    from localsafety.diagnosis.selectors import current_matrix
    from localsafety.diagnosis.tests.test_indicators import VALUES

    world = stats
    name = VALUES["name_en"]
    assert name not in _page(client_for, world)
    services.indicator_matrix_change(
        actor=world.national,
        expected_version=current_matrix().version,
        note="Social",
        values=VALUES,
    )
    assert name in _page(client_for, world)


def test_approval_and_reopening_show_at_once(world, client_for):
    assert "Draft" in _page(client_for, world)
    _decide(world.coordinator_a, world.contract_a, "submit")
    _decide(world.mayor_a, world.contract_a, "approve")
    services.problem_create(actor=world.partner_a, contract=world.contract_a, title="Late one")
    approved = _page(client_for, world)
    assert "Approved on" in approved and "Late one" not in approved
    _decide(world.mayor_a, world.contract_a, "reopen", comment="More problems")
    reopened = _page(client_for, world)
    assert "Draft" in reopened and "Late one" in reopened


def test_each_language_has_its_own_document(stats, client_for):  # noqa: F811
    world = stats
    assert "Registered crime per 1,000 residents" in _page(client_for, world)
    User.objects.filter(pk=world.partner_a.pk).update(language="pt-pt")
    world.partner_a.language = "pt-pt"
    body = _page(client_for, world)
    assert "Criminalidade registada por 1000" in body
    assert "Registered crime per 1,000 residents" not in body


def test_a_warm_page_reads_the_document_from_the_cache(stats, client_for):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = stats
    client = client_for(world.partner_a)
    url = reverse("diagnosis:document", args=[world.contract_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    listing = "\n".join(q["sql"] for q in context.captured_queries)
    # Only the key's aggregates: no count, statistic, problem or run is read again.
    for table in ("statisticvalue", "problem", 'analysisrun"."results', "localindicator"):
        assert not re.search(rf'"diagnosis_{table}', listing), table
    assert not re.search(r"SUM\(\"diagnosis_incidentcount", listing)


# --- the approved document in every language ------------------------------------------------


def _approve_in(world, language: str) -> None:
    with translation.override(language):
        _decide(world.coordinator_a, world.contract_a, "submit")
        _decide(world.mayor_a, world.contract_a, "approve")


def _frozen_in(contract, language: str):
    with translation.override(language):
        document = document_for(contract)
        return document, document_figures(document)


@pytest.mark.parametrize(
    ("approver", "reader", "title"),
    [
        ("pt-pt", "en", "Registered crime per 1,000 residents"),
        ("en", "pt-pt", "Criminalidade registada por 1000"),
    ],
)
def test_the_approved_document_reads_in_the_readers_language(
    stats,  # noqa: F811
    client_for,
    tmp_path,
    approver,
    reader,
    title,
):
    world = stats
    _approve_in(world, approver)
    snapshot = DiagnosisSnapshot.objects.get(contract=world.contract_a)
    # What the crime release reads stays where it was.
    assert {"rows", "years", "threshold"} <= snapshot.figures.keys()
    theirs, their_figures = _frozen_in(world.contract_a, approver)
    mine, my_figures = _frozen_in(world.contract_a, reader)
    assert mine["frozen"] is True
    assert any(title in figure.title for figure in my_figures)
    assert not any(title in figure.title for figure in their_figures)

    # The numbers are the same in every language.
    def numbers(rows):
        return [{k: v for k, v in row.items() if k != "category_name"} for row in rows]

    assert numbers(mine["figures"]["rows"]) == numbers(theirs["figures"]["rows"])
    assert mine["figures"]["years"] == theirs["figures"]["years"]
    assert mine["figures"]["threshold"] == theirs["figures"]["threshold"]

    def rates(figure):
        return [s["rates"] for s in figure["series"]]

    assert rates(mine["figures"]["trend"]) == rates(theirs["figures"]["trend"])
    assert [
        (a["crimes"], a["residents"], a["rate"]) for a in mine["figures"]["choropleth"]["areas"]
    ] == [
        (a["crimes"], a["residents"], a["rate"]) for a in theirs["figures"]["choropleth"]["areas"]
    ]
    # The page and the PDF read in the reader's language.
    User.objects.filter(pk=world.partner_a.pk).update(language=reader)
    world.partner_a.language = reader
    body = _page(client_for, world)
    assert title in body
    with translation.override(reader):
        source = write_source(
            tmp_path,
            title="Diagnosis",
            document=mine,
            charts=[],
            figures=my_figures,
            indicators=indicator_lines(mine),
        )
    assert title in source
    pdf = client_for(world.partner_a).get(
        reverse("diagnosis:document_pdf", args=[world.contract_a.pk])
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_snapshot_stored_in_one_language_still_reads(stats, client_for):  # noqa: F811
    world = stats
    _approve_in(world, "en")
    snapshot = DiagnosisSnapshot.objects.get(contract=world.contract_a)
    snapshot.figures.pop("languages")
    DiagnosisSnapshot.objects.filter(pk=snapshot.pk).update(figures=snapshot.figures)
    User.objects.filter(pk=world.partner_a.pk).update(language="pt-pt")
    world.partner_a.language = "pt-pt"
    body = _page(client_for, world)
    # As it was approved: in English.
    assert "Registered crime per 1,000 residents" in body
