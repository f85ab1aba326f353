"""Everything a non-police member can read of a contract's crime counts, attacked together.

The attacker collects every incident-derived count the outputs give them -- the crime figures
page (HTML), its CSV and GeoJSON downloads, the crime-aggregates API, the diagnosis document
API, and the analyses page's yearly counts (HTML) -- into one system of linear equations over
the finest cells (parish or the rest of the municipality x crime group x year, non-negative
whole numbers), and bounds every hidden small count with integer programming. No hidden small
count may be pinned to one value.

The data below is one the outputs used to leak: the analyses page suppressed the yearly
municipal totals on its own (small years plus the next smallest), independently of the crime
table, so it showed a municipal year total that the crime table had hidden as a secondary
suppression, and that total minus the crime table's other groups gave the small one back.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from scipy.optimize import Bounds, LinearConstraint, milp

from localsafety.diagnosis.aggregates import ALL, OTHER
from localsafety.diagnosis.models import CountUnit, CrimeCategory, IncidentCount
from localsafety.territory.models import Area, AreaKind

LUMIAR, TELHEIRAS, LISBOA = "110658", "110699", "1106"
LEAF = {"persons": "threats", "property": "shoplifting"}
# (area, group, year) -> count; OTHER is the rest of the municipality.
TRUTH = {
    (LUMIAR, "persons", 2022): 12,
    (LUMIAR, "persons", 2023): 3,
    (LUMIAR, "persons", 2024): 2,
    (LUMIAR, "property", 2022): 40,
    (LUMIAR, "property", 2024): 5,
    (TELHEIRAS, "property", 2022): 90,
    (TELHEIRAS, "property", 2023): 20,
    (OTHER, "persons", 2022): 8,
    (OTHER, "persons", 2023): 90,
    (OTHER, "persons", 2024): 2,
    (OTHER, "property", 2022): 8,
    (OTHER, "property", 2024): 20,
}
YEARS = [2022, 2023, 2024]
THRESHOLD = 10


def add_counts(world: Any, truth: dict[tuple[str, str, int], int]) -> None:
    """Parish and municipal aggregates of ``truth`` (the municipality counts OTHER too)."""
    categories = {c.code: c for c in CrimeCategory.objects.all()}
    municipal: dict[tuple[str, int], int] = {}
    for (area, group, year), count in truth.items():
        municipal[(group, year)] = municipal.get((group, year), 0) + count
        if area == OTHER:
            continue
        IncidentCount.objects.create(
            organisation=world.psp,
            unit=CountUnit.PARISH,
            unit_code=area,
            year=year,
            month=6,
            category=categories[LEAF[group]],
            count=count,
        )
    for (group, year), count in municipal.items():
        IncidentCount.objects.create(
            organisation=world.psp,
            unit=CountUnit.MUNICIPALITY,
            unit_code=LISBOA,
            year=year,
            month=6,
            category=categories[LEAF[group]],
            count=count,
        )


@pytest.fixture
def territory(world, settings):
    settings.LOCALSAFETY_SMALL_COUNT_THRESHOLD = THRESHOLD
    telheiras = Area.objects.create(
        kind=AreaKind.PARISH, code=TELHEIRAS, name="Telheiras", parent=world.municipality_a
    )
    world.contract_a.areas.add(telheiras)
    return world


@pytest.fixture
def crime(territory):
    add_counts(territory, TRUTH)
    return territory


Observation = tuple[str, str, tuple[int, ...], int]


def _cells(text: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", text, flags=re.S)
    out = []
    for row in rows:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        out.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return out


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def collect(client: Any, api: Any, contract: Any) -> tuple[list[Observation], dict[str, Any]]:
    """Every count the member can read, as (area, group, year, count) equations."""
    seen: list[Observation] = []
    table = api.get(reverse("api:contract-crime-aggregates", args=[contract.pk])).json()
    live_years = tuple(sorted({r["year"] for r in table["rows"] if r["year"] is not None}))

    def years(year: int | None, every: tuple[int, ...] = live_years) -> tuple[int, ...]:
        return every if year is None else (year,)

    area_code = {r["area_name"]: r["area_code"] for r in table["rows"]}
    group_code = {r["category_name"]: r["category_code"] for r in table["rows"]}
    for r in table["rows"]:
        if r["count"] is not None:
            seen.append((r["area_code"], r["category_code"], years(r["year"]), r["count"]))
    # The crime figures page, parsed.
    page = client.get(reverse("diagnosis:crime", args=[contract.pk])).content.decode()
    for cells in _cells(page):
        if len(cells) == 4 and cells[0] in area_code and _number(cells[3]) is not None:
            year = _number(cells[2])
            seen.append((area_code[cells[0]], group_code[cells[1]], years(year), int(cells[3])))
    # The CSV download.
    body = client.get(reverse("diagnosis:crime_csv", args=[contract.pk])).content.decode(
        "utf-8-sig"
    )
    for row in list(csv.reader(io.StringIO(body), delimiter=";"))[1:]:
        if _number(row[4]) is not None:
            seen.append((row[0], group_code[row[2]], years(_number(row[3])), int(row[4])))
    # The GeoJSON download: all groups, by year and over all years.
    geo = client.get(reverse("diagnosis:crime_geojson", args=[contract.pk])).json()
    for feature in geo["features"]:
        for year, count in feature["properties"]["incidents"].items():
            if count is not None:
                key = None if year == "all" else int(year)
                seen.append((feature["properties"]["code"], ALL, years(key), count))
    # The diagnosis document (API; the page draws the same rows), approved or live: an
    # approved one keeps the years it was approved with.
    document = api.get(reverse("api:contract-diagnosis", args=[contract.pk])).json()
    then = tuple(document["figures"]["years"])
    for r in document["figures"]["rows"]:
        if r["count"] is not None:
            seen.append((r["area_code"], r["category_code"], years(r["year"], then), r["count"]))
    # The analyses page: registered incidents in the municipality per year, all groups.
    analyses = client.get(reverse("analyses:index", args=[contract.pk])).content.decode()
    for cells in _cells(analyses):
        if len(cells) == 2 and _number(cells[0]) in YEARS and _number(cells[1]) is not None:
            seen.append((LISBOA, ALL, (int(cells[0]),), int(cells[1])))
    return seen, table


def intervals(
    seen: list[Observation], groups: list[str], queries: list[tuple[str, str, tuple[int, ...]]]
) -> dict[tuple[str, str, tuple[int, ...]], list[int]]:
    """The whole-number range the published equations allow for each queried figure
    (integer programming over the finest cells, non-negative)."""
    areas = [LUMIAR, TELHEIRAS, OTHER]
    every = sorted({y for obs in seen for y in obs[2]} | {y for q in queries for y in q[2]})
    atoms = list(itertools.product(areas, groups, every))
    index = {a: i for i, a in enumerate(atoms)}

    def vector(area: str, group: str, years: tuple[int, ...]) -> np.ndarray:
        v = np.zeros(len(atoms))
        for a in itertools.product(
            areas if area == LISBOA else [area], groups if group == ALL else [group], years
        ):
            v[index[a]] = 1
        return v

    a = np.array([vector(*obs[:3]) for obs in seen])
    b = np.array([obs[3] for obs in seen], dtype=float)
    out = {}
    for key in queries:
        bounds = []
        for sense in (1.0, -1.0):
            res = milp(
                sense * vector(*key),
                constraints=[LinearConstraint(a, b, b)],
                integrality=np.ones(len(atoms)),
                bounds=Bounds(0, 100_000),
            )
            assert res.success, key
            bounds.append(round(sense * res.fun))
        out[key] = bounds
    return out


def true_count(
    truth: dict[tuple[str, str, int], int],
    area: str,
    group: str,
    years: tuple[int, ...],
    groups: list[str],
) -> int:
    return sum(
        truth.get((a, g, y), 0)
        for a in ([LUMIAR, TELHEIRAS, OTHER] if area == LISBOA else [area])
        for g in (groups if group == ALL else [group])
        for y in years
    )


def attack(world: Any, truth: dict[tuple[str, str, int], int], periods: list[tuple[int, ...]]):
    """Collect what partner_a reads, check it is true, and bound every small figure over the
    given periods (single years are always included)."""
    from rest_framework.test import APIClient

    from localsafety.testing.auth import sign_in

    client = Client()
    client.force_login(world.partner_a)
    seen, table = collect(client, sign_in(APIClient(), world.partner_a), world.contract_a)
    groups = sorted({r["category_code"] for r in table["rows"]} - {ALL})
    # Every output shows the true count wherever it shows one.
    for area, group, years, count in seen:
        assert count == true_count(truth, area, group, years, groups), (area, group, years)
    assert any(r["count"] is None for r in table["rows"])
    every = sorted({y for (_a, _g, y) in truth})
    spans = [(y,) for y in every] + periods
    small = [
        key
        for key in itertools.product([LUMIAR, TELHEIRAS, LISBOA], [*groups, ALL], spans)
        if 0 < true_count(truth, *key, groups) < THRESHOLD
    ]
    bounds = intervals(seen, groups, small)
    pinned = []
    for key in small:
        count = true_count(truth, *key, groups)
        low, high = bounds[key]
        assert low <= count <= high
        if low == high:
            pinned.append((key, count))
    return seen, table, pinned


def test_every_output_together_gives_back_no_hidden_small_count(crime):
    seen, table, pinned = attack(crime, TRUTH, [tuple(YEARS)])
    assert not pinned, f"hidden small counts derived from the outputs together: {pinned}"
    # The outputs all hide the same figures: nothing one shows is hidden by another.
    live = tuple(YEARS)
    shown = {
        (r["area_code"], r["category_code"], live if r["year"] is None else (r["year"],))
        for r in table["rows"]
        if r["count"] is not None
    }
    assert {obs[:3] for obs in seen} <= shown


# An approved diagnosis of 2022-2023 beside the live table once 2024 is imported: the two
# releases chose different cells to hide, and together they gave back Telheiras's property
# crimes of 2023 (5).
BEFORE = {
    (LUMIAR, "persons", 2022): 20,
    (LUMIAR, "persons", 2023): 5,
    (LUMIAR, "property", 2022): 12,
    (LUMIAR, "property", 2023): 20,
    (TELHEIRAS, "property", 2022): 12,
    (TELHEIRAS, "property", 2023): 5,
    (OTHER, "persons", 2022): 8,
    (OTHER, "persons", 2023): 20,
    (OTHER, "property", 2022): 20,
    (OTHER, "property", 2023): 1,
}
LATER = {
    (LUMIAR, "persons", 2024): 20,
    (LUMIAR, "property", 2024): 3,
    (TELHEIRAS, "persons", 2024): 5,
    (TELHEIRAS, "property", 2024): 8,
    (OTHER, "persons", 2024): 1,
    (OTHER, "property", 2024): 2,
}


def test_an_approved_diagnosis_and_the_live_figures_give_back_no_hidden_small_count(
    territory, client_for
):
    from localsafety.contracts import services as contract_services
    from localsafety.diagnosis import services

    world = territory
    add_counts(world, BEFORE)
    contract = world.contract_a
    services.problem_create(actor=world.partner_a, contract=contract, title="Threats")
    stage = contract.stages.get(kind="diagnosis")
    for actor, action in ((world.coordinator_a, "submit"), (world.mayor_a, "approve")):
        stage.refresh_from_db()
        contract_services.stage_decide(
            actor=actor,
            stage=stage,
            action=action,
            expected_version=stage.version,
            summary="Threats." if action == "submit" else None,
        )
    add_counts(world, LATER)
    truth = {**BEFORE, **LATER}
    seen, _table, pinned = attack(world, truth, [(2022, 2023), (2022, 2023, 2024)])
    assert any(obs[2] == (2022, 2023) for obs in seen)  # the approved table was read
    assert not pinned, f"hidden small counts derived from the outputs together: {pinned}"


def test_the_owning_police_force_reads_every_count_unsuppressed(crime, client_for):
    from rest_framework.test import APIClient

    from localsafety.testing.auth import sign_in

    api = sign_in(APIClient(), crime.commander_a)
    table = api.get(reverse("api:contract-crime-aggregates", args=[crime.contract_a.pk])).json()
    assert table["suppressed"] is False
    assert all(r["count"] is not None for r in table["rows"])
    page = client_for(crime.commander_a).get(reverse("analyses:index", args=[crime.contract_a.pk]))
    years = {
        _number(c[0]): _number(c[1])
        for c in _cells(page.content.decode())
        if len(c) == 2 and _number(c[0]) in YEARS
    }
    groups = sorted({r["category_code"] for r in table["rows"]} - {ALL})
    assert years == {y: true_count(TRUTH, LISBOA, ALL, (y,), groups) for y in YEARS}
