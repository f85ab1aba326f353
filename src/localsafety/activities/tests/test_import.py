"""Bulk entry by spreadsheet: the same rules as the form, file/row/column/reason, atomic."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from localsafety.activities.importing import activities_import
from localsafety.activities.models import Activity, ActivityCost, ImportBatch
from localsafety.activities.tests.factories import approved_plan
from localsafety.core.cells import parse_date, parse_decimal
from localsafety.core.errors import ImportRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_a(world):
    return approved_plan(world.contract_a, responsible=world.ngo_a, created_by=world.coordinator_a)


GOOD_CSV = (
    "Data;Fim;Medida;Título;Tipo;Organização;Freguesia;Mulheres 12-17;Homens 12-17;"
    "Horas técnicos;Custo município\n"
    "01/03/2017;02/03/2017;1.1;Sessão na escola;session;Associação Bairro Feliz;Lumiar;"
    "12;9;3,5;1.234,56 €\n"
    "15/04/2017;;;Limpeza do bairro;Event or campaign;;;;;;\n"
)


def test_a_clean_csv_is_imported_whole(world, plan_a):
    result = activities_import(
        actor=world.partner_a,
        contract=world.contract_a,
        data=GOOD_CSV.encode("utf-8"),
        file_label="actividades.csv",
    )
    assert result.created == 2
    first = Activity.objects.get(title="Sessão na escola")
    assert first.measure_id == plan_a.measure.pk
    assert first.starts_on == dt.date(2017, 3, 1)
    assert first.participants == 21
    assert first.staff_hours == Decimal("3.5")
    assert first.cost_total == Decimal("1234.56")
    assert first.area_id == world.parish_a.pk
    assert first.axis_id == plan_a.measure.axis_id
    assert ActivityCost.objects.get(activity=first).amount == Decimal("1234.56")
    second = Activity.objects.get(title="Limpeza do bairro")
    assert second.is_isolated
    assert second.organisation_id == world.ngo_a.pk  # the importer's own organisation
    assert second.kind == "event"
    assert ImportBatch.objects.get().rows == 2


def test_every_problem_is_listed_and_nothing_is_stored(world, plan_a):
    bad = (
        "date;end;measure;title;kind;organisation;participants;cost_municipality\n"
        "01/03/2017;01/02/2017;1.1;Ends before it starts;session;;5;10\n"
        "01/01/2016;;1.1;Before the measure;session;;5;10\n"
        "31/02/2017;;;Not a date;session;;5;10\n"
        "01/03/2017;;9.9;Unknown measure;session;;5;10\n"
        "01/03/2017;;;Other organisation;session;Câmara Municipal de Lisboa;5;10\n"
        "01/03/2017;;;Outsider;session;Associação Planície Unida;5;10\n"
        "01/03/2017;;;Bad money;session;;5;doze euros\n"
        "01/03/2017;;;Good row;session;;5;10\n"
    )
    with pytest.raises(ImportRefused) as caught:
        activities_import(
            actor=world.partner_a, contract=world.contract_a, data=bad.encode(), file_label="x.csv"
        )
    problems = caught.value.problems
    assert caught.value.total == 7
    by_row = {problem["row"]: problem for problem in problems}
    assert set(by_row) == {"2", "3", "4", "5", "6", "7", "8"}
    assert all(problem["file"] == "x.csv" for problem in problems)
    assert "end date is before the start" in by_row["2"]["reason"]
    assert by_row["2"]["field"].startswith("B")
    assert "before its measure starts" in by_row["3"]["reason"]
    assert "not a real date" in by_row["4"]["reason"]
    assert "no measure 9.9" in by_row["5"]["reason"]
    assert "only for your own organisation" in by_row["6"]["reason"]
    assert "not a partner" in by_row["7"]["reason"]
    assert by_row["8"]["field"].startswith("H")
    assert not Activity.objects.exists()
    assert not ImportBatch.objects.exists()


def test_superseded_measure_is_not_found_by_code(world, plan_a):
    plan_a.version.status = "superseded"
    plan_a.version.save()
    data = "date;measure;title;kind\n01/03/2017;1.1;Late;session\n"
    with pytest.raises(ImportRefused) as caught:
        activities_import(
            actor=world.partner_a, contract=world.contract_a, data=data.encode(), file_label="a.csv"
        )
    assert "approved plan" in caught.value.problems[0]["reason"]


def test_merged_header_cells_are_refused(world, plan_a):
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "participants", None, "title", "kind"])
    sheet.merge_cells("B1:C1")
    sheet.append([dt.date(2017, 3, 1), 3, 4, "Merged", "session"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportRefused) as caught:
        activities_import(
            actor=world.partner_a,
            contract=world.contract_a,
            data=buffer.getvalue(),
            file_label="merged.xlsx",
        )
    assert "merged cells (B1:C1)" in caught.value.problems[0]["reason"]
    assert not Activity.objects.exists()


def test_an_xlsx_with_workbook_dates_and_numbers_imports(world, plan_a):
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "title", "kind", "women_65plus", "cost_ministry"])
    sheet.append([dt.datetime(2017, 5, 2), "Visit", "visit", 4, 99.5])
    buffer = io.BytesIO()
    book.save(buffer)
    result = activities_import(
        actor=world.partner_a,
        contract=world.contract_a,
        data=buffer.getvalue(),
        file_label="a.xlsx",
    )
    activity = result.batch.activities.get()
    assert activity.starts_on == dt.date(2017, 5, 2)
    assert activity.participants == 4
    assert activity.cost_total == Decimal("99.50")


def test_unknown_columns_and_non_spreadsheets_are_refused(world, plan_a):
    with pytest.raises(ImportRefused) as caught:
        activities_import(
            actor=world.partner_a,
            contract=world.contract_a,
            data=b"date;kind;ethnicity\n01/03/2017;session;x\n",
            file_label="a.csv",
        )
    assert "ethnicity is not a column" in caught.value.problems[0]["reason"]
    with pytest.raises(ImportRefused):
        activities_import(
            actor=world.partner_a,
            contract=world.contract_a,
            data=b"MZ\x90\x00" + b"\x00" * 100,
            file_label="a.csv",
        )


def test_outsiders_cannot_import(world, plan_a):
    with pytest.raises(PermissionDenied):
        activities_import(
            actor=world.partner_b,
            contract=world.contract_a,
            data=GOOD_CSV.encode(),
            file_label="a.csv",
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56 €", Decimal("1234.56")),
        ("1234,5", Decimal("1234.50")),
        ("1 234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("2.500", Decimal("2500.00")),
        ("12.5", Decimal("12.50")),
        ("EUR 87.000", Decimal("87000.00")),
    ],
)
def test_parse_decimal(text, expected):
    assert parse_decimal(text) == expected


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_parse_decimal_reads_back_portuguese_writing(value):
    integer, _dot, cents = f"{value:.2f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    assert parse_decimal(f"{grouped},{cents} €") == value


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_parse_date_reads_day_month_year(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(day.isoformat()) == day


def test_two_columns_for_the_same_thing_are_refused(world, plan_a):
    """``date`` and ``data`` both mean the start: which one counts would be a guess."""
    data = "date;data;kind\n01/03/2017;02/03/2017;session\n"
    with pytest.raises(ImportRefused) as caught:
        activities_import(
            actor=world.partner_a, contract=world.contract_a, data=data.encode(), file_label="a.csv"
        )
    assert "Columns A and B have the same header (data)" in caught.value.problems[0]["reason"]
    assert not Activity.objects.exists()


def test_a_column_with_data_but_no_header_is_refused(world, plan_a):
    data = "date;;kind\n01/03/2017;12;session\n"
    with pytest.raises(ImportRefused) as caught:
        activities_import(
            actor=world.partner_a, contract=world.contract_a, data=data.encode(), file_label="a.csv"
        )
    problem = caught.value.problems[0]
    assert "Column 2 has no header" in problem["reason"]
    assert (problem["file"], problem["row"]) == ("a.csv", "1")


def test_a_workbook_number_with_three_decimals_is_not_read_as_thousands(world, plan_a):
    """A workbook's number cell comes as text with a decimal point: 2.125 hours stay 2.125
    (refused: one decimal at most), never 2125; in a CSV, ``38.123`` groups thousands
    except in a coordinate."""
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "title", "kind", "staff_hours", "cost_ministry"])
    sheet.append([dt.datetime(2017, 5, 2), "Visit", "visit", 2.125, 10])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportRefused) as caught:
        activities_import(
            actor=world.partner_a,
            contract=world.contract_a,
            data=buffer.getvalue(),
            file_label="a.xlsx",
        )
    assert "more than 1 decimal places" in caught.value.problems[0]["reason"]
    assert caught.value.problems[0]["field"].startswith("D")
    assert parse_decimal("38.123", places=8, point_is_decimal=True) == Decimal("38.123")
    assert parse_decimal("38.123", places=8) == Decimal("38123")
