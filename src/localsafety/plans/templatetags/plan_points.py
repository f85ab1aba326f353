"""``{{ measure.points|points_geojson }}``: a measure's points as GeoJSON for its page's map."""

from __future__ import annotations

from typing import Any

from django import template

from localsafety.plans.points import points_feature_collection

register = template.Library()


@register.filter
def points_geojson(points: Any) -> dict[str, Any]:
    return points_feature_collection(points)
