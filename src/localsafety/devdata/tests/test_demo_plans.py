"""The demo's plan: an approved (and endorsed) version, returned once on the way, and a
second version in preparation, with measures and indicators."""

from __future__ import annotations

import pytest
from django.test import override_settings

from localsafety.contracts.models import StageDecision
from localsafety.devdata.demo import load_demo
from localsafety.plans import selectors
from localsafety.plans.models import Indicator, Plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_db")]


def test_demo_has_an_approved_plan_and_a_second_version_in_preparation(tmp_path):
    with override_settings(LOCALSAFETY_REFERENCE_DIR=tmp_path / "missing"):
        load_demo()
        # The plan written through the services (the only one with a second version; the
        # activities demo adds synthetic one-version plans to the other contracts).
        plans = list(Plan.objects.filter(versions__number=2).distinct())
        assert len(plans) == 1
        plan = plans[0]
        plan_count = Plan.objects.count()
        first, second = plan.versions.order_by("number")
        assert first.status == "endorsed" and second.status == "draft"
        assert first.measures.count() == 4 and second.measures.count() == 5
        assert all(m.indicators.exists() for m in first.measures.all())
        assert Indicator.objects.filter(contract=plan.contract).count() >= 8
        trail = StageDecision.objects.filter(stage__contract=plan.contract, stage__kind="plan")
        assert list(trail.order_by("pk").values_list("action", flat=True)) == [
            "start",
            "submit",
            "return",
            "submit",
            "approve",
            "endorse",
        ]
        changes = {c.status for c in selectors.compare_versions(first, second)}
        assert changes == {"changed", "added", "unchanged"}
        load_demo()  # a second run changes nothing
        assert Plan.objects.count() == plan_count and plan.versions.count() == 2
