"""Every main page of every demo role on a phone, in real Chromium (issue 8, points 4 and 8).

One browser, one context per role (anonymous citizen, ministry analyst, mayor, coordinator,
police commander, partner), each signed in once. The pages are the role's crawl
(``testing.crawl``: every GET route filled with contract A's records, forms and detail pages
included, plus the API docs). At 390 x 844 nothing may scroll sideways, and axe may find no
serious or critical violation.
"""

from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from localsafety.contracts.models import Contract
from localsafety.testing.crawl import ROLES, client_for_role, crawl
from localsafety.testing.leakwalk import mark_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
API_DOCS = "/api/docs/"

#: What sticks out past the right edge (outside a scrolling region), to say what to fix.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) { return []; }
  const scrolls = element => ["auto", "scroll", "hidden"].includes(
    getComputedStyle(element).overflowX);
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    let parent = element.parentElement;
    while (parent && !scrolls(parent)) { parent = parent.parentElement; }
    if (box.right > width + 1 && box.width > 0 && !parent) {
      const name = typeof element.className === "string" ? element.className : "";
      found.push(element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
        (name ? "." + name.trim().split(/\\s+/).join(".") : "") + " " + Math.round(box.right));
    }
    if (found.length >= 4) { break; }
  }
  return [document.documentElement.scrollWidth, ...found];
}"""

#: A page's structure, text left out: two pages of the same shape get the same axe verdict.
SHAPE = """() => Array.from(document.querySelectorAll("main *"), element =>
  element.tagName + "." + element.className + "[" + Array.from(element.attributes,
    attribute => attribute.name).sort().join(",") + "]").join("|")"""


def _serious(page) -> list[tuple[str, list[str]]]:
    results = Axe().run(page)
    return [
        (violation["id"], [str(node["target"]) for node in violation["nodes"]][:3])
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(browser, live_server, world):
    Contract.objects.update(is_published=True)  # the citizen reads contract A's public page
    marked = mark_world(world)
    too_wide: dict[str, list[str]] = {}
    violations: dict[str, list[tuple[str, list[str]]]] = {}
    shapes: set[str] = set()
    visited = axed = 0
    started = time.monotonic()
    for role in ROLES:
        who = role or "anonymous"
        client = client_for_role(world, role)
        paths = list(crawl(client, world, marked))
        assert len(paths) >= (8 if role is None else 20), (who, paths)
        context = browser.new_context(locale="pt-PT", viewport=PHONE)
        if role is not None:
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
        page = context.new_page()
        page.set_default_timeout(15000)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}", wait_until="load")
            assert response is not None and response.status == 200, (who, path)
            visited += 1
            if path == API_DOCS:
                page.wait_for_selector(".opblock")  # Swagger UI renders after the schema loads
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                too_wide[f"{who} {path}"] = overflow
            shape = page.evaluate(SHAPE)
            if shape in shapes:
                continue  # the same markup was checked already (for another role)
            shapes.add(shape)
            axed += 1
            found = _serious(page)
            if found:
                violations[f"{who} {path}"] = found
        context.close()
    print(f"{visited} pages, {axed} checked by axe, {time.monotonic() - started:.0f} s")
    assert too_wide == {}
    assert violations == {}


def _signed_in_context(browser, live_server, world, role: str):
    client = client_for_role(world, role)
    context = browser.new_context(locale="pt-PT", viewport=PHONE)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context


def test_on_a_phone_filters_stack_captions_stay_in_view_and_actions_are_reachable(
    browser, live_server, world
):
    context = _signed_in_context(browser, live_server, world, "mayor_a")
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(f"{live_server.url}/")
    boxes = page.locator("form.filters .field").evaluate_all(
        "fields => fields.map(field => field.getBoundingClientRect().toJSON())"
    )
    assert len(boxes) >= 5
    assert len({round(box["x"]) for box in boxes}) == 1  # one column: the filters stack
    assert all(box["right"] <= PHONE["width"] for box in boxes)
    assert boxes == sorted(boxes, key=lambda box: box["y"])

    # The contracts table scrolls inside its own region; its caption stays in view.
    region = page.locator(".overview-list .table-scroll")
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    region.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    caption = page.locator(".overview-list caption").bounding_box()
    assert caption["x"] >= 0 and caption["x"] + caption["width"] <= PHONE["width"] + 1

    # The governance table's action column: reached by the keyboard, shown on screen.
    page.goto(f"{live_server.url}/contracts/{world.contract_a.pk}/governance/")
    remove = page.locator("main table button", has_text="Remover").first
    remove.focus()
    box = remove.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
