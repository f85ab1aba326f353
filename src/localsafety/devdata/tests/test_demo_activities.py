"""The demo's activities reproduce the published totals to 2019 as sums over stored rows, and
the national page shows them computed (FACTS.md: 280 initiatives — 132 axis i, 24 axis ii,
73 axis iii, 51 axis iv — 14,352 people involved, about EUR 1 million)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.test import override_settings
from django.urls import reverse

from localsafety.activities.models import Activity
from localsafety.devdata.demo import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_db")]


@pytest.fixture
def demo(tmp_path):
    with override_settings(LOCALSAFETY_REFERENCE_DIR=tmp_path / "missing"):
        load_demo()
        yield


def test_sums_to_2019_are_the_published_totals(demo, client):
    # An independent sum straight over the rows, not through the page's selector.
    held = Activity.objects.filter(status="held", starts_on__lte=dt.date(2019, 12, 31))
    by_axis = dict(held.values_list("axis__code").annotate(n=Count("pk")))
    assert by_axis == {"i": 132, "ii": 24, "iii": 73, "iv": 51}
    assert held.aggregate(n=Sum("participants"))["n"] == 14_352
    assert held.aggregate(n=Sum("costs__amount"))["n"] == Decimal("1000000.00")
    assert set(held.values_list("data_origin", flat=True)) == {"synthetic"}
    assert held.values("contract").distinct().count() > 20  # spread across the contracts

    page = client.get(reverse("activities:national"), headers={"accept-language": "en"})
    assert page.status_code == 200
    to_2019 = page.context["to_2019"]
    assert (to_2019.initiatives, to_2019.people) == (280, 14_352)
    assert to_2019.investment == Decimal("1000000.00")
    assert [(line.code, line.initiatives) for line in to_2019.by_axis] == [
        ("i", 132),
        ("ii", 24),
        ("iii", 73),
        ("iv", 51),
    ]
    text = page.content.decode()
    assert 'id="initiatives-2019">280<' in text

    # A few isolated actions, after the published period (so its totals stay exact).
    isolated = Activity.objects.filter(measure__isnull=True)
    assert isolated.count() >= 3
    assert all(day > dt.date(2019, 12, 31) for day in isolated.values_list("starts_on", flat=True))

    # Loading the demo again adds nothing.
    count = Activity.objects.count()
    load_demo()
    assert Activity.objects.count() == count
