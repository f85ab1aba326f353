"""The self-extending leak walk over every URL (see ``testing/leakwalk.py``), and the tests
that prove it catches what it is for: an injected leak, an unfilled URL argument, an unmarked
model, a route that answers 404 to everyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from localsafety.contracts import selectors
from localsafety.contracts.models import Meeting
from localsafety.contracts.ownership import ContractOwned, is_contract_owned, is_police_owned
from localsafety.testing import leakwalk
from localsafety.testing.leakwalk import PAGE_MARK, RECORD_MARK


@pytest.fixture
def marked(world) -> tuple[Any, leakwalk.Marked]:
    return world, leakwalk.mark_world(world)


def owned_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if is_contract_owned(model)]


def members(world: Any) -> list[Any]:
    return [world.coordinator_a, world.national, world.mayor_a, world.commander_a, world.partner_a]


@pytest.mark.slow
def test_every_url_hides_contract_a_from_outsiders(marked, client_for):
    world, found = marked
    all_routes = leakwalk.routes()
    assert len(all_routes) > 60  # the walk covers the URL conf

    # Coverage: every contract-owned model is marked, every URL argument is filled.
    assert leakwalk.unmarked_models(found, owned_models(), world.contract_a) == []
    police_models = [model for model in apps.get_models() if is_police_owned(model)]
    assert leakwalk.unmarked_police_models(found, police_models, world.psp) == []
    assert leakwalk.unfilled_arguments(all_routes, found) == {}

    # Positive control: a member of A reaches every route filled with A's values.
    unreachable = leakwalk.members_never_reach(all_routes, found, members(world), client_for)
    assert unreachable == [], "\n".join(map(str, unreachable))

    # Outsiders of an unpublished A see no marker at all.
    queries = (f"?contract={world.contract_a.pk}", f"?ids={world.contract_a.pk}")
    outsiders = [world.partner_b, world.stranger, None]
    leaks = leakwalk.read_leaks(
        all_routes,
        found,
        outsiders,
        client_for,
        marks=(RECORD_MARK, PAGE_MARK),
        extra_queries=queries,
    )
    assert leaks == [], "\n".join(map(str, leaks))

    # Once A is published its page shows, its record never does.
    world.contract_a.is_published = True
    world.contract_a.save(update_fields=["is_published"])
    leaks = leakwalk.read_leaks(
        all_routes, found, [world.partner_b, None], client_for, marks=(RECORD_MARK,)
    )
    assert leaks == [], "\n".join(map(str, leaks))
    page = client_for(None).get(f"/contracts/{world.contract_a.pk}/")
    assert PAGE_MARK in page.content.decode()  # the published tier is really walked


@pytest.mark.slow
def test_outsiders_write_nothing_anywhere(marked, client_for):
    world, found = marked
    all_routes = leakwalk.routes()
    clients = {}

    def signed_in(person: Any) -> Any:
        if person not in clients:
            clients[person] = client_for(person)
        return clients[person]

    outsiders = [world.coordinator_b, world.stranger, None]
    for person in outsiders:
        signed_in(person)  # sign in (and enrol 2FA devices) before the snapshot
    write_routes = [route for route in all_routes if leakwalk.arguments(route)]
    before = leakwalk.table_snapshot()
    leaks = leakwalk.write_leaks(
        write_routes, found, outsiders, signed_in, outsider_contract=world.contract_b
    )
    after = leakwalk.table_snapshot()
    assert leaks == [], "\n".join(map(str, leaks))
    assert leakwalk.changed_tables(before, after) == []


def test_members_do_see_the_markers(marked, client_for):
    """The walk would be meaningless if the markers never showed: members see them."""
    world, _found = marked
    client = client_for(world.partner_a)
    contract = world.contract_a
    for path in (
        f"/contracts/{contract.pk}/",
        f"/contracts/{contract.pk}/meetings/",
        f"/contracts/{contract.pk}/documents/",
        f"/contracts/{contract.pk}/history/",
        f"/api/v1/contracts/{contract.pk}/",
    ):
        text = leakwalk.readable(client.get(path))
        assert PAGE_MARK in text or RECORD_MARK in text, path
    meeting = Meeting.objects.get(contract=contract, agenda__startswith=RECORD_MARK)
    meeting_page = client.get(f"/contracts/{contract.pk}/meetings/{meeting.pk}/")
    assert RECORD_MARK in meeting_page.content.decode()


# --- the walk catches what it is for --------------------------------------------------------


def test_an_injected_leak_is_caught(marked, client_for, monkeypatch):
    """A meeting page that forgets the contract: B's URL shows A's meeting to B's partner."""
    world, found = marked

    def every_meeting(user: Any, contract: Any) -> Any:
        return Meeting.objects.all()

    monkeypatch.setattr(selectors, "meeting_list", every_meeting)
    meeting_routes = [route for route in leakwalk.routes() if "meeting_id" in route]
    leaks = leakwalk.read_leaks(
        meeting_routes, found, [world.partner_b], client_for, marks=(RECORD_MARK,)
    )
    assert any(f"/contracts/{world.contract_b.pk}/meetings/" in leak.path for leak in leaks), leaks


