"""The leak walk: every URL of the project, asked by people outside contract A, shows nothing
of A's restricted record — and the walk extends itself as apps add models and routes.

Each app registers, in ``<app>/tests/leak_markers.py``, a function decorated with
:func:`marker` that creates one *marked* record per contract-owned model in contract A and
says which URL arguments (by name: ``contract_id``, ``meeting_id``, …) those records fill.
The walk then:

- fails when a contract-owned model has no marked record, or a URL argument has no filler;
- asks every GET route, filled with A's values, as a member of A, and fails when every member
  gets 404 (a route that answers 404 to everyone would make the walk pass for nothing);
- asks every GET route as outsiders (a partner of contract B, a stranger, an anonymous
  visitor), with ``contract_id`` filled with A's *and* B's id (so a child of A reached through
  B's URL is caught), decodes the body (HTML, CSV, JSON, GeoJSON, XLSX/ODS, PDF) and fails on
  any marker; then publishes A and asks again: the page marker may now show, the record
  marker never;
- sends every route a POST, PATCH and DELETE as outsiders: contract-scoped routes must answer
  404 (anonymous: a login redirect, 401 or 403 too), and no table may change.

Markers are plain ASCII words, so escaping cannot hide them.
"""

from __future__ import annotations

import itertools
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

#: Shown only to A's members and national users, published or not.
RECORD_MARK = "SEGREDOA"
#: Shown on A's public page once A is published (title, summary, zones, own axes).
PAGE_MARK = "PAGINAA"

SKIP_PREFIXES = ("admin/", "static/", "i18n/", "accounts/logout", "api/docs", "api/schema")
#: Arguments whose filler is the contract itself; every other filled argument names a record.
CONTRACT_ARGUMENT = "contract_id"
# Tables that a request writes by itself (sessions, sign-in attempts), never user data.
VOLATILE_TABLES = frozenset({"sessions.session", "axes.accessattempt", "axes.accesslog"})


@dataclass
class Marked:
    """What one app's marker created in contract A."""

    records: list[models.Model] = field(default_factory=list)
    #: URL argument name -> values that name A's records (or any value a public route takes).
    fillers: dict[str, list[str]] = field(default_factory=dict)
    #: Arguments that name public reference data (the value is A-independent).
    public_arguments: set[str] = field(default_factory=set)


MarkerFunction = Callable[[Any], Marked]
MARKERS: list[MarkerFunction] = []


def marker(function: MarkerFunction) -> MarkerFunction:
    """Register an app's marker (in ``<app>/tests/leak_markers.py``)."""
    if function not in MARKERS:
        MARKERS.append(function)
    return function


def load_markers() -> list[MarkerFunction]:
    """Import every installed project app's ``tests.leak_markers`` module, if it has one."""
    import importlib
    import importlib.util

    for config in apps.get_app_configs():
        if not config.name.startswith("localsafety."):
            continue
        name = f"{config.name}.tests.leak_markers"
        if importlib.util.find_spec(f"{config.name}.tests") and importlib.util.find_spec(name):
            importlib.import_module(name)
    return MARKERS


def mark_world(world: Any) -> Marked:
    """Run every registered marker and merge what they made."""
    merged = Marked()
    for function in load_markers():
        marked = function(world)
        merged.records += marked.records
        merged.public_arguments |= marked.public_arguments
        for name, values in marked.fillers.items():
            merged.fillers.setdefault(name, [])
            merged.fillers[name] += [value for value in values if value not in merged.fillers[name]]
    contract_ids = [str(world.contract_a.pk), str(world.contract_b.pk)]
    merged.fillers[CONTRACT_ARGUMENT] = contract_ids
    return merged


# --- coverage --------------------------------------------------------------------------------


def unmarked_models(
    marked: Marked, owned: Iterable[type[models.Model]], contract: Any
) -> list[str]:
    """Contract-owned models with no marked record in ``contract``."""
    missing = []
    for model in owned:
        field_name = model.contract_field  # type: ignore[attr-defined]
        found = any(
            isinstance(record, model) and getattr(record, f"{field_name}_id") == contract.pk
            for record in marked.records
        )
        if not found:
            missing.append(model._meta.label)
    return missing


def unmarked_police_models(
    marked: Marked, owned: Iterable[type[models.Model]], organisation: Any
) -> list[str]:
    """Police-owned models (incident data) with no marked record of ``organisation``."""
    missing = []
    for model in owned:
        field_name = model.organisation_field  # type: ignore[attr-defined]
        found = any(
            isinstance(record, model) and getattr(record, f"{field_name}_id") == organisation.pk
            for record in marked.records
        )
        if not found:
            missing.append(model._meta.label)
    return missing


def routes(patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "") -> list[str]:
    """Every route of the URL conf (``contracts/<int:contract_id>/``), minus framework ones."""
    found: list[str] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found += routes(entry.url_patterns, prefix + str(entry.pattern))
        else:
            found.append(prefix + str(entry.pattern))
    if patterns is None:
        found = [route for route in found if not route.startswith(SKIP_PREFIXES)]
    return found


ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def arguments(route: str) -> list[str]:
    return [name for _converter, name in ARGUMENT.findall(route)]


def unfilled_arguments(all_routes: Iterable[str], marked: Marked) -> dict[str, list[str]]:
    """URL argument names that no marker fills, with the routes that use them."""
    missing: dict[str, list[str]] = {}
    for route in all_routes:
        for name in arguments(route):
            if not marked.fillers.get(name):
                missing.setdefault(name, []).append(route)
    return missing


