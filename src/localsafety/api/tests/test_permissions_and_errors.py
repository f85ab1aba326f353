"""The API denies by default, contract routes resolve the contract once, one error shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from localsafety.api import activities, contracts, organisations, plans, territory
from localsafety.api.base import ApiView, ContractApiView
from localsafety.api.docs import ApiDocsView
from localsafety.api.permissions import PUBLIC_READ, TwoFactorSatisfied
from localsafety.contracts.models import GovernanceBody

pytestmark = pytest.mark.django_db

# The only API views anonymous readers may open. Adding one here is a reviewed decision.
OPEN_TO_ANONYMOUS: set[type[APIView]] = {
    contracts.ContractListApi,
    contracts.ContractDetailApi,
    contracts.BodyListApi,
    contracts.StageListApi,
    contracts.StageDetailApi,
    territory.AreaListApi,
    territory.AreaDetailApi,
    organisations.OrganisationListApi,
    organisations.OrganisationDetailApi,
    plans.PublishedMeasureListApi,  # the measures the committee published, nothing else
    activities.NationalTotalsApi,  # computed national totals (initiatives, people, EUR)
    SpectacularAPIView,  # the schema and its docs page describe the API, no data
    ApiDocsView,
}


def _api_routes(
    entries: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[tuple[str, type[APIView]]]:
    for entry in entries if entries is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_routes(entry.url_patterns, route)
        elif route.startswith("api/"):
            view_class = getattr(entry.callback, "view_class", None) or getattr(
                entry.callback, "cls", None
            )
            assert view_class is not None, f"{route} is not a class-based API view"
            yield route, view_class


def _permission_problem(view_class: type[APIView]) -> str | None:
    """Why a view's permissions are not acceptable, or None.

    A view either keeps DRF's default (signed in, two-factor) or is on the reviewed list of
    views open to anonymous readers, and then still asks for two-factor where a project view.
    """
    permissions = list(view_class.permission_classes)
    if permissions == list(api_settings.DEFAULT_PERMISSION_CLASSES):
        return None
    if view_class not in OPEN_TO_ANONYMOUS:
        return f"{view_class.__name__} opens itself ({permissions}) without being reviewed"
    if issubclass(view_class, ApiView) and TwoFactorSatisfied not in permissions:
        return f"{view_class.__name__} is open but skips the two-factor check"
    return None


def test_the_default_permissions_deny_anonymous_and_half_signed_in_sessions():
    assert api_settings.DEFAULT_PERMISSION_CLASSES == [IsAuthenticated, TwoFactorSatisfied]


def test_every_api_view_keeps_the_default_or_is_reviewed_as_open():
    routes = list(_api_routes())
    assert len(routes) >= 15
    problems = [problem for _route, view in routes if (problem := _permission_problem(view))]
    assert problems == []
    # ... and the open ones really are open on purpose, in their own class body.
    for view in OPEN_TO_ANONYMOUS & {view for _route, view in routes}:
        if issubclass(view, ApiView):
            assert view.__dict__.get("permission_classes") == PUBLIC_READ, view


def test_the_walk_catches_a_view_that_opens_itself():
    class Sneaky(ApiView):
        permission_classes = [AllowAny]

    class OpenWithoutTwoFactor(ApiView):
        permission_classes = [AllowAny]

    OPEN_TO_ANONYMOUS.add(OpenWithoutTwoFactor)
    try:
        assert "opens itself" in (_permission_problem(Sneaky) or "")
        assert "two-factor" in (_permission_problem(OpenWithoutTwoFactor) or "")
        assert _permission_problem(contracts.BodyMemberAddApi) is None
    finally:
        OPEN_TO_ANONYMOUS.discard(OpenWithoutTwoFactor)


def test_every_contract_route_resolves_the_contract_in_the_base_class():
    contract_routes = [(r, v) for r, v in _api_routes() if "<int:contract_id>" in r]
    assert len(contract_routes) >= 10
    for route, view in contract_routes:
        assert issubclass(view, ContractApiView), route
    for route, _view in _api_routes():
        assert not re.search(r"<int:(pk|id)>", route), f"{route}: name the argument"


def test_anonymous_gets_401_from_every_view_that_is_not_open(world):
    from rest_framework.test import APIClient

    fillers: dict[str, Any] = {
        "contract_id": world.contract_a.pk,
        "body_id": GovernanceBody.objects.filter(contract=world.contract_a).first().pk,
        "member_id": 1,
        "kind": "diagnosis",
        "version_id": 1,
        "measure_id": 1,
        "indicator_id": 1,
        "activity_id": 1,
        "dataset_id": 1,
        "run_id": 1,
        "problem_id": 1,
    }
    client = APIClient()
    checked = 0
    for route, view in _api_routes():
        if view in OPEN_TO_ANONYMOUS:
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(fillers[m.group(1)]), route)
        for method in ("get", "post", "patch", "delete"):
            if not hasattr(view, method):
                continue
            response = getattr(client, method)(path, {}, format="json")
            assert response.status_code == 401, (method, path, response.status_code)
            checked += 1
    assert checked >= 8


# --- one shape for a refused input --------------------------------------------------------


def _committee(contract):
    return GovernanceBody.objects.get(contract=contract, kind="committee")


def test_serializer_and_service_field_errors_have_the_same_shape(world, api_for, english):
    english(world.mayor_a)
    client = api_for(world.mayor_a)  # the committee's chair gives its seats
    url = reverse(
        "api:body-member-add", args=[world.contract_a.pk, _committee(world.contract_a).pk]
    )
    # Refused by the serializer (a wrong role) ...
    by_serializer = client.post(
        url, {"organisation": world.ngo_a.pk, "role": "emperor"}, format="json"
    )
    # ... and by the service (a second chair), which raises DomainError(field="role").
    by_service = client.post(
        url, {"organisation": world.ngo_a.pk, "person_name": "X", "role": "chair"}, format="json"
    )
    for response in (by_serializer, by_service):
        assert response.status_code == 400
        body = response.json()
        assert set(body) == {"detail", "errors"}
        assert list(body["errors"]) == ["role"]
        assert isinstance(body["errors"]["role"], list) and body["errors"]["role"]
        assert body["detail"] == body["errors"]["role"][0]
    assert "chair" in by_service.json()["detail"]


def test_errors_that_belong_to_no_field_are_listed_as_non_field_errors(world, api_for):
    url = reverse("api:contract-detail", args=[world.contract_a.pk])
    response = api_for(world.coordinator_a).patch(
        url, {"version": world.contract_a.version}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["non_field_errors"]
    assert body["detail"] == body["errors"]["non_field_errors"][0]


def test_a_conflict_is_not_a_field_error(world, api_for):
    url = reverse("api:contract-detail", args=[world.contract_a.pk])
    response = api_for(world.coordinator_a).patch(
        url, {"version": world.contract_a.version + 5, "title": "X"}, format="json"
    )
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
