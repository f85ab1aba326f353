"""The overview's live filters keep the map (issue 8, point 3), in real Chromium.

Filtering swaps the list and the aggregates only: the map stays where it is, in its own box,
below the page header; the 578 KB of municipal boundaries are fetched once; each change asks
the server once; the URL follows the filters, and the back button brings the previous ones back.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from localsafety.contracts.models import Contract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEIGHBOURHOOD = "#8a3b0b"  # map.js colours by category
CITIZEN = "#14662e"


@pytest.fixture
def published(world):
    Contract.objects.update(is_published=True)  # anonymous visitors see both contracts
    return world


def _map_is_in_its_box(page) -> None:
    map_box = page.locator("#overview-map").bounding_box()
    column = page.locator("#overview-map").locator("xpath=..").bounding_box()
    header = page.locator("header.site-header").bounding_box()
    assert "leaflet-container" in (page.locator("#overview-map").get_attribute("class") or "")
    assert map_box["width"] > 250 and map_box["height"] > 250, map_box
    assert map_box["y"] >= header["y"] + header["height"], (map_box, header)
    assert map_box["x"] >= column["x"] - 1 and map_box["y"] >= column["y"] - 1
    assert map_box["x"] + map_box["width"] <= column["x"] + column["width"] + 1
    assert map_box["y"] + map_box["height"] <= column["y"] + column["height"] + 1


def _highlighted_colours(page) -> list[str]:
    return page.locator("#overview-map path.leaflet-interactive").evaluate_all(
        "paths => paths.map(path => path.getAttribute('stroke'))"
    )


def test_filtering_twice_keeps_the_map_loads_boundaries_once_and_back_restores(
    page, live_server, published
):
    boundaries: list[str] = []
    filter_requests: list[str] = []
    refused: list[str] = []
    page.on(
        "request",
        lambda request: (
            boundaries.append(request.url) if "/territory/areas.geojson" in request.url else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            filter_requests.append(request.url) if request.headers.get("hx-request") else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#overview-map path.leaflet-interactive")
    assert sorted(_highlighted_colours(page)) == sorted([NEIGHBOURHOOD, CITIZEN])
    _map_is_in_its_box(page)

    page.select_option("select[name=category]", "neighbourhood")
    page.wait_for_function(
        "() => !document.querySelector('#contract-results').innerText.includes('CLS Serpa')"
    )
    page.wait_for_function(
        "() => document.querySelectorAll('#overview-map path.leaflet-interactive').length === 1"
    )
    assert _highlighted_colours(page) == [NEIGHBOURHOOD]
    assert parse_qs(urlparse(page.url).query)["category"] == ["neighbourhood"]
    _map_is_in_its_box(page)

    page.select_option("select[name=category]", "citizen")
    page.wait_for_function(
        "() => document.querySelector('#contract-results').innerText.includes('CLS Serpa')"
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('#overview-map path.leaflet-interactive')]"
        f".map(p => p.getAttribute('stroke')).join() === '{CITIZEN}'"
    )
    assert "CLS Lisboa" not in page.locator("#contract-results").inner_text()
    assert parse_qs(urlparse(page.url).query)["category"] == ["citizen"]
    _map_is_in_its_box(page)
    assert len(filter_requests) == 2, filter_requests  # one request per change

    page.go_back()
    page.wait_for_function(
        "() => !document.querySelector('#contract-results').innerText.includes('CLS Serpa')"
    )
    assert parse_qs(urlparse(page.url).query)["category"] == ["neighbourhood"]
    assert page.locator("select[name=category]").input_value() == "neighbourhood"
    assert "CLS Lisboa" in page.locator("#contract-results").inner_text()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#overview-map path.leaflet-interactive')]"
        f".map(p => p.getAttribute('stroke')).join() === '{NEIGHBOURHOOD}'"
    )
    _map_is_in_its_box(page)

    page.go_back()
    page.wait_for_function(
        "() => document.querySelector('#contract-results').innerText.includes('CLS Serpa')"
        " && document.querySelector('#contract-results').innerText.includes('CLS Lisboa')"
    )
    assert page.locator("select[name=category]").input_value() == ""
    assert len(boundaries) == 1, boundaries  # the map was never built again
    assert refused == []
