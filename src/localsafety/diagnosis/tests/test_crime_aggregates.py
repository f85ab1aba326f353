"""Crime aggregates of a contract: who sees what, and that the page, its CSV and the API
together give back no hidden small count (attacked with integer programming)."""

from __future__ import annotations

import csv
import io
import itertools

import numpy as np
import pytest
from django.test import override_settings
from django.urls import reverse
from scipy.optimize import Bounds, LinearConstraint, milp

from localsafety.diagnosis.aggregates import ALL, OTHER
from localsafety.diagnosis.models import CountUnit, CrimeCategory, IncidentCount
from localsafety.territory.models import Area, AreaKind

# (parish or municipality, category leaf, year) -> count. Lumiar's 2024 threats are small.
LUMIAR, TELHEIRAS, LISBOA = "110658", "110699", "1106"
COUNTS = {
    (LUMIAR, "threats", 2022): 50,
    (LUMIAR, "shoplifting", 2022): 60,
    (TELHEIRAS, "threats", 2022): 45,
    (TELHEIRAS, "shoplifting", 2022): 52,
    (LUMIAR, "threats", 2023): 25,
    (LUMIAR, "threats", 2024): 3,
    (LUMIAR, "shoplifting", 2023): 40,
    (LUMIAR, "shoplifting", 2024): 37,
    (TELHEIRAS, "threats", 2023): 14,
    (TELHEIRAS, "threats", 2024): 21,
    (TELHEIRAS, "shoplifting", 2023): 6,
    (TELHEIRAS, "shoplifting", 2024): 33,
}
# The municipality counts every record of Lisboa, most of them outside the two parishes.
MUNICIPAL = {
    ("threats", 2022): 50 + 45 + 310,
    ("shoplifting", 2022): 60 + 52 + 880,
    ("threats", 2023): 25 + 14 + 300,
    ("threats", 2024): 3 + 21 + 280,
    ("shoplifting", 2023): 40 + 6 + 900,
    ("shoplifting", 2024): 37 + 33 + 870,
}


@pytest.fixture
def crime(world):
    telheiras = Area.objects.create(
        kind=AreaKind.PARISH, code=TELHEIRAS, name="Telheiras", parent=world.municipality_a
    )
    world.contract_a.areas.add(telheiras)
    categories = {c.code: c for c in CrimeCategory.objects.all()}
    for (parish, category, year), count in COUNTS.items():
        IncidentCount.objects.create(
            organisation=world.psp,
            unit=CountUnit.PARISH,
            unit_code=parish,
            year=year,
            month=6,
            category=categories[category],
            count=count,
        )
    for (category, year), count in MUNICIPAL.items():
        IncidentCount.objects.create(
            organisation=world.psp,
            unit=CountUnit.MUNICIPALITY,
            unit_code=LISBOA,
            year=year,
            month=6,
            category=categories[category],
            count=count,
        )
    return world


def _api(client, contract):
    return client.get(reverse("api:contract-crime-aggregates", args=[contract.pk]))


def _csv(client, contract):
    body = client.get(reverse("diagnosis:crime_csv", args=[contract.pk])).content.decode(
        "utf-8-sig"
    )
    return list(csv.reader(io.StringIO(body), delimiter=";"))[1:]


def _cell(rows, area, group, year):
    for row in rows:
        if (row["area_code"], row["category_code"], row["year"]) == (area, group, year):
            return row["count"]
    raise KeyError((area, group, year))


@pytest.mark.parametrize("who", ["partner_a", "coordinator_a", "mayor_a", "national"])
def test_non_police_readers_get_suppressed_aggregates(crime, client_for, who):
    from rest_framework.test import APIClient

    from localsafety.testing.auth import sign_in

    client = sign_in(APIClient(), getattr(crime, who))
    table = _api(client, crime.contract_a).json()
    assert table["suppressed"] is True
    assert _cell(table["rows"], LUMIAR, "persons", 2024) is None
    # What is shown is the true count (secondary suppression may hide some of these too).
    group = {"threats": "persons", "shoplifting": "property"}
    shown = 0
    for (parish, category, year), count in COUNTS.items():
        value = _cell(table["rows"], parish, group[category], year)
        assert value in (None, count)
        shown += value is not None
    assert shown >= 4
    page = client_for(getattr(crime, who)).get(
        reverse("diagnosis:crime", args=[crime.contract_a.pk])
    )
    assert page.status_code == 200


def test_the_owning_police_force_reads_the_full_counts(crime):
    from rest_framework.test import APIClient

    from localsafety.testing.auth import sign_in

    table = _api(sign_in(APIClient(), crime.commander_a), crime.contract_a).json()
    assert table["suppressed"] is False
    assert _cell(table["rows"], LUMIAR, "persons", 2024) == 3


