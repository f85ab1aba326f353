"""Areas: the official hierarchy (public) and contract zones (as visible as their contract)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.api.base import ApiView, Pagination, flag, paginated_response
from localsafety.api.permissions import PUBLIC_READ
from localsafety.api.serializers import AreaRefSerializer, IdField
from localsafety.contracts.zones import areas_visible_to
from localsafety.core.access import get_object_for_user
from localsafety.core.text import fold
from localsafety.territory.models import AreaKind


def _areas_for(user: Any) -> Any:
    return (
        areas_visible_to(user)
        .defer("geometry")
        .annotate(boundary_loaded=ExpressionWrapper(~Q(geometry=""), output_field=BooleanField()))
    )


class AreaPopulationSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    population = serializers.IntegerField()
    population_under15 = serializers.IntegerField(allow_null=True)
    population_65plus = serializers.IntegerField(allow_null=True)
    data_origin = serializers.CharField()
    source_note = serializers.CharField()


class AreaListApi(ApiView):
    permission_classes = PUBLIC_READ
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer[Any]):
        kind = serializers.ChoiceField(choices=AreaKind.choices, required=False)
        parent = IdField(required=False)  # type: ignore[assignment]
        code = serializers.CharField(required=False, max_length=40)
        q = serializers.CharField(required=False, max_length=100)

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        code = serializers.CharField()
        name = serializers.CharField()
        parent = serializers.IntegerField(source="parent_id", allow_null=True)  # type: ignore[assignment]
        owner_contract = serializers.IntegerField(source="owner_contract_id", allow_null=True)
        is_active = serializers.BooleanField()
        has_boundary = serializers.BooleanField(source="boundary_loaded")

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        areas = _areas_for(request.user)
        if "kind" in wanted:
            areas = areas.filter(kind=wanted["kind"])
        if "parent" in wanted:
            areas = areas.filter(parent_id=wanted["parent"])
        if wanted.get("code"):
            areas = areas.filter(code=wanted["code"])
        if wanted.get("q"):
            areas = areas.filter(name_key__contains=fold(wanted["q"]))
        return paginated_response(
            view=self,
            request=request,
            queryset=areas.order_by("kind", "name_key", "name", "pk"),
            serializer_class=self.OutputSerializer,
        )


class AreaDetailApi(ApiView):
    permission_classes = PUBLIC_READ

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        code = serializers.CharField()
        name = serializers.CharField()
        description = serializers.CharField()
        parent = AreaRefSerializer(allow_null=True)
        owner_contract = serializers.IntegerField(source="owner_contract_id", allow_null=True)
        nuts3_name = serializers.CharField()
        area_km2 = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
        label_lat = serializers.FloatField(allow_null=True)
        label_lon = serializers.FloatField(allow_null=True)
        bbox = serializers.CharField()
        is_active = serializers.BooleanField()
        has_boundary = serializers.BooleanField(source="boundary_loaded")
        children_count = serializers.IntegerField()
        populations = AreaPopulationSerializer(many=True, source="population_rows")
        geometry = serializers.JSONField(
            source="geometry_json",
            allow_null=True,
            help_text="GeoJSON (WGS84); only with ?geometry=1, otherwise null.",
        )
        data_origin = serializers.CharField()
        source_note = serializers.CharField()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "geometry", bool, description="Include the boundary as GeoJSON (1 or true)."
            )
        ],
        responses=OutputSerializer,
    )
    def get(self, request: Request, area_id: int) -> Response:
        with_geometry = flag(request, "geometry")
        areas = _areas_for(request.user).select_related("parent")
        if with_geometry:
            areas = areas.defer(None)
        area = get_object_for_user(areas, pk=area_id)
        area.children_count = areas_visible_to(request.user).filter(parent=area).count()
        area.population_rows = list(area.populations.order_by("year"))
        area.geometry_json = json.loads(area.geometry) if with_geometry and area.geometry else None
        return Response(self.OutputSerializer(area).data)
