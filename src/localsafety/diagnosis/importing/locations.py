"""Where each record happened: coordinates to WGS84, checks, parish and H3 cells (vectorised).

- Coordinates come in WGS84 degrees or ETRS89 / PT-TM06 metres (EPSG:3763, mainland); a
  source declares which, or leaves it to be recognised per value (degrees are within ±180/±90).
- Latitude and longitude given the wrong way round (a latitude of -9, a longitude of 38) are
  swapped back: the two ranges do not overlap in Portugal.
- Metres in a source declared as degrees are refused (the declaration is wrong, and guessing
  would hide it); so is any point outside Portugal (mainland, Azores, Madeira and their
  islets, as boxes).
- The parish is found by point-in-polygon when parish boundaries are loaded (shapely STRtree,
  one vectorised query), else from the record's parish code; the municipality from the
  parish, else by point-in-polygon on the municipal boundaries.
- H3 cells: resolution 9 per point (h3), resolutions 8 and 7 by clearing the index's finer
  digits (the parent, computed on the 64-bit integers at once).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import shapely
from h3.api import basic_int as h3int
from pyproj import Transformer

PT_TM06 = "EPSG:3763"

#: (lon min, lon max, lat min, lat max): mainland, Madeira with the Desertas, the Selvagens,
#: the Azores (with the Formigas).
PORTUGAL_BOXES = (
    (-9.6, -6.1, 36.9, 42.2),
    (-17.35, -16.2, 32.35, 33.15),
    (-16.1, -15.8, 29.95, 30.2),
    (-31.35, -24.95, 36.85, 39.8),
)
#: PT-TM06 covers the mainland only (metres, with a generous margin).
PT_TM06_X = (-130_000.0, 190_000.0)
PT_TM06_Y = (-310_000.0, 290_000.0)


@dataclass
class Located:
    lon: np.ndarray
    lat: np.ndarray
    #: Rows whose coordinates were given the wrong way round (and were swapped back).
    swapped: np.ndarray
    #: Rows declared in degrees whose values are metres.
    metres_as_degrees: np.ndarray
    #: Rows outside Portugal (or PT-TM06 values outside its mainland extent).
    outside: np.ndarray


def in_portugal(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    inside = np.zeros(len(lon), dtype=bool)
    for lon_min, lon_max, lat_min, lat_max in PORTUGAL_BOXES:
        inside |= (lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max)
    return inside


_TO_WGS84: dict[str, Any] = {}


def _transformer() -> Any:
    if "t" not in _TO_WGS84:
        _TO_WGS84["t"] = Transformer.from_crs(PT_TM06, "EPSG:4326", always_xy=True)
    return _TO_WGS84["t"]


def to_wgs84(x: np.ndarray, y: np.ndarray, system: str) -> Located:
    """``x``/``y`` as given (NaN where empty) in ``system`` (auto, wgs84 or pttm06)."""
    size = len(x)
    present = ~np.isnan(x) & ~np.isnan(y)
    looks_metres = present & ((np.abs(x) > 180) | (np.abs(y) > 90))
    metres_as_degrees = looks_metres if system == "wgs84" else np.zeros(size, dtype=bool)
    if system == "pttm06":
        metres = present
    elif system == "wgs84":
        metres = np.zeros(size, dtype=bool)
    else:
        metres = looks_metres
        # Within 180 m / 90 m of PT-TM06's origin (near Ourém) metres look like degrees. In a
        # file that has metres elsewhere, values that are nowhere in Portugal as degrees
        # (either way round) are taken as metres too.
        if looks_metres.any():
            small = present & ~looks_metres
            metres = metres | (small & ~in_portugal(x, y) & ~in_portugal(y, x))
    lon = np.where(present & ~metres, x, np.nan)
    lat = np.where(present & ~metres, y, np.nan)
    outside = np.zeros(size, dtype=bool)
    if metres.any():
        mx, my = x[metres], y[metres]
        within = (
            (mx >= PT_TM06_X[0])
            & (mx <= PT_TM06_X[1])
            & (my >= PT_TM06_Y[0])
            & (my <= PT_TM06_Y[1])
        )
        tx, ty = _transformer().transform(mx, my)
        lon[metres] = np.where(within, tx, np.nan)
        lat[metres] = np.where(within, ty, np.nan)
        outside[np.flatnonzero(metres)[~within]] = True
    degrees = present & ~metres & ~metres_as_degrees
    ok = in_portugal(lon, lat)
    swapped = degrees & ~ok & in_portugal(lat, lon)
    lon[swapped], lat[swapped] = lat[swapped], x[swapped]
    checked = present & ~metres_as_degrees & ~outside
    outside |= checked & ~in_portugal(lon, lat)
    bad = outside | metres_as_degrees
    lon[bad] = np.nan
    lat[bad] = np.nan
    return Located(
        lon=lon, lat=lat, swapped=swapped, metres_as_degrees=metres_as_degrees, outside=outside
    )


class AreaIndex:
    """Areas' polygons in an STRtree: which area holds each point (one vectorised query)."""

    def __init__(self, areas: list[tuple[int, str]]) -> None:
        self.ids = np.array([pk for pk, _geometry in areas], dtype=np.int64)
        geometries = [shapely.from_geojson(text) for _pk, text in areas]
        self.tree = shapely.STRtree(geometries) if geometries else None

    def __bool__(self) -> bool:
        return self.tree is not None

    def locate(
        self, lon: np.ndarray, lat: np.ndarray, cells: np.ndarray | None = None
    ) -> np.ndarray:
        """The id of the area holding each point (0 where none, or no coordinates).

        ``cells`` (the points' H3 cells at a coarse resolution, e.g. 7) make it faster: a
        cell whose hexagon, widened by about a metre, lies within one area gives that area to
        every point in it at once; only points in cells that cross a border are tested one by
        one. Areas do not overlap, so the answer is the same.
        """
        found = np.zeros(len(lon), dtype=np.int64)
        if self.tree is None:
            return found
        todo = ~np.isnan(lon)
        if cells is not None and todo.any():
            unique, inverse = np.unique(cells[todo], return_inverse=True)
            hexagons = shapely.polygons(
                [[(lng, lat_) for lat_, lng in h3int.cell_to_boundary(int(c))] for c in unique]
            )
            widened = shapely.buffer(hexagons, CELL_MARGIN_DEGREES)
            cell_index, tree_index = self.tree.query(widened, predicate="within")
            # Only hexagons that touch no other area: where simplified boundaries overlap,
            # points are tested one by one (the first area wins there, always the same).
            touching = np.bincount(
                self.tree.query(widened, predicate="intersects")[0], minlength=len(unique)
            )
            alone = touching[cell_index] == 1
            cell_area = np.zeros(len(unique), dtype=np.int64)
            cell_area[cell_index[alone]] = self.ids[tree_index[alone]]
            inside = np.flatnonzero(todo)
            found[inside] = cell_area[inverse]
            todo &= found == 0
        present = np.flatnonzero(todo)
        if not len(present):
            return found
        points = shapely.points(lon[present], lat[present])
        point_index, tree_index = self.tree.query(points, predicate="intersects")
        # A point on a shared border belongs to the first area found (stable).
        order = np.lexsort((tree_index, point_index))
        point_index, tree_index = point_index[order], tree_index[order]
        if not len(point_index):
            return found
        first = np.concatenate(([True], point_index[1:] != point_index[:-1]))
        found[present[point_index[first]]] = self.ids[tree_index[first]]
        return found


