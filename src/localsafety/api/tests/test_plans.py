"""The plans API: the same rules as the pages (who drafts, who decides, locking, bad input,
what outsiders and the public see)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localsafety.contracts.models import Contract
from localsafety.plans import services
from localsafety.plans.models import Measure, MeasureBudget
from localsafety.plans.tests.helpers import open_plan_stage, problems, sample_plan

pytestmark = pytest.mark.django_db


def api_url(name, contract, *args):
    return reverse(f"api:{name}", args=[contract.pk, *args])


def measure_body(world, objective_id, **overrides):
    body = {
        "objective": objective_id,
        "code": "M9",
        "title": "Proximity patrols at night",
        "axis": world.contract_a.axes.get(code="ii").pk,
        "kind": "proximity-patrols",
        "target_groups": ["estate-residents"],
        "areas": [world.parish_a.pk],
        "starts_on": "2017-02-01",
        "ends_on": "2017-11-30",
        "responsible_organisation": world.psp.pk,
        "budget": {"ministry": "1.234,56 €"},
        "points": [{"label": "Escola", "lat": 38.75, "lon": -9.16}],
    }
    body.update(overrides)
    return body


def test_outsiders_get_404_and_anonymous_is_refused(world, api_for):
    sample_plan(world)
    for outsider in (world.partner_b, world.stranger):
        assert api_for(outsider).get(api_url("plan", world.contract_a)).status_code == 404
    assert api_for(None).get(api_url("plan", world.contract_a)).status_code in (401, 403)
    assert api_for(world.partner_a).get(api_url("plan", world.contract_a)).status_code == 200


def test_the_core_writes_the_plan_through_the_api(world, api_for, english):
    english(world.coordinator_a)
    found = problems(world)
    client = api_for(world.coordinator_a)
    response = client.post(api_url("plan", world.contract_a), {"title": "API plan"}, format="json")
    assert response.status_code == 201, response.json()
    version_id = response.json()["versions"][0]["id"]
    response = client.post(
        api_url("plan-objectives", world.contract_a, version_id),
        {"title": "Fewer burglaries", "problems": [found[0].pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    objective_id = response.json()["id"]
    measures = api_url("plan-measures", world.contract_a, version_id)
    bad = client.post(
        measures, measure_body(world, objective_id, ends_on="2017-01-01"), format="json"
    )
    assert bad.status_code == 400 and "before the start" in str(bad.json())
    bad = client.post(
        measures,
        measure_body(world, objective_id, responsible_organisation=world.ngo_b.pk),
        format="json",
    )
    assert bad.status_code == 400 and "not a member of this contract" in str(bad.json())
    assert Measure.objects.count() == 0
    response = client.post(measures, measure_body(world, objective_id), format="json")
    assert response.status_code == 201, response.json()
    measure = response.json()
    assert measure["budget"] == [{"funding_source": "ministry", "amount": "1234.56"}]
    assert measure["points"] == [{"label": "Escola", "lat": 38.75, "lon": -9.16}]
    bad_point = client.patch(
        api_url("plan-measure", world.contract_a, measure["id"]),
        {"points": [{"label": "x", "lat": 200, "lon": 0}], "version": measure["version"]},
        format="json",
    )
    assert bad_point.status_code == 400
    response = client.post(
        api_url("plan-indicators", world.contract_a, measure["id"]),
        {"template": "burglaries", "target_value": "20"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["direction"] == "lower"
    assert response.json()["source"] == "DGPJ / security forces"
    listed = client.get(measures).json()
    assert listed["count"] == 1 and len(listed["results"][0]["indicators"]) == 1


def test_a_stale_version_is_a_conflict(world, api_for, english):
    english(world.coordinator_a, world.partner_a)
    _plan, _version, measures = sample_plan(world)
    measure = measures[0]
    url = api_url("plan-measure", world.contract_a, measure.pk)
    first = api_for(world.coordinator_a).patch(
        url, {"title": "First", "version": measure.version}, format="json"
    )
    assert first.status_code == 200, first.json()
    second = api_for(world.partner_a).patch(
        url, {"title": "Second", "version": measure.version}, format="json"
    )
    assert second.status_code == 409
    missing = api_for(world.partner_a).patch(url, {"title": "Third"}, format="json")
    assert missing.status_code == 400
    assert Measure.objects.get(pk=measure.pk).title == "First"


def test_budget_patch_in_portuguese_notation(world, api_for):
    _plan, _version, measures = sample_plan(world)
    measure = measures[0]
    response = api_for(world.coordinator_a).patch(
        api_url("plan-measure", world.contract_a, measure.pk),
        {"budget": {"eu-funds": "12.500,00 €"}, "version": measure.version},
        format="json",
    )
    assert response.status_code == 200, response.json()
    line = MeasureBudget.objects.get(measure=measure, funding_source__code="eu-funds")
    assert str(line.amount) == "12500.00"


def test_decisions_through_the_api_follow_the_workflow(world, api_for, english):
    english(world.coordinator_a, world.mayor_a)
    open_plan_stage(world)
    _plan, version, _measures = sample_plan(world)
    decide = api_url("plan-version-decide", world.contract_a, version.pk)
    coordinator, mayor = api_for(world.coordinator_a), api_for(world.mayor_a)
    response = coordinator.post(
        decide, {"action": "submit", "version": version.version}, format="json"
    )
    assert response.status_code == 200, response.json()
    current = response.json()["version"]
    assert (
        coordinator.post(
            decide, {"action": "approve", "version": current}, format="json"
        ).status_code
        == 403
    )
    response = mayor.post(
        decide, {"action": "return", "comment": "More detail", "version": current}, format="json"
    )
    assert response.json()["status"] == "returned"
    assert response.json()["comments"] == "More detail"


def test_the_public_reads_only_published_measures(world, api_for):
    open_plan_stage(world)
    _plan, version, measures = sample_plan(world)
    services.measure_publish(
        actor=world.mayor_a,
        measure=measures[0],
        published=True,
        expected_version=1 + measures[0].version - 1,
    )
    services.plan_version_decide(
        actor=world.coordinator_a,
        version=version,
        action="submit",
        expected_version=version.version,
    )
    version.refresh_from_db()
    services.plan_version_decide(
        actor=world.mayor_a, version=version, action="approve", expected_version=version.version
    )
    url = api_url("plan-published-measures", world.contract_a)
    assert api_for(None).get(url).status_code == 404  # A is not published
    Contract.objects.filter(pk=world.contract_a.pk).update(is_published=True)
    rows = api_for(None).get(url).json()
    assert [row["title"] for row in rows] == ["Measure 1"]
    assert api_for(None).get(
        api_url("plan-measure", world.contract_a, measures[1].pk)
    ).status_code in (
        401,
        403,
        404,
    )
