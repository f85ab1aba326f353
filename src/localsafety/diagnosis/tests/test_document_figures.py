"""The diagnosis document's figures and filled indicator matrix: the numbers are the ones an
independent computation gives, page and PDF show the same, suppressed counts never appear,
an approved document does not move when new data arrive (a reopened one does), and the page's
query count does not grow with the data."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import h3
import pytest
from django.urls import reverse

from localsafety.contracts import services as contract_services
from localsafety.diagnosis import analysis_services, services
from localsafety.diagnosis.document import document_for, live_document
from localsafety.diagnosis.document_figures import document_figures, indicator_lines
from localsafety.diagnosis.models import (
    AnalysisRun,
    CrimeCategory,
    IncidentCount,
    IndicatorKind,
    RunStatus,
    StatisticsDataset,
    StatisticValue,
)
from localsafety.diagnosis.pdf import render_pdf, write_source
from localsafety.diagnosis.tests.analysis_data import import_export
from localsafety.territory.models import Area, AreaKind, AreaPopulation

pytestmark = pytest.mark.django_db

YEARS = [2021, 2022, 2023, 2024, 2025]
#: Published crimes (all categories; crimes against persons) by municipality code and year.
TOTAL = {
    "1106": [41_250, 42_010, 44_930, 46_120, 47_800],
    "0212": [310, 295, 330, 342, 351],
    "1110": [4_900, 5_120, None, 5_310, 5_455],  # 2023 unpublished
}
PERSONS = {
    "1106": [9_100, 9_420, 9_800, 10_150, 10_400],
    "0212": [80, 75, 92, 88, 90],
    "1110": [1_200, 1_260, 1_310, 1_330, 1_350],
}
#: residents, under 15, 65 and over, km².
PEOPLE = {
    "1106": (545_796, 70_000, 128_000, Decimal("100.05")),
    "0212": (14_590, 1_700, 4_200, Decimal("1105.63")),
    "1110": (171_658, 25_000, 38_000, Decimal("45.88")),
}
SQUARE_OEIRAS = (
    '{"type":"Polygon","coordinates":'
    "[[[-9.32,38.67],[-9.2,38.67],[-9.2,38.75],[-9.32,38.75],[-9.32,38.67]]]}"
)


def _dataset(title: str) -> StatisticsDataset:
    return StatisticsDataset.objects.create(
        title=title, publisher="DGPJ / INE", original_name=f"{title}.csv"
    )


def _publish(dataset, areas, table, key, *, scale=1.0):
    category = CrimeCategory.objects.get(statistics_key=key)
    for code, values in table.items():
        for year, value in zip(YEARS, values, strict=True):
            StatisticValue.objects.create(
                dataset=dataset,
                area=areas[code],
                indicator=IndicatorKind.CRIMES,
                category=category,
                year=year,
                value=None if value is None else Decimal(round(value * scale)),
                provisional=year == 2025,
            )


@pytest.fixture
def stats(world):
    """Published series for Lisboa (A), Serpa (B) and a second municipality of A's region."""
    oeiras = Area.objects.create(
        kind=AreaKind.MUNICIPALITY,
        code="1110",
        name="Oeiras",
        nuts2_code="PT17",
        geometry=SQUARE_OEIRAS,
    )
    areas = {"1106": world.municipality_a, "0212": world.municipality_b, "1110": oeiras}
    for code, (people, young, old, km2) in PEOPLE.items():
        AreaPopulation.objects.update_or_create(
            area=areas[code],
            year=2021,
            defaults={
                "population": people,
                "population_under15": young,
                "population_65plus": old,
            },
        )
        Area.objects.filter(pk=areas[code].pk).update(area_km2=km2)
    dataset = _dataset("crimes")
    _publish(dataset, areas, TOTAL, "total")
    _publish(dataset, areas, PERSONS, "contraPessoas")
    world.areas = areas
    return world


def rate(count, people):
    return count / people * 1000


def _page(client_for, world, who=None):
    url = reverse("diagnosis:document", args=[world.contract_a.pk])
    response = client_for(who or world.partner_a).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _svg(body: str, ident: str) -> str:
    found = re.search(rf'<svg[^>]*aria-labelledby="{ident}-t[^"]*".*?</svg>', body, re.S)
    assert found, f"no {ident} figure"
    return found.group(0)


# --- the trend chart ------------------------------------------------------------------------


