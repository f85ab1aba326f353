"""Issue 9, done means: a police analyst and a municipal coordinator walk the import →
analysis → diagnosis → approval → PDF flow in Chromium, each seeing only what their role
allows.

- The PSP analyst (``commander_a``, police force seated on contract A, two-factor) uploads a
  messy export (``;``, Latin-1, decimal commas, dd/mm/yyyy, Portuguese headers, accented
  places, a blank trailing row), maps its columns and codes, follows the queued import to its
  end (a worker runs it; htmx polls the progress) and reads the data set's provenance; a file
  with 31/02/2024 is refused with file, row, column and reason, and stores nothing. He runs
  a police analysis and reads its points, its near-repeat table and his force's full counts.
- The coordinator (``coordinator_a``, the lead organisation), on a 390 px phone, reaches
  neither the police's data sets nor their run; her own analysis shows aggregates only,
  small counts suppressed. She records two problems on an axis with their evidence and
  submits the diagnosis stage; no page scrolls sideways.
- The committee's chair (``mayor_a``, not the submitter) approves it; the document is frozen
  (a later import changes the live figures, not the approved ones); its PDF downloads from
  the document's link and names the contract and both problems.

Each person has a browser context of their own (signed in once: a TOTP code is accepted only
once per time step).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from localsafety.contracts.models import StageKind, StageStatus
from localsafety.diagnosis import analysis_services, data_services
from localsafety.diagnosis.models import (
    AnalysisRun,
    DatasetStatus,
    Incident,
    IncidentDataset,
    Problem,
    RunStatus,
)
from localsafety.testing.pdf_text import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # noqa: S105 - the test world's password
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SOURCE = "PSP Lisboa — exportação mensal"
HEADER = "Referência;Data da ocorrência;Hora;Natureza do crime;Local;Longitude;Latitude"
#: The source's own category codes and the national taxonomy's categories they mean.
CODES = {
    "FURTO-VIAT": "vehicle-theft",
    "ROUBO-VP": "street-robbery",
    "VIOL-DOM": "domestic-violence",
}
PLACES = ("Calçada de Carriche", "Rua Raúl Proença", "Largo do Paço do Lumiar", "Praça São João")
#: A cluster near Lumiar, inside the world's square municipality A.
HOT = (-9.155, 38.755)
SMALL_YEAR = 2022  # three incidents only: suppressed for everyone but the police
PROBLEMS = (
    ("Furtos de viaturas junto à Calçada de Carriche", "Mapa de pontos quentes, 2023–2024"),
    ("Roubos na via pública à noite", "Grelha semanal: sextas e sábados, 20h–24h"),
)


def _row(ref: str, day: dt.date, time: str, code: str, place: str, lon: float, lat: float) -> str:
    coordinates = f"{lon:.6f};{lat:.6f}".replace(".", ",")
    return f"{ref};{day:%d/%m/%Y};{time};{code};{place};{coordinates}"


def messy_export(seed: int = 3, *, hot: int = 240, background: int = 120) -> bytes:
    """A PSP-style export: ``hot`` incidents clustered round HOT at night over 2023–2024,
    ``background`` spread over the square, three in 2022; then a blank trailing row."""
    rng = np.random.default_rng(seed)
    codes = list(CODES)
    lines = [HEADER]
    start = dt.date(2023, 1, 1)
    for i in range(hot + background):
        if i < hot:
            lon, lat = HOT[0] + rng.normal(0, 0.0012), HOT[1] + rng.normal(0, 0.0012)
            hour = int(rng.integers(20, 24))
        else:
            lon, lat = rng.uniform(-9.195, -9.095), rng.uniform(38.695, 38.795)
            hour = int(rng.integers(0, 24))
        day = start + dt.timedelta(days=int(rng.integers(0, 730)))
        code = codes[int(rng.choice(3, p=[0.6, 0.3, 0.1]))]
        lines.append(_row(f"P-{seed}-{i}", day, f"{hour:02d}:30", code, PLACES[i % 4], lon, lat))
    for i in range(3):
        lines.append(
            _row(
                f"P-{seed}-old{i}",
                dt.date(SMALL_YEAR, 5, 3 + i),
                "",
                "FURTO-VIAT",
                "Rua Raúl Proença",
                -9.16 + i / 1000,
                38.76,
            )
        )
    lines.append(";;;;;;")
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def _context(browser, live_server, username: str, device=None, viewport=DESKTOP):
    context = browser.new_context(locale="en-GB", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()
    if device is not None:
        from django_otp.oath import TOTP

        page.fill("input[name=code]", f"{TOTP(device.bin_key).token():06d}")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    assert "/accounts/" not in page.url, page.url
    return context, page


def _submit(page, text: str) -> None:
    page.locator("main form button[type=submit]", has_text=text).click()
    page.wait_for_load_state()


def _main(page) -> str:
    return page.locator("main").inner_text()


def _serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _upload(page, live_server, name: str, content: bytes) -> None:
    page.goto(f"{live_server.url}{reverse('crime_data:dataset_upload')}")
    page.fill("input[name=source_name]", SOURCE)
    page.set_input_files(
        "input[name=file]", {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    _submit(page, "Upload and map the columns")
    assert page.locator("h2", has_text="Column mapping").count() == 1, _main(page)


def _map_code(page, code: str, category: str) -> None:
    label = page.locator("main form label", has=page.locator(f"code:text-is('{code}')"))
    page.select_option(f"#{label.get_attribute('for')}", category)


def _status(page) -> str:
    return page.locator("#dataset-status .badge").inner_text()


def _work() -> None:
    """The background worker's turn (the tasks wait in a dummy queue): run what is queued."""
    for dataset_id in IncidentDataset.objects.filter(status=DatasetStatus.QUEUED).values_list(
        "pk", flat=True
    ):
        data_services.incident_dataset_run(dataset_id=dataset_id)
    for run_id in AnalysisRun.objects.filter(status=RunStatus.QUEUED).values_list("pk", flat=True):
        analysis_services.analysis_run_execute(run_id=run_id)


