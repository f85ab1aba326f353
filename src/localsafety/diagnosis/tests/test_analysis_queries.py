"""Query counts of the analysis pages, pinned: the number of runs listed or cells drawn does
not change them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from localsafety.diagnosis.models import AnalysisRun, RunStatus
from localsafety.diagnosis.tests.leak_markers import _marked_results
from localsafety.testing.auth import sign_in
from localsafety.testing.queries import assert_num_queries_stable, count_queries

pytestmark = pytest.mark.django_db


def _runs(world, count, *, police=False, cells=1):
    results = _marked_results(police)
    results["cells"] = results["cells"] * cells
    made = [
        AnalysisRun.objects.create(
            contract=world.contract_a,
            police_organisation=world.psp if police else None,
            requested_by=world.commander_a if police else world.partner_a,
            period_start=dt.date(2020 + i % 5, 1, 1),
            period_end=dt.date(2024, 12, 31),
            status=RunStatus.DONE,
            resolution=8,
            results=results,
        )
        for i in range(count)
    ]
    return made


# A partner's yearly counts are the crime release's (aggregates.municipal_yearly_counts): cold,
# its key (generation, data sets, the territory's counts summed, taxonomy, approved diagnoses)
# and its computation (parishes, taxonomy, parish and municipal counts, approved diagnoses).
@pytest.mark.parametrize(
    ("name", "police", "expected"), [("partner_a", False, 18), ("commander_a", True, 12)]
)
def test_the_analyses_page_is_pinned(world, client, name, police, expected):
    sign_in(client, getattr(world, name))
    _runs(world, 1, police=police)
    url = reverse("analyses:index", args=[world.contract_a.pk])
    added = []
    assert_num_queries_stable(
        client,
        url,
        expected=expected,
        grow=lambda: added.extend(_runs(world, 6, police=police, cells=40)),
        shows_growth=lambda response: (
            bool(added) and f"/analyses/{added[-1].pk}/" in response.content.decode()
        ),
    )


@pytest.mark.parametrize(
    ("name", "police", "expected"), [("partner_a", False, 6), ("commander_a", True, 7)]
)
def test_a_run_page_is_pinned_whatever_its_cells(world, client, name, police, expected):
    sign_in(client, getattr(world, name))
    small, large = _runs(world, 1, police=police)[0], _runs(world, 1, police=police, cells=300)[0]
    client.get(reverse("analyses:run", args=[world.contract_a.pk, small.pk]))
    for run in (small, large):
        url = reverse("analyses:run", args=[world.contract_a.pk, run.pk])
        queries, _response, listing = count_queries(lambda url=url: client.get(url))
        assert queries == expected, listing
