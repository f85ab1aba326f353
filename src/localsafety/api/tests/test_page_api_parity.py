"""Pages and API show the same restricted fields to the same people (finding 7's class).

For every role of the world and contract A unpublished and published, a marker is planted in
every restricted field (a seat's person, a stage's deliverable summary, a decision's comment);
then the API representation (contract, bodies, each stage) is compared field by field with
the HTML page that shows it: a marker is in the page if and only if the API gives its field
(non-null, with that value). Both read ``contracts.visibility.record_fields_visible``; this
test is what notices when one of them stops doing so.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import (
    BodyMember,
    BodyRole,
    DecisionAction,
    StageDecision,
    StageKind,
)
from localsafety.testing.world import World

pytestmark = pytest.mark.django_db

ROLES = [
    "national",
    "mayor_a",
    "coordinator_a",
    "commander_a",
    "partner_a",
    "partner_b",
    "stranger",
    None,  # anonymous
]


def _plant_markers(world: World) -> dict[str, str]:
    """A marker in every restricted field of contract A; the markers by field."""
    contract = world.contract_a
    markers: dict[str, str] = {}
    for body in contract.bodies.all():
        # A seat held by a name only, besides those held by accounts.
        BodyMember.objects.create(
            body=body, contract=contract, organisation=world.ngo_a, role=BodyRole.MEMBER
        )
        for member in body.members.select_related("person"):
            # Every name is a marker that appears nowhere else ("Z" ends it, so that no marker
            # is the beginning of another); a seated viewer is a member and sees it anyway.
            if member.person is not None:
                member.person.first_name = "SeatMarker"
                member.person.last_name = f"Person{member.person.pk}Z"
                member.person.save(update_fields=["first_name", "last_name"])
            else:
                member.person_name = f"SeatMarkerNamed{member.pk}Z"
                member.save(update_fields=["person_name"])
            markers[f"member {member.pk} person_name"] = member.display_name
    for stage in contract.stages.all():
        stage.summary = f"SummaryMarker{stage.kind}Z"
        stage.save(update_fields=["summary"])
        markers[f"stage {stage.kind} summary"] = stage.summary
        decision = StageDecision.objects.create(
            stage=stage,
            contract=contract,
            action=DecisionAction.SUBMIT,
            actor=world.coordinator_a,
            actor_organisation=world.town_a,
            status_before=stage.status,
            status_after=stage.status,
            comment=f"DecisionMarker{stage.kind}Z",
        )
        markers[f"stage {stage.kind} decision {decision.pk} comment"] = decision.comment
    return markers


def _publish_a(world: World) -> None:
    services.contract_update(
        actor=world.coordinator_a,
        contract=world.contract_a,
        expected_version=world.contract_a.version,
        changes={"is_published": True},
    )


def _get(client: Any, url: str) -> tuple[int, Any]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    if response.status_code != 200:
        return response.status_code, None
    if response["Content-Type"].startswith("application/json"):
        return 200, response.json()
    return 200, response.content.decode()


@pytest.mark.parametrize("published", [False, True], ids=["unpublished", "published"])
@pytest.mark.parametrize("role", ROLES, ids=[role or "anonymous" for role in ROLES])
def test_page_shows_a_restricted_field_iff_the_api_gives_it(
    world: World, api_for: Any, client_for: Any, role: str | None, published: bool
) -> None:
    if published:
        _publish_a(world)
    markers = _plant_markers(world)
    user = getattr(world, role) if role else None
    api = api_for(user)
    pages = client_for(user)
    contract = world.contract_a.pk
    # What the API gives, by the same keys as the markers (None: hidden or not reachable).
    given: dict[str, str | None] = dict.fromkeys(markers)
    # Which page shows each field.
    page_of: dict[str, str] = {}

    api_status, detail = _get(api, reverse("api:contract-detail", args=[contract]))
    page_status, page = _get(pages, reverse("contracts:detail", args=[contract]))
    assert api_status == page_status, "the contract page and the API disagree on who reads it"
    if detail is not None:
        assert detail["title"] in page

    rendered: dict[str, str | None] = {}
    api_status, bodies = _get(api, reverse("api:contract-bodies", args=[contract]))
    page_status, rendered["governance"] = _get(
        pages, reverse("contracts:governance", args=[contract])
    )
    assert api_status == page_status, "the governance page and the bodies API disagree"
    for body in bodies or []:
        for member in body["members"]:
            key = f"member {member['id']} person_name"
            given[key] = member["person_name"]
            if member["person"] is not None:
                assert member["person_name"] is not None
    for key in markers:
        if key.startswith("member "):
            page_of[key] = "governance"

    for kind in StageKind.values:
        api_status, stage = _get(api, reverse("api:stage-detail", args=[contract, kind]))
        page_status, rendered[kind] = _get(pages, reverse("contracts:stage", args=[contract, kind]))
        assert api_status == page_status, f"the {kind} page and its API disagree"
        page_of[f"stage {kind} summary"] = kind
        if stage is not None:
            given[f"stage {kind} summary"] = stage["summary"]
            for decision in stage["decisions"] or []:
                given[f"stage {kind} decision {decision['id']} comment"] = decision["comment"]
        for key in markers:
            if key.startswith(f"stage {kind} decision "):
                page_of[key] = kind

    mismatches = []
    for key, marker in markers.items():
        html = rendered[page_of[key]] or ""
        on_page = marker in html
        in_api = given[key] is not None
        if in_api and given[key] != marker:
            mismatches.append(f"{key}: the API gives {given[key]!r}, the record holds {marker!r}")
        if on_page != in_api:
            mismatches.append(
                f"{key}: {'shown' if on_page else 'hidden'} on the page, "
                f"{'given' if in_api else 'null'} in the API"
            )
    assert not mismatches, "\n".join(mismatches)
    # The comparison compared something: members see every marker, and others none.
    seen = sum(value is not None for value in given.values())
    member = role in {"national", "mayor_a", "coordinator_a", "commander_a", "partner_a"}
    assert seen == (len(markers) if member else 0)