def _import(page) -> None:
    """Save the mapping; the page follows the queued import until the worker is done."""
    _submit(page, "Save the mapping and import")
    assert _status(page) == "Queued", _main(page)
    assert page.locator("#dataset-status progress").get_attribute("value") == "0"
    _work()
    # htmx polls the status every 2 s; once the import is over the page reloads.
    expect(page.locator("#dataset-status .badge")).not_to_have_text("Queued", timeout=10000)
    page.wait_for_load_state()


def _run(page, *, police: bool, resolution: str) -> None:
    """Start an analysis; its page follows the run, then shows its figures."""
    page.fill("input[name=period_start]", "2022-01-01")
    page.fill("input[name=period_end]", "2024-12-31")
    page.select_option("select[name=resolution]", resolution)
    if police:
        page.check("input[name=as_police]")
    _submit(page, "Run the analyses")
    assert page.locator("#run-status .badge").inner_text() == "Queued", _main(page)
    _work()
    page.locator("#hotspots-title").wait_for()
    assert page.locator("#run-status .badge").inner_text() == "Done", _main(page)
    assert page.locator("#run-status").count() == 1 and page.locator("main").count() == 1


def _frozen_figures(page) -> str:
    """The document's figures and tables as text (what approval freezes)."""
    parts = page.locator("main figure, main table").all_inner_texts()
    assert parts, "the document shows figures"
    return "\n".join(parts)


