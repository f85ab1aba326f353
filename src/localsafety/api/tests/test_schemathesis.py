"""The API against its own OpenAPI schema: generated requests never get a server error.

Schemathesis reads ``/api/schema/`` and, for every operation, sends the schema's examples,
its boundary values (the coverage phase: just past every minimum and maximum, wrong types,
missing fields) and a bounded number of generated requests, valid and invalid. It runs inside
pytest through Django's WSGI application, so it runs on SQLite and PostgreSQL alike, on the
named world, signed in (by token) as the coordinator of contract A, who may write. Half of the
contract ids are pointed at A and B so the requests reach real records, not only 404s.
Derandomized and bounded: the same requests on every run (finding 11).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from localsafety.core.params import MAX_ID
from localsafety.testing.world import World

pytestmark = pytest.mark.slow

#: Generated requests per operation and mode, besides examples and boundary values.
EXAMPLES = 12


def _load_schema() -> Any:
    """The schema ``/api/schema/`` serves, made by the same generator (no request needed at
    collection time, when the database is not open yet); requests go to the WSGI app."""
    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Requests go straight to the WSGI app, whose end closes "old" database connections:
    on PostgreSQL that would close the test's own connection, inside its transaction.
    Django's test client keeps it the same way, for the duration of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _aim_at_the_world(case: Any, world: World) -> None:
    """Point two of every three small generated contract ids at A and B; boundary values
    (0, 2**63, "AAA") and every third id stay as generated."""
    path = case.path_parameters
    value = str(path.get("contract_id", "")) if path else ""
    if value.isdigit() and 0 < int(value) < 2**31 and int(value) % 3 < 2:
        path["contract_id"] = (world.contract_a, world.contract_b)[int(value) % 3].pk


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(
    case: Any, world: World, keep_test_connection: None
) -> None:
    _aim_at_the_world(case, world)
    token, _created = Token.objects.get_or_create(user=world.coordinator_a)
    headers = {"Authorization": f"Token {token.key}"}
    response = case.call(headers=headers)
    case.validate_response(response, checks=[not_a_server_error], headers=headers)


# --- the schema states the bounds that the coverage phase probes ----------------------------


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        for part in node["$ref"].removeprefix("#/").split("/"):
            document = document[part] if part else document
        node = document
    return node


def _unbounded(document: dict[str, Any], node: Any, where: str) -> list[str]:
    node = _resolve(document, node)
    if not isinstance(node, dict):
        return []
    found = []
    kind = node.get("type")
    if kind == "integer" and not (
        "minimum" in node and "maximum" in node and node["maximum"] <= MAX_ID
    ):
        found.append(f"{where}: integer without minimum and maximum")
    if kind == "array":
        if "maxItems" not in node:
            found.append(f"{where}: array without maxItems")
        found += _unbounded(document, node.get("items"), f"{where}[]")
    for name, child in node.get("properties", {}).items():
        if not _resolve(document, child).get("readOnly"):
            found += _unbounded(document, child, f"{where}.{name}")
    for key in ("allOf", "oneOf", "anyOf"):
        for index, child in enumerate(node.get(key, [])):
            found += _unbounded(document, child, f"{where}.{key}[{index}]")
    return found


def test_every_number_the_api_reads_has_bounds(client):
    """Ids, versions, limits: in paths, filters and bodies. Without a maximum, 2**63 reached
    the database; with one, the coverage phase above sends maximum + 1 on every run."""
    document = client.get("/api/schema/", {"format": "json"}).json()
    problems = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                name = f"{where} {parameter['in']} {parameter['name']}"
                problems += _unbounded(document, parameter.get("schema"), name)
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                problems += _unbounded(document, content.get("schema"), f"{where} {media_type}")
    assert problems == []