@pytest.mark.parametrize("who", [None, "partner_b", "coordinator_b", "stranger"])
def test_outsiders_reach_nothing(crime, client_for, who):
    crime.contract_a.is_published = True
    crime.contract_a.save()
    client = client_for(getattr(crime, who) if who else None)
    for name in (
        "diagnosis:crime",
        "diagnosis:crime_csv",
        "diagnosis:crime_geojson",
        "api:contract-crime-aggregates",
    ):
        response = client.get(reverse(name, args=[crime.contract_a.pk]))
        assert response.status_code in (302, 401, 403, 404), name
        assert b"110658" not in response.content


def test_page_csv_and_api_together_give_back_no_hidden_small_count(crime, client_for):
    from rest_framework.test import APIClient

    from localsafety.testing.auth import sign_in

    api = _api(sign_in(APIClient(), crime.partner_a), crime.contract_a).json()["rows"]
    rows = _csv(client_for(crime.partner_a), crime.contract_a)
    # The CSV hides exactly what the API hides, and shows the same numbers.
    assert len(rows) == len(api)
    for csv_row, api_row in zip(rows, api, strict=True):
        shown = None if csv_row[4] == "hidden" else int(csv_row[4])
        assert shown == api_row["count"]
    # The GeoJSON's yearly totals are the API's, hidden where the API hides them.
    geo = (
        client_for(crime.partner_a)
        .get(reverse("diagnosis:crime_geojson", args=[crime.contract_a.pk]))
        .json()
    )
    for feature in geo["features"]:
        for year, count in feature["properties"]["incidents"].items():
            key = int(year) if year != "all" else None
            assert count == _cell(api, feature["properties"]["code"], ALL, key)
    hidden_small = [r for r in api if r["count"] is None]
    assert hidden_small
    # The attacker's unknowns: every (parish or the rest of the municipality, group, year).
    areas = [LUMIAR, TELHEIRAS, OTHER]
    groups = sorted({r["category_code"] for r in api} - {ALL})
    years = sorted({r["year"] for r in api if r["year"] is not None})
    atoms = list(itertools.product(areas, groups, years))
    index = {a: i for i, a in enumerate(atoms)}

    def row_vector(r):
        area_set = areas if r["area_code"] == LISBOA else [r["area_code"]]
        group_set = groups if r["category_code"] == ALL else [r["category_code"]]
        year_set = years if r["year"] is None else [r["year"]]
        v = np.zeros(len(atoms))
        for a in itertools.product(area_set, group_set, year_set):
            v[index[a]] = 1
        return v

    shown = [r for r in api if r["count"] is not None]
    a = np.array([row_vector(r) for r in shown])
    b = np.array([r["count"] for r in shown], dtype=float)
    truth = {(LUMIAR, "persons", 2024): 3}
    for r in hidden_small:
        key = (r["area_code"], r["category_code"], r["year"])
        found = []
        for sense in (1.0, -1.0):
            res = milp(
                sense * row_vector(r),
                constraints=[LinearConstraint(a, b, b)],
                integrality=np.ones(len(atoms)),
                bounds=Bounds(0, 100_000),
            )
            assert res.success
            found.append(round(sense * res.fun))
        assert found[1] > found[0], key
        if key in truth:
            assert found[0] < 10 <= found[1]


def test_suppression_runs_once_per_data_and_again_when_data_change(crime, monkeypatch):
    from localsafety.diagnosis import aggregates

    calls = []
    real = aggregates.suppress

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(aggregates, "suppress", counting)
    first = aggregates.contract_crime_table(crime.partner_a, crime.contract_a)
    again = aggregates.contract_crime_table(crime.mayor_a, crime.contract_a)
    assert len(calls) == 1 and first.rows == again.rows
    IncidentCount.objects.filter(unit_code=LUMIAR, year=2022).update(count=51)
    aggregates.contract_crime_table(crime.partner_a, crime.contract_a)
    assert len(calls) == 2


def test_an_outsiders_release_is_read_whole_from_the_cache_until_its_inputs_change(crime):
    """Every reader who is not police reads one release: after the first, the counts are not
    read again (a few version queries only), and any change of its inputs is seen at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from localsafety.diagnosis import aggregates

    first = aggregates.contract_crime_table(crime.partner_a, crime.contract_a)
    with CaptureQueriesContext(connection) as queries:
        again = aggregates.contract_crime_table(crime.mayor_a, crime.contract_a)
    assert again.rows == first.rows
    assert not [q for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(queries.captured_queries) <= 7  # the reader's scope (2) and the key (5)
    # A count changed in place (no new data set) is still seen: the key sums the territory's
    # counts in the database.
    IncidentCount.objects.filter(unit_code=LUMIAR, year=2022).update(count=51)
    changed = aggregates.contract_crime_table(crime.partner_a, crime.contract_a)
    assert changed.rows != first.rows
    # A smaller threshold shows more.
    with override_settings(LOCALSAFETY_SMALL_COUNT_THRESHOLD=2):
        lower = aggregates.contract_crime_table(crime.partner_a, crime.contract_a)
    hidden = sum(row.count is None for row in changed.rows)
    assert sum(row.count is None for row in lower.rows) < hidden