def test_the_trend_chart_shows_the_rates_computed_from_the_published_rows(stats, client_for):
    world = stats
    body = _page(client_for, world)
    svg = _svg(body, "trend")
    lisboa = [rate(c, PEOPLE["1106"][0]) for c in TOTAL["1106"]]
    # The region (PT17) is Lisboa plus Oeiras, blank in 2023 where Oeiras is unpublished.
    region = [
        None if o is None else rate(c + o, PEOPLE["1106"][0] + PEOPLE["1110"][0])
        for c, o in zip(TOTAL["1106"], TOTAL["1110"], strict=True)
    ]
    country_people = sum(p[0] for p in PEOPLE.values())
    country = [
        None if None in column else rate(sum(column), country_people)
        for column in zip(*TOTAL.values(), strict=True)
    ]
    for name, values in (("Lisboa", lisboa), ("Region PT17", region), ("Portugal", country)):
        for year, value in zip(YEARS, values, strict=True):
            mark = f"{name}, {year}"
            if value is None:
                assert mark not in svg
                continue
            provisional = " (provisional)" if year == 2025 else ""
            assert f"<title>{mark}{provisional}: {value:.2f}</title>" in svg
        # The text alternative gives the same numbers, one decimal.
        row = [f"{v:.1f}" if v is not None else "—" for v in values]
        assert re.search(
            r"<th scope=\"row\">"
            + re.escape(name)
            + r"</th>"
            + "".join(rf"<td>{re.escape(v)}</td>" for v in row),
            body,
        ), name
    assert "2025*" in svg and "provisional" in svg
    # The trend test's result is in the caption: an independent quasi-Poisson fit agrees.
    # Reference: the Poisson log-likelihood maximised numerically (scipy), not by IRLS.
    import numpy as np
    from scipy.optimize import minimize

    counts = np.array(TOTAL["1106"], dtype=float)
    t = np.array(YEARS, dtype=float) - 2023
    offset = np.log(np.full(5, PEOPLE["1106"][0], dtype=float))

    def minus_log_likelihood(beta):
        eta = beta[0] + beta[1] * t + offset
        return float(np.exp(eta).sum() - (counts * eta).sum())

    start = [float(np.log(counts.sum() / np.exp(offset).sum())), 0.0]
    best = minimize(
        minus_log_likelihood,
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20000},
    )
    ratio = float(np.exp(best.x[1]))
    assert f"rate × {ratio:.3f} per year" in body
    assert "Mann-Kendall: S = 10" in body  # strictly rising: every pair agrees
    # Provenance beneath: the dataset's source and the provisional year.
    assert "crimes (DGPJ / INE)" in body and "Provisional: 2025." in body


# --- the choropleth ---------------------------------------------------------------------------


def test_the_choropleth_shades_the_regions_municipalities_by_their_rate(stats, client_for):
    world = stats
    body = _page(client_for, world)
    svg = _svg(body, "choropleth")
    # The newest year the municipality published (2025, provisional) for each of PT17's.
    lisboa = rate(TOTAL["1106"][-1], PEOPLE["1106"][0])
    oeiras = rate(TOTAL["1110"][-1], PEOPLE["1110"][0])
    assert f"<title>Lisboa: {lisboa:.1f}</title>" in svg
    assert f"<title>Oeiras: {oeiras:.1f}</title>" in svg
    assert "Serpa" not in svg  # another region
    assert "in 2025 (provisional)" in body
    # Lisboa is outlined (a path without fill drawn after the shaded ones) and in the legend.
    assert svg.count('fill="none" stroke="#000000"') == 1
    assert "unpublished" in svg


def test_class_breaks_are_quantiles_and_every_rate_falls_in_its_class():
    import numpy as np

    from localsafety.diagnosis.figure_data import class_breaks, class_of

    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    breaks = class_breaks(values)
    assert breaks == [round(float(q), 1) for q in np.quantile(values, [0.2, 0.4, 0.6, 0.8])]
    for value in values:
        klass = class_of(value, breaks)
        assert klass == sum(1 for b in breaks if value >= b)


# --- the analysis run's heat grid and hot-spot map ----------------------------------------------


@pytest.fixture
def run(stats, tmp_path, django_capture_on_commit_callbacks):
    world = stats
    import_export(world, tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        made = analysis_services.analysis_run_create(
            actor=world.partner_a,
            contract=world.contract_a,
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2024, 12, 31),
            categories=[],
            resolution=8,
            as_police=False,
        )
    made.refresh_from_db()
    assert made.status == RunStatus.DONE, made.message
    return made


def _raw_cell_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for code, count in IncidentCount.objects.filter(unit="h3_8").values_list("unit_code", "count"):
        counts[code] = counts.get(code, 0) + count
    return counts