def area_index(queryset: Any) -> AreaIndex:
    rows = [(pk, text) for pk, text in queryset.exclude(geometry="").values_list("pk", "geometry")]
    return AreaIndex([(pk, text) for pk, text in rows if _is_polygon(text)])


def _is_polygon(text: str) -> bool:
    try:
        return json.loads(text).get("type") in ("Polygon", "MultiPolygon")
    except (ValueError, AttributeError):
        return False


#: How far a hexagon is widened before "within one area" is asked (about a metre): H3 edges
#: are great-circle arcs, the polygon's are straight in degrees.
CELL_MARGIN_DEGREES = 1e-5

_RESOLUTION_BITS = np.uint64(0xF) << np.uint64(52)


def h3_parent(cells: np.ndarray, resolution: int) -> np.ndarray:
    """The parent at ``resolution`` of each H3 index (int64; 0 stays 0): the resolution field
    set and the digits below it set to 7 ("unused"), as ``h3.cell_to_parent`` does."""
    raw = cells.astype(np.uint64)
    parent = (raw & ~_RESOLUTION_BITS) | (np.uint64(resolution) << np.uint64(52))
    parent |= np.uint64((1 << (3 * (15 - resolution))) - 1)
    return np.where(cells == 0, 0, parent.astype(np.int64))


def h3_cells(lon: np.ndarray, lat: np.ndarray, resolution: int = 9) -> np.ndarray:
    """The H3 cell (int64) of each point at ``resolution``; 0 where there is no point."""
    cells = np.zeros(len(lon), dtype=np.int64)
    present = np.flatnonzero(~np.isnan(lon))
    if len(present):
        cells[present] = np.fromiter(
            map(
                h3int.latlng_to_cell,
                lat[present].tolist(),
                lon[present].tolist(),
                repeat(resolution),
            ),
            dtype=np.uint64,
            count=len(present),
        ).astype(np.int64)
    return cells


def h3_hex(cells: np.ndarray) -> list[str]:
    return [format(int(cell), "x") for cell in cells]
