"""diagnosis.importing.locations against brute force: coordinates, swaps, Portugal, the
point-in-polygon shortcut by H3 cell, and H3 parents computed on the integers."""

from __future__ import annotations

import json

import h3
import numpy as np
import shapely
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pyproj import Transformer

from localsafety.diagnosis.importing.locations import (
    AreaIndex,
    h3_cells,
    h3_parent,
    in_portugal,
    to_wgs84,
)


def grid_of_areas() -> list[tuple[int, str]]:
    """Four irregular neighbours around Lisbon (a shared jagged border) and a hole between."""
    shapes = [
        [(-9.3, 38.6), (-9.15, 38.6), (-9.16, 38.7), (-9.14, 38.75), (-9.3, 38.75)],
        [(-9.15, 38.6), (-9.0, 38.6), (-9.0, 38.75), (-9.14, 38.75), (-9.16, 38.7)],
        [(-9.3, 38.75), (-9.14, 38.75), (-9.15, 38.9), (-9.3, 38.9)],
        [(-9.14, 38.75), (-9.02, 38.75), (-9.02, 38.9), (-9.15, 38.9)],
    ]
    return [
        (pk, json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]}))
        for pk, ring in enumerate(shapes, start=1)
    ]


def brute_force(areas: list[tuple[int, str]], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    found = np.zeros(len(lon), dtype=np.int64)
    for index, (x, y) in enumerate(zip(lon, lat, strict=True)):
        for pk, text in areas:
            if shapely.from_geojson(text).intersects(shapely.Point(x, y)):
                found[index] = pk
                break
    return found


def test_the_cell_shortcut_finds_the_same_areas_as_brute_force():
    rng = np.random.default_rng(7)
    lon = rng.uniform(-9.32, -8.98, 3000)
    lat = rng.uniform(38.58, 38.92, 3000)
    areas = grid_of_areas()
    index = AreaIndex(areas)
    cells = h3_parent(h3_cells(lon, lat, 9), 7)
    expected = brute_force(areas, lon, lat)
    assert (index.locate(lon, lat) == expected).all()
    assert (index.locate(lon, lat, cells) == expected).all()
    assert (expected == 0).any() and len(set(expected.tolist())) == 5  # outside, and all four


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-9.5, -6.2), st.floats(37.0, 42.1)), min_size=1, max_size=20))
def test_h3_parents_on_integers_equal_h3s_own(points):
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    cells = h3_cells(lon, lat, 9)
    for resolution in (7, 8):
        parents = h3_parent(cells, resolution)
        for cell, parent in zip(cells.tolist(), parents.tolist(), strict=True):
            assert parent == h3.str_to_int(h3.cell_to_parent(h3.int_to_str(cell), resolution))


def test_degrees_metres_swaps_and_the_world_outside():
    to_metres = Transformer.from_crs("EPSG:4326", "EPSG:3763", always_xy=True)
    mx, my = to_metres.transform(-8.0, 40.0)
    x = np.array([-9.15, 38.74, mx, 2.35, np.nan])
    y = np.array([38.74, -9.15, my, 48.85, np.nan])
    located = to_wgs84(x, y, "auto")
    assert np.allclose(located.lon[:3], [-9.15, -9.15, -8.0])
    assert np.allclose(located.lat[:3], [38.74, 38.74, 40.0])
    assert located.swapped.tolist() == [False, True, False, False, False]
    # In a file with metres, small values nowhere as degrees are metres near PT-TM06's
    # origin; in a file of degrees they are a point outside Portugal.
    assert not located.outside.any()
    assert to_wgs84(x[[0, 3]], y[[0, 3]], "auto").outside.tolist() == [False, True]
    declared = to_wgs84(x, y, "wgs84")
    assert declared.metres_as_degrees.tolist() == [False, False, True, False, False]
    assert in_portugal(
        np.array([-25.67, -16.92, -7.0]), np.array([37.74, 32.65, 43.5])
    ).tolist() == [
        True,
        True,
        False,
    ]