def test_heat_grid_and_hot_spot_map_show_the_run_and_never_a_suppressed_count(
    stats, run, client_for, tmp_path
):
    world = stats
    contract = run.contract
    raw = _raw_cell_counts()
    cells = {c["cell"]: c for c in run.results["cells"]}
    suppressed = [code for code, cell in cells.items() if cell["count"] is None]
    assert suppressed, "the synthetic data must have small cells"
    pages = {
        name: _page(client_for, world, getattr(world, name))
        for name in ("partner_a", "commander_a")
    }
    # Police of the owning force see the same, aggregate-only document.
    assert _svg(pages["partner_a"], "hotspots") == _svg(pages["commander_a"], "hotspots")
    body = pages["partner_a"]
    hot_svg = _svg(body, "hotspots")
    titles = dict(re.findall(r"<title>([0-9a-f]{15}): incidents ([^<]*?) · ", hot_svg))
    assert set(titles) == set(cells)
    for code in suppressed:
        assert titles[code] == "suppressed"
        # The cell's raw count appears nowhere in its mark or its table row.
        row = re.search(rf"<th scope=\"row\">{code}</th>(.*?)</tr>", body, re.S)
        assert str(raw.get(code, "x")) not in titles[code]
        if row:
            assert re.search(rf"\b{raw[code]}\b", row.group(1)) is None
    for code, cell in cells.items():
        if cell["count"] is not None:
            assert titles[code] == cell["count"]  # a band such as 10–24, never an exact count
    # Gi* classes: the planted hot spot is a hot cell at the strongest confidence.
    from localsafety.diagnosis.tests.analysis_data import HOT

    planted = h3.latlng_to_cell(HOT[1], HOT[0], 8)
    assert "hot spot, 99 per cent confidence" in hot_svg
    assert re.search(rf"<title>{planted}: incidents [^<]*· hot spot", hot_svg)
    assert "<circle" not in hot_svg  # cells only, no points
    # The heat grid: bands or "suppressed", the same as the run stored.
    heat = _svg(body, "heat")
    grid = run.results["seasonality"]["grid"]
    monday_8 = grid[0][8]
    expected = "suppressed" if monday_8 is None else monday_8
    assert f"<title>Monday 08:00–08:59: {expected}</title>" in heat
    # Provenance of a run beneath its figures.
    assert "aggregate run: counts below 10 suppressed" in body
    # The PDF: the same figures, titles and numbers; no suppressed count either.
    document = document_for(contract)
    source = write_source(
        tmp_path,
        title="Diagnosis",
        document=document,
        charts=[],
        figures=document_figures(document),
        indicators=indicator_lines(document),
    )
    assert (tmp_path / "figure-hotspots.svg").read_text() == hot_svg
    assert (tmp_path / "figure-heat.svg").read_text() == heat
    assert "Hot spots on the H3 grid (resolution 8)" in source
    for code in suppressed:
        line = re.search(rf'\[#"{code}"\], \[#"([^"]*)"\]', source)
        assert line is None or line.group(1) == "suppressed"
    shown = re.findall(r'\[#"([0-9a-f]{15})"\], \[#"([^"]*)"\]', source)
    assert shown and all(value == (cells[code]["count"] or "suppressed") for code, value in shown)
    pdf = render_pdf(
        title="Diagnosis",
        document=document,
        charts=[],
        figures=document_figures(document),
        indicators=indicator_lines(document),
    )
    assert pdf.startswith(b"%PDF")


# --- the indicator matrix, filled in ------------------------------------------------------------


def _indicator_cells(body: str, code: str) -> list[str]:
    row = re.search(rf'<tr id="indicator-{code}">(.*?)</tr>', body, re.S)
    assert row, code
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)


