"""The demo's Lisbon diagnosis document shows an aggregate analysis: its run is computed when
the demo is loaded (there is no worker yet), once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.devdata.demo import demo_aggregate_run
from localsafety.diagnosis.models import AnalysisRun, RunStatus
from localsafety.diagnosis.tests.analysis_data import import_export

pytestmark = pytest.mark.django_db


def test_the_demo_run_is_aggregate_done_once_and_drawn_in_the_document(
    world, tmp_path, client_for, english_pages
):
    import_export(world, tmp_path)
    demo_aggregate_run(world.contract_a, world.coordinator_a)
    demo_aggregate_run(world.contract_a, world.coordinator_a)
    run = AnalysisRun.objects.get(contract=world.contract_a)
    assert run.status == RunStatus.DONE and run.police_organisation_id is None
    assert run.results["threshold"] == 10 and "points" not in run.results
    body = client_for(world.partner_a).get(
        reverse("diagnosis:document", args=[world.contract_a.pk])
    )
    html = body.content.decode()
    assert 'id="figure-hotspots"' in html and 'id="figure-heat"' in html
