"""Geometry checks and conversions on GeoJSON text (WGS84), with shapely and pyproj only."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

import shapely
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyproj import CRS, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

# Longitude/latitude box around mainland Portugal, the Azores, Madeira and the Selvagens.
PORTUGAL_LON = (-32.0, -5.5)
PORTUGAL_LAT = (29.0, 43.0)
POLYGONAL = ("Polygon", "MultiPolygon")
# Coordinates are kept to about 10 cm; more digits only make the text longer.
GRID = 1e-6


class GeometryError(ValueError):
    """A geometry that cannot be stored; the message says why, for the user."""


def in_portugal(bounds: tuple[float, float, float, float] | Any) -> bool:
    """True when a (minx, miny, maxx, maxy) box lies within Portugal's lon/lat box."""
    minx, miny, maxx, maxy = (float(value) for value in bounds)
    return (
        PORTUGAL_LON[0] <= minx <= maxx <= PORTUGAL_LON[1]
        and PORTUGAL_LAT[0] <= miny <= maxy <= PORTUGAL_LAT[1]
    )


# The geometry library (GEOS, through shapely) explains in English; pages say it in the
# reader's language. Longest first: "Ring Self-intersection" before "Self-intersection".
VALIDITY_REASONS = [
    ("Ring Self-intersection", gettext_lazy("a ring crosses itself")),
    ("Self-intersection", gettext_lazy("the boundary crosses itself")),
    ("Too few points in geometry component", gettext_lazy("a part has too few points")),
    ("Hole lies outside shell", gettext_lazy("a hole lies outside the outer ring")),
    ("Nested holes", gettext_lazy("a hole lies inside another hole")),
    ("Interior is disconnected", gettext_lazy("the inside is cut in two")),
    ("Nested shells", gettext_lazy("an outer ring lies inside another")),
    ("Duplicate Rings", gettext_lazy("a ring is repeated")),
    ("Invalid Coordinate", gettext_lazy("a coordinate is not a number")),
    ("Ring is not closed", gettext_lazy("a ring is not closed")),
]
GEOMETRY_TYPES = {
    "Point": gettext_lazy("point"),
    "MultiPoint": gettext_lazy("set of points"),
    "LineString": gettext_lazy("line"),
    "LinearRing": gettext_lazy("ring"),
    "MultiLineString": gettext_lazy("set of lines"),
    "GeometryCollection": gettext_lazy("mixed collection of geometries"),
}
_AT = re.compile(r"\[\s*(-?[0-9.eE+-]+)\s+(-?[0-9.eE+-]+)\s*\]")


def validity_reason(geometry: BaseGeometry) -> str:
    """Why GEOS finds ``geometry`` invalid, in the reader's language, with where it happens."""
    raw = str(shapely.is_valid_reason(geometry))
    for english, translated in VALIDITY_REASONS:
        if raw.startswith(english):
            where = _AT.search(raw)
            if where:
                return _("%(reason)s near %(x)s, %(y)s") % {
                    "reason": translated,
                    "x": where[1],
                    "y": where[2],
                }
            return str(translated)
    return _("the geometry library gives no known reason")


def polygon_problems(geometry: BaseGeometry | None) -> list[str]:
    """Reasons why ``geometry`` is not a usable boundary (empty list when it is)."""
    if geometry is None or geometry.is_empty:
        return [_("The feature has no geometry.")]
    if geometry.geom_type not in POLYGONAL:
        kind = GEOMETRY_TYPES.get(geometry.geom_type, geometry.geom_type)
        return [
            _("The geometry is a %(type)s; a boundary must be a polygon or multipolygon.")
            % {"type": kind}
        ]
    if not geometry.is_valid:
        return [_("The geometry is not valid (%(why)s).") % {"why": validity_reason(geometry)}]
    return []


def parse_geojson(text: str) -> BaseGeometry:
    """Read a GeoJSON geometry, Feature or FeatureCollection (WGS84) into one geometry.

    Raises ``GeometryError`` for text that is not GeoJSON or not a usable polygon in Portugal.
    """
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise GeometryError(_("The boundary is not valid GeoJSON.")) from exc
    if not isinstance(data, dict):
        raise GeometryError(_("The boundary is not valid GeoJSON."))
    geometries: list[Any]
    if data.get("type") == "FeatureCollection":
        geometries = [
            feature.get("geometry")
            for feature in data.get("features") or []
            if isinstance(feature, dict) and feature.get("geometry")
        ]
    elif data.get("type") == "Feature":
        geometries = [data["geometry"]] if data.get("geometry") else []
    else:
        geometries = [data]
    if not geometries:
        raise GeometryError(_("Draw or upload a boundary first."))
    try:
        parts = [shape(item) for item in geometries]
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError) as exc:
        raise GeometryError(_("The boundary is not valid GeoJSON.")) from exc
    geometry = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    problems = polygon_problems(geometry)
    if problems:
        raise GeometryError(problems[0])
    if not in_portugal(geometry.bounds):
        raise GeometryError(
            _("The boundary is not in Portugal (wrong coordinate system? Use WGS84 lon/lat).")
        )
    return geometry


def to_geojson_text(geometry: BaseGeometry) -> str:
    """Compact GeoJSON text, coordinates snapped to a fine grid (validity is kept)."""
    snapped = shapely.set_precision(geometry, GRID)
    if snapped.is_empty or not snapped.is_valid:
        snapped = geometry
    return str(shapely.to_geojson(snapped))


def bbox_text(geometry: BaseGeometry) -> str:
    return ",".join(f"{value:.5f}" for value in geometry.bounds)


def label_point(geometry: BaseGeometry) -> tuple[float, float]:
    """(lat, lon) of a point guaranteed to lie inside the geometry."""
    point = geometry.representative_point()
    return round(point.y, 5), round(point.x, 5)


@lru_cache(maxsize=16)
def transformer_to_wgs84(crs: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(crs), CRS.from_epsg(4326), always_xy=True)


@lru_cache(maxsize=1)
def _equal_area() -> Transformer:
    # ETRS89-LAEA Europe: equal-area, good for Portugal's mainland and islands.
    return Transformer.from_crs(CRS.from_epsg(4326), CRS.from_epsg(3035), always_xy=True)


def area_km2(geometry: BaseGeometry) -> Decimal:
    transformer = _equal_area()
    projected = shapely.transform(
        geometry, lambda xy: _stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )
    return Decimal(projected.area / 1_000_000).quantize(Decimal("0.01"))


def reproject(geometries: Any, crs: str) -> Any:
    """Reproject an array of shapely geometries from ``crs`` to WGS84 lon/lat."""
    transformer = transformer_to_wgs84(crs)
    return shapely.transform(
        geometries, lambda xy: _stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def _stack(xy: tuple[Any, Any]) -> Any:
    import numpy as np

    return np.column_stack(xy)
