"""Incident data sets: read by the members of the police force that owns them, nobody else.

The same selectors as the pages (``diagnosis.data_selectors``): a data set of another force,
or any data set for someone who is not police, is 404 (the list is empty).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.api.base import ApiView, Pagination, paginated_response
from localsafety.diagnosis import data_selectors


class DatasetSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    source = serializers.CharField(source="source.name")  # type: ignore[assignment]
    original_name = serializers.CharField()
    file_size = serializers.IntegerField()
    checksum = serializers.CharField()
    imported_by = serializers.CharField(
        source="imported_by.username", allow_null=True, default=None
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    progress = serializers.IntegerField()
    message = serializers.CharField()
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    row_count = serializers.IntegerField()
    created_count = serializers.IntegerField()
    skipped_count = serializers.IntegerField()
    data_origin = serializers.CharField()
    source_note = serializers.CharField()


class DatasetListApi(ApiView):
    pagination_class = Pagination

    class OutputSerializer(DatasetSerializer):
        pass

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            view=self,
            request=request,
            queryset=data_selectors.dataset_list(request.user),
            serializer_class=self.OutputSerializer,
        )


class DatasetDetailApi(ApiView):
    class OutputSerializer(DatasetSerializer):
        problems = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
        problem_count = serializers.IntegerField(source="problems_total")

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, dataset_id: int) -> Response:
        dataset = data_selectors.dataset_for(request.user, dataset_id)
        return Response(self.OutputSerializer(dataset).data)
