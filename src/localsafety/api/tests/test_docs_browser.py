"""Swagger UI really runs under the strict CSP, from local assets only (real Chromium)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_without_csp_violations(live_server, browser):
    violations: list[str] = []
    foreign: list[str] = []
    page = browser.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector("text=/api/v1/contracts/", timeout=15000)
    assert page.locator(".opblock").count() >= 16
    assert foreign == []
    assert violations == []


def _serious(page) -> list[tuple[str, list[str]]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (violation["id"], [str(node["target"]) for node in violation["nodes"]][:3])
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]


def test_api_docs_pass_axe_collapsed_and_in_use_on_a_phone_and_a_desktop(live_server, browser):
    """Issue 8, point 8: Swagger UI's theme colours (white on light method badges, the
    version stamp, the schema link), the link nested in each operation's button, the code
    examples and the unnamed value lists of "Try it out" are mended by a local stylesheet,
    the deepLinking setting and docs_a11y.js; axe finds nothing serious or critical."""
    found: dict[str, list[tuple[str, list[str]]]] = {}
    for width, height in ((390, 844), (1280, 900)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector(".opblock")
        found[f"{width} collapsed"] = _serious(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator(".opblock-get .opblock-summary-control").first.click()
        page.locator(".opblock-post .opblock-summary-control").first.click()
        page.wait_for_selector(".opblock-body")
        page.locator(".try-out__btn").first.click()
        page.locator(".btn.execute").first.click()
        page.wait_for_selector(".live-responses-table")
        page.wait_for_timeout(300)  # the answer's highlighted code is rendered
        found[f"{width} in use"] = _serious(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.close()
    assert {key: value for key, value in found.items() if value} == {}
