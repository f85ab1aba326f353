from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_me_describes_the_callers_scope(world, api_for, token_for):
    assert api_for(None).get(reverse("api:me")).status_code in {401, 403}
    for client in (api_for(world.partner_a), token_for(world.partner_a)):
        body = client.get(reverse("api:me")).json()
        assert body["username"] == "partner_a" and body["full_name"] == "Paula Parceira"
        assert [m["organisation"] for m in body["memberships"]] == [world.ngo_a.pk]
        assert body["is_national"] is False and body["requires_two_factor"] is False
        assert [c["id"] for c in body["contracts"]] == [world.contract_a.pk]
        contract = body["contracts"][0]
        # Her own items, not the stage deliverables (the lead organisation's; issue 8).
        assert contract["can_contribute"] is True and contract["can_submit_stage"] is False
        assert contract["can_decide_stage"] is False and contract["can_manage"] is False
    mayor = api_for(world.mayor_a).get(reverse("api:me")).json()
    assert [(s["body_kind"], s["role"], s["contract"]) for s in mayor["seats"]] == [
        ("committee", "chair", world.contract_a.pk)
    ]
    assert mayor["contracts"][0]["can_decide_stage"] is True
    assert api_for(world.stranger).get(reverse("api:me")).json()["contracts"] == []


def test_schema_validates_and_lists_every_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/me/",
        "/api/v1/areas/",
        "/api/v1/areas/{area_id}/",
        "/api/v1/organisations/",
        "/api/v1/organisations/{organisation_id}/",
        "/api/v1/contracts/",
        "/api/v1/contracts/{contract_id}/",
        "/api/v1/contracts/{contract_id}/bodies/",
        "/api/v1/contracts/{contract_id}/bodies/{body_id}/members/",
        "/api/v1/contracts/{contract_id}/committee/chair/",
        "/api/v1/contracts/{contract_id}/members/{member_id}/",
        "/api/v1/contracts/{contract_id}/stages/",
        "/api/v1/contracts/{contract_id}/stages/{kind}/",
        "/api/v1/contracts/{contract_id}/stages/{kind}/decisions/",
        "/api/v1/contracts/{contract_id}/meetings/",
        "/api/v1/contracts/{contract_id}/documents/",
        "/api/v1/contracts/{contract_id}/history/",
        "/api/v1/contracts/{contract_id}/activities/",
        "/api/v1/contracts/{contract_id}/activities/import/",
        "/api/v1/contracts/{contract_id}/activities/{activity_id}/",
        "/api/v1/contracts/{contract_id}/execution/",
        "/api/v1/activities/totals/",
        "/api/v1/contracts/{contract_id}/plan/",
        "/api/v1/contracts/{contract_id}/plan/versions/",
        "/api/v1/contracts/{contract_id}/plan/versions/{version_id}/",
        "/api/v1/contracts/{contract_id}/plan/versions/{version_id}/decisions/",
        "/api/v1/contracts/{contract_id}/plan/versions/{version_id}/objectives/",
        "/api/v1/contracts/{contract_id}/plan/versions/{version_id}/measures/",
        "/api/v1/contracts/{contract_id}/plan/measures/{measure_id}/",
        "/api/v1/contracts/{contract_id}/plan/measures/{measure_id}/publication/",
        "/api/v1/contracts/{contract_id}/plan/measures/{measure_id}/indicators/",
        "/api/v1/contracts/{contract_id}/plan/indicators/{indicator_id}/",
        "/api/v1/contracts/{contract_id}/plan/published-measures/",
        "/api/v1/crime-data/datasets/",
        "/api/v1/crime-data/datasets/{dataset_id}/",
        "/api/v1/contracts/{contract_id}/problems/",
        "/api/v1/contracts/{contract_id}/problems/{problem_id}/",
        "/api/v1/contracts/{contract_id}/problems/{problem_id}/priority/",
        "/api/v1/contracts/{contract_id}/crime-aggregates/",
        "/api/v1/contracts/{contract_id}/diagnosis/",
        "/api/v1/contracts/{contract_id}/analyses/",
        "/api/v1/contracts/{contract_id}/analyses/{run_id}/",
    }
    assert set(paths["/api/v1/contracts/{contract_id}/"]) == {"get", "patch"}
    list_schema = paths["/api/v1/contracts/"]["get"]["responses"]["200"]["content"]
    assert "Paginated" in list_schema["application/json"]["schema"]["$ref"]
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_schema_generation_has_no_warnings(tmp_path):
    # --fail-on-warn turns drf-spectacular's warnings (e.g. colliding names) into an error.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yml"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert "/api/v1/contracts/" in (tmp_path / "schema.yml").read_text()


def test_schema_endpoint(api_for):
    response = api_for(None).get(
        reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    assert "/api/v1/contracts/{contract_id}/history/" in response.content.decode()


def test_docs_page_has_no_inline_script_or_style_and_only_local_assets(api_for):
    client = api_for(None)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 4  # swagger bundle, preset, init, the local accessibility fixes
    assert all(body.strip() == "" and "src=" in attrs for attrs, body in scripts)
    assert "<style" not in html and "style=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handlers
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    init_scripts = [url for url in urls if "script" in url and not url.startswith("/static/")]
    assert init_scripts == ["/api/docs/?script="]
    for url in urls:
        assert url.startswith("/static/") or url in init_scripts, url
        asset = client.get(url)
        assert asset.status_code == 200, url
    init = client.get("/api/docs/?script=")
    assert init["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in init.content.decode()
