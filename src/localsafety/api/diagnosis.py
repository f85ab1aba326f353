"""The diagnosis through the API: the problems found and their priority.

Same rules as the pages (``diagnosis.services``): members of the contract (and national users)
read; the Operational Core records and edits; the Coordinating Committee prioritises. Every
change names the version it read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.api.base import (
    AuthenticatedRequest,
    ContractApiView,
    Pagination,
    lookup_for_input,
    paginated_response,
)
from localsafety.api.serializers import IdField
from localsafety.contracts.models import Contract
from localsafety.core.access import get_object_for_user
from localsafety.core.params import MAX_ID
from localsafety.diagnosis import selectors, services
from localsafety.diagnosis.aggregates import contract_crime_table
from localsafety.diagnosis.document import document_for
from localsafety.diagnosis.evidence import link_views
from localsafety.diagnosis.models import DocumentFigure, EvidenceKind, Problem


class AxisRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="__str__")


class EvidenceLinkSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    figure = serializers.CharField(help_text="A figure of the document (kind figure).")
    indicator = serializers.CharField(help_text="An indicator code (kind indicator).")
    run = serializers.IntegerField(
        allow_null=True, help_text="An aggregate analysis run (kinds run and hotspot)."
    )
    cell = serializers.CharField(help_text="The H3 cell of a hot spot (kind hotspot).")
    label = serializers.CharField()  # type: ignore[assignment]
    url = serializers.CharField(help_text="The figure or indicator in the document, or the run.")


class EvidenceLinkInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    figure = serializers.ChoiceField(choices=DocumentFigure.choices, required=False)
    indicator = serializers.SlugField(max_length=50, required=False)
    run = IdField(required=False)
    cell = serializers.RegexField(r"^[0-9a-f]{15}$", required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        needed = {
            EvidenceKind.FIGURE: ("figure",),
            EvidenceKind.INDICATOR: ("indicator",),
            EvidenceKind.RUN: ("run",),
            EvidenceKind.HOTSPOT: ("run", "cell"),
        }[attrs["kind"]]
        missing = [name for name in needed if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: [self.fields[name].error_messages["required"]] for name in missing}
            )
        return attrs


def evidence_key(link: dict[str, Any]) -> str:
    """A validated input link as the key ``diagnosis.evidence`` checks."""
    kind = link["kind"]
    if kind == EvidenceKind.FIGURE:
        return f"figure:{link['figure']}"
    if kind == EvidenceKind.INDICATOR:
        return f"indicator:{link['indicator']}"
    if kind == EvidenceKind.RUN:
        return f"run:{link['run']}"
    return f"hotspot:{link['run']}:{link['cell']}"


class ProblemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    axis = AxisRefSerializer(allow_null=True)
    evidence = serializers.CharField(help_text="A note in words beside the linked evidence.")
    evidence_links = serializers.SerializerMethodField()
    priority = serializers.IntegerField(allow_null=True, help_text="1 is the most urgent.")
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="The version an edit must name.")

    @extend_schema_field(EvidenceLinkSerializer(many=True))
    def get_evidence_links(self, problem: Problem) -> list[dict[str, Any]]:
        links = list(problem.evidence_links.all())
        views = link_views(problem.contract, links)
        return [
            {
                "kind": link.kind,
                "figure": link.figure,
                "indicator": link.indicator_code,
                "run": link.run_id,
                "cell": link.cell,
                "label": view.label,
                "url": view.url,
            }
            for link, view in zip(links, views, strict=True)
        ]


class ProblemInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    axis = IdField(required=False, allow_null=True, help_text="Id of one of the contract's axes.")
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_links = serializers.ListField(
        child=EvidenceLinkInputSerializer(),
        required=False,
        max_length=200,
        help_text="The evidence linked (replaces what was linked): figures of the document, "
        "indicators, aggregate analysis runs of the contract and their significant hot cells.",
    )


def _evidence_keys(data: dict[str, Any]) -> list[str] | None:
    if "evidence_links" not in data:
        return None
    return [evidence_key(link) for link in data["evidence_links"]]


def _problems(user: Any, contract: Contract) -> QuerySet[Problem]:
    return (
        selectors.problem_list(user, contract)
        .select_related("contract")
        .prefetch_related("evidence_links__run")
    )


def _axis(contract: Contract, data: dict[str, Any]) -> Any:
    if not data.get("axis"):
        return None
    return lookup_for_input(selectors.axes_of(contract), data["axis"], "axis")


class ProblemListApi(ContractApiView):
    """GET the contract's problems (members); POST records one (the Operational Core)."""

    need = "record"
    pagination_class = Pagination
    parser_classes = [JSONParser]

    @extend_schema(responses=ProblemSerializer(many=True))
    def get(self, request: Request, contract: Contract) -> Response:
        return paginated_response(
            view=self,
            request=request,
            queryset=_problems(request.user, contract),
            serializer_class=ProblemSerializer,
        )

    @extend_schema(request=ProblemInputSerializer, responses={201: ProblemSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract) -> Response:
        payload = ProblemInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        problem = services.problem_create(
            actor=request.user,
            contract=contract,
            title=data["title"],
            description=data["description"],
            axis=_axis(contract, data),
            evidence=data["evidence"],
            evidence_links=_evidence_keys(data) or [],
        )
        return Response(ProblemSerializer(problem).data, status=201)


class ProblemDetailApi(ContractApiView):
    """GET one problem; PATCH corrects its text, axis or evidence (the Operational Core)."""

    need = "record"
    parser_classes = [JSONParser]

    class UpdateInputSerializer(ProblemInputSerializer):
        title = serializers.CharField(max_length=200, required=False)
        version = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def _problem(self, request: Request, contract: Contract, problem_id: int) -> Problem:
        return get_object_for_user(_problems(request.user, contract), pk=problem_id)

    @extend_schema(responses=ProblemSerializer)
    def get(self, request: Request, contract: Contract, problem_id: int) -> Response:
        return Response(ProblemSerializer(self._problem(request, contract, problem_id)).data)

    @extend_schema(request=UpdateInputSerializer, responses=ProblemSerializer)
    def patch(self, request: AuthenticatedRequest, contract: Contract, problem_id: int) -> Response:
        problem = self._problem(request, contract, problem_id)
        payload = self.UpdateInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        axis = _axis(contract, data) if "axis" in data else problem.axis
        problem = services.problem_update(
            actor=request.user,
            problem=problem,
            expected_version=data.get("version"),
            title=data.get("title", problem.title),
            description=data.get("description", problem.description),
            axis=axis,
            evidence=data.get("evidence", problem.evidence),
            evidence_links=_evidence_keys(data),
        )
        return Response(ProblemSerializer(problem).data)


class ProblemPriorityApi(ContractApiView):
    """POST sets (or clears, with null) a problem's priority: the Coordinating Committee."""

    need = "record"
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer[Any]):
        priority = serializers.IntegerField(
            allow_null=True, min_value=1, max_value=services.MAX_PRIORITY
        )
        version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    @extend_schema(request=InputSerializer, responses=ProblemSerializer)
    def post(self, request: AuthenticatedRequest, contract: Contract, problem_id: int) -> Response:
        problem = get_object_for_user(selectors.problem_list(request.user, contract), pk=problem_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        problem = services.problem_prioritise(
            actor=request.user,
            problem=problem,
            expected_version=data.get("version"),
            priority=data["priority"],
        )
        return Response(ProblemSerializer(problem).data)


class CrimeRowSerializer(serializers.Serializer[Any]):
    area_code = serializers.CharField()
    area_name = serializers.CharField()
    category_code = serializers.CharField()
    category_name = serializers.CharField()
    year = serializers.IntegerField(allow_null=True, help_text="null: all years.")
    count = serializers.IntegerField(allow_null=True, help_text="null: hidden (small count).")


class CrimeTableSerializer(serializers.Serializer[Any]):
    suppressed = serializers.BooleanField()
    threshold = serializers.IntegerField()
    provenance = serializers.CharField()
    rows = CrimeRowSerializer(many=True)


class CrimeAggregatesApi(ContractApiView):
    """GET the contract's crime counts by area, group and year, as the page and CSV show them
    to the caller (suppressed unless they belong to every force counted)."""

    need = "record"

    @extend_schema(responses=CrimeTableSerializer)
    def get(self, request: Request, contract: Contract) -> Response:
        return Response(CrimeTableSerializer(contract_crime_table(request.user, contract)).data)


class RateRowSerializer(serializers.Serializer[Any]):
    area = serializers.CharField()
    year = serializers.IntegerField()
    crimes = serializers.IntegerField(allow_null=True)
    residents = serializers.IntegerField(allow_null=True)
    rate = serializers.FloatField(allow_null=True)
    lower = serializers.FloatField(allow_null=True)
    upper = serializers.FloatField(allow_null=True)
    provisional = serializers.BooleanField()


class DiagnosisProblemSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    axis = serializers.CharField(allow_blank=True)
    evidence = serializers.CharField(allow_blank=True)
    priority = serializers.IntegerField(allow_null=True)


class IndicatorValuesSerializer(serializers.Serializer[Any]):
    territory = serializers.FloatField(allow_null=True)
    municipality = serializers.FloatField(allow_null=True)
    region = serializers.FloatField(allow_null=True)
    country = serializers.FloatField(allow_null=True)


class FilledIndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    formula = serializers.CharField()
    local = serializers.BooleanField(help_text="A local indicator of the contract.")
    year = serializers.IntegerField(allow_null=True)
    provisional = serializers.BooleanField()
    values = IndicatorValuesSerializer(help_text="Null: not computable from the data held.")
    computable = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, help_text="Why it is not computable.")
    note = serializers.CharField(allow_blank=True)


