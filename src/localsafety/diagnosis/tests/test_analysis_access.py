"""Who reads which analysis results (issue 9, point 4), attacked from every side: partner,
coordinator, mayor, national, another contract's police, a stranger and anonymous, on pages,
downloads and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from localsafety.contracts import services as contract_services
from localsafety.contracts.models import BodyKind, BodyRole
from localsafety.diagnosis import analysis_services
from localsafety.diagnosis.models import AnalysisRun, RunStatus
from localsafety.diagnosis.tests.analysis_data import import_export
from localsafety.organisations.models import Membership, Organisation, OrganisationKind, User
from localsafety.testing.auth import sign_in

pytestmark = pytest.mark.django_db

THRESHOLD = 10
OUTSIDERS = ("coordinator_a", "partner_a", "mayor_a", "national", "stranger", "gnr_b")


@pytest.fixture
def gnr_b(world) -> User:
    """A GNR officer whose force sits on contract B (police, but not of A's records)."""
    gnr = Organisation.objects.create(name="GNR Beja", short_name="GNR", kind=OrganisationKind.GNR)
    officer = User.objects.create_user(username="gnr_b", password="x" * 12)  # noqa: S106
    Membership.objects.create(user=officer, organisation=gnr)
    committee = world.contract_b.bodies.get(kind=BodyKind.COMMITTEE)
    contract_services.body_member_add(
        actor=world.mayor_b,
        body=committee,
        organisation=gnr,
        person=officer,
        role=BodyRole.SECURITY_FORCE,
    )
    return officer


@pytest.fixture
def runs(world, tmp_path, django_capture_on_commit_callbacks, settings):
    settings.LOCALSAFETY_SMALL_COUNT_THRESHOLD = THRESHOLD
    import_export(world, tmp_path)
    made = {}
    with django_capture_on_commit_callbacks(execute=True):
        made["police"] = _start(world, world.commander_a, police=True, resolution=9)
        made["aggregate"] = _start(world, world.partner_a, police=False, resolution=8)
    for run in made.values():
        run.refresh_from_db()
        assert run.status == RunStatus.DONE, run.message
    return made


def _start(world, user, *, police, resolution):
    return analysis_services.analysis_run_create(
        actor=user,
        contract=world.contract_a,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        categories=[],
        resolution=resolution,
        as_police=police,
    )


def _client(user):
    from django.test import Client

    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def _low(band: str) -> int:
    return int(band.lstrip("≥ ").split("–")[0])


def _interval(band: str) -> tuple[int, float]:
    if band.startswith("≥"):
        return _low(band), float("inf")
    low, high = band.split("–")
    return int(low), int(high)


def _user(world, gnr_b, name):
    return gnr_b if name == "gnr_b" else getattr(world, name)


def _run_urls(contract_id, run_id):
    return [
        reverse(f"analyses:{name}", args=[contract_id, run_id])
        for name in (
            "run",
            "cells_geojson",
            "cells_csv",
            "heat_grid_csv",
            "near_repeat_csv",
            "points_geojson",
        )
    ]


def test_the_owning_force_reads_every_part_of_its_police_run(world, runs):
    client = _client(world.commander_a)
    for url in _run_urls(world.contract_a.pk, runs["police"].pk):
        assert client.get(url).status_code == 200, url
    points = json.loads(client.get(_run_urls(world.contract_a.pk, runs["police"].pk)[5]).content)
    assert points["features"]
    # Domestic violence is among the police's points (it is their own record) ...
    assert {f["properties"]["category"] for f in points["features"]} >= {"domestic-violence"}


@pytest.mark.parametrize("name", OUTSIDERS)
def test_nobody_else_finds_a_police_run_on_pages_downloads_or_api(world, runs, gnr_b, name):
    user = _user(world, gnr_b, name)
    client = _client(user)
    for url in _run_urls(world.contract_a.pk, runs["police"].pk):
        assert client.get(url).status_code == 404, (name, url)
    api = APIClient()
    sign_in(api, user)
    detail = f"/api/v1/contracts/{world.contract_a.pk}/analyses/{runs['police'].pk}/"
    assert api.get(detail).status_code == 404
    listing = api.get(f"/api/v1/contracts/{world.contract_a.pk}/analyses/")
    if listing.status_code == 200:
        assert runs["police"].pk not in {row["id"] for row in listing.json()["results"]}
        page = client.get(reverse("analyses:index", args=[world.contract_a.pk]))
        assert f"/analyses/{runs['police'].pk}/" not in page.content.decode()
    else:
        assert listing.status_code == 404


def test_anonymous_is_sent_to_sign_in_and_the_api_refuses(world, runs):
    client = _client(None)
    for run in runs.values():
        for url in _run_urls(world.contract_a.pk, run.pk):
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/" in response["Location"], url
        api = APIClient().get(f"/api/v1/contracts/{world.contract_a.pk}/analyses/{run.pk}/")
        assert api.status_code in (401, 403)


@pytest.mark.parametrize("name", ["partner_a", "coordinator_a", "mayor_a", "national"])
def test_members_read_the_aggregate_run_with_small_counts_suppressed(world, runs, name):
    client = _client(getattr(world, name))
    run = runs["aggregate"]
    urls = _run_urls(world.contract_a.pk, run.pk)
    page = client.get(urls[0])
    assert page.status_code == 200
    # No points, no near repeats: not even for a national user.
    assert client.get(urls[4]).status_code == 404
    assert client.get(urls[5]).status_code == 404
    cells = json.loads(client.get(urls[1]).content)["features"]
    counts = [f["properties"]["count"] for f in cells]
    # Bands, never exact counts; a band starts at the threshold at least.
    assert all(c is None or (isinstance(c, str) and _low(c) >= THRESHOLD) for c in counts)
    assert sum(c is None for c in counts) != 1  # one hidden count alone could be derived
    assert all("z" not in f["properties"] for f in cells)
    rows = list(
        csv.reader(io.StringIO(client.get(urls[2]).content.decode("utf-8-sig")), delimiter=";")
    )
    assert [r[1] if r[1][:1].isdigit() or r[1][:1] == "≥" else None for r in rows[1:]] == counts
    grid = list(
        csv.reader(io.StringIO(client.get(urls[3]).content.decode("utf-8-sig")), delimiter=";")
    )
    values = [v for row in grid[1:] for v in row[1:]]
    assert len(values) == 7 * 24
    shown = [_low(v) for v in values if v[:1].isdigit() or v[:1] == "≥"]
    assert all(v >= THRESHOLD for v in shown)
    api = APIClient()
    sign_in(api, getattr(world, name))
    body = api.get(f"/api/v1/contracts/{world.contract_a.pk}/analyses/{run.pk}/").json()
    assert body["kind"] == "aggregate"
    assert "points" not in body["results"] and "near_repeat" not in body["results"]
    assert [c["count"] for c in body["results"]["cells"]] == counts
    assert "lon" not in json.dumps(body) and "file" not in json.dumps(body["datasets"])


def test_the_aggregate_run_really_hides_small_counts_that_exist(world, runs):
    """The planted data has cells with fewer than ten incidents: they must be hidden."""
    from localsafety.diagnosis.models import IncidentCount

    raw = {}
    for code, count in IncidentCount.objects.filter(unit="h3_8").values_list("unit_code", "count"):
        raw[code] = raw.get(code, 0) + count
    stored = {c["cell"]: c["count"] for c in runs["aggregate"].results["cells"]}
    small = [code for code, count in raw.items() if 0 < count < THRESHOLD and code in stored]
    assert small, "the test data must have small cells"
    assert all(stored[code] is None for code in small)
    big = [code for code, count in raw.items() if count >= THRESHOLD and code in stored]
    assert big
    for code in big:
        if stored[code] is not None:
            low, high = _interval(stored[code])
            assert low <= raw[code] <= high


def test_two_overlapping_aggregate_runs_do_not_give_a_small_count_of_their_difference(
    world, runs, tmp_path, django_capture_on_commit_callbacks
):
    """2023-2024 minus 2024 is 2023: wherever 2023 holds fewer than ten incidents in a cell,
    the two runs' bands leave at least ten possible values for it."""
    from localsafety.diagnosis import data_services
    from localsafety.diagnosis.models import IncidentCount, IncidentSource

    # A quiet place: 4 incidents in 2023, 15 in 2024 (alone, 2023 would be suppressed).
    IncidentSource.objects.create(
        organisation=world.psp, name="Quiet place", category_codes={"FV": "vehicle-theft"}
    )
    lines = ["N.º Processo;Data da ocorrência;Hora;Categoria;Longitude;Latitude\n"]
    for i in range(19):
        day = f"{(i % 28) + 1:02d}/0{(i % 9) + 1}/{2023 if i < 4 else 2024}"
        lines.append(f"Q-{i};{day};10:00;FV;-9,120000;38,720000\n")
    path = tmp_path / "quiet.csv"
    path.write_bytes("".join(lines).encode("latin-1"))
    data_services.incident_file_import(
        path=path, organisation=world.psp, source_name="Quiet place", actor=world.commander_a
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = analysis_services.analysis_run_create(
            actor=world.partner_a,
            contract=world.contract_a,
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2024, 12, 31),
            categories=[],
            resolution=8,
        )
        later = analysis_services.analysis_run_create(
            actor=world.partner_a,
            contract=world.contract_a,
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 12, 31),
            categories=[],
            resolution=8,
        )
    later.refresh_from_db()
    first.refresh_from_db()
    both = {c["cell"]: c["count"] for c in first.results["cells"]}
    second = {c["cell"]: c["count"] for c in later.results["cells"]}
    raw_2023 = {}
    for code, count in IncidentCount.objects.filter(unit="h3_8", year=2023).values_list(
        "unit_code", "count"
    ):
        raw_2023[code] = raw_2023.get(code, 0) + count
    attacked = 0
    for code, count in raw_2023.items():
        if not 0 < count < THRESHOLD or both.get(code) is None or second.get(code) is None:
            continue
        attacked += 1
        low_both, high_both = _interval(both[code])
        low_second, high_second = _interval(second[code])
        derived_low = max(0, low_both - high_second)
        derived_high = high_both - low_second
        assert derived_low <= count <= derived_high
        assert derived_high - derived_low + 1 >= THRESHOLD, (code, both[code], second[code])
    assert attacked, "the data must offer a cell to attack"


