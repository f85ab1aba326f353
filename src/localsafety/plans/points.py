"""A measure's points (``Measure.points``: ``[{"label", "lat", "lon"}]``, WGS84).

Typed as lines ``label; latitude; longitude`` (the form's no-script way, and what its map
writes), with decimal commas accepted; stored as numbers. A point must fall in Portugal
(mainland, Madeira, the Selvagens, the Azores: the boxes the crime import uses), and a pair
given the wrong way round is named as such rather than refused as "outside Portugal": in
Portugal the latitude (29 to 43) and the longitude (-31 to -6) never overlap.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from localsafety.diagnosis.importing.locations import PORTUGAL_BOXES

#: More points than a page can show as a list beside its map.
MAX_POINTS = 50
LABEL_LENGTH = 100
#: Stored to about 10 cm: more digits only record the precision of a mouse click.
PLACES = 6


def in_portugal(lat: float, lon: float) -> bool:
    return any(
        lon_min <= lon <= lon_max and lat_min <= lat <= lat_max
        for lon_min, lon_max, lat_min, lat_max in PORTUGAL_BOXES
    )


def point_problem(lat: float, lon: float) -> str | None:
    """Why (``lat``, ``lon``) cannot be a measure's point, or None."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return _("the coordinates are not numbers.")
    if in_portugal(lat, lon):
        return None
    if in_portugal(lon, lat):
        return _(
            "the latitude and the longitude seem swapped: in Portugal the latitude "
            "(between 29 and 43) comes first and the longitude (between -31 and -6) is negative."
        )
    return _("the point is outside Portugal (mainland, Azores and Madeira).")


def parse_coordinate(text: str) -> float:
    """``38,7569`` or ``38.7569`` (or with a typographic minus) as a float; ValueError else."""
    cleaned = text.strip().replace(" ", "").replace("\u2212", "-").replace("°", "")
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            raise ValueError(text)
        cleaned = cleaned.replace(",", ".")
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _split(line: str) -> list[str]:
    # From the right, so a label may hold a semicolon; tabs come from pasted spreadsheet cells.
    separator = ";" if ";" in line else "\t"
    return [part.strip() for part in line.rsplit(separator, 2)]


def parse_point_lines(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The points typed in ``text`` (one ``label; lat; lon`` a line; blank lines skipped)
    and the problems found, each naming its line."""
    points: list[dict[str, Any]] = []
    problems: list[str] = []

    def refuse(number: int, problem: str) -> None:
        problems.append(_("Line %(line)s: %(problem)s") % {"line": number, "problem": problem})

    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = _split(line)
        if len(parts) != 3:
            refuse(
                number,
                _(
                    "write a label, the latitude and the longitude separated by semicolons "
                    "(for example “School; 38,7569; -9,1596”)."
                ),
            )
            continue
        label, lat_text, lon_text = parts
        if not label:
            refuse(number, _("the label is missing."))
            continue
        if len(label) > LABEL_LENGTH:
            refuse(
                number,
                _("the label is longer than %(count)s characters.") % {"count": LABEL_LENGTH},
            )
            continue
        try:
            lat, lon = parse_coordinate(lat_text), parse_coordinate(lon_text)
        except ValueError:
            refuse(number, _("the latitude and the longitude must be numbers."))
            continue
        problem = point_problem(lat, lon)
        if problem:
            refuse(number, problem)
            continue
        points.append({"label": label, "lat": round(lat, PLACES), "lon": round(lon, PLACES)})
    if len(points) > MAX_POINTS:
        problems.append(_("At most %(count)s points per measure.") % {"count": MAX_POINTS})
    return points, problems


def points_problems(points: Any) -> list[str]:
    """What is wrong with ``points`` as sent to a service (the API's JSON), point by point."""
    if not isinstance(points, list):
        return [_("Each point needs a label, a latitude and a longitude.")]
    if len(points) > MAX_POINTS:
        return [_("At most %(count)s points per measure.") % {"count": MAX_POINTS}]
    problems = []
    for number, point in enumerate(points, 1):
        problem = _point_value_problem(point)
        if problem:
            problems.append(
                _("Point %(number)s: %(problem)s") % {"number": number, "problem": problem}
            )
    return problems


def _point_value_problem(point: Any) -> str | None:
    if not isinstance(point, dict) or set(point) != {"label", "lat", "lon"}:
        return _("give exactly a label, a latitude and a longitude.")
    label = point["label"]
    if not isinstance(label, str) or not label.strip():
        return _("the label is missing.")
    if len(label) > LABEL_LENGTH:
        return _("the label is longer than %(count)s characters.") % {"count": LABEL_LENGTH}
    lat, lon = point["lat"], point["lon"]
    if isinstance(lat, bool) or isinstance(lon, bool):
        return _("the latitude and the longitude must be numbers.")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return _("the latitude and the longitude must be numbers.")
    return point_problem(float(lat), float(lon))


def format_point_lines(points: Any) -> str:
    """``points`` as the lines the form shows (and reads back)."""
    if not isinstance(points, list):
        return ""
    return "\n".join(
        f"{point.get('label', '')}; {point.get('lat', '')}; {point.get('lon', '')}"
        for point in points
        if isinstance(point, dict)
    )


def points_feature_collection(points: Any) -> dict[str, Any]:
    """``points`` as GeoJSON for the measure page's map (lon before lat, as GeoJSON orders)."""
    features = []
    for point in points if isinstance(points, list) else []:
        if isinstance(point, dict) and "lat" in point and "lon" in point:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [point["lon"], point["lat"]]},
                    "properties": {"name": str(point.get("label", ""))},
                }
            )
    return {"type": "FeatureCollection", "features": features}
