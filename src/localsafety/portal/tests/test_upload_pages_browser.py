"""The zone upload and its refusal on a phone, in pt-PT (issue 7, #10 and #14): the caps are
stated on the page, and a file with many problems leaves a short page that fits 390 px."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from shapely.geometry import box

from localsafety.territory.models import AreaImport
from localsafety.territory.tests.geofiles import write_geojson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        violation["id"]
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]


def test_a_refused_zone_file_on_a_phone_states_the_caps_and_lists_only_the_first_problems(
    page, live_server, world, tmp_path
):
    rows = [
        {"name": "", "geometry": box(-9.19 + n * 0.0009, 38.70, -9.1895 + n * 0.0009, 38.7005)}
        for n in range(150)
    ]
    path = write_geojson(tmp_path / "zonas.geojson", rows)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", "coordinator_a")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}{reverse('contracts:zone_upload', args=[world.contract_a.pk])}")
    hint = page.locator("#id_file_helptext").inner_text()
    assert "No máximo 10 MB e 200 elementos por ficheiro." in hint
    assert "Um contrato tem no máximo 200 zonas (este tem 0)." in hint
    assert page.evaluate(FITS)
    assert _serious_violations(page) == []

    page.set_input_files("input[name=file]", str(path))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    area_import = AreaImport.objects.get()
    assert area_import.status == "refused" and area_import.problem_count == 150
    page.reload()
    body = page.locator("main").inner_text()
    assert "150 problemas" in body
    assert "Só são listados os primeiros 100 dos 150 problemas." in body
    assert page.locator("main table tbody tr").count() == 100
    assert page.evaluate(FITS)
    assert _serious_violations(page) == []