def test_police_and_coordinator_walk_import_analysis_diagnosis_approval_and_pdf(
    browser, live_server, world, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_otp.plugins.otp_totp.models import TOTPDevice

    contract = world.contract_a
    url = live_server.url
    analyses_url = f"{url}{reverse('analyses:index', args=[contract.pk])}"
    stage_url = f"{url}{reverse('contracts:stage', args=[contract.pk, StageKind.DIAGNOSIS])}"
    document_url = f"{url}{reverse('diagnosis:document', args=[contract.pk])}"
    device = TOTPDevice.objects.create(user=world.commander_a, name="phone", confirmed=True)
    police_context, police = _context(browser, live_server, "commander_a", device)
    # The coordinator walks her part on a phone.
    coordinator_context, coordinator = _context(
        browser, live_server, "coordinator_a", viewport=PHONE
    )
    mayor_context, mayor = _context(browser, live_server, "mayor_a")
    try:
        # --- 1. the analyst imports a messy export ------------------------------------------
        export = messy_export()
        _upload(police, live_server, "ocorrências-2022-2024.csv", export)
        assert "Calçada de Carriche" in _main(police)  # Latin-1 read right in the preview
        assert police.locator("select[name=column_x]").input_value() == "Longitude"
        assert police.locator("select[name=column_occurred_at]").input_value() == (
            "Data da ocorrência"
        )
        # Neither the record id nor the category column is recognised: the analyst names
        # them; the codes of the chosen category column are offered next, nothing imported.
        assert police.locator("main form code").count() == 0
        police.select_option("select[name=column_record_id]", "Referência")
        police.select_option("select[name=column_category]", "Natureza do crime")
        _submit(police, "Save the mapping and import")
        assert "Map the codes found in “Natureza do crime” below" in _main(police)
        assert _serious_violations(police) == []
        assert not IncidentDataset.objects.exclude(status="mapping").exists()
        for code, category in CODES.items():
            _map_code(police, code, category)
        _import(police)
        assert _status(police) == "Done", _main(police)
        dataset = IncidentDataset.objects.get()
        assert Incident.objects.filter(dataset=dataset).count() == 363
        page_text = _main(police)
        checksum = hashlib.sha256(export).hexdigest()
        assert checksum in page_text
        assert SOURCE in page_text and "2022-05-03 – 2024-12-" in page_text
        police.goto(f"{url}{reverse('crime_data:dataset_list')}")
        listing = police.locator("main table tbody tr").first.inner_text()
        assert "ocorrências-2022-2024.csv" in listing and SOURCE in listing
        assert checksum[:10] in listing and "2022-05-03" in listing

        # ... and a file with a date that does not exist is refused whole.
        stored = Incident.objects.count()
        refused = (
            HEADER
            + "\r\nR-1;05/02/2024;10:00;FURTO-VIAT;Rua Raúl Proença;-9,16;38,76"
            + "\r\nR-2;31/02/2024;11:00;ROUBO-VP;Praça São João;-9,15;38,75\r\n"
        ).encode("latin-1")
        _upload(police, live_server, "fevereiro.csv", refused)
        # The mapping is remembered for the source: prefilled, the analyst only confirms.
        assert police.locator("select[name=column_record_id]").input_value() == "Referência"
        _import(police)
        assert _status(police) == "Refused", _main(police)
        # The page reloaded once the import was over: the mapping is there to correct.
        assert police.locator("select[name=column_occurred_at]").count() == 1
        assert _serious_violations(police) == []
        problem = police.locator("#dataset-status table tbody tr").first.inner_text()
        assert "fevereiro.csv" in problem and "Data da ocorrência" in problem
        assert "3" in problem.split("\t")[1]  # the file's third line (the header is the first)
        assert Incident.objects.count() == stored

        # --- 2. the analyst's police analysis: points and near repeats ----------------------
        police.goto(analyses_url)
        _run(police, police=True, resolution="9")
        police_run_url = police.url
        body = _main(police)
        assert _serious_violations(police) == []
        assert "Incidents (police only)" in body and "Near repeats (police only)" in body
        points = json.loads(police.locator("#point-map-data").text_content())
        assert len(points["features"]) == 363
        assert police.locator("section[aria-labelledby=knox-title] tbody tr").count() == 5
        police.goto(analyses_url)  # the force reads its own yearly counts in full
        own_years = police.locator("main table").first
        assert own_years.locator("tr", has_text=str(SMALL_YEAR)).locator("td").inner_text() == "3"

        # --- 3. the coordinator: aggregates only --------------------------------------------
        for forbidden in (
            f"{url}{reverse('crime_data:dataset_list')}",
            f"{url}{reverse('crime_data:dataset_detail', args=[dataset.pk])}",
            police_run_url,
            f"{police_run_url}points.geojson",
        ):
            response = coordinator.goto(forbidden)
            assert response.status in (403, 404), forbidden
            assert "Calçada de Carriche" not in coordinator.content()
        coordinator.goto(analyses_url)
        years = coordinator.locator("main table").first
        assert "small counts suppressed" in years.inner_text()
        small = years.locator("tr", has_text=str(SMALL_YEAR))
        assert small.locator("abbr[title=suppressed]").count() == 1
        assert "3" not in small.locator("td").inner_text()
        assert coordinator.locator("input[name=as_police]").count() == 0
        assert coordinator.locator("select[name=resolution] option[value='9']").count() == 0
        assert _fits(coordinator)
        _run(coordinator, police=False, resolution="8")
        coordinator_run_url = coordinator.url
        body = _main(coordinator)
        assert "police only" not in body
        assert coordinator.locator("#point-map-data, #knox-title").count() == 0
        assert coordinator.locator("main td abbr[title=suppressed]").count() > 0
        cells = json.loads(coordinator.locator("#hotspot-map-data").text_content())
        assert cells["features"] and not any("z" in f["properties"] for f in cells["features"])
        assert all("lon" not in f["properties"] for f in cells["features"])
        assert _fits(coordinator)

        # ... records two problems on an axis, with their evidence, and submits the stage.
        for title, evidence in PROBLEMS:
            coordinator.goto(f"{url}{reverse('diagnosis:problem_create', args=[contract.pk])}")
            coordinator.fill("input[name=title]", title)
            coordinator.select_option("select[name=axis]", index=1)
            coordinator.fill("textarea[name=evidence]", evidence)
            if title == PROBLEMS[0][0]:
                # ... linking the first to the document's hot-spot map and a hot cell, if any.
                coordinator.check("input[name=evidence_figures][value='figure:hotspots']")
                hot = coordinator.locator("input[name=evidence_hotspots]")
                hot_cells = hot.count()
                if hot_cells:
                    hot.first.check()
            assert _fits(coordinator)
            coordinator.locator("main form button[type=submit]").first.click()
            coordinator.wait_for_load_state()
        listed = _main(coordinator)
        assert all(title in listed and evidence in listed for title, evidence in PROBLEMS)
        document_path = reverse("diagnosis:document", args=[contract.pk])
        evidence_link = coordinator.locator(f"main a[href='{document_path}#figure-hotspots']")
        assert evidence_link.inner_text() == "Hot-spot map"
        assert coordinator.locator("main a[href*='#cell-']").count() == min(hot_cells, 1)
        assert Problem.objects.filter(contract=contract, axis__isnull=False).count() == 2
        assert _fits(coordinator)
        coordinator.goto(stage_url)
        coordinator.fill("textarea[name=summary]", "Diagnóstico: furtos e roubos no Lumiar.")
        _submit(coordinator, "Save the summary")
        coordinator.check("input[name=action][value=submit]")
        _submit(coordinator, "Record the decision")
        with translation.override("en"):
            submitted = str(StageStatus.SUBMITTED.label)
            approved = str(StageStatus.APPROVED.label)
        assert coordinator.locator("#stage-status").inner_text() == submitted
        assert coordinator.locator("input[name=action][value=approve]").count() == 0
        assert _fits(coordinator)

        # --- 4. the chair approves; the document is frozen -------------------------------------
        mayor.goto(stage_url)
        mayor.check("input[name=action][value=approve]")
        _submit(mayor, "Record the decision")
        assert mayor.locator("#stage-status").inner_text() == approved
        coordinator.goto(stage_url)
        assert coordinator.locator("#stage-status").inner_text() == approved
        coordinator.goto(document_url)
        assert "Approved" in _main(coordinator)
        assert _fits(coordinator)
        before = _frozen_figures(coordinator)
        crime_url = f"{url}{reverse('diagnosis:crime', args=[contract.pk])}"
        coordinator.goto(crime_url)
        live_before = _main(coordinator)

        later = (
            HEADER
            + "".join(
                "\r\n"
                + _row(
                    f"L-{i}",
                    dt.date(2024, 12, 1 + i % 28),
                    "12:00",
                    "FURTO-VIAT",
                    "Rua Raúl Proença",
                    -9.15,
                    38.74,
                )
                for i in range(40)
            )
            + "\r\n"
        ).encode("latin-1")
        _upload(police, live_server, "dezembro.csv", later)
        _import(police)
        assert _status(police) == "Done", _main(police)
        coordinator.goto(crime_url)
        assert _main(coordinator) != live_before  # the live figures did change
        coordinator.goto(document_url)
        assert _frozen_figures(coordinator) == before
        assert all(title in _main(coordinator) for title, _evidence in PROBLEMS)
        assert coordinator.locator("main a[href$='#figure-hotspots']").count() == 1
        # The figure the evidence link names is on the page under that anchor.
        assert coordinator.locator("#figure-hotspots").count() == 1

        # --- 5. the PDF, downloaded from the document's link --------------------------------
        pdf_path = reverse("diagnosis:document_pdf", args=[contract.pk])
        with coordinator.expect_download() as download:
            coordinator.locator(f"main a[href='{pdf_path}']").first.click()
        content = Path(download.value.path()).read_bytes()
        assert content.startswith(b"%PDF") and b"%%EOF" in content[-64:]
        response = coordinator.request.get(f"{url}{pdf_path}")
        assert response.headers["content-type"] == "application/pdf"
        text = " ".join(pdf_text(content).split())
        assert contract.title in text
        assert all(title in text and evidence in text for title, evidence in PROBLEMS), text
        assert "Hot-spot map" in text

        # --- 6. the coordinator's pages, on her phone, without serious accessibility faults ---
        for address in (
            analyses_url,
            coordinator_run_url,
            f"{url}{reverse('diagnosis:problems', args=[contract.pk])}",
            document_url,
            stage_url,
        ):
            coordinator.goto(address)
            assert _fits(coordinator), address
            assert _serious_violations(coordinator) == [], address
    finally:
        for context in (police_context, coordinator_context, mayor_context):
            context.close()
