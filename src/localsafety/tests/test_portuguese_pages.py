"""Every page, read in pt-PT by a national user, a contract's member and an anonymous
visitor, shows no English message of the catalogue (issue 8, point 5)."""

from __future__ import annotations

from typing import Any

import pytest

from localsafety.territory import reference
from localsafety.testing import leakwalk
from localsafety.testing.leakwalk import PAGE_MARK, RECORD_MARK
from localsafety.testing.untranslated import english_on_page


def _with_notes_as_loaded(world: Any) -> None:
    """Source notes as the reference load and the demo write them (catalogue messages)."""
    world.municipality_a.source_note = reference.SOURCE_MUNICIPALITY
    world.municipality_a.save(update_fields=["source_note"])
    world.municipality_a.populations.update(source_note=reference.SOURCE_POPULATION)
    world.contract_a.source_note = (
        "Real: municipality, category, signing date and place, named territories. Synthetic: "
        "people, committee seats, stage progress, meetings. | observador.pt, 14/07/2016"
    )
    world.contract_a.save(update_fields=["source_note"])


def _walk(world: Any, client_for: Any) -> dict[str, list[str]]:
    _with_notes_as_loaded(world)
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
            leftovers = [
                text
                for text in english_on_page(response.content.decode())
                if RECORD_MARK not in text and PAGE_MARK not in text  # the markers' test data
            ]
            if leftovers:
                key = f"{getattr(person, 'username', 'anonymous')} {path}"
                english[key] = sorted(set(leftovers))
    return english


@pytest.mark.slow
def test_no_page_shows_an_english_catalogue_message_in_portuguese(world, client_for):
    english = _walk(world, client_for)
    assert english == {}, "\n".join(f"{page}: {texts}" for page, texts in english.items())
