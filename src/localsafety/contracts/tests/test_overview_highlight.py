"""The overview's fragment carries the map's highlight, never the map (issue 8, point 3)."""

from __future__ import annotations

import json
import re
from html import unescape

from django.urls import reverse

HIGHLIGHT = re.compile(r'data-highlight="([^"]*)"')


def _highlight(body: str) -> dict[str, dict[str, str]]:
    match = HIGHLIGHT.search(body)
    assert match, "the fragment says which municipalities to highlight"
    return json.loads(unescape(match.group(1)))


def test_the_fragment_highlights_only_the_visible_filtered_contracts(world, client_for):
    world.contract_b.is_published = True
    world.contract_b.save()
    url = reverse("portal:overview")
    anonymous = client_for(None).get(url, headers={"HX-Request": "true"})
    body = anonymous.content.decode()
    assert "data-map" not in body  # the map is outside what a filter swaps
    assert _highlight(body) == {
        str(world.municipality_b.pk): {
            "category": "citizen",
            "label": "CLS Serpa",
            "url": reverse("contracts:detail", args=[world.contract_b.pk]),
        }
    }  # contract A is not published: its municipality is not highlighted
    assert "HX-Request" in anonymous["Vary"]

    national = client_for(world.national)
    both = _highlight(national.get(url, headers={"HX-Request": "true"}).content.decode())
    assert set(both) == {str(world.municipality_a.pk), str(world.municipality_b.pk)}
    filtered = national.get(url, {"category": "neighbourhood"}, headers={"HX-Request": "true"})
    assert set(_highlight(filtered.content.decode())) == {str(world.municipality_a.pk)}


def test_the_page_has_one_map_outside_the_swapped_results(world, client_for):
    response = client_for(world.national).get(reverse("portal:overview"))
    body = response.content.decode()
    assert body.count("data-map ") == 1
    results = body.index('id="contract-results"')
    assert body.index('id="overview-map"') < results  # not inside what a filter replaces
    assert 'data-highlight-src="overview-highlight"' in body
    assert body.index('id="overview-highlight"') > results
    assert "data-geojson-src" not in body[body.index('id="overview-map"') : results]
    assert "HX-Request" in response["Vary"]
