"""Reads for the territory pages: the official areas (public) and boundary imports.

A contract's zones are read in ``contracts.zones``: what a contract decides (its visibility
and so its zones') lives there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse

from localsafety.core.access import get_object_for_user
from localsafety.core.text import fold
from localsafety.territory.access import can_read_import, is_national
from localsafety.territory.models import Area, AreaImport, AreaKind, AreaPopulation

OFFICIAL_KINDS = {
    AreaKind.COUNTRY,
    AreaKind.NUTS2,
    AreaKind.DISTRICT,
    AreaKind.MUNICIPALITY,
    AreaKind.PARISH,
}


def municipalities_for_list(
    *, query: str = "", district: Area | None = None, region: str = ""
) -> QuerySet[Area]:
    """Official municipalities with their latest population (public: no viewer needed)."""
    latest = AreaPopulation.objects.filter(area=OuterRef("pk")).order_by("-year")
    municipalities = (
        Area.objects.official()
        .municipalities()
        .select_related("parent")
        .annotate(
            population=Subquery(latest.values("population")[:1]),
            population_year=Subquery(latest.values("year")[:1]),
        )
        .order_by("name_key", "name", "code")
    )
    if query:
        municipalities = municipalities.filter(
            Q(name_key__contains=fold(query)) | Q(code__startswith=query.strip())
        )
    if district is not None:
        municipalities = municipalities.filter(parent=district)
    if region:
        municipalities = municipalities.filter(nuts2_code=region)
    return municipalities


def reference_counts() -> list[dict[str, Any]]:
    rows = {
        row["kind"]: row
        for row in Area.objects.values("kind").annotate(
            total=Count("pk"), with_boundary=Count("pk", filter=~Q(geometry=""))
        )
    }
    return [
        {
            "kind": kind,
            "label": label,
            "total": rows.get(kind, {}).get("total", 0),
            "with_boundary": rows.get(kind, {}).get("with_boundary", 0),
        }
        for kind, label in AreaKind.choices
    ]


def area_imports_visible_to(user: Any) -> QuerySet[AreaImport]:
    """The imports a person may list: national users every one, others their own uploads.

    A contract's members may also open the zone imports of their contract one by one
    (``area_import_for``); which contracts those are is decided by ``contracts``' rules.
    """
    imports = AreaImport.objects.select_related("uploaded_by", "contract")
    if not getattr(user, "is_authenticated", False):
        return imports.none()
    if is_national(user):
        return imports
    return imports.filter(uploaded_by=user)


def area_import_for(user: Any, pk: int) -> AreaImport:
    """One import for its progress page; 404 for "missing" and "not yours" alike."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    area_import = get_object_for_user(
        AreaImport.objects.select_related("uploaded_by", "contract"), pk=pk
    )
    if not can_read_import(user, area_import):
        raise Http404
    return area_import


# --- GeoJSON ---------------------------------------------------------------------------


def geojson_queryset(*, ids: list[int], kind: str, contract_id: int | None) -> Any:
    """Official areas only: a contract's zones have their own GeoJSON in ``contracts``."""
    areas = Area.objects.official().select_related("parent")
    if ids:
        areas = areas.filter(pk__in=ids)
    if kind:
        areas = areas.filter(kind=kind)
    if contract_id is not None:
        # Asked for a contract's zones: none of them is official.
        areas = areas.none()
    return areas.order_by("kind", "name_key", "name", "pk")


def geojson_etag(areas: QuerySet[Area], *, query: str) -> str:
    """The answer holds official areas only, the same for everyone: no viewer in the tag."""
    summary = areas.aggregate(count=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    text = f"{query}|{summary['count']}|{summary['last']}|{summary['top']}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def area_url(area: Area) -> str:
    if area.kind == AreaKind.MUNICIPALITY:
        return reverse("territory:municipality_detail", args=[area.code])
    if area.kind == AreaKind.PARISH and area.parent is not None:
        return reverse("territory:municipality_detail", args=[area.parent.code])
    return ""


def area_properties(area: Area) -> dict[str, Any]:
    return {
        "id": area.pk,
        "code": area.code,
        "name": area.name,
        "kind": area.kind,
        "url": area_url(area),
    }


PropertiesFor = Callable[[Area], dict[str, Any]]


def feature_collection_text(areas: Any, properties_for: PropertiesFor = area_properties) -> str:
    """A FeatureCollection built from the stored GeoJSON text without re-parsing it."""
    parts = []
    for area in areas:
        properties = json.dumps(properties_for(area), ensure_ascii=False)
        geometry = area.geometry or "null"
        parts.append(f'{{"type":"Feature","properties":{properties},"geometry":{geometry}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def feature_collection(
    areas: Any, properties_for: PropertiesFor = area_properties
) -> dict[str, Any]:
    """The same as a dict, for Django's json_script on a page."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": properties_for(area),
                "geometry": json.loads(area.geometry) if area.geometry else None,
            }
            for area in areas
        ],
    }
