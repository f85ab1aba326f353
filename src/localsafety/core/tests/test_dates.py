"""One date style per kind of use, in each language (issue 8, point 5)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from localsafety.core import dates

DAY = dt.date(2016, 7, 14)
MOMENT = dt.datetime(2016, 7, 14, 9, 30, tzinfo=dt.UTC)  # 10:30 in Lisbon (summer time)


@pytest.mark.parametrize(
    ("language", "prose", "table", "prose_time", "table_time"),
    [
        (
            "pt-pt",
            "14 de julho de 2016",
            "14/07/2016",
            "14 de julho de 2016, 10:30",
            "14/07/2016 10:30",
        ),
        ("en", "14 July 2016", "14/07/2016", "14 July 2016, 10:30", "14/07/2016 10:30"),
    ],
)
def test_each_kind_of_use_has_one_style(language, prose, table, prose_time, table_time):
    with translation.override(language):
        assert dates.prose_date(DAY) == prose
        assert dates.table_date(DAY) == table
        assert dates.prose_datetime(MOMENT) == prose_time
        assert dates.table_datetime(MOMENT) == table_time
        rendered = Template(
            "{% load dates %}{{ d|prose_date }}|{{ d|table_date }}|{{ t|prose_datetime }}|"
            "{{ t|table_datetime }}|{{ d }}"
        ).render(Context({"d": DAY, "t": MOMENT}))
        # Django's own rendering of a date is the prose style too.
        assert rendered == f"{prose}|{table}|{prose_time}|{table_time}|{prose}"


def test_portuguese_months_are_lower_case():
    with translation.override("pt-pt"):
        months = [dates.prose_date(dt.date(2020, month, 1)).split(" ")[2] for month in range(1, 13)]
    assert months == [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ]


def test_pages_use_the_styles(world, client_for):
    """The contract's signing date in prose, a meeting's date in the list, in pt-PT."""
    from localsafety.contracts import services

    services.meeting_create(
        actor=world.coordinator_a,
        body=world.contract_a.bodies.get(kind="core"),
        held_on=dt.date(2017, 3, 9),
        agenda="Ordem de trabalhos",
    )
    client = client_for(world.coordinator_a)
    detail = client.get(f"/contracts/{world.contract_a.pk}/").content.decode()
    assert "14 de julho de 2016" in detail
    assert "Julho" not in detail
    meetings = client.get(f"/contracts/{world.contract_a.pk}/meetings/").content.decode()
    assert "09/03/2017" in meetings
    history = client.get(f"/contracts/{world.contract_a.pk}/history/").content.decode()
    when = re.findall(r"<tr>\s*<td>([^<]+)</td>", history)
    assert when and all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", text) for text in when)
