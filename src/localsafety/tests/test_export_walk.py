"""Every CSV or spreadsheet the site answers is formula-safe, now and for exports added later.

The walk asks every GET route (filled like the leak walk) as a national user, with a contract
title, summary and an organisation name planted as formulas, and reads every spreadsheet-like
answer cell by cell. A source check keeps writers of CSV out of every module but
``core.exports``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.http import FileResponse

from localsafety.contracts import services
from localsafety.core.exports import FORMULA_TRIGGERS
from localsafety.testing import leakwalk

PACKAGE_DIR = Path(__file__).resolve().parents[1]
FORMULA_TITLE = '=HYPERLINK("http://attacker.example/","Open")'
FORMULA_ORGANISATION = "@SUM(1+1)"
SPREADSHEET_TYPES = ("text/csv", "application/vnd.", "text/tab-separated-values")


def _rows(body: str) -> list[list[str]]:
    first = body.partition("\n")[0]
    delimiter = max(";,\t", key=first.count)
    return [row for row in csv.reader(io.StringIO(body), delimiter=delimiter) if row]


def _workbook_rows(raw: bytes) -> list[list[str]]:
    """The text cells of an XLSX answer, row by row (a workbook is read cell by cell too)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw), read_only=True)
    return [
        [str(value) for value in row if isinstance(value, str)]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


@pytest.mark.slow
def test_every_csv_export_neutralises_formulas(world, client_for):
    marked = leakwalk.mark_world(world)
    contract = world.contract_a
    contract.refresh_from_db()
    services.contract_update(
        actor=world.coordinator_a,
        contract=contract,
        expected_version=contract.version,
        changes={"title": FORMULA_TITLE, "summary": "+cmd|' /C calc'!A0"},
    )
    world.ngo_a.name = FORMULA_ORGANISATION
    world.ngo_a.save(update_fields=["name"])

    client = client_for(world.national)
    exports, unsafe = [], []
    for route in leakwalk.routes():
        for path, _values in leakwalk.paths_for(route, marked):
            response = client.get(path)
            if not response.get("Content-Type", "").startswith(SPREADSHEET_TYPES):
                continue
            if isinstance(response, FileResponse):
                continue  # a stored document, served as its uploader made it: not an export
            assert response.status_code == 200, path
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            exports.append(path)
            rows = _workbook_rows(raw) if raw.startswith(b"PK") else _rows(raw.decode("utf-8-sig"))
            cells = [cell for row in rows for cell in row]
            unsafe += [(path, cell) for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
            # The walk must have read a planted formula (the contract's title, or the
            # organisation's name in exports that list organisations but not the contract).
            # (An export with no rows for this contract, a header only, has nothing planted.)
            planted = {"'" + FORMULA_TITLE, "'" + FORMULA_ORGANISATION}
            other_contract = f"/contracts/{world.contract_b.pk}/" in path  # not retitled
            # Analysis results hold cell ids, counts and statistics only: no text a person
            # typed, so nothing to plant (their cells are still checked for triggers above).
            computed_only = "/diagnosis/analyses/" in path
            if len(rows) > 1 and not planted & set(cells) and not (other_contract or computed_only):
                unsafe.append((path, "the planted title is missing: the walk read nothing"))
    assert exports, "no CSV found: the walk would pass for nothing"
    assert "/contracts/export.csv" in exports
    assert unsafe == []


WRITERS = re.compile(r"csv\.(writer|DictWriter)\(|text/csv|openpyxl|xlsxwriter|odf\.opendocument")


def test_only_the_export_helper_writes_spreadsheets():
    offenders = []
    for path in PACKAGE_DIR.rglob("*.py"):
        relative = path.relative_to(PACKAGE_DIR).as_posix()
        if relative == "core/exports.py" or "/tests/" in f"/{relative}":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if WRITERS.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "write spreadsheets through localsafety.core.exports"
