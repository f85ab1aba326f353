"""Fillers for the territory's URL arguments (leak walk): official areas are public."""

from __future__ import annotations

from localsafety.testing.leakwalk import Marked, marker


@marker
def territory_marked(world) -> Marked:
    return Marked(
        fillers={
            "code": [world.municipality_a.code],
            "area_id": [str(world.municipality_a.pk)],
        },
        public_arguments={"code"},
    )