def test_an_injected_write_leak_is_caught(marked, client_for, monkeypatch):
    world, found = marked

    def every_meeting(user: Any, contract: Any) -> Any:
        return Meeting.objects.all()

    monkeypatch.setattr(selectors, "meeting_list", every_meeting)
    routes = [route for route in leakwalk.routes() if route.endswith("<int:meeting_id>/delete/")]
    leaks = leakwalk.write_leaks(
        routes, found, [world.coordinator_b], client_for, outsider_contract=world.contract_b
    )
    # B's manager reached A's meeting through B's URL: not a 404 (the service's own check
    # still refused the delete, but the walk does not rely on that second line).
    assert [leak.path for leak in leaks] == [
        f"{method} /contracts/{world.contract_b.pk}/meetings/{meeting_id}/delete/"
        for method in ("post",)
        for meeting_id in found.fillers["meeting_id"]
    ]


def test_a_changed_table_fails_the_walk(marked):
    _world, found = marked
    before = leakwalk.table_snapshot()
    Meeting.objects.filter(pk=found.fillers["meeting_id"][0]).update(location="elsewhere")
    assert leakwalk.changed_tables(before, leakwalk.table_snapshot()) == ["contracts.meeting"]


def test_an_argument_without_a_filler_fails_the_walk(marked):
    _world, found = marked
    route = "contracts/<int:contract_id>/widgets/<int:widget_id>/"
    assert leakwalk.unfilled_arguments([route], found) == {"widget_id": [route]}


def test_a_route_that_answers_404_to_everyone_fails_the_walk(marked, client_for):
    world, found = marked
    findings = leakwalk.members_never_reach(
        ["contracts/<int:contract_id>/nowhere/"], found, members(world), client_for
    )
    assert [finding.what for finding in findings] == ["answers 404 to everyone"]


@isolate_apps("localsafety.contracts")
def test_a_contract_owned_model_without_a_marked_record_fails_the_walk(world):
    class Widget(ContractOwned):
        contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE)

        class Meta:
            app_label = "contracts"

    assert leakwalk.unmarked_models(leakwalk.Marked(), [Widget], world.contract_a) == [
        "contracts.Widget"
    ]


def test_responses_are_decoded_before_searching():
    import io
    import zipfile
    import zlib

    class Response(dict):
        streaming = False

        def __init__(self, content: bytes, content_type: str) -> None:
            super().__init__({"Content-Type": content_type})
            self.content = content

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as sheet:
        sheet.writestr("xl/sharedStrings.xml", f"<t>{RECORD_MARK}</t>")
    pdf = b"%PDF-1.4\nstream\n" + zlib.compress(f"({RECORD_MARK}) Tj".encode()) + b"\nendstream\n"
    json_escaped = b'{"a": "\\u0053EGREDOA"}'
    for content, kind in (
        (archive.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (pdf, "application/pdf"),
        (json_escaped, "application/json"),
        (f"x;{RECORD_MARK}\n".encode("latin-1"), "text/csv; charset=latin-1"),
    ):
        assert RECORD_MARK not in content.decode("latin-1") or kind.startswith("text/csv")
        assert RECORD_MARK in leakwalk.readable(Response(content, kind)), kind