def test_the_matrix_is_filled_from_the_data_and_the_rest_is_labelled_not_computable(
    stats, client_for
):
    world = stats
    services.local_indicator_create(
        actor=world.coordinator_a,
        contract=world.contract_a,
        values={
            "code": "persons-change",
            "name_en": "Change in crimes against persons",
            "name_pt": "Variação dos crimes contra as pessoas",
            "definition": "Face ao ano anterior.",
            "unit": "percent",
            "theme": "crime",
            "source": "DGPJ",
            "formula": "crime_change",
            "parameter": "contraPessoas",
        },
    )
    body = _page(client_for, world)
    people = {code: p[0] for code, p in PEOPLE.items()}
    km2 = {code: float(p[3]) for code, p in PEOPLE.items()}
    region, country = ["1106", "1110"], ["1106", "1110", "0212"]

    def total(table, codes, year=-1):
        return sum(table[c][year] for c in codes)

    def crimes_rate(table, codes):
        return total(table, codes) / sum(people[c] for c in codes) * 1000

    expected = {
        # Lisboa covers its municipality whole: the territory's figure is the municipality's.
        "crime-rate": [crimes_rate(TOTAL, c) for c in (["1106"], ["1106"], region, country)],
        "persons-rate": [crimes_rate(PERSONS, c) for c in (["1106"], ["1106"], region, country)],
        "crime-change": [
            (total(TOTAL, c) - total(TOTAL, c, -2)) / total(TOTAL, c, -2) * 100
            for c in (["1106"], ["1106"], region, country)
        ],
        "population-65-plus": [
            sum(PEOPLE[x][2] for x in c) / sum(people[x] for x in c) * 100
            for c in (["1106"], ["1106"], region, country)
        ],
        "ageing-index": [
            sum(PEOPLE[x][2] for x in c) / sum(PEOPLE[x][1] for x in c) * 100
            for c in (["1106"], ["1106"], region, country)
        ],
        "population-density": [
            sum(people[x] for x in c) / sum(km2[x] for x in c)
            for c in (["1106"], ["1106"], region, country)
        ],
        "persons-change": [
            (total(PERSONS, c) - total(PERSONS, c, -2)) / total(PERSONS, c, -2) * 100
            for c in (["1106"], ["1106"], region, country)
        ],
    }
    for code, values in expected.items():
        cells = _indicator_cells(body, code)
        assert cells[1:5] == [f"{v:.1f}" for v in values], code
    assert _indicator_cells(body, "crime-rate")[0] == "2025 (provisional)"
    assert "local indicator" in body
    # Not published in this world: labelled, never a zero.
    for code in ("property-rate", "property-share", "homicide-rate"):
        cells = _indicator_cells(body, code)
        assert "Not computable from the data held" in cells[0]
        assert "0.0" not in "".join(cells)


def test_a_territory_smaller_than_its_municipality_gets_its_own_population_figures(stats):
    from localsafety.diagnosis.indicator_values import filled_matrix
    from localsafety.diagnosis.selectors import current_matrix, matrix_indicators

    world = stats
    world.contract_a.areas.remove(world.municipality_a)
    AreaPopulation.objects.create(
        area=world.parish_a,
        year=2021,
        population=45_605,
        population_under15=6_900,
        population_65plus=11_400,
    )
    filled = filled_matrix(world.contract_a, list(matrix_indicators(current_matrix())), [])
    rows = {row["code"]: row for row in filled["rows"]}
    assert rows["population-65-plus"]["values"]["territory"] == pytest.approx(
        11_400 / 45_605 * 100, abs=1e-4
    )
    # Crime statistics are published by municipality: no territory figure, and it says why.
    assert rows["crime-rate"]["values"]["territory"] is None
    assert rows["crime-rate"]["values"]["municipality"] is not None
    assert "published crime statistics are by municipality" in rows["crime-rate"]["note"]


# --- frozen on approval -------------------------------------------------------------------------


def _decide(actor, contract, action, comment=""):
    stage = contract.stages.get(kind="diagnosis")
    summary = "Crime rising in Lisboa." if action == "submit" else None
    contract_services.stage_decide(
        actor=actor,
        stage=stage,
        action=action,
        expected_version=stage.version,
        summary=summary,
        comment=comment,
    )


