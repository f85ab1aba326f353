"""Write small boundary files for tests (GeoJSON, GeoPackage, zipped shapefile)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

# Central Lisbon in ETRS89 / PT-TM06 (EPSG:3763) metres, and the same place in lon/lat.
LISBON_3763 = box(-87000, -106000, -86000, -105000)
LISBON_LONLAT = box(-9.16, 38.72, -9.14, 38.74)
LOULE_LONLAT = box(-8.05, 37.1, -7.95, 37.2)
BOWTIE = shapely.Polygon([(-9.16, 38.72), (-9.14, 38.74), (-9.14, 38.72), (-9.16, 38.74)])


def write_layer(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    driver: str,
    crs: str | None = "EPSG:4326",
    layer: str | None = None,
    geometry_type: str = "Polygon",
) -> Path:
    """``rows``: dicts with a ``geometry`` (shapely) and text attributes."""
    fields = [key for key in rows[0] if key != "geometry"]
    geometry = np.array([shapely.to_wkb(row["geometry"]) for row in rows], dtype=object)
    data = [np.array([str(row[name]) for row in rows], dtype=object) for name in fields]
    kwargs: dict[str, Any] = {"crs": crs} if crs else {}
    pyogrio.raw.write(
        str(path),
        geometry,
        data,
        fields,
        driver=driver,
        layer=layer,
        geometry_type=geometry_type,
        **kwargs,
    )
    return path


def write_geojson(path: Path, rows: list[dict[str, Any]], crs: str | None = None) -> Path:
    """Plain GeoJSON text (optionally with the legacy ``crs`` member)."""
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {key: value for key, value in row.items() if key != "geometry"},
                "geometry": json.loads(shapely.to_geojson(row["geometry"]))
                if isinstance(row["geometry"], BaseGeometry)
                else row["geometry"],
            }
            for row in rows
        ],
    }
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def write_shapefile_zip(
    directory: Path, rows: list[dict[str, Any]], *, crs: str | None, name: str = "areas"
) -> Path:
    shp_dir = directory / f"{name}-shp"
    shp_dir.mkdir()
    write_layer(shp_dir / f"{name}.shp", rows, driver="ESRI Shapefile", crs=crs)
    archive = directory / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for part in sorted(shp_dir.iterdir()):
            handle.write(part, arcname=part.name)
    return archive
