"""Walk every URL in the URL conf as people outside contract A and find nothing of it.

Contract A is unpublished and carries a unique marker in every kind of record (title, zone,
axis, meeting, document, decision comment, member name). Every GET pattern is requested with
every id of A's records in every integer slot, as a partner of contract B, a stranger and
an anonymous visitor; no response may contain a marker.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from localsafety.contracts import services
from localsafety.contracts.models import BodyKind
from localsafety.territory.models import Area, AreaKind

MARK = "SEGREDOA"
SKIP_PREFIXES = ("admin/", "static/", "i18n/", "accounts/logout", "api/docs")


def _patterns(resolvers: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern)


def _fill(route: str, ints: list[int], slugs: dict[str, list[str]]) -> Iterator[str]:
    """Concrete paths for a route such as ``contracts/<int:pk>/stages/<slug:kind>/``."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    if "(?P" in route or "\\" in route:
        return  # regex routes (none of ours take ids)
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    choices = []
    for converter, name in params:
        if converter == "int":
            choices.append([str(value) for value in ints])
        else:
            choices.append(slugs.get(name, slugs["default"]))
    for combo in itertools.product(*choices):
        path = route
        for value in combo:
            path = re.sub(r"<(?:\w+:)?\w+>", value, path, count=1)
        yield "/" + path


@pytest.fixture
def marked_world(world):
    contract = world.contract_a
    services.contract_update(
        actor=world.coordinator_a,
        contract=contract,
        expected_version=contract.version,
        changes={"title": f"{MARK} title", "summary": f"{MARK} summary"},
    )
    zone = Area.objects.create(
        kind=AreaKind.ZONE,
        code="Z1",
        name=f"{MARK} zone",
        parent=world.municipality_a,
        owner_contract=contract,
        geometry='{"type":"Polygon","coordinates":[[[-9.15,38.7],[-9.14,38.7],[-9.14,38.71],[-9.15,38.7]]]}',
    )
    contract.areas.add(zone)
    axis = services.axis_create(
        actor=world.coordinator_a,
        contract=contract,
        code="v",
        name_en=f"{MARK} axis",
        name_pt=f"{MARK} eixo",
    )
    committee = contract.bodies.get(kind=BodyKind.COMMITTEE)
    member = services.body_member_add(
        actor=world.coordinator_a,
        body=committee,
        organisation=world.ngo_a,
        person_name=f"{MARK} person",
    )
    meeting = services.meeting_create(
        actor=world.coordinator_a,
        body=committee,
        held_on=contract.signed_on,
        agenda=f"{MARK} agenda",
        attendees=[member],
    )
    document = services.document_upload(
        actor=world.partner_a,
        contract=contract,
        kind="report",
        title=f"{MARK} document",
        upload=SimpleUploadedFile("report.csv", f"{MARK};1\n".encode()),
    )
    stage = contract.stages.get(kind="diagnosis")
    services.stage_decide(
        actor=world.partner_a, stage=stage, action="submit", expected_version=stage.version
    )
    stage.refresh_from_db()
    services.stage_decide(
        actor=world.mayor_a,
        stage=stage,
        action="return",
        expected_version=stage.version,
        comment=f"{MARK} comment",
    )
    ids = {
        contract.pk,
        zone.pk,
        axis.pk,
        member.pk,
        meeting.pk,
        document.pk,
        stage.pk,
        committee.pk,
        *contract.bodies.values_list("pk", flat=True),
        *contract.signatories.values_list("pk", flat=True),
    }
    return world, sorted(ids)


@pytest.mark.slow
def test_every_url_hides_contract_a_from_outsiders(marked_world, client_for):
    world, ids = marked_world
    slugs = {
        "kind": ["diagnosis", "plan", "zone", "municipality"],
        "code": [world.municipality_a.code, "Z1"],
        "default": ["diagnosis", world.municipality_a.code],
    }
    routes = [r for r in _patterns(get_resolver().url_patterns) if not r.startswith(SKIP_PREFIXES)]
    paths = sorted({path for route in routes for path in _fill(route, ids, slugs)})
    assert len(paths) > 100  # the walk really covers the URL conf
    # Lists and searches (routes without parameters) are also asked with filters that name
    # contract A's records; record pages are asked as they are.
    plain_routes = {"/" + route for route in routes if "<" not in route}
    queries = [
        "",
        f"?ids={','.join(map(str, ids))}",
        f"?contract={world.contract_a.pk}",
        "?q=SEGRED",
        "?kind=zone",
    ]  # q echoes back: search a prefix
    checked = 0
    for person in (world.partner_b, world.stranger, None):
        client = client_for(person)
        for path in paths:
            for query in queries if path in plain_routes else [""]:
                response = client.get(path + query)
                checked += 1
                if response.status_code >= 500:
                    pytest.fail(f"{path + query} failed with {response.status_code}")
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                assert MARK.encode() not in body, (person, path + query, response.status_code)
    assert checked > 300


def test_members_do_see_the_markers(marked_world, client_for):
    """The walk would be meaningless if the markers never showed: members see them."""
    world, _ids = marked_world
    client = client_for(world.partner_a)
    contract = world.contract_a
    for path in (
        f"/contracts/{contract.pk}/",
        f"/contracts/{contract.pk}/meetings/",
        f"/contracts/{contract.pk}/documents/",
        f"/contracts/{contract.pk}/history/",
        f"/api/v1/contracts/{contract.pk}/",
    ):
        assert MARK in client.get(path).content.decode(), path
