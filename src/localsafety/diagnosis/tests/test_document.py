"""The diagnosis document: frozen on approval (later data does not change it), the same SVG
charts in page and PDF, and text from the data that cannot run as typst code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.contracts import services as contract_services
from localsafety.diagnosis import services
from localsafety.diagnosis.models import DiagnosisSnapshot
from localsafety.diagnosis.pdf import render_pdf
from localsafety.diagnosis.tests.test_crime_aggregates import crime  # noqa: F401 - fixture


def _decide(actor, contract, action):
    stage = contract.stages.get(kind="diagnosis")
    summary = "Threats concentrate in Lumiar." if action == "submit" else None
    contract_services.stage_decide(
        actor=actor, stage=stage, action=action, expected_version=stage.version, summary=summary
    )


def test_approval_freezes_the_document_and_later_data_does_not_change_it(
    crime,  # noqa: F811
    client_for,
):
    world = crime
    contract = world.contract_a
    services.problem_create(actor=world.partner_a, contract=contract, title="Threats in Lumiar")
    _decide(world.coordinator_a, contract, "submit")  # the lead organisation submits
    _decide(world.mayor_a, contract, "approve")
    snapshot = DiagnosisSnapshot.objects.get(contract=contract)
    assert [p["title"] for p in snapshot.problems] == ["Threats in Lumiar"]
    # The frozen figures are the suppressed ones: the small count is not in the document.
    small = [
        r
        for r in snapshot.figures["rows"]
        if (r["area_code"], r["category_code"], r["year"]) == ("110658", "persons", 2024)
    ]
    assert small[0]["count"] is None
    # New data and a new problem after approval: the page still shows what was approved.
    services.problem_create(actor=world.partner_a, contract=contract, title="Added later")
    url = reverse("diagnosis:document", args=[contract.pk])
    body = client_for(world.partner_a).get(url).content.decode()
    assert "Threats in Lumiar" in body and "Added later" not in body
    assert "Approved on" in body
    assert "<svg" in body
    from rest_framework.test import APIClient

    from localsafety.testing.auth import sign_in

    api = sign_in(APIClient(), world.national).get(
        reverse("api:contract-diagnosis", args=[contract.pk])
    )
    assert api.status_code == 200 and api.json()["frozen"] is True
    assert [p["title"] for p in api.json()["problems"]] == ["Threats in Lumiar"]
    outsider = sign_in(APIClient(), world.partner_b)
    assert outsider.get(reverse("api:contract-diagnosis", args=[contract.pk])).status_code == 404
    pdf = client_for(world.partner_a).get(reverse("diagnosis:document_pdf", args=[contract.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_draft_document_is_live_and_members_only(world, client_for):
    url = reverse("diagnosis:document", args=[world.contract_a.pk])
    services.problem_create(actor=world.partner_a, contract=world.contract_a, title="Vandalism")
    body = client_for(world.mayor_a).get(url).content.decode()
    assert "Vandalism" in body and "Draft" in body
    for who in (None, world.partner_b, world.stranger):
        for name in ("diagnosis:document", "diagnosis:document_pdf"):
            response = client_for(who).get(reverse(name, args=[world.contract_a.pk]))
            assert response.status_code in (302, 404)
            assert b"Vandalism" not in response.content


@pytest.mark.parametrize(
    "title", ['#panic("x")', '"] #panic("y") ["', '\\ #read("/etc/passwd")', "*bold* _it_ $x$"]
)
def test_text_from_the_data_is_never_typst_code(title):
    document = {
        "frozen": False,
        "approved_at": None,
        "matrix_version": 1,
        "figures": {"rows": [], "years": [], "threshold": 10, "provenance": title},
        "problems": [{"title": title, "evidence": title, "priority": None, "axis": ""}],
    }
    pdf = render_pdf(
        title=title,
        document=document,
        charts=[(title, "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>")],
    )
    assert pdf.startswith(b"%PDF")


def test_rates_beside_municipality_region_and_country_match_an_exact_poisson_reference(world):
    from decimal import Decimal

    from scipy.stats import chi2

    from localsafety.diagnosis.comparison import crime_rate_comparison
    from localsafety.diagnosis.models import (
        CrimeCategory,
        IndicatorKind,
        StatisticsDataset,
        StatisticValue,
    )
    from localsafety.territory.models import AreaPopulation

    total = CrimeCategory.objects.get(level="total")
    dataset = StatisticsDataset.objects.create(title="DGPJ", original_name="x.csv")
    municipalities = [world.municipality_a, world.municipality_b]
    people = {world.municipality_a.pk: 545_796, world.municipality_b.pk: 14_000}
    crimes = {world.municipality_a.pk: 41_250, world.municipality_b.pk: 7}
    for area in municipalities:
        AreaPopulation.objects.update_or_create(
            area=area, year=2021, defaults={"population": people[area.pk]}
        )
        StatisticValue.objects.create(
            dataset=dataset,
            area=area,
            indicator=IndicatorKind.CRIMES,
            category=total,
            year=2024,
            value=Decimal(crimes[area.pk]),
        )
    rows, provenance = crime_rate_comparison(world.municipality_b)
    # The document's first chart is the municipality's published series, in page and PDF.
    from django.test import Client

    from localsafety.testing.auth import sign_in

    page = sign_in(Client(), world.mayor_b).get(
        reverse("diagnosis:document", args=[world.contract_b.pk])
    )
    assert "Serpa: crimes registered by year" in page.content.decode()
    assert "Poisson" in provenance
    by_area = {row.area: row for row in rows}
    serpa = by_area[world.municipality_b.name]
    # Independent reference: Garwood's exact interval from the chi-square quantiles.
    lower = chi2.ppf(0.025, 2 * 7) / 2 / 14_000 * 1000
    upper = chi2.ppf(0.975, 2 * 8) / 2 / 14_000 * 1000
    assert serpa.rate == pytest.approx(7 / 14_000 * 1000)
    assert serpa.lower == pytest.approx(lower) and serpa.upper == pytest.approx(upper)
    country = by_area["Portugal"]
    assert country.crimes == 41_257 and country.residents == 559_796
    # Serpa's region (Alentejo) holds Serpa alone in this world.
    region = [r for r in rows if r.area.startswith("Region")]
    assert region and region[0].crimes == 7