def test_an_approved_document_keeps_its_figures_until_reopened(stats, client_for, tmp_path):
    world = stats
    contract = world.contract_a
    _decide(world.coordinator_a, contract, "submit")
    _decide(world.mayor_a, contract, "approve")
    approved = _page(client_for, world)
    approved_trend = _svg(approved, "trend")
    approved_map = _svg(approved, "choropleth")
    old = rate(TOTAL["1106"][-1], PEOPLE["1106"][0])
    # A new import of the series replaces the old one for readers: every count doubles.
    StatisticsDataset.objects.update(is_current=False)
    _publish(_dataset("crimes, revised"), stats.areas, TOTAL, "total", scale=2.0)
    new = rate(TOTAL["1106"][-1] * 2, PEOPLE["1106"][0])
    assert live_document(contract)["figures"]["trend"]["series"][0]["rates"][-1] == pytest.approx(
        new, abs=1e-3
    )
    page = _page(client_for, world)
    assert _svg(page, "trend") == approved_trend and _svg(page, "choropleth") == approved_map
    assert f"{old:.2f}" in approved_trend and f"{new:.2f}" not in page
    assert _indicator_cells(page, "crime-rate")[1] == f"{old:.1f}"
    # The PDF of the approved diagnosis is drawn from the snapshot too.
    document = document_for(contract)
    assert document["frozen"] is True
    source = write_source(
        tmp_path,
        title="Diagnosis",
        document=document,
        charts=[],
        figures=document_figures(document),
        indicators=indicator_lines(document),
    )
    assert (tmp_path / "figure-trend.svg").read_text() == approved_trend
    assert f'[#"{old:.1f}"]' in source and f'[#"{new:.1f}"]' not in source
    pdf = client_for(world.partner_a).get(reverse("diagnosis:document_pdf", args=[contract.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Reopened: the document is live again and shows the new data.
    _decide(world.mayor_a, contract, "reopen", comment="Revised statistics")
    reopened = _page(client_for, world)
    assert "Draft" in reopened and f"{new:.2f}" in _svg(reopened, "trend")


# --- query count ----------------------------------------------------------------------------------


def _fake_run(world, cells: int) -> AnalysisRun:
    from localsafety.diagnosis.tests.leak_markers import _marked_results

    results = _marked_results(False)
    centre = h3.latlng_to_cell(38.745, -9.145, 8)
    ring = sorted(h3.grid_disk(centre, 12))[:cells]
    results["cells"] = [
        {"cell": c, "count": None if i % 3 else "10–24", "hotspot": "", "lisa": "", "gi_bin": 0}
        for i, c in enumerate(ring)
    ]
    return AnalysisRun.objects.create(
        contract=world.contract_a,
        requested_by=world.partner_a,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        status=RunStatus.DONE,
        finished_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        resolution=8,
        results=results,
    )


def test_the_document_page_is_pinned_whatever_the_cells_and_incidents(stats, client):
    from localsafety.testing.auth import sign_in
    from localsafety.testing.queries import count_queries

    world = stats
    sign_in(client, world.partner_a)
    url = reverse("diagnosis:document", args=[world.contract_a.pk])
    _fake_run(world, 3)
    client.get(url)
    counts = []
    for cells in (3, 300):
        _fake_run(world, cells)
        # More incidents counted at import (the aggregates the crime table reads).
        IncidentCount.objects.create(
            organisation=world.psp,
            unit="parish",
            unit_code=world.parish_a.code,
            year=2020 + cells % 7,
            month=1,
            category=CrimeCategory.objects.filter(level="category").first(),
            count=cells,
        )
        queries, response, listing = count_queries(lambda: client.get(url))
        assert response.content.decode().count("<path d=") >= cells
        counts.append((queries, listing))
    assert counts[0][0] == counts[1][0] == DOCUMENT_QUERIES, counts[1][1]
    # Warm: the published statistics' figures come from the cache while their inputs stay.
    from localsafety.testing.queries import assert_num_queries

    assert_num_queries(WARM_DOCUMENT_QUERIES, lambda: client.get(url))


# Cold: +9 for the whole document's cache key and its get and set, +5 for the crime release's.
DOCUMENT_QUERIES = 52
WARM_DOCUMENT_QUERIES = 15  # was 27: the whole document and its figures come from the cache


def test_the_api_gives_the_filled_matrix_the_page_shows(stats, api_for, client_for):
    world = stats
    response = api_for(world.partner_a).get(
        reverse("api:contract-diagnosis", args=[world.contract_a.pk])
    )
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["figures"]["indicators"]["rows"]}
    expected = rate(TOTAL["1106"][-1], PEOPLE["1106"][0])
    assert rows["crime-rate"]["values"]["municipality"] == pytest.approx(expected)
    assert rows["property-rate"]["computable"] is False
    assert rows["property-rate"]["values"]["municipality"] is None
    page = _page(client_for, world)
    assert _indicator_cells(page, "crime-rate")[2] == f"{expected:.1f}"


def test_the_document_in_portuguese_leaves_no_english_message(stats, run, client_for, settings):
    from localsafety.organisations.models import User
    from localsafety.testing.untranslated import english_on_page

    world = stats
    settings.LANGUAGE_CODE = "pt-pt"
    User.objects.filter(pk=world.partner_a.pk).update(language="pt-pt")
    world.partner_a.language = "pt-pt"
    body = _page(client_for, world)
    assert 'lang="pt' in body
    assert "Pontos quentes na grelha H3" in body and "Criminalidade registada por 1000" in body
    assert english_on_page(body) == []
    # Rates in the text alternatives are written the Portuguese way (decimal comma).
    lisboa = rate(TOTAL["1106"][0], PEOPLE["1106"][0])
    assert f"<td>{lisboa:.1f}</td>".replace(".", ",") in body