def test_another_contracts_police_does_not_reach_contract_a_at_all(world, runs, gnr_b):
    client = _client(gnr_b)
    assert client.get(reverse("analyses:index", args=[world.contract_a.pk])).status_code == 404


def test_a_partner_cannot_ask_for_a_police_run_or_the_finest_grid(world, runs):
    client = _client(world.partner_a)
    url = reverse("analyses:index", args=[world.contract_a.pk])
    page = client.get(url).content.decode()
    assert 'name="as_police"' not in page and 'value="9"' not in page
    before = AnalysisRun.objects.count()
    response = client.post(
        url,
        {
            "period_start": "2023-01-01",
            "period_end": "2024-12-31",
            "resolution": "9",
            "as_police": "on",
        },
    )
    assert response.status_code == 400 and AnalysisRun.objects.count() == before
    api = APIClient()
    sign_in(api, world.partner_a)
    refused = api.post(
        f"/api/v1/contracts/{world.contract_a.pk}/analyses/",
        {
            "period_start": "2023-01-01",
            "period_end": "2024-12-31",
            "resolution": 8,
            "as_police": True,
        },
        format="json",
    )
    assert refused.status_code == 403 and AnalysisRun.objects.count() == before


def test_a_police_run_started_on_the_page_shows_its_figures(
    world, tmp_path, django_capture_on_commit_callbacks
):
    import_export(world, tmp_path)
    client = _client(world.commander_a)
    url = reverse("analyses:index", args=[world.contract_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "period_start": "2023-01-01",
                "period_end": "2024-12-31",
                "resolution": "9",
                "as_police": "on",
            },
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    for text in ("hotspot-map-data", "<svg", "polyline", "knox-title", 'class="provenance'):
        assert text in page, text
    # SVG numbers are never localised (a pt-PT decimal comma would break the figure).
    import re

    assert not re.search(r'\b(?:x|y|x1|y1|x2|y2|width|height)="[^"]*,', page)
    for points in re.findall(r'points="([^"]*)"', page):
        assert re.fullmatch(r"\d+\.\d,\d+\.\d( \d+\.\d,\d+\.\d)*", points), points
    assert page.count("<rect") >= 7 * 24


def test_the_run_page_polls_its_status_then_reloads_for_the_figures(world, runs):
    """While a run is in progress htmx swaps its status fragment in place; once it is over
    the poll answers with a client refresh, never a whole page to nest inside the first."""
    run = runs["police"]
    client = _client(world.commander_a)
    url = reverse("analyses:run", args=[world.contract_a.pk, run.pk])
    AnalysisRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=40)
    polled = client.get(url, headers={"HX-Request": "true"})
    page = polled.content.decode()
    assert polled.status_code == 200 and page.startswith('<div id="run-status"')
    assert 'hx-trigger="every 2s"' in page and "<main" not in page and "40%" in page
    AnalysisRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, progress=100)
    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and polled["HX-Refresh"] == "true"
    assert polled.content == b""
    assert "knox-title" in client.get(url).content.decode()


