"""Huge integers, negatives and words where ids belong: 400 or 404, never a server error.

The review's exact requests first (anonymous, as it found them), then every route of the site
with every URL id and every id-like query parameter set to a number no database holds, and
every form a member can open sent back with huge numbers in each field (finding 11). The API
is walked by schemathesis (``api/tests/test_schemathesis.py``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from localsafety.core.params import MAX_IDS
from localsafety.testing import leakwalk

HUGE = "99999999999999999999999"
ID_PARAMETERS = ("ids", "contract", "parent", "municipality", "organisation", "area", "page")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/areas/?parent={HUGE}", "parent"),
        ("/api/v1/areas/?parent=-1", "parent"),
        ("/api/v1/areas/?parent=abc", "parent"),
    ],
)
def test_api_filters_refuse_what_is_no_id(client_for, world, path, field):
    response = client_for(None).get(path)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "query",
    [
        f"ids={HUGE}",
        f"ids=1,{HUGE}",
        "ids=-1",
        "ids=1,abc",
        f"contract={HUGE}",
        "contract=-5",
        "contract=x",
        "ids=" + ",".join(["1"] * (MAX_IDS + 1)),
    ],
)
def test_map_geojson_refuses_what_is_no_id(client_for, world, query):
    response = client_for(None).get(f"{reverse('territory:areas_geojson')}?{query}")
    assert response.status_code == 400


def test_map_geojson_still_answers_real_ids(client_for, world):
    url = reverse("territory:areas_geojson")
    response = client_for(None).get(f"{url}?ids={world.municipality_a.pk},{world.parish_a.pk}")
    assert response.status_code == 200
    codes = {feature["properties"]["code"] for feature in response.json()["features"]}
    assert codes == {world.municipality_a.code, world.parish_a.code}
    api = client_for(None).get(f"/api/v1/areas/?parent={world.municipality_a.pk}")
    assert [area["id"] for area in api.json()["results"]] == [world.parish_a.pk]


@pytest.mark.slow
def test_no_route_fails_on_huge_ids_in_its_url_or_query(client_for, world):
    huge_query = "?" + "&".join(f"{name}={HUGE}" for name in ID_PARAMETERS)
    failures = []
    for person in (None, world.national):
        client = client_for(person)
        for route in leakwalk.routes():
            path = leakwalk.fill(route, {name: HUGE for name in leakwalk.arguments(route)})
            for url in (path, path + huge_query):
                status = client.get(url).status_code
                if status >= 500:
                    failures.append(f"{getattr(person, 'username', 'anonymous')} {url}: {status}")
    assert failures == []


FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')


@pytest.mark.slow
def test_no_form_fails_on_huge_numbers_in_its_fields(client_for, world):
    """Every form a manager of A opens, sent back with a huge number in every field."""
    marked = leakwalk.mark_world(world)
    first = {name: values[0] for name, values in marked.fillers.items()}
    client = client_for(world.coordinator_a)
    failures: list[str] = []
    for route in leakwalk.routes():
        if route.startswith("api/"):
            continue  # the API has its own run
        path = leakwalk.fill(route, first)
        page = client.get(path)
        if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
            continue
        names = set(FIELD_NAME.findall(page.content.decode()))
        names -= {"csrfmiddlewaretoken", "next"}
        if not names:
            continue
        data: dict[str, Any] = {name: [HUGE, "-" + HUGE] for name in names}
        status = client.post(path, data).status_code
        if status >= 500:
            failures.append(f"POST {path} {sorted(names)}: {status}")
    assert failures == []
