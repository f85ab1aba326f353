"""Every page, read in pt-PT by a national user, a contract's member and an anonymous
visitor, shows no English message of the catalogue (issue 8, point 5)."""

from __future__ import annotations

from typing import Any

import pytest

from localsafety.testing import leakwalk
from localsafety.testing.untranslated import english_on_page


def _walk(world: Any, client_for: Any) -> dict[str, list[str]]:
    found = leakwalk.mark_world(world)
    a_values = {name: values[0] for name, values in found.fillers.items()}
    english: dict[str, list[str]] = {}
    for person in (world.national, world.coordinator_a, world.partner_a, None):
        client = client_for(person)
        for route in leakwalk.routes():
            path = leakwalk.fill(route, a_values)
            response = client.get(path, follow=True)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            leftovers = english_on_page(response.content.decode())
            if leftovers:
                key = f"{getattr(person, 'username', 'anonymous')} {path}"
                english[key] = sorted(set(leftovers))
    return english


@pytest.mark.slow
def test_no_page_shows_an_english_catalogue_message_in_portuguese(world, client_for):
    english = _walk(world, client_for)
    assert english == {}, "\n".join(f"{page}: {texts}" for page, texts in english.items())
