"""Every edit names the version it was read at (finding 13), tried as a careless or hostile
editor would: the hidden version emptied or removed, and the same old form sent twice.

Each edit page is read as a browser would (its form's fields and values, the hidden version
included), then sent back: without a version it is refused (400, saying why) and nothing
changes; the first edit from the form is saved; the second edit from the same old form is a
conflict (409) and the first edit stands. The API's updates likewise; and every update service
of the project takes a required ``expected_version``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

import localsafety
from localsafety.contracts import services
from localsafety.contracts import zones as zone_services
from localsafety.contracts.models import Contract, Meeting, Stage
from localsafety.core.errors import ConflictError, DomainError
from localsafety.organisations.models import Organisation
from localsafety.territory.models import Area
from localsafety.testing.auth import sign_in
from localsafety.testing.world import World

MISSING = "does not say which version"
CONFLICT = "Someone else changed this record"
ZONE = (
    '{"type":"Polygon","coordinates":'
    "[[[-9.15,38.70],[-9.14,38.70],[-9.14,38.71],[-9.15,38.71],[-9.15,38.70]]]}"
)


class _FormReader(HTMLParser):
    """The fields of every ``<form method="post">`` of a page, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {}
            self.forms.append((a.get("action", ""), self._form))
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file"}:
                default = "on" if kind in {"checkbox", "radio"} else ""
                self._form.setdefault(name, []).append(a.get("value", default))
        elif tag == "select" and name and "disabled" not in a:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._form.setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._form[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea and self._form is not None:
                self._form[self._textarea][0] = self._form[self._textarea][0].removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None


def read_form(client: Any, page_url: str, *, action_ends: str = "") -> tuple[str, dict[str, Any]]:
    """The post form of ``page_url`` that carries a version (the one whose action ends with
    ``action_ends``, if given): where it posts and what it would send."""
    response = client.get(page_url)
    assert response.status_code == 200, page_url
    reader = _FormReader()
    reader.feed(response.content.decode())
    for action, fields in reader.forms:
        if "version" in fields and action.endswith(action_ends):
            return action or page_url, {name: values for name, values in fields.items()}
    raise AssertionError(f"no form with a version on {page_url}: {reader.forms}")


@dataclass
class EditPage:
    """One edit page: who edits, where, which field changes, how to read it back."""

    editor: str
    make: Callable[[World], tuple[str, Callable[[], Any]]]  # -> (page url, read the field)
    field: str
    action_ends: str = ""
    values: tuple[str, str] = ("Primeira edição", "Segunda edição")
    #: What the person picks that the page leaves unpicked (a decision is never pre-selected).
    picks: dict[str, list[str]] = dataclass_field(default_factory=dict)


def _contract(world: World) -> tuple[str, Callable[[], Any]]:
    pk = world.contract_a.pk
    return reverse("contracts:edit", args=[pk]), lambda: Contract.objects.get(pk=pk).title


def _meeting(world: World) -> tuple[str, Callable[[], Any]]:
    meeting = services.meeting_create(
        actor=world.partner_a,
        body=world.contract_a.bodies.get(kind="committee"),
        held_on=dt.date(2016, 10, 3),
        agenda="Diagnóstico",
    )
    url = reverse("contracts:meeting_edit", args=[world.contract_a.pk, meeting.pk])
    return url, lambda: Meeting.objects.get(pk=meeting.pk).agenda


def _stage(world: World) -> tuple[str, Callable[[], Any]]:
    stage = world.contract_a.stages.get(kind="diagnosis")
    url = reverse("contracts:stage", args=[world.contract_a.pk, "diagnosis"])
    return url, lambda: Stage.objects.get(pk=stage.pk).summary


def _decision(world: World) -> tuple[str, Callable[[], Any]]:
    stage = world.contract_a.stages.get(kind="diagnosis")
    services.stage_summary_update(  # a stage is never submitted with an empty deliverable
        actor=world.coordinator_a, stage=stage, summary="Escrito", expected_version=stage.version
    )
    url = reverse("contracts:stage", args=[world.contract_a.pk, "diagnosis"])
    return url, lambda: list(Stage.objects.get(pk=stage.pk).decisions.values_list("comment"))


def _organisation(world: World) -> tuple[str, Callable[[], Any]]:
    pk = world.town_a.pk
    url = reverse("organisations:edit", args=[pk])
    return url, lambda: Organisation.objects.get(pk=pk).short_name


def _zone(world: World) -> tuple[str, Callable[[], Any]]:
    zone = zone_services.zone_create(
        actor=world.coordinator_a, contract=world.contract_a, name="Bairro", geometry_geojson=ZONE
    )
    url = reverse("contracts:zone_edit", args=[world.contract_a.pk, zone.pk])
    return url, lambda: Area.objects.get(pk=zone.pk).name


EDIT_PAGES = {
    "contract": EditPage("coordinator_a", _contract, "title"),
    "meeting": EditPage("partner_a", _meeting, "agenda"),
    "stage summary": EditPage("coordinator_a", _stage, "summary", action_ends="/summary/"),
    "stage decision": EditPage(
        "coordinator_a", _decision, "comment", action_ends="", picks={"action": ["submit"]}
    ),
    "organisation": EditPage("coordinator_a", _organisation, "short_name"),
    "zone": EditPage("coordinator_a", _zone, "name"),
}


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_an_edit_without_its_version_is_refused_and_changes_nothing(
    world, client_for, english_pages, name
):
    page = EDIT_PAGES[name]
    url, current = page.make(world)
    client = client_for(getattr(world, page.editor))
    action, fields = read_form(client, url, action_ends=page.action_ends)
    fields.update(page.picks)
    before = current()
    fields[page.field] = ["Sem versão"]
    for data in ({**fields, "version": [""]}, {k: v for k, v in fields.items() if k != "version"}):
        response = client.post(action, data)
        assert response.status_code == 400, (name, response.status_code)
        assert MISSING in response.content.decode(), name
        assert current() == before, name


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_the_second_edit_from_the_same_old_form_is_a_conflict(
    world, client_for, english_pages, name
):
    page = EDIT_PAGES[name]
    url, current = page.make(world)
    client = client_for(getattr(world, page.editor))
    action, fields = read_form(client, url, action_ends=page.action_ends)
    fields.update(page.picks)
    first, second = page.values
    assert client.post(action, {**fields, page.field: [first]}).status_code == 302, name
    after_first = current()
    response = client.post(action, {**fields, page.field: [second]})
    assert response.status_code == 409, (name, response.status_code)
    assert CONFLICT in response.content.decode(), name
    assert current() == after_first, name
    # Reloading the page gives the new version, and the edit goes through.
    action, fields = read_form(client, url, action_ends=page.action_ends)
    if name != "stage decision":  # a submitted stage takes no second submission
        assert client.post(action, {**fields, page.field: [second]}).status_code == 302, name


# --- services: the version is required, None is no way around it --------------------------


def _update_services() -> list[Callable[..., Any]]:
    found = []
    for module_info in pkgutil.walk_packages(localsafety.__path__, "localsafety."):
        name = module_info.name
        if (
            ".tests" in name
            or ".migrations" in name
            or not (name.endswith((".services", ".zones")) or ".services." in name)
        ):
            continue
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if (
                attribute.endswith("_update")
                and inspect.isfunction(value)
                and value.__module__ == name
            ):
                found.append(value)
    return found


def test_every_update_service_requires_the_version_it_was_read_at():
    services_found = _update_services()
    names = {function.__name__ for function in services_found}
    assert {"contract_update", "meeting_update", "organisation_update", "zone_update"} <= names
    missing = []
    for function in services_found:
        parameter = inspect.signature(function).parameters.get("expected_version")
        if (
            parameter is None
            or parameter.kind is not inspect.Parameter.KEYWORD_ONLY
            or parameter.default is not inspect.Parameter.empty
        ):
            missing.append(f"{function.__module__}.{function.__name__}")
    assert missing == []


def test_a_contract_update_without_a_version_is_refused_not_waved_through(world):
    contract = world.contract_a
    with pytest.raises(DomainError) as refused:
        services.contract_update(
            actor=world.coordinator_a,
            contract=contract,
            expected_version=None,
            changes={"title": "Sem versão"},
        )
    assert refused.value.status_code == 400 and refused.value.field == "version"
    assert Contract.objects.get(pk=contract.pk).title == "CLS Lisboa — Lumiar"
    with pytest.raises(ConflictError):
        services.contract_update(
            actor=world.coordinator_a,
            contract=contract,
            expected_version=contract.version + 1,
            changes={"title": "Versão futura"},
        )


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api_for(db: None) -> Callable[[Any], APIClient]:
    return lambda user: sign_in(APIClient(), user)


@pytest.mark.parametrize("version", [None, "", "abc", 0, -1, 2**63])
def test_api_updates_without_a_usable_version_are_400(world, api_for, version):
    client = api_for(world.coordinator_a)
    contract_url = reverse("api:contract-detail", args=[world.contract_a.pk])
    response = client.patch(contract_url, {"version": version, "title": "X"}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]
    decide_url = reverse("api:stage-decide", args=[world.contract_a.pk, "diagnosis"])
    response = api_for(world.partner_a).post(
        decide_url, {"action": "submit", "version": version}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()["errors"]
    assert Contract.objects.get(pk=world.contract_a.pk).title == "CLS Lisboa — Lumiar"


def test_api_second_update_from_the_same_read_is_409(world, api_for):
    client = api_for(world.coordinator_a)
    url = reverse("api:contract-detail", args=[world.contract_a.pk])
    seen = client.get(url).json()["version"]
    assert client.patch(url, {"version": seen, "title": "Um"}, format="json").status_code == 200
    second = client.patch(url, {"version": seen, "title": "Dois"}, format="json")
    assert second.status_code == 409
    assert Contract.objects.get(pk=world.contract_a.pk).title == "Um"


def test_api_meetings_show_the_version_a_correction_names(world, api_for):
    meeting = services.meeting_create(
        actor=world.partner_a,
        body=world.contract_a.bodies.get(kind="committee"),
        held_on=dt.date(2016, 10, 3),
        agenda="Diagnóstico",
    )
    url = reverse("api:contract-meetings", args=[world.contract_a.pk])
    listed = api_for(world.partner_a).get(url).json()["results"]
    assert [(row["id"], row["version"]) for row in listed] == [(meeting.pk, 1)]
