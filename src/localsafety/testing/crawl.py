"""Every page a person of the test world reaches, found the way the leak walk finds routes.

The crawl asks every GET route of the URL conf (filled with contract A's marked records, every
stage and the world's organisations) as one person and keeps the HTML pages that answer 200:
lists, detail pages and forms alike, so a page or form added by a new app joins the crawl by
itself. The HTML checks (``html_problems``) and the browser crawl (phone width, axe) read it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django.urls import reverse

from localsafety.testing.auth import sign_in
from localsafety.testing.leakwalk import CONTRACT_ARGUMENT, Marked, arguments, fill, routes

#: The demo's roles in the test world; None is the anonymous citizen.
ROLES: tuple[str | None, ...] = (
    None,
    "national",
    "mayor_a",
    "coordinator_a",
    "commander_a",
    "partner_a",
)

#: Pages the walk skips (framework) that a person still opens.
EXTRA_PATHS = ("api-docs",)


def client_for_role(world: Any, role: str | None) -> Client:
    client = Client()
    if role is not None:
        sign_in(client, world.users[role])
    return client


def _fillers(world: Any, marked: Marked) -> dict[str, list[str]]:
    from localsafety.contracts.models import StageKind

    fillers = {name: list(values) for name, values in marked.fillers.items()}
    fillers[CONTRACT_ARGUMENT] = [str(world.contract_a.pk)]  # every role's own contract
    fillers["kind"] = list(StageKind.values)  # each stage page
    organisations = [world.ngo_a.pk, world.town_a.pk, world.psp.pk, world.ministry.pk]
    fillers["organisation_id"] = list(
        dict.fromkeys([*fillers.get("organisation_id", []), *map(str, organisations)])
    )
    return fillers


def candidate_paths(world: Any, marked: Marked) -> Iterator[str]:
    fillers = _fillers(world, marked)
    for route in routes():
        names = arguments(route)
        if any(not fillers.get(name) for name in names):
            continue
        for combination in itertools.product(*(fillers[name] for name in names)):
            yield fill(route, dict(zip(names, combination, strict=True)))
    for name in EXTRA_PATHS:
        yield reverse(name)


def crawl(client: Client, world: Any, marked: Marked) -> dict[str, str]:
    """Path -> HTML of every page that answers this client 200 with HTML."""
    pages: dict[str, str] = {}
    for path in dict.fromkeys(candidate_paths(world, marked)):
        response = client.get(path)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            # A fragment (a chooser's search answer) is part of the page that shows it and is
            # checked there; only whole documents are pages.
            if "<html" in html[:1000].lower():
                pages[path] = html
    return pages


# --- what a validator and a screen reader would trip on ------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None


VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
#: Attributes that name other elements by id.
REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "for")


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.current = self.root
        self.nodes: list[_Node] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {key: value or "" for key, value in attrs}, parent=self.current)
        self.current.children.append(node)
        self.nodes.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {key: value or "" for key, value in attrs}, parent=self.current)
        self.current.children.append(node)
        self.nodes.append(node)

    def handle_endtag(self, tag: str) -> None:
        node: _Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent


def _ancestors(node: _Node) -> Iterator[_Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _dl_problems(node: _Node) -> list[str]:
    """A dl holds dt+ dd+ groups (optionally each in a div), nothing else."""
    problems = []
    items = []
    for child in node.children:
        if child.tag in {"script", "template"}:
            continue
        if child.tag == "div":
            items += [grandchild.tag for grandchild in child.children]
        else:
            items.append(child.tag)
    stray = sorted({tag for tag in items if tag not in {"dt", "dd"}})
    if stray:
        problems.append(f"<dl> holds {', '.join(stray)}")
    text = "".join("t" if tag == "dt" else "d" for tag in items if tag in {"dt", "dd"})
    if text and not (text.startswith("t") and text.endswith("d")):
        problems.append("<dl> has a term without a description or starts with one")
    return problems


def html_problems(html: str) -> list[str]:
    """References to missing ids, duplicate ids, checkbox or radio groups outside a fieldset
    with a legend, and definition lists that are not dt/dd groups."""
    tree = _Tree()
    tree.feed(html)
    problems = []
    ids: dict[str, int] = {}
    for node in tree.nodes:
        if "id" in node.attrs:
            ids[node.attrs["id"]] = ids.get(node.attrs["id"], 0) + 1
    problems += [f"id {name!r} is used {n} times" for name, n in ids.items() if n > 1]
    for node in tree.nodes:
        for attribute in REFERENCES:
            if attribute == "for" and node.tag not in {"label", "output"}:
                continue
            for name in node.attrs.get(attribute, "").split():
                if name not in ids:
                    problems.append(f"<{node.tag} {attribute}={name!r}> names no element")
    groups: dict[tuple[str, str], list[_Node]] = {}
    for node in tree.nodes:
        kind = node.attrs.get("type", "")
        if node.tag == "input" and kind in {"checkbox", "radio"} and node.attrs.get("name"):
            groups.setdefault((kind, node.attrs["name"]), []).append(node)
    for (kind, name), inputs in groups.items():
        if len(inputs) < 2:
            continue
        for node in inputs:
            fieldset = next((a for a in _ancestors(node) if a.tag == "fieldset"), None)
            if fieldset is None or not any(c.tag == "legend" for c in fieldset.children):
                problems.append(f"{kind} group {name!r} is not a fieldset with a legend")
                break
    for node in tree.nodes:
        if node.tag == "dl":
            problems += _dl_problems(node)
    return problems
