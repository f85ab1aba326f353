"""A contract's analysis runs (issue 9, point 7): the same runs, results and rules as the
pages. Members (and national users) read aggregate runs; a police run only its force's people
on the contract; 404 for anyone else. Results are the stored, already suppressed, figures."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.api.base import (
    AuthenticatedRequest,
    ContractApiView,
    Pagination,
    paginated_response,
)
from localsafety.contracts.models import Contract
from localsafety.diagnosis import analysis_figures, analysis_services
from localsafety.diagnosis.models import AnalysisRun


class RunSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    message = serializers.CharField()
    kind = serializers.SerializerMethodField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    categories = serializers.ListField(child=serializers.CharField())
    resolution = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_kind(self, run: AnalysisRun) -> str:
        return "police" if run.is_police else "aggregate"


class RunDetailSerializer(RunSerializer):
    parameters = serializers.DictField()
    datasets = serializers.ListField(child=serializers.DictField())
    provenance = serializers.SerializerMethodField()
    results = serializers.DictField()

    def get_provenance(self, run: AnalysisRun) -> dict[str, Any]:
        found = analysis_figures.provenance(run)
        return {key: found[key] for key in ("source", "period", "grid", "audience", "requested_by")}


class AnalysisRunListApi(ContractApiView):
    """GET the contract's analysis runs; POST starts one (members; ``as_police`` for the
    police seated on the contract)."""

    need = "record"
    pagination_class = Pagination
    parser_classes = [JSONParser]

    class CreateInputSerializer(serializers.Serializer[Any]):
        period_start = serializers.DateField()
        period_end = serializers.DateField()
        categories = serializers.ListField(
            child=serializers.CharField(max_length=40), required=False, max_length=60
        )
        resolution = serializers.IntegerField(min_value=7, max_value=9)
        as_police = serializers.BooleanField(required=False, default=False)

    @extend_schema(responses=RunSerializer(many=True))
    def get(self, request: Request, contract: Contract) -> Response:
        return paginated_response(
            view=self,
            request=request,
            queryset=analysis_services.analysis_runs(request.user, contract),
            serializer_class=RunSerializer,
        )

    @extend_schema(request=CreateInputSerializer, responses={202: RunSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract) -> Response:
        payload = self.CreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        run = analysis_services.analysis_run_create(
            actor=request.user,
            contract=contract,
            period_start=data["period_start"],
            period_end=data["period_end"],
            categories=list(data.get("categories", [])),
            resolution=int(data["resolution"]),
            as_police=data["as_police"],
        )
        run.refresh_from_db()
        return Response(RunSerializer(run).data, status=202)


class AnalysisRunDetailApi(ContractApiView):
    """GET one run with its results and provenance."""

    need = "record"

    @extend_schema(responses=RunDetailSerializer)
    def get(self, request: Request, contract: Contract, run_id: int) -> Response:
        run = analysis_services.analysis_run_for(request.user, contract, run_id)
        return Response(RunDetailSerializer(run).data)
