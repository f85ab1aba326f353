"""Stored HTML injection through the maps (finding 8), tried as an attacker in real Chromium.

The coordinator of contract A (an attacker with a manager's seat) names zones and the contract
with markup; an official area's name carries markup too (imports are files from outside).
Every page with a map is loaded, every tooltip and popup opened, and the page must hold no
element that came from a payload. The Content-Security-Policy would stop the handlers from
running, so the test looks for the elements themselves, not only for ``window.__xss``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts import zones as zone_services
from localsafety.testing.auth import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMG = "<img src=x onerror=window.__xss=1>"
SVG = '"><svg onload=window.__xss=2>'
SCRIPT_END = "</script><svg onload=window.__xss=3>"
LINK = "<a href=javascript:window.__xss=4>x</a>"
ZONE = (
    '{"type":"Polygon","coordinates":'
    "[[[-9.15,38.70],[-9.14,38.70],[-9.14,38.71],[-9.15,38.71],[-9.15,38.70]]]}"
)
OTHER_ZONE = (
    '{"type":"Polygon","coordinates":'
    "[[[-9.13,38.72],[-9.12,38.72],[-9.12,38.73],[-9.13,38.73],[-9.13,38.72]]]}"
)

# Opens every tooltip and popup of every map, one at a time, and reports what a payload made:
# any element with an event-handler attribute, an <img src=x>, a javascript: link.
OPEN_EVERYTHING = """
() => {
  const found = [];
  let tooltips = 0, popups = 0;
  const look = (when) => {
    for (const element of document.querySelectorAll("*")) {
      for (const attribute of element.attributes) {
        if (attribute.name.toLowerCase().startsWith("on")) {
          found.push(`${when}: <${element.tagName} ${attribute.name}>`);
        }
      }
    }
    if (document.querySelector('img[src="x"]')) { found.push(`${when}: img[src=x]`); }
    if (document.querySelector('a[href^="javascript:"]')) { found.push(`${when}: js link`); }
  };
  const texts = [];
  document.querySelectorAll("[data-map]").forEach((element) => {
    const map = element.localsafetyMap;
    if (!map) { return; }
    map.eachLayer((layer) => {
      const where = layer.getBounds ? layer.getBounds().getCenter()
        : layer.getLatLng ? layer.getLatLng() : null;
      if (!where) { return; }
      if (layer.getTooltip && layer.getTooltip()) {
        layer.openTooltip(where);
        tooltips += 1;
        texts.push(layer.getTooltip().getElement().textContent);
        look("tooltip");
      }
      if (layer.getPopup && layer.getPopup()) {
        layer.openPopup(where);
        popups += 1;
        texts.push(layer.getPopup().getElement().textContent);
        look("popup");
        layer.closePopup();
      }
    });
  });
  look("page");
  return { found, tooltips, popups, texts, xss: typeof window.__xss };
}
"""


@pytest.fixture
def planted(world: Any) -> dict[str, Any]:
    """Payloads in every text a map script shows: names, codes, titles, labels."""
    coordinator = world.coordinator_a
    contract = world.contract_a
    zone = zone_services.zone_create(
        actor=coordinator, contract=contract, name=IMG, code=SVG, geometry_geojson=ZONE
    )
    zone_services.zone_create(
        actor=coordinator,
        contract=contract,
        name=SCRIPT_END,
        code=LINK[:40],
        geometry_geojson=OTHER_ZONE,
    )
    contract.refresh_from_db()
    services.contract_update(
        actor=coordinator,
        contract=contract,
        expected_version=contract.version,
        changes={"title": f"{IMG} {SVG} {LINK}", "is_published": True},
    )
    # Official names come from imported files: a hostile file is as likely as a hostile user.
    municipality = world.municipality_a
    municipality.name = f"{SVG} {IMG}"
    municipality.save(update_fields=["name"])
    world.ngo_a.name = IMG
    world.ngo_a.save(update_fields=["name"])
    return {"world": world, "zone": zone}


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = sign_in(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


def _visit(page: Any, live_server: Any, path: str) -> dict[str, Any]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, path
    page.wait_for_load_state("networkidle")
    if page.locator("[data-map]").count():
        page.wait_for_selector("[data-map] path.leaflet-interactive, .map-empty")
    result: dict[str, Any] = page.evaluate(OPEN_EVERYTHING)
    result["errors"] = errors
    return result


def test_payloads_in_names_and_titles_create_no_element_on_any_map(page, live_server, planted):
    world, zone = planted["world"], planted["zone"]
    contract = world.contract_a
    public_pages = [
        reverse("portal:overview"),
        reverse("contracts:detail", args=[contract.pk]),
        reverse("territory:municipality_detail", args=[world.municipality_a.code]),
    ]
    member_pages = [
        reverse("contracts:zone_list", args=[contract.pk]),
        reverse("contracts:zone_edit", args=[contract.pk, zone.pk]),
        reverse("contracts:zone_create", args=[contract.pk]),
        *public_pages,
    ]
    results = {}
    for path in public_pages:
        results[f"anonymous {path}"] = _visit(page, live_server, path)
    _sign_in(page, live_server, world.coordinator_a)
    for path in member_pages:
        results[f"coordinator_a {path}"] = _visit(page, live_server, path)

    problems = {}
    for where, result in results.items():
        ran = [] if result["xss"] == "undefined" else [f"window.__xss is {result['xss']}"]
        if result["found"] or result["errors"] or ran:
            problems[where] = result["found"] + result["errors"] + ran
    assert problems == {}

    # The walk really opened what a visitor would: tooltips and popups that show the payloads,
    # as text, on every page with an interactive map.
    shown = " ".join(text for result in results.values() for text in result["texts"])
    for payload in (IMG, SVG, SCRIPT_END):
        assert payload in shown
    for where, result in results.items():
        if "/edit/" in where or "/new/" in where:
            continue  # drawing maps: a non-interactive context layer
        assert result["tooltips"] >= 1 and result["popups"] >= 1, where
