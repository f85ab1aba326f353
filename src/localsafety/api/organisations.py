"""Organisations: the public register of who takes part (names, kinds, places)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.api.base import ApiView, Pagination, paginated_response
from localsafety.api.permissions import PUBLIC_READ
from localsafety.api.serializers import AreaRefSerializer
from localsafety.core.access import get_object_for_user
from localsafety.organisations.models import Organisation, OrganisationKind


class OrganisationListApi(ApiView):
    permission_classes = PUBLIC_READ
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer[Any]):
        kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)
        q = serializers.CharField(required=False, max_length=100)

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        name = serializers.CharField()
        short_name = serializers.CharField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        municipality = AreaRefSerializer(allow_null=True)
        is_active = serializers.BooleanField()

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        organisations = Organisation.objects.visible_to(request.user).select_related("municipality")
        if "kind" in wanted:
            organisations = organisations.filter(kind=wanted["kind"])
        if wanted.get("q"):
            organisations = organisations.filter(
                Q(name__icontains=wanted["q"]) | Q(short_name__icontains=wanted["q"])
            )
        return paginated_response(
            view=self,
            request=request,
            queryset=organisations.order_by("name", "pk"),
            serializer_class=self.OutputSerializer,
        )


class OrganisationDetailApi(ApiView):
    permission_classes = PUBLIC_READ

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        name = serializers.CharField()
        short_name = serializers.CharField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        is_police = serializers.BooleanField()
        municipality = AreaRefSerializer(allow_null=True)
        website = serializers.CharField()
        email = serializers.CharField()
        is_active = serializers.BooleanField()
        data_origin = serializers.CharField()
        source_note = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = get_object_for_user(
            Organisation.objects.visible_to(request.user).select_related("municipality"),
            pk=organisation_id,
        )
        return Response(self.OutputSerializer(organisation).data)