def fill(route: str, values: dict[str, str]) -> str:
    return "/" + ARGUMENT.sub(lambda match: values[match.group(2)], route)


def paths_for(route: str, marked: Marked) -> Iterator[tuple[str, dict[str, str]]]:
    """Concrete paths for a route (with the values used): every combination of fillers."""
    names = arguments(route)
    for combination in itertools.product(*(marked.fillers[name] for name in names)):
        values = dict(zip(names, combination, strict=True))
        yield fill(route, values), values


def is_contract_scoped(route: str, marked: Marked) -> bool:
    names = arguments(route)
    return bool(names) and any(name not in marked.public_arguments for name in names)


# --- reading responses -----------------------------------------------------------------------


def readable(response: Any) -> str:
    """The response's text as a person (or a program) would read it, whatever the format."""
    body: bytes = b"".join(response.streaming_content) if response.streaming else response.content
    texts = [body.decode("utf-8", "replace"), body.decode("latin-1")]
    if body[:2] == b"PK":  # XLSX, ODS, DOCX, zipped anything: read every member
        try:
            with zipfile.ZipFile(BytesIO(body)) as archive:
                for name in archive.namelist():
                    texts.append(archive.read(name).decode("utf-8", "replace"))
        except zipfile.BadZipFile:
            pass
    if body[:5] == b"%PDF-":  # inflate every compressed stream
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, flags=re.S):
            try:
                texts.append(zlib.decompress(stream).decode("latin-1"))
            except zlib.error:
                texts.append(stream.decode("latin-1"))
    if "json" in response.get("Content-Type", ""):
        try:
            texts.append(json.dumps(json.loads(body), ensure_ascii=False))
        except ValueError:
            pass
    return "\n".join(texts)


# --- the walk --------------------------------------------------------------------------------


@dataclass
class Finding:
    who: str
    path: str
    status: int
    what: str

    def __str__(self) -> str:
        return f"{self.who} {self.path} -> {self.status}: {self.what}"


def _who(user: Any) -> str:
    return getattr(user, "username", None) or "anonymous"


def members_never_reach(
    all_routes: Iterable[str], marked: Marked, members: list[Any], client_for: Any
) -> list[Finding]:
    """GET routes that answer 404 to every member of A: the positive control."""
    findings = []
    clients = [(member, client_for(member)) for member in members]
    a_values = {name: values[0] for name, values in marked.fillers.items()}
    for route in all_routes:
        path = fill(route, a_values)
        statuses = []
        for _member, client in clients:
            status = client.get(path).status_code
            statuses.append(status)
            if status != 404:
                break
        if all(status == 404 for status in statuses):
            findings.append(Finding("every member", path, 404, "answers 404 to everyone"))
    return findings


PLAIN_QUERIES = ("", "?q=SEGRED", "?q=PAGINA", "?kind=zone")


def read_leaks(
    all_routes: Iterable[str],
    marked: Marked,
    outsiders: list[Any],
    client_for: Any,
    *,
    marks: tuple[str, ...],
    extra_queries: tuple[str, ...] = (),
) -> list[Finding]:
    """Every GET, as every outsider, searched for ``marks`` after decoding."""
    findings = []
    route_list = list(all_routes)
    for person in outsiders:
        client = client_for(person)
        for route in route_list:
            queries = (PLAIN_QUERIES + extra_queries) if not arguments(route) else ("",)
            for path, _values in paths_for(route, marked):
                for query in queries:
                    response = client.get(path + query)
                    if response.status_code >= 500:
                        findings.append(
                            Finding(_who(person), path + query, response.status_code, "error")
                        )
                        continue
                    text = readable(response)
                    for mark in marks:
                        if mark in text:
                            findings.append(
                                Finding(_who(person), path + query, response.status_code, mark)
                            )
    return findings


def table_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every project table (the test world is small), in a stable order."""
    snapshot = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in VOLATILE_TABLES or model._meta.proxy:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        snapshot[label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return snapshot


ALLOWED_ANONYMOUS = frozenset({302, 401, 403, 404, 405})


def write_leaks(
    all_routes: Iterable[str],
    marked: Marked,
    outsiders: list[Any],
    client_for: Any,
    *,
    outsider_contract: Any,
) -> list[Finding]:
    """POST, PATCH and DELETE on every route as outsiders: 404 on contract-scoped routes.

    ``outsider_contract`` is the outsiders' own contract (B): its id is used only to reach A's
    records through B's URLs, never to write to B itself.
    """
    findings = []
    route_list = list(all_routes)
    own = str(outsider_contract.pk)
    for person in outsiders:
        client = client_for(person)
        for route in route_list:
            scoped = is_contract_scoped(route, marked)
            names = arguments(route)
            reaches_a = [
                name
                for name in names
                if name != CONTRACT_ARGUMENT and name not in marked.public_arguments
            ]
            for path, values in paths_for(route, marked):
                if values.get(CONTRACT_ARGUMENT) == own and not reaches_a:
                    continue  # the outsider's own contract: not an attack on A
                for method in ("post", "patch", "delete"):
                    response = getattr(client, method)(
                        path, data={"title": "x", "agenda": "x", "comment": "x"}
                    )
                    status = response.status_code
                    if status >= 500:
                        findings.append(Finding(_who(person), f"{method} {path}", status, "error"))
                    elif (
                        scoped
                        and status != 404
                        and not (person is None and status in ALLOWED_ANONYMOUS)
                    ):
                        if status != 405:
                            findings.append(
                                Finding(_who(person), f"{method} {path}", status, "not 404")
                            )
    return findings


def changed_tables(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))
