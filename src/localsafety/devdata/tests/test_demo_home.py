"""The demo's Lisbon diagnosis waits for the mayor's decision, its deliverable written
(issue 8, point 1): the mayor's home page shows it the moment he signs in."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from localsafety.contracts.models import Contract, StageStatus
from localsafety.devdata.demo import DEMO_PASSWORD, load_demo
from localsafety.devdata.demo_facts import LISBON_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_db")]


def test_the_lisbon_diagnosis_waits_for_the_mayor_with_its_deliverable_written(tmp_path, settings):
    settings.LANGUAGE_CODE = "en"
    with override_settings(LOCALSAFETY_REFERENCE_DIR=tmp_path / "missing"):
        load_demo()
    lisboa = Contract.objects.get(municipality__code="1106", signed_on=LISBON_DAY)
    diagnosis = lisboa.stages.get(kind="diagnosis")
    assert diagnosis.status == StageStatus.SUBMITTED
    assert diagnosis.summary.strip()  # written, never submitted empty
    # Complete, with its problems prioritised by the committee and marked synthetic.
    problems = list(lisboa.problems.order_by("priority"))
    assert [p.priority for p in problems] == [1, 2, 3]
    assert all(p.axis_id and p.evidence and p.data_origin == "synthetic" for p in problems)
    # The first links to its evidence in the document: the trend chart (and the crime rate
    # when the national matrix is loaded).
    keys = [link.key for link in problems[0].evidence_links.all()]
    assert keys[0] == "figure:trend" and set(keys) <= {"figure:trend", "indicator:crime-rate"}
    submitted = diagnosis.decisions.get(action="submit")
    assert submitted.actor.username == "coord_1106"  # the lead organisation, not a partner

    client = Client()
    signed_in = client.post(
        reverse("accounts:login"), {"username": "mayor_1106", "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in.url == reverse("portal:home")
    home = client.get(signed_in.url)
    assert home.status_code == 200
    waiting = home.context["home"].waiting
    assert [(w.stage.pk, w.kind) for w in waiting] == [(diagnosis.pk, "approve")]
    html = home.content.decode()
    section = html.split('id="waiting"')[1].split("</section>")[0]
    assert lisboa.title in section and diagnosis.summary[:40] in section
    assert reverse("contracts:stage", args=[lisboa.pk, "diagnosis"]) in section
    # The stage page offers him the decision, nothing pre-selected.
    stage_page = client.get(reverse("contracts:stage", args=[lisboa.pk, "diagnosis"]))
    assert [value for value, _ in stage_page.context["form"].fields["action"].choices] == [
        "approve",
        "return",
    ]
