"""Contracts: list, detail and edit; governance bodies; stages and decisions.

Reads go through the same selectors as the pages: the list through
``selectors.contract_list`` (the overview's filters, with the overview's meaning), each
contract through ``ContractApiView`` (``selectors.contract_for``: its public page). What only
members may read (people's names, decisions, a stage's summary) is decided once, by
``contracts.visibility.record_fields_visible`` (the pages read the same), and handed to the
serializers in their context (``record_context``), never by changing model instances. Writes
go through ``contracts.services``, which check who may do what and raise PermissionDenied
(403), DomainError (400) or ConflictError (409).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.api.base import (
    ApiView,
    AuthenticatedRequest,
    ContractApiView,
    Pagination,
    RecordFieldsSerializer,
    lookup_for_input,
    paginated_response,
    record_context,
)
from localsafety.api.permissions import PUBLIC_READ, check_recent_second_factor
from localsafety.api.serializers import (
    AreaRefSerializer,
    AxisSerializer,
    IdField,
    OrganisationRefSerializer,
    VersionField,
    id_list_field,
)
from localsafety.contracts import selectors, services
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import (
    Axis,
    BodyMember,
    BodyRole,
    Contract,
    ContractCategory,
    DecisionAction,
    GovernanceBody,
    Stage,
    StageKind,
)
from localsafety.contracts.ownership import Need
from localsafety.core.access import get_object_for_user
from localsafety.core.errors import DomainError
from localsafety.organisations.models import Organisation, User
from localsafety.territory.models import Area, AreaKind

STAGE_KIND_PARAMETER = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, enum=StageKind.values, description="Stage kind."
)


# --- contracts ------------------------------------------------------------------------------


class ContractRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField()


class ContractListApi(ApiView):
    """GET the contracts the caller may see (the overview's list); POST registers one."""

    permission_classes = PUBLIC_READ
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer[Any]):
        """The overview's filters, with the overview's meaning (``selectors.ContractFilters``)."""

        category = serializers.ChoiceField(
            choices=ContractCategory.choices, required=False, allow_blank=True
        )
        stage = serializers.ChoiceField(choices=StageKind.choices, required=False, allow_blank=True)
        axis = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=10,
            help_text="Code of a national axis (i, ii, iii, iv).",
        )
        region = serializers.CharField(
            required=False, allow_blank=True, max_length=10, help_text="NUTS II code (PT17)."
        )
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)

        def validate_axis(self, value: str) -> str:
            if value and not selectors.national_axes().filter(code=value).exists():
                raise serializers.ValidationError(_("Choose one of the national axes."))
            return value

        def validate_region(self, value: str) -> str:
            if value and not selectors.nuts2_regions().filter(code=value).exists():
                raise serializers.ValidationError(_("Choose one of the NUTS II regions."))
            return value

        def filters(self) -> selectors.ContractFilters:
            data = self.validated_data
            return selectors.ContractFilters(
                category=data.get("category", ""),
                stage=data.get("stage", ""),
                axis=data.get("axis", ""),
                region=data.get("region", ""),
                q=data.get("q", "").strip(),
            )

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        title = serializers.CharField()
        category = serializers.CharField()
        category_label = serializers.CharField(source="get_category_display")
        stage = serializers.CharField()
        stage_label = serializers.CharField(source="get_stage_display")
        municipality = AreaRefSerializer()
        signed_on = serializers.DateField(allow_null=True)
        is_published = serializers.BooleanField()
        version = serializers.IntegerField()

    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return paginated_response(
            view=self,
            request=request,
            queryset=selectors.contract_list(request.user, filters.filters()),
            serializer_class=self.OutputSerializer,
        )

    class CreateInputSerializer(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=250)
        category = serializers.ChoiceField(choices=ContractCategory.choices)
        municipality = IdField(help_text="Municipality area id.")
        lead_organisation = IdField(help_text="Id of a municipality organisation you manage.")
        chair = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="Username of the chair (usually the mayor), a member of the lead "
            "organisation; or give chair_name.",
        )
        chair_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
        signed_on = serializers.DateField(required=False, allow_null=True)
        signing_place = serializers.CharField(required=False, allow_blank=True, max_length=120)
        summary = serializers.CharField(required=False, allow_blank=True)
        areas = id_list_field(required=False)
        axes = id_list_field(required=False)
        is_published = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=CreateInputSerializer, responses={201: ContractRefSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Register a contract (a municipality's managers): committee, core and four stages."""
        payload = self.CreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        municipality = lookup_for_input(
            Area.objects.filter(kind=AreaKind.MUNICIPALITY, owner_contract__isnull=True),
            data["municipality"],
            "municipality",
        )
        lead = lookup_for_input(
            Organisation.objects.all(), data["lead_organisation"], "lead_organisation"
        )
        scope = scope_for(request.user)
        if not (scope.is_national or lead.pk in scope.managed_organisation_ids):
            # Refuse before looking at the rest: the service would refuse anyway.
            raise exceptions.PermissionDenied(
                _("You can only register contracts led by an organisation you manage.")
            )
        chair = None
        if data.get("chair"):
            chair = User.objects.filter(
                username=data["chair"], memberships__organisation=lead, is_active=True
            ).first()
            if chair is None:
                raise serializers.ValidationError(
                    {"chair": [_("No active member of the lead organisation has that username.")]}
                )
        areas = [
            lookup_for_input(Area.objects.filter(owner_contract__isnull=True), area_id, "areas")
            for area_id in data.get("areas", [])
        ]
        axes = None
        if "axes" in data:
            axes = [
                lookup_for_input(Axis.objects.national(), axis_id, "axes")
                for axis_id in data["axes"]
            ]
        contract = services.contract_create(
            actor=request.user,
            title=data["title"],
            category=data["category"],
            municipality=municipality,
            lead_organisation=lead,
            chair=chair,
            chair_name=data.get("chair_name", ""),
            signed_on=data.get("signed_on"),
            signing_place=data.get("signing_place", ""),
            summary=data.get("summary", ""),
            areas=areas,
            axes=axes,
            is_published=data.get("is_published", False),
        )
        return Response(ContractRefSerializer(contract).data, status=201)


class StageSummarySerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    position = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    due_on = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField()


class SignatorySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organisation = OrganisationRefSerializer()
    signed_by = serializers.CharField()


class ContractDetailApi(ContractApiView):
    """GET the contract's summary; PATCH its own fields (lead organisation only)."""

    permission_classes = PUBLIC_READ
    parser_classes = [JSONParser]

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        title = serializers.CharField()
        category = serializers.CharField()
        category_label = serializers.CharField(source="get_category_display")
        stage = serializers.CharField()
        stage_label = serializers.CharField(source="get_stage_display")
        summary = serializers.CharField()
        municipality = AreaRefSerializer()
        lead_organisation = OrganisationRefSerializer()
        areas = AreaRefSerializer(many=True, source="areas.all")
        axes = AxisSerializer(many=True, source="axes.all")
        stages = StageSummarySerializer(many=True, source="stages.all")
        signatories = SignatorySerializer(many=True, source="signatories.all")
        signed_on = serializers.DateField(allow_null=True)
        signing_place = serializers.CharField()
        is_published = serializers.BooleanField()
        version = serializers.IntegerField()
        data_origin = serializers.CharField()
        source_note = serializers.CharField()
        updated_at = serializers.DateTimeField()
        can_edit = serializers.SerializerMethodField(help_text="Whether the caller may PATCH it.")

        def get_can_edit(self, contract: Contract) -> bool:
            return bool(self.context["user_scope"].can_manage_contract(contract.pk))

    class UpdateInputSerializer(serializers.Serializer[Any]):
        version = VersionField()
        title = serializers.CharField(max_length=250, required=False)
        summary = serializers.CharField(allow_blank=True, required=False)
        signed_on = serializers.DateField(allow_null=True, required=False)
        signing_place = serializers.CharField(max_length=120, allow_blank=True, required=False)
        is_published = serializers.BooleanField(required=False)
        category = serializers.ChoiceField(choices=ContractCategory.choices, required=False)
        areas = id_list_field(
            required=False,
            allow_empty=False,
            help_text="Ids of the covered areas: the municipality, its parishes, the contract's "
            "zones.",
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if len(attrs) == 1:
                raise serializers.ValidationError(_("Send at least one field to change."))
            return attrs

    def _detail(self, request: Request, contract: Contract) -> Response:
        prefetch_related_objects(
            [contract],
            "areas",
            "axes",
            Prefetch("stages", Stage.objects.order_by("position")),
            "signatories__organisation",
        )
        context = {"user_scope": scope_for(request.user)}
        return Response(self.OutputSerializer(contract, context=context).data)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, contract: Contract) -> Response:
        return self._detail(request, contract)

    @extend_schema(request=UpdateInputSerializer, responses=OutputSerializer)
    def patch(self, request: AuthenticatedRequest, contract: Contract) -> Response:
        payload = self.UpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        expected_version = changes.pop("version")
        areas = None
        if "areas" in changes:
            # Any official area or one of this contract's zones; the service decides which
            # of them lie inside the contract's municipality.
            candidates = Area.objects.filter(
                Q(owner_contract__isnull=True) | Q(owner_contract=contract)
            )
            areas = [lookup_for_input(candidates, pk, "areas") for pk in changes.pop("areas")]
        services.contract_update(
            actor=request.user,
            contract=contract,
            expected_version=expected_version,
            changes=changes,
            areas=areas,
        )
        return self._detail(request, selectors.contract_for(request.user, contract.pk, need="page"))


# --- governance bodies -------------------------------------------------------------------


class BodyMemberSerializer(RecordFieldsSerializer):
    """A seat; ``person``/``person_name`` are null unless the caller reads the record."""

    record_fields = {"person": "person_names", "person_name": "person_names"}

    id = serializers.IntegerField()
    organisation = OrganisationRefSerializer()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    person = serializers.IntegerField(source="person_id", allow_null=True)
    person_name = serializers.CharField(source="display_name", allow_null=True)


class BodyListApi(ContractApiView):
    permission_classes = PUBLIC_READ

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        name = serializers.CharField()
        remit = serializers.CharField()
        members = BodyMemberSerializer(many=True, source="members.all")

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request, contract: Contract) -> Response:
        bodies = selectors.contract_bodies(contract)
        context = record_context(request, contract)
        return Response(self.OutputSerializer(bodies, many=True, context=context).data)


class BodyMemberAddApi(ContractApiView):
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer[Any]):
        organisation = IdField()
        person = IdField(
            required=False,
            allow_null=True,
            help_text="A user who belongs to the organisation.",
        )
        person_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=BodyRole.choices, default=BodyRole.MEMBER)

    @extend_schema(request=InputSerializer, responses={201: BodyMemberSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract, body_id: int) -> Response:
        check_recent_second_factor(request)
        body: GovernanceBody = get_object_for_user(
            GovernanceBody.objects.visible_to(request.user, Need.PAGE).filter(contract=contract),
            pk=body_id,
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        organisation = lookup_for_input(
            Organisation.objects.visible_to(request.user), data["organisation"], "organisation"
        )
        person = None
        if data.get("person"):
            person = lookup_for_input(
                User.objects.filter(memberships__organisation=organisation),
                data["person"],
                "person",
            )
        member = services.body_member_add(
            actor=request.user,
            body=body,
            organisation=organisation,
            person=person,
            person_name=data.get("person_name", ""),
            role=data["role"],
        )
        context = record_context(request, contract)
        return Response(BodyMemberSerializer(member, context=context).data, status=201)


class BodyMemberRemoveApi(ContractApiView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, contract: Contract, member_id: int) -> Response:
        check_recent_second_factor(request)
        member: BodyMember = get_object_for_user(
            BodyMember.objects.visible_to(request.user, Need.PAGE)
            .filter(contract=contract)
            .select_related("body"),
            pk=member_id,
        )
        services.body_member_remove(actor=request.user, member=member)
        return Response(status=204)


# --- stages ----------------------------------------------------------------------------------


class StageListApi(ContractApiView):
    permission_classes = PUBLIC_READ

    @extend_schema(responses=StageSummarySerializer(many=True))
    def get(self, request: Request, contract: Contract) -> Response:
        stages = selectors.contract_stages(contract)
        return Response(StageSummarySerializer(stages, many=True).data)


class StageDecisionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    actor = serializers.CharField()
    actor_organisation = OrganisationRefSerializer(allow_null=True)
    submitted_by = serializers.CharField(
        allow_null=True,
        help_text="For an approval, return or endorsement: who submitted the deliverable it "
        "judged (never the same person as the actor).",
    )
    status_before = serializers.CharField()
    status_after = serializers.CharField()
    comment = serializers.CharField()
    decided_at = serializers.DateTimeField()


class StageDetailApi(ContractApiView):
    permission_classes = PUBLIC_READ

    class OutputSerializer(StageSummarySerializer, RecordFieldsSerializer):
        record_fields = {"summary": "stage_summary", "decisions": "stage_decisions"}

        summary = serializers.CharField(
            allow_null=True, help_text="Null unless you read the record."
        )
        decisions = serializers.SerializerMethodField(
            help_text="Who decided what and why; null unless you read the record."
        )
        allowed_actions = serializers.SerializerMethodField(
            help_text="The decisions you may take on this stage now."
        )

        @extend_schema_field(
            serializers.ListField(child=serializers.ChoiceField(choices=DecisionAction.choices))
        )
        def get_allowed_actions(self, stage: Stage) -> list[str]:
            return services.allowed_actions(self.context["user"], stage)

        @extend_schema_field(StageDecisionSerializer(many=True, allow_null=True))
        def get_decisions(self, stage: Stage) -> list[dict[str, Any]]:
            # Read only when the viewer may see decisions (hidden fields are never read).
            trail = selectors.decision_trail(stage)
            return list(StageDecisionSerializer(trail, many=True).data)

    @extend_schema(parameters=[STAGE_KIND_PARAMETER], responses=OutputSerializer)
    def get(self, request: Request, contract: Contract, kind: str) -> Response:
        context = {**record_context(request, contract), "user": request.user}
        stage: Stage = get_object_for_user(
            Stage.objects.visible_to(request.user, Need.PAGE).filter(contract=contract), kind=kind
        )
        return Response(self.OutputSerializer(stage, context=context).data)


class StageDecideApi(ContractApiView):
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer[Any]):
        action = serializers.ChoiceField(
            choices=[c for c in DecisionAction.choices if c[0] != DecisionAction.START]
        )
        version = VersionField(help_text="The stage version you read; a stale one gives 409.")
        comment = serializers.CharField(allow_blank=True, required=False, default="")

    class OutputSerializer(serializers.Serializer[Any]):
        decision = StageDecisionSerializer()
        stage = StageSummarySerializer()

    @extend_schema(
        parameters=[STAGE_KIND_PARAMETER],
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: AuthenticatedRequest, contract: Contract, kind: str) -> Response:
        stage: Stage = get_object_for_user(
            Stage.objects.visible_to(request.user, Need.PAGE).filter(contract=contract), kind=kind
        )
        check_recent_second_factor(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if services.decided_elsewhere(stage):
            raise DomainError(
                _("This stage's deliverable is decided where it is kept (the intervention plan).")
            )
        decision = services.stage_decide(
            actor=request.user,
            stage=stage,
            action=data["action"],
            expected_version=data["version"],
            comment=data.get("comment", ""),
        )
        stage.refresh_from_db()
        return Response(
            self.OutputSerializer({"decision": decision, "stage": stage}).data, status=201
        )