def test_the_page_form_keeps_the_chosen_categories(world, django_capture_on_commit_callbacks):
    client = _client(world.partner_a)
    url = reverse("analyses:index", args=[world.contract_a.pk])
    page = client.get(url).content.decode()
    assert 'name="categories" value="vehicle-theft"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "period_start": "2023-01-01",
                "period_end": "2024-12-31",
                "resolution": "8",
                "categories": ["vehicle-theft", "street-robbery"],
            },
        )
    assert response.status_code == 302
    run = AnalysisRun.objects.get()
    assert run.categories == ["street-robbery", "vehicle-theft"] and not run.is_police
    refused = client.post(
        url,
        {
            "period_start": "2024-12-31",
            "period_end": "2023-01-01",
            "resolution": "8",
            "categories": ["vehicle-theft"],
        },
    )
    assert refused.status_code == 400
    assert 'value="vehicle-theft" id="category-vehicle-theft" checked' in refused.content.decode()


def test_the_police_start_a_police_run_through_the_api_and_only_they_read_it(
    world, tmp_path, django_capture_on_commit_callbacks
):
    import_export(world, tmp_path)
    api = APIClient()
    sign_in(api, world.commander_a)
    base = f"/api/v1/contracts/{world.contract_a.pk}/analyses/"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            base,
            {
                "period_start": "2023-01-01",
                "period_end": "2024-12-31",
                "resolution": 9,
                "as_police": True,
            },
            format="json",
        )
    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "police"
    run_id = response.json()["id"]
    detail = api.get(f"{base}{run_id}/").json()
    assert detail["status"] == "done" and detail["results"]["points"]
    assert detail["datasets"][0]["file"].endswith(".csv")
    assert detail["provenance"]["period"].startswith("2023-01-01")
    partner = APIClient()
    sign_in(partner, world.partner_a)
    assert run_id not in {row["id"] for row in partner.get(base).json()["results"]}
    assert partner.get(f"{base}{run_id}/").status_code == 404
