"""Members-only pages are not kept by a shared cache or the browser's disk after sign-out."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

PRIVATE = "private, no-store"


def test_every_response_to_a_signed_in_person_is_not_stored(world, client_for):
    member = client_for(world.partner_a)
    contract = world.contract_a.pk
    for path in (
        f"/contracts/{contract}/",
        f"/contracts/{contract}/meetings/",
        f"/contracts/{contract}/history/",
        reverse("contracts:stage", args=[contract, "diagnosis"]),
        reverse("accounts:profile"),
        "/organisations/",
        f"/api/v1/contracts/{contract}/",
        "/api/v1/me/",
    ):
        response = member.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PRIVATE, path


def test_api_responses_to_a_token_are_not_stored(world):
    token = Token.objects.create(user=world.partner_a)
    response = Client().get(
        f"/api/v1/contracts/{world.contract_a.pk}/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_anonymous_pages_stay_cacheable_and_a_views_own_policy_stays(world, client_for):
    public = client_for(None).get("/organisations/")
    assert "no-store" not in public.get("Cache-Control", "")
    # Official boundaries are public data, cached an hour whoever asks.
    areas = client_for(world.partner_a).get(
        reverse("territory:areas_geojson"), {"kind": "municipality"}
    )
    assert areas.status_code == 200
    assert "public" in areas["Cache-Control"] and "no-store" not in areas["Cache-Control"]
