"""Swagger UI really runs under the strict CSP, from local assets only (real Chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def test_swagger_ui_renders_without_csp_violations(live_server):
    violations: list[str] = []
    foreign: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
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
        browser.close()
    assert foreign == []
    assert violations == []
