"""Activities through the API, with the pages' rules: the contract resolved by
``ContractApiView`` (members only, 404 otherwise), lists through the pages' selectors (a
partner sees its own organisation's), writes through the same services (a partner writes
only its own; the rules of ``activities.rules`` for every input; a version on each
correction). National totals are public, as on the national page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.activities import selectors, services
from localsafety.activities.importing import activities_import
from localsafety.activities.models import (
    PARTICIPANT_FIELDS,
    Activity,
    ActivityKind,
    ActivityStatus,
)
from localsafety.activities.rules import ActivityValues
from localsafety.api.base import (
    ApiView,
    AuthenticatedRequest,
    ContractApiView,
    Pagination,
    paginated_response,
)
from localsafety.api.permissions import PUBLIC_READ
from localsafety.api.serializers import IdField, OrganisationRefSerializer, VersionField
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.core.access import get_object_for_user
from localsafety.core.cells import parse_decimal
from localsafety.plans.models import FundingSource


class CostSerializer(serializers.Serializer[Any]):
    funding_source = serializers.CharField(source="funding_source.code")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class ActivitySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    measure = serializers.IntegerField(source="measure_id", allow_null=True)
    is_isolated = serializers.BooleanField()
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    description = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    organisation = OrganisationRefSerializer()
    area = serializers.IntegerField(source="area_id", allow_null=True)
    place_name = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    axis = serializers.IntegerField(source="axis_id", allow_null=True)
    intervention_kind = serializers.IntegerField(source="intervention_kind_id", allow_null=True)
    target_group = serializers.IntegerField(source="target_group_id", allow_null=True)
    participants = serializers.IntegerField()
    participant_counts = serializers.SerializerMethodField()
    staff_hours = serializers.DecimalField(max_digits=9, decimal_places=1)
    volunteer_hours = serializers.DecimalField(max_digits=9, decimal_places=1)
    cost_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    costs = CostSerializer(many=True, source="costs.all")
    data_origin = serializers.CharField()
    version = serializers.IntegerField(help_text="The version a correction must name.")

    def get_participant_counts(self, activity: Activity) -> dict[str, int]:
        return {name: getattr(activity, name) for name in PARTICIPANT_FIELDS}


class ActivityInputSerializer(serializers.Serializer[Any]):
    measure = IdField(required=False, allow_null=True, help_text="Empty: an isolated action.")
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    status = serializers.ChoiceField(choices=ActivityStatus.choices, default=ActivityStatus.HELD)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    organisation = IdField()
    area = IdField(required=False, allow_null=True, default=None)
    place_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    axis = IdField(required=False, allow_null=True, default=None)
    intervention_kind = IdField(required=False, allow_null=True, default=None)
    target_group = IdField(required=False, allow_null=True, default=None)
    staff_hours = serializers.CharField(required=False, default="0", max_length=30)
    volunteer_hours = serializers.CharField(required=False, default="0", max_length=30)
    participant_counts = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=1_000_000),
        required=False,
        default=dict,
        help_text='Counts by cell, e.g. {"p_women_12_17": 4}.',
    )
    costs = serializers.DictField(
        child=serializers.CharField(max_length=30),
        required=False,
        default=dict,
        help_text='Amounts by funding source code, e.g. {"municipality": "1.234,56"}.',
    )

    def validate_participant_counts(self, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - set(PARTICIPANT_FIELDS))
        if unknown:
            raise serializers.ValidationError(f"Unknown groups: {', '.join(unknown[:5])}")
        return value

    def validate_staff_hours(self, value: str) -> Decimal:
        return _decimal(value, places=1)

    def validate_volunteer_hours(self, value: str) -> Decimal:
        return _decimal(value, places=1)

    def validate_costs(self, value: dict[str, str]) -> dict[int, Decimal]:
        sources = dict(FundingSource.objects.values_list("code", "pk"))
        costs: dict[int, Decimal] = {}
        for code, amount in value.items():
            if code not in sources:
                raise serializers.ValidationError(f"Unknown funding source: {code[:40]}")
            costs[sources[code]] = _decimal(amount, places=2)
        return costs

    def values(self) -> ActivityValues:
        data = self.validated_data
        return ActivityValues(
            organisation_id=data["organisation"],
            kind=data["kind"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            measure_id=data.get("measure"),
            status=data["status"],
            description=data.get("description", ""),
            area_id=data.get("area"),
            place_name=data.get("place_name", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            axis_id=data.get("axis"),
            intervention_kind_id=data.get("intervention_kind"),
            target_group_id=data.get("target_group"),
            staff_hours=data.get("staff_hours", Decimal(0)),
            volunteer_hours=data.get("volunteer_hours", Decimal(0)),
            participants=dict(data.get("participant_counts", {})),
            costs=dict(data.get("costs", {})),
        )


def _decimal(value: Any, *, places: int) -> Decimal:
    try:
        amount = parse_decimal(value, places=places)
    except ValueError as error:
        raise serializers.ValidationError(str(error)) from None
    if amount < 0:
        raise serializers.ValidationError("cannot be negative")
    return amount


def _reloaded(activity: Activity) -> Activity:
    return (
        Activity.objects.select_related("organisation")
        .prefetch_related("costs__funding_source")
        .get(pk=activity.pk)
    )


class ActivityListApi(ContractApiView):
    """GET the activities the caller may see (a partner: its own organisation's); POST logs
    one (partners, for their own organisation)."""

    need = "record"
    pagination_class = Pagination
    parser_classes = [JSONParser]

    @extend_schema(responses=ActivitySerializer(many=True))
    def get(self, request: Request, contract: Contract) -> Response:
        rows = selectors.activity_list(request.user, contract).prefetch_related(
            "costs__funding_source"
        )
        return paginated_response(
            view=self, request=request, queryset=rows, serializer_class=ActivitySerializer
        )

    @extend_schema(request=ActivityInputSerializer, responses={201: ActivitySerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract) -> Response:
        if not scope_for(request.user).can_contribute(contract.pk):
            raise PermissionDenied
        payload = ActivityInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        activity = services.activity_create(
            actor=request.user, contract=contract, values=payload.values()
        )
        return Response(ActivitySerializer(_reloaded(activity)).data, status=201)


class ActivityDetailApi(ContractApiView):
    """GET one activity; PUT corrects it (with the version read); DELETE removes it."""

    need = "record"
    parser_classes = [JSONParser]

    class UpdateInputSerializer(ActivityInputSerializer):
        version = VersionField()

    def _activity(self, request: Request, contract: Contract, activity_id: int) -> Activity:
        return get_object_for_user(
            selectors.activity_list(request.user, contract).prefetch_related(
                "costs__funding_source"
            ),
            pk=activity_id,
        )

    @extend_schema(responses=ActivitySerializer)
    def get(self, request: Request, contract: Contract, activity_id: int) -> Response:
        return Response(ActivitySerializer(self._activity(request, contract, activity_id)).data)

    @extend_schema(request=UpdateInputSerializer, responses=ActivitySerializer)
    def put(self, request: AuthenticatedRequest, contract: Contract, activity_id: int) -> Response:
        activity = self._activity(request, contract, activity_id)
        payload = self.UpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        updated = services.activity_update(
            actor=request.user,
            activity=activity,
            expected_version=payload.validated_data["version"],
            values=payload.values(),
        )
        return Response(ActivitySerializer(_reloaded(updated)).data)

    @extend_schema(responses={204: None})
    def delete(
        self, request: AuthenticatedRequest, contract: Contract, activity_id: int
    ) -> Response:
        services.activity_delete(
            actor=request.user, activity=self._activity(request, contract, activity_id)
        )
        return Response(status=204)


class ActivityImportApi(ContractApiView):
    """POST a spreadsheet (CSV, XLSX, ODS): imported whole, or refused with every problem
    (file, row, column, reason) and nothing stored."""

    need = "record"
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField()

    class OutputSerializer(serializers.Serializer[Any]):
        created = serializers.IntegerField()
        batch = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        result = activities_import(
            actor=request.user,
            contract=contract,
            data=upload.read(),
            file_label=upload.name or "activities",
        )
        return Response({"created": result.created, "batch": result.batch.pk}, status=201)


class FiguresSerializer(serializers.Serializer[Any]):
    held = serializers.IntegerField()
    scheduled = serializers.IntegerField()
    people = serializers.IntegerField()
    staff_hours = serializers.DecimalField(max_digits=14, decimal_places=1)
    volunteer_hours = serializers.DecimalField(max_digits=14, decimal_places=1)
    spent = serializers.DecimalField(max_digits=16, decimal_places=2)


class MeasureExecutionSerializer(serializers.Serializer[Any]):
    measure = serializers.IntegerField(source="measure.pk")
    code = serializers.CharField(source="measure.code")
    title = serializers.CharField(source="measure.title")
    done = FiguresSerializer()
    planned_activities = serializers.DecimalField(max_digits=16, decimal_places=3, allow_null=True)
    budget = serializers.DecimalField(max_digits=16, decimal_places=2)
    late_milestones = serializers.IntegerField()


class TotalLineSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField(source="label")
    initiatives = serializers.IntegerField()
    people = serializers.IntegerField()
    investment = serializers.DecimalField(max_digits=16, decimal_places=2)


class TotalsSerializer(serializers.Serializer[Any]):
    initiatives = serializers.IntegerField()
    people = serializers.IntegerField()
    investment = serializers.DecimalField(max_digits=16, decimal_places=2)
    by_axis = TotalLineSerializer(many=True)
    by_kind = TotalLineSerializer(many=True)


class ExecutionApi(ContractApiView):
    """GET execution at a glance: per measure of the version in force and for the plan."""

    need = "record"

    class OutputSerializer(serializers.Serializer[Any]):
        version = serializers.IntegerField(source="version.number", allow_null=True)
        total = FiguresSerializer()
        isolated = FiguresSerializer()
        budget = serializers.DecimalField(max_digits=16, decimal_places=2)
        planned_activities = serializers.DecimalField(max_digits=16, decimal_places=3)
        late_milestones = serializers.IntegerField()
        measures = MeasureExecutionSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, contract: Contract) -> Response:
        report = selectors.execution(request.user, contract)
        return Response(self.OutputSerializer(report).data)


class NationalTotalsApi(ApiView):
    """GET the totals over every contract (public): initiatives, people involved and
    investment by axis and kind of intervention; ``until`` (YYYY-MM-DD) bounds the dates."""

    permission_classes = PUBLIC_READ

    class QuerySerializer(serializers.Serializer[Any]):
        until = serializers.DateField(required=False)

    @extend_schema(parameters=[QuerySerializer], responses=TotalsSerializer)
    def get(self, request: Request) -> Response:
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        until: dt.date | None = query.validated_data.get("until")
        return Response(TotalsSerializer(selectors.national_totals(until=until)).data)
