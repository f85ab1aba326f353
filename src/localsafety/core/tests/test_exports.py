"""Formula injection in exports (OWASP "CSV Injection"): the one helper every export uses."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localsafety.core.exports import FORMULA_TRIGGERS, csv_response, safe_cell

PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_that_a_spreadsheet_would_run_is_quoted(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize(
    "value", [-3, 0, 42, -2.5, Decimal("-1.25"), dt.date(2024, 1, 2), True, None]
)
def test_numbers_dates_and_empty_cells_stay_what_they_are(value):
    assert safe_cell(value) is value


@given(st.text())
def test_no_cell_ever_starts_with_a_formula_trigger(text):
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert cell.removeprefix("'") == text or cell == text


def test_csv_response_quotes_every_cell_header_included():
    response = csv_response(
        filename="x.csv", header=["=title"], rows=[[-3, '=HYPERLINK("http://x","y")', "ok"]]
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["'=title"], ["-3", '\'=HYPERLINK("http://x","y")', "ok"]]