class FilledMatrixSerializer(serializers.Serializer[Any]):
    columns = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    rows = FilledIndicatorSerializer(many=True)
    territory_note = serializers.CharField(allow_blank=True)
    provenance = serializers.CharField()


class DiagnosisFiguresSerializer(serializers.Serializer[Any]):
    rows = CrimeRowSerializer(many=True)
    years = serializers.ListField(child=serializers.IntegerField())
    threshold = serializers.IntegerField()
    provenance = serializers.CharField()
    rates = RateRowSerializer(many=True, required=False)
    rates_provenance = serializers.CharField(required=False)
    indicators = FilledMatrixSerializer(
        required=False, help_text="The national and local indicators, filled from the data."
    )


class DiagnosisDocumentSerializer(serializers.Serializer[Any]):
    frozen = serializers.BooleanField(help_text="True once the diagnosis stage is approved.")
    approved_at = serializers.DateTimeField(allow_null=True)
    matrix_version = serializers.IntegerField(allow_null=True)
    figures = DiagnosisFiguresSerializer()
    problems = DiagnosisProblemSerializer(many=True)


class DiagnosisDocumentApi(ContractApiView):
    """GET the contract's diagnosis document as the page shows it: the approved snapshot while
    the stage stays approved, else figures computed now (suppressed for everyone)."""

    need = "record"

    @extend_schema(responses=DiagnosisDocumentSerializer)
    def get(self, request: Request, contract: Contract) -> Response:
        return Response(DiagnosisDocumentSerializer(document_for(contract)).data)
