"""Intervention plans: the plan, its versions and their decisions, measures and indicators.

The same rules as the pages: the plan is the contract's record (members and national users;
anyone else gets 404), the Operational Core drafts, the Coordinating Committee approves or
returns, national users endorse, every update names the version it read (409 if stale), and
the public reads only the published measures of the plan in force. Writes call the plans
services; lists read through the plans selectors.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
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
from localsafety.api.permissions import PUBLIC_READ
from localsafety.api.serializers import (
    AreaRefSerializer,
    AxisSerializer,
    IdField,
    OrganisationRefSerializer,
    VersionField,
    id_list_field,
)
from localsafety.contracts.models import Axis, Contract
from localsafety.contracts.ownership import Need
from localsafety.diagnosis.models import Problem
from localsafety.organisations.models import Organisation
from localsafety.plans import selectors, services
from localsafety.plans.models import (
    Computation,
    Direction,
    Frequency,
    FundingSource,
    Indicator,
    IndicatorLevel,
    IndicatorTemplate,
    InterventionKind,
    Measure,
    Objective,
    PartnerProgramme,
    Plan,
    PlanVersion,
    TargetGroup,
)
from localsafety.plans.points import MAX_POINTS
from localsafety.territory.models import Area


class TermSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class VersionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    based_on = serializers.IntegerField(source="based_on_id", allow_null=True)
    summary = serializers.CharField()
    comments = serializers.CharField(help_text="The committee's comments when it returned it.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    endorsed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="The version a decision must name.")


class PlanSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField(help_text="The version a new plan version must name.")
    versions = serializers.SerializerMethodField()

    def get_versions(self, plan: Plan) -> list[dict[str, Any]]:
        return list(VersionSerializer(self.context["versions"], many=True).data)


class IndicatorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    measure = serializers.IntegerField(source="measure_id")
    lineage = serializers.UUIDField()
    template = serializers.CharField(source="template.code", allow_null=True, default=None)
    level = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    frequency = serializers.CharField()
    baseline_value = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    baseline_on = serializers.DateField(allow_null=True)
    target_value = serializers.DecimalField(max_digits=14, decimal_places=3, allow_null=True)
    target_on = serializers.DateField(allow_null=True)
    computation = serializers.CharField()
    version = serializers.IntegerField()


class BudgetLineSerializer(serializers.Serializer[Any]):
    funding_source = serializers.CharField(source="funding_source.code")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class PartnerSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organisation = OrganisationRefSerializer()
    role = serializers.CharField()
    terms = serializers.CharField()


class MilestoneSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_on = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)


class MeasureSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    plan_version = serializers.IntegerField(source="plan_version_id")
    objective = serializers.IntegerField(source="objective_id")
    lineage = serializers.UUIDField()
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    axis = AxisSerializer()
    kind = TermSerializer()
    target_groups = TermSerializer(many=True, source="target_groups.all")
    areas = AreaRefSerializer(many=True, source="areas.all")
    place_note = serializers.CharField()
    points = serializers.ListField(child=serializers.DictField())
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    responsible_organisation = OrganisationRefSerializer()
    partners = PartnerSerializer(many=True, source="partners.all")
    partner_programme = TermSerializer(allow_null=True)
    staff_count = serializers.IntegerField()
    staff_hours = serializers.DecimalField(max_digits=10, decimal_places=1)
    material = serializers.CharField()
    budget = BudgetLineSerializer(many=True, source="budget_lines.all")
    milestones = MilestoneSerializer(many=True, source="milestones.all")
    indicators = IndicatorSerializer(many=True, source="indicators.all")
    published = serializers.BooleanField()
    version = serializers.IntegerField(help_text="The version an update must name.")


class PublicMeasureSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    axis = AxisSerializer()
    kind = TermSerializer()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    responsible_organisation = OrganisationRefSerializer()


class ObjectiveSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    plan_version = serializers.IntegerField(source="plan_version_id")
    title = serializers.CharField()
    description = serializers.CharField()
    problems = serializers.SerializerMethodField()
    problem_statement = serializers.CharField()
    version = serializers.IntegerField()

    def get_problems(self, objective: Objective) -> list[int]:
        return [problem.pk for problem in objective.problems.all()]


def _plan(request: Request, contract: Contract) -> Plan:
    found = selectors.plan_of(request.user, contract)
    if found is None:
        raise serializers.ValidationError({"plan": ["This contract has no plan yet."]})
    return found


def _version(request: Request, contract: Contract, version_id: int) -> PlanVersion:
    return get_object_or_404(
        PlanVersion.objects.visible_to(request.user).filter(contract=contract), pk=version_id
    )


def _measure(request: Request, contract: Contract, measure_id: int) -> Measure:
    return get_object_or_404(
        selectors.with_details(Measure.objects.visible_to(request.user).filter(contract=contract)),
        pk=measure_id,
    )


def _fresh_measure(measure: Measure) -> Measure:
    return selectors.measure_queryset().get(pk=measure.pk)


class PlanApi(ContractApiView):
    """GET the contract's plan and its versions (members); POST starts it (Operational Core)."""

    need = Need.RECORD
    parser_classes = [JSONParser]

    class CreateInputSerializer(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=250)

    @extend_schema(responses=PlanSerializer)
    def get(self, request: Request, contract: Contract) -> Response:
        found = selectors.plan_of(request.user, contract)
        if found is None:
            return Response({"detail": "This contract has no plan yet."}, status=404)
        versions = selectors.versions_of(found)
        return Response(PlanSerializer(found, context={"versions": versions}).data)

    @extend_schema(request=CreateInputSerializer, responses={201: PlanSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract) -> Response:
        payload = self.CreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        found = services.plan_create(
            actor=request.user, contract=contract, title=payload.validated_data["title"]
        )
        versions = selectors.versions_of(found)
        return Response(PlanSerializer(found, context={"versions": versions}).data, status=201)


class VersionNewApi(ContractApiView):
    """POST opens a new version copied from the approved one (Operational Core)."""

    need = Need.RECORD
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer[Any]):
        version = VersionField(help_text="The plan's version you read; a stale one gives 409.")

    @extend_schema(request=InputSerializer, responses={201: VersionSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        new = services.plan_version_new(
            actor=request.user,
            plan=_plan(request, contract),
            expected_version=payload.validated_data["version"],
        )
        return Response(VersionSerializer(new).data, status=201)


class VersionDetailApi(ContractApiView):
    """GET one version with its objectives."""

    need = Need.RECORD

    @extend_schema(responses=VersionSerializer)
    def get(self, request: Request, contract: Contract, version_id: int) -> Response:
        version = _version(request, contract, version_id)
        data = dict(VersionSerializer(version).data)
        objectives = Objective.objects.filter(plan_version=version).prefetch_related("problems")
        data["objectives"] = ObjectiveSerializer(objectives, many=True).data
        return Response(data)


class VersionDecideApi(ContractApiView):
    """POST a decision: submit, approve, return (with comments) or endorse."""

    need = Need.RECORD
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer[Any]):
        action = serializers.ChoiceField(choices=["submit", "approve", "return", "endorse"])
        comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
        version = VersionField()

    @extend_schema(request=InputSerializer, responses=VersionSerializer)
    def post(self, request: AuthenticatedRequest, contract: Contract, version_id: int) -> Response:
        version = _version(request, contract, version_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        decided = services.plan_version_decide(
            actor=request.user,
            version=version,
            action=data["action"],
            expected_version=data["version"],
            comment=data.get("comment", ""),
        )
        return Response(VersionSerializer(decided).data)


class ObjectiveListApi(ContractApiView):
    """POST adds an objective to a version, answering problems (ids) or one typed in."""

    need = Need.RECORD
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=250)
        description = serializers.CharField(required=False, allow_blank=True)
        problems = id_list_field(required=False)
        problem_statement = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: ObjectiveSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract, version_id: int) -> Response:
        version = _version(request, contract, version_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        problems: Any = Problem.objects.visible_to(request.user).filter(contract=contract)
        chosen = [lookup_for_input(problems, pk, "problems") for pk in data.get("problems", [])]
        objective = services.objective_create(
            actor=request.user,
            version=version,
            title=data["title"],
            description=data.get("description", ""),
            problems=chosen,
            problem_statement=data.get("problem_statement", ""),
        )
        return Response(ObjectiveSerializer(objective).data, status=201)


class MeasureInputSerializer(serializers.Serializer[Any]):
    objective = IdField()
    code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    title = serializers.CharField(max_length=250)
    description = serializers.CharField(required=False, allow_blank=True)
    axis = IdField()
    kind = serializers.SlugField(help_text="Code of the kind of intervention (national list).")
    target_groups = serializers.ListField(
        child=serializers.SlugField(), required=False, max_length=50
    )
    areas = id_list_field(required=False)
    place_note = serializers.CharField(max_length=250, required=False, allow_blank=True)
    points = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        max_length=MAX_POINTS,
        help_text='Points, in Portugal: [{"label": "...", "lat": 38.7, "lon": -9.1}]',
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    responsible_organisation = IdField()
    partner_programme = serializers.SlugField(required=False, allow_null=True)
    staff_count = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    staff_hours = serializers.DecimalField(
        max_digits=10, decimal_places=1, min_value=0, required=False
    )
    material = serializers.CharField(required=False, allow_blank=True)
    budget = serializers.DictField(
        child=serializers.CharField(max_length=40, allow_blank=True),
        required=False,
        help_text='Funding source code → amount, e.g. {"municipality": "1.234,56 €"}.',
    )


def _measure_arguments(
    request: Request, contract: Contract, data: dict[str, Any], version: PlanVersion
) -> dict[str, Any]:
    """Resolve the ids and codes of a measure's input through what the caller may see."""
    values: dict[str, Any] = {}
    related: dict[str, Any] = {}
    if "objective" in data:
        values["objective"] = lookup_for_input(
            Objective.objects.visible_to(request.user).filter(plan_version=version),
            data.pop("objective"),
            "objective",
        )
    if "axis" in data:
        values["axis"] = lookup_for_input(
            Axis.objects.filter(Q(contract__isnull=True) | Q(contract=contract)),
            data.pop("axis"),
            "axis",
        )
    if "kind" in data:
        values["kind"] = _term(InterventionKind, data.pop("kind"), "kind")
    if "partner_programme" in data:
        code = data.pop("partner_programme")
        values["partner_programme"] = (
            _term(PartnerProgramme, code, "partner_programme") if code else None
        )
    if "responsible_organisation" in data:
        values["responsible_organisation"] = lookup_for_input(
            Organisation.objects.all(),
            data.pop("responsible_organisation"),
            "responsible_organisation",
        )
    if "target_groups" in data:
        related["target_groups"] = [
            _term(TargetGroup, code, "target_groups") for code in data.pop("target_groups")
        ]
    if "areas" in data:
        candidates = Area.objects.filter(
            Q(owner_contract__isnull=True) | Q(owner_contract=contract)
        )
        related["areas"] = [lookup_for_input(candidates, pk, "areas") for pk in data.pop("areas")]
    if "budget" in data:
        related["budget"] = {
            _term(FundingSource, code, "budget"): amount
            for code, amount in data.pop("budget").items()
        }
    values.update(data)
    return {"values": values, **related}


def _term(model: Any, code: str, field: str) -> Any:
    try:
        return model.objects.get(code=code)
    except model.DoesNotExist:
        raise serializers.ValidationError({field: [f"Unknown code: {code}."]}) from None


class MeasureListApi(ContractApiView):
    """GET a version's measures (members); POST adds one (Operational Core)."""

    need = Need.RECORD
    pagination_class = Pagination
    parser_classes = [JSONParser]

    @extend_schema(responses=MeasureSerializer(many=True))
    def get(self, request: Request, contract: Contract, version_id: int) -> Response:
        version = _version(request, contract, version_id)
        measures = (
            selectors.measure_queryset().filter(plan_version=version).order_by("position", "pk")
        )
        return paginated_response(
            view=self, request=request, queryset=measures, serializer_class=MeasureSerializer
        )

    @extend_schema(request=MeasureInputSerializer, responses={201: MeasureSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract, version_id: int) -> Response:
        version = _version(request, contract, version_id)
        payload = MeasureInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments = _measure_arguments(request, contract, dict(payload.validated_data), version)
        values = arguments.pop("values")
        objective = values.pop("objective")
        measure = services.measure_create(
            actor=request.user, objective=objective, values=values, **arguments
        )
        return Response(MeasureSerializer(_fresh_measure(measure)).data, status=201)


class MeasureDetailApi(ContractApiView):
    """GET a measure; PATCH changes it (with the version read); DELETE removes it."""

    need = Need.RECORD
    parser_classes = [JSONParser]

    class UpdateInputSerializer(MeasureInputSerializer):
        version = VersionField()

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name, field in self.fields.items():
                if name != "version":
                    field.required = False

    class PublishInputSerializer(serializers.Serializer[Any]):
        version = VersionField()

    @extend_schema(responses=MeasureSerializer)
    def get(self, request: Request, contract: Contract, measure_id: int) -> Response:
        return Response(MeasureSerializer(_measure(request, contract, measure_id)).data)

    @extend_schema(request=UpdateInputSerializer, responses=MeasureSerializer)
    def patch(self, request: AuthenticatedRequest, contract: Contract, measure_id: int) -> Response:
        measure = _measure(request, contract, measure_id)
        payload = self.UpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        expected = data.pop("version")
        arguments = _measure_arguments(request, contract, data, measure.plan_version)
        updated = services.measure_update(
            actor=request.user,
            measure=measure,
            expected_version=expected,
            changes=arguments.pop("values"),
            **arguments,
        )
        return Response(MeasureSerializer(_fresh_measure(updated)).data)

    @extend_schema(request=PublishInputSerializer, responses={204: None})
    def delete(
        self, request: AuthenticatedRequest, contract: Contract, measure_id: int
    ) -> Response:
        measure = _measure(request, contract, measure_id)
        payload = self.PublishInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.measure_delete(
            actor=request.user, measure=measure, expected_version=payload.validated_data["version"]
        )
        return Response(status=204)


class MeasurePublishApi(ContractApiView):
    """POST publishes a measure on the public page, or not (Coordinating Committee)."""

    need = Need.RECORD
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer[Any]):
        published = serializers.BooleanField()
        version = VersionField()

    @extend_schema(request=InputSerializer, responses=MeasureSerializer)
    def post(self, request: AuthenticatedRequest, contract: Contract, measure_id: int) -> Response:
        measure = _measure(request, contract, measure_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        updated = services.measure_publish(
            actor=request.user,
            measure=measure,
            published=payload.validated_data["published"],
            expected_version=payload.validated_data["version"],
        )
        return Response(MeasureSerializer(_fresh_measure(updated)).data)


class IndicatorInputSerializer(serializers.Serializer[Any]):
    template = serializers.SlugField(required=False, allow_null=True)
    level = serializers.ChoiceField(choices=IndicatorLevel.choices, required=False)
    name = serializers.CharField(max_length=250, required=False)
    definition = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.CharField(max_length=40, required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=200, required=False, allow_blank=True
    )
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False)
    baseline_value = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True
    )
    baseline_on = serializers.DateField(required=False, allow_null=True)
    target_value = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True
    )
    target_on = serializers.DateField(required=False, allow_null=True)
    computation = serializers.ChoiceField(choices=Computation.choices, required=False)

    def resolved(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        if "template" in data:
            code = data.pop("template")
            data["template"] = _term(IndicatorTemplate, code, "template") if code else None
        return data


class IndicatorListApi(ContractApiView):
    """GET a measure's indicators; POST adds one (from the catalogue or local)."""

    need = Need.RECORD
    parser_classes = [JSONParser]

    @extend_schema(responses=IndicatorSerializer(many=True))
    def get(self, request: Request, contract: Contract, measure_id: int) -> Response:
        measure = _measure(request, contract, measure_id)
        return Response(IndicatorSerializer(measure.indicators.all(), many=True).data)

    @extend_schema(request=IndicatorInputSerializer, responses={201: IndicatorSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract, measure_id: int) -> Response:
        measure = _measure(request, contract, measure_id)
        payload = IndicatorInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        indicator = services.indicator_create(
            actor=request.user, measure=measure, values=payload.resolved()
        )
        return Response(IndicatorSerializer(indicator).data, status=201)


class IndicatorDetailApi(ContractApiView):
    """GET an indicator; PATCH changes it (with the version read); DELETE removes it."""

    need = Need.RECORD
    parser_classes = [JSONParser]

    class UpdateInputSerializer(IndicatorInputSerializer):
        version = VersionField()

    class DeleteInputSerializer(serializers.Serializer[Any]):
        version = VersionField()

    def _indicator(self, request: Request, contract: Contract, indicator_id: int) -> Indicator:
        return get_object_or_404(
            Indicator.objects.visible_to(request.user)
            .filter(contract=contract)
            .select_related("template", "measure"),
            pk=indicator_id,
        )

    @extend_schema(responses=IndicatorSerializer)
    def get(self, request: Request, contract: Contract, indicator_id: int) -> Response:
        return Response(IndicatorSerializer(self._indicator(request, contract, indicator_id)).data)

    @extend_schema(request=UpdateInputSerializer, responses=IndicatorSerializer)
    def patch(
        self, request: AuthenticatedRequest, contract: Contract, indicator_id: int
    ) -> Response:
        indicator = self._indicator(request, contract, indicator_id)
        payload = self.UpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changes = payload.resolved()
        expected = changes.pop("version")
        updated = services.indicator_update(
            actor=request.user, indicator=indicator, expected_version=expected, changes=changes
        )
        return Response(IndicatorSerializer(updated).data)

    @extend_schema(request=DeleteInputSerializer, responses={204: None})
    def delete(
        self, request: AuthenticatedRequest, contract: Contract, indicator_id: int
    ) -> Response:
        indicator = self._indicator(request, contract, indicator_id)
        payload = self.DeleteInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.indicator_delete(
            actor=request.user,
            indicator=indicator,
            expected_version=payload.validated_data["version"],
        )
        return Response(status=204)


class PublishedMeasureListApi(ContractApiView):
    """GET the measures the committee published (anyone who may see the contract's page)."""

    need = Need.PAGE
    permission_classes = PUBLIC_READ

    @extend_schema(responses=PublicMeasureSerializer(many=True))
    def get(self, request: Request, contract: Contract) -> Response:
        measures = selectors.published_measures(request.user, contract)
        return Response(PublicMeasureSerializer(measures, many=True).data)
