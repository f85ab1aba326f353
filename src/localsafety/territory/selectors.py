"""Reads for the territory pages, always through access-filtered querysets."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.territory.models import Area, AreaImport, AreaKind, AreaPopulation

OFFICIAL_KINDS = {
    AreaKind.COUNTRY,
    AreaKind.NUTS2,
    AreaKind.DISTRICT,
    AreaKind.MUNICIPALITY,
    AreaKind.PARISH,
}


def municipalities_for_list(
    user: Any, *, query: str = "", district: Area | None = None, region: str = ""
) -> QuerySet[Area]:
    latest = AreaPopulation.objects.filter(area=OuterRef("pk")).order_by("-year")
    municipalities = (
        Area.objects.visible_to(user)
        .municipalities()
        .select_related("parent")
        .annotate(
            population=Subquery(latest.values("population")[:1]),
            population_year=Subquery(latest.values("year")[:1]),
        )
        .order_by("name", "code")
    )
    if query:
        municipalities = municipalities.filter(Q(name__icontains=query) | Q(code__startswith=query))
    if district is not None:
        municipalities = municipalities.filter(parent=district)
    if region:
        municipalities = municipalities.filter(nuts2_code=region)
    return municipalities


def contract_counts(user: Any, area_ids: list[int]) -> dict[int, int]:
    """Number of contracts the user may see that cover each area (its own or in its areas)."""
    visible = Contract.objects.visible_to(user)
    pairs: set[tuple[int, int]] = set(
        visible.filter(municipality_id__in=area_ids).values_list("municipality_id", "pk")
    )
    through = Contract.areas.through
    pairs |= set(
        through.objects.filter(area_id__in=area_ids, contract__in=visible).values_list(
            "area_id", "contract_id"
        )
    )
    counts: dict[int, int] = defaultdict(int)
    for area_id, _contract_id in pairs:
        counts[area_id] += 1
    return dict(counts)


def contracts_covering(user: Any, area: Area) -> QuerySet[Contract]:
    return (
        Contract.objects.visible_to(user)
        .filter(Q(municipality=area) | Q(areas=area))
        .distinct()
        .order_by("title")
    )


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
    """National users see every import; others their own and their contracts' zone imports."""
    scope = scope_for(user)
    imports = AreaImport.objects.select_related("uploaded_by", "contract")
    if not scope.authenticated:
        return imports.none()
    if scope.can_manage_reference_data:
        return imports
    return imports.filter(
        Q(uploaded_by=user) | Q(contract_id__in=scope.lead_contract_ids | scope.member_contract_ids)
    )


def contract_zones(user: Any, contract: Contract) -> QuerySet[Area]:
    return (
        Area.objects.visible_to(user)
        .filter(kind=AreaKind.ZONE, owner_contract=contract)
        .select_related("parent", "owner_contract")
        .order_by("name")
    )


# --- GeoJSON ---------------------------------------------------------------------------


def geojson_queryset(user: Any, *, ids: list[int], kind: str, contract_id: int | None) -> Any:
    areas = Area.objects.visible_to(user).select_related("parent", "owner_contract")
    if ids:
        areas = areas.filter(pk__in=ids)
    if kind:
        areas = areas.filter(kind=kind)
    if contract_id is not None:
        areas = areas.filter(owner_contract_id=contract_id)
    return areas.order_by("kind", "name", "pk")


def geojson_is_public(*, ids: list[int], kind: str, contract_id: int | None) -> bool:
    """True when the answer can only hold official areas, the same for everyone."""
    return bool(kind in OFFICIAL_KINDS and not ids and contract_id is None)


def geojson_etag(user: Any, areas: QuerySet[Area], *, public: bool, query: str) -> str:
    summary = areas.aggregate(count=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    viewer = "" if public else repr(sorted(scope_for(user).member_contract_ids))
    viewer += "" if public else repr(scope_for(user).is_national)
    text = f"{query}|{summary['count']}|{summary['last']}|{summary['top']}|{viewer}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def area_url(area: Area) -> str:
    if area.kind == AreaKind.MUNICIPALITY:
        return reverse("territory:municipality_detail", args=[area.code])
    if area.kind == AreaKind.PARISH and area.parent is not None:
        return reverse("territory:municipality_detail", args=[area.parent.code])
    if area.kind == AreaKind.ZONE and area.owner_contract_id:
        return reverse("territory:zone_list", args=[area.owner_contract_id])
    return ""


def area_properties(area: Area) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": area.pk,
        "code": area.code,
        "name": area.name,
        "kind": area.kind,
        "url": area_url(area),
    }
    if area.kind == AreaKind.ZONE and area.owner_contract is not None:
        properties["category"] = area.owner_contract.category
    return properties


def feature_collection_text(areas: Any) -> str:
    """A FeatureCollection built from the stored GeoJSON text without re-parsing it."""
    parts = []
    for area in areas:
        properties = json.dumps(area_properties(area), ensure_ascii=False)
        geometry = area.geometry or "null"
        parts.append(f'{{"type":"Feature","properties":{properties},"geometry":{geometry}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def feature_collection(areas: Any) -> dict[str, Any]:
    """The same as a dict, for Django's json_script on a page."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": area_properties(area),
                "geometry": json.loads(area.geometry) if area.geometry else None,
            }
            for area in areas
        ],
    }
