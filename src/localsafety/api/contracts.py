"""Contracts: list, detail and edit; governance bodies; stages and decisions.

Reads go through ``Contract.objects.visible_to`` (published or one's own) and, for the
restricted record (people's names, decisions), ``scope.can_read_contract`` — the same rule
as ``Contract.objects.visible_to(user, Need.RECORD)``. Writes go through
``contracts.services``, which check
who may do what and raise PermissionDenied (403), DomainError (400) or ConflictError (409).
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.api.base import (
    ApiView,
    AuthenticatedApiView,
    AuthenticatedRequest,
    Pagination,
    lookup_for_input,
    paginated_response,
)
from localsafety.api.serializers import (
    AreaRefSerializer,
    AxisSerializer,
    OrganisationRefSerializer,
)
from localsafety.contracts import services
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
    StageDecision,
    StageKind,
)
from localsafety.contracts.ownership import Need
from localsafety.core.access import get_object_for_user
from localsafety.organisations.models import Organisation, User
from localsafety.territory.models import Area, AreaKind

STAGE_KIND_PARAMETER = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, enum=StageKind.values, description="Stage kind."
)


def visible_contract(user: Any, contract_id: int) -> Contract:
    """A contract whose public page the caller may open; 404 otherwise."""
    return get_object_for_user(Contract.objects.visible_to(user, Need.PAGE), pk=contract_id)


def accessible_contract(user: Any, contract_id: int) -> Contract:
    """A contract whose restricted record the caller may read; 404 otherwise."""
    return get_object_for_user(Contract.objects.visible_to(user, Need.RECORD), pk=contract_id)


# --- contracts ------------------------------------------------------------------------------


class ContractRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField()


class ContractListApi(ApiView):
    pagination_class = Pagination

    class FilterSerializer(serializers.Serializer[Any]):
        category = serializers.ChoiceField(choices=ContractCategory.choices, required=False)
        stage = serializers.ChoiceField(choices=StageKind.choices, required=False)
        axis = serializers.IntegerField(required=False, min_value=1, help_text="Axis id.")
        region = serializers.IntegerField(required=False, min_value=1, help_text="NUTS II area id.")
        q = serializers.CharField(required=False, max_length=100)

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
        wanted = filters.validated_data
        contracts = Contract.objects.visible_to(request.user, Need.PAGE).select_related(
            "municipality"
        )
        if "category" in wanted:
            contracts = contracts.filter(category=wanted["category"])
        if "stage" in wanted:
            contracts = contracts.filter(stage=wanted["stage"])
        if "axis" in wanted:
            # One row per (contract, axis) pair, so filtering on one axis needs no DISTINCT.
            contracts = contracts.filter(axes__pk=wanted["axis"])
        if "region" in wanted:
            # Districts can span regions: each municipality carries its own NUTS II code.
            region_code = Area.objects.filter(
                pk=wanted["region"], kind=AreaKind.NUTS2, owner_contract__isnull=True
            ).values("code")[:1]
            contracts = contracts.filter(municipality__nuts2_code__in=region_code)
        if wanted.get("q"):
            contracts = contracts.filter(
                Q(title__icontains=wanted["q"]) | Q(municipality__name__icontains=wanted["q"])
            )
        return paginated_response(
            view=self,
            request=request,
            queryset=contracts.order_by("-signed_on", "title", "pk"),
            serializer_class=self.OutputSerializer,
        )

    class CreateInputSerializer(serializers.Serializer[Any]):
        title = serializers.CharField(max_length=250)
        category = serializers.ChoiceField(choices=ContractCategory.choices)
        municipality = serializers.IntegerField(help_text="Municipality area id.")
        lead_organisation = serializers.IntegerField(
            help_text="Id of a municipality organisation you manage."
        )
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
        areas = serializers.ListField(child=serializers.IntegerField(), required=False)
        axes = serializers.ListField(child=serializers.IntegerField(), required=False)
        is_published = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=CreateInputSerializer, responses={201: ContractRefSerializer})
    def post(self, request: Request) -> Response:
        """Register a contract (a municipality's managers): committee, core and four stages."""
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
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
        if not (scope.is_superuser or lead.pk in scope.managed_organisation_ids):
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


class ContractDetailApi(ApiView):
    """GET the contract's summary; PATCH its own fields (lead organisation only)."""

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
        can_edit = serializers.BooleanField(help_text="Whether the caller may PATCH it.")

    class UpdateInputSerializer(serializers.Serializer[Any]):
        version = serializers.IntegerField(
            min_value=1, help_text="The version you read; a stale one gives 409."
        )
        title = serializers.CharField(max_length=250, required=False)
        summary = serializers.CharField(allow_blank=True, required=False)
        signed_on = serializers.DateField(allow_null=True, required=False)
        signing_place = serializers.CharField(max_length=120, allow_blank=True, required=False)
        is_published = serializers.BooleanField(required=False)
        category = serializers.ChoiceField(choices=ContractCategory.choices, required=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if len(attrs) == 1:
                raise serializers.ValidationError(_("Send at least one field to change."))
            return attrs

    @staticmethod
    def _detail(user: Any, contract_id: int) -> Contract:
        contract = get_object_for_user(
            Contract.objects.visible_to(user, Need.PAGE)
            .select_related("municipality", "lead_organisation")
            .prefetch_related(
                "areas",
                "axes",
                Prefetch("stages", Stage.objects.order_by("position")),
                "signatories__organisation",
            ),
            pk=contract_id,
        )
        contract.can_edit = scope_for(user).can_manage_contract(contract.pk)  # type: ignore[attr-defined]
        return contract

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, contract_id: int) -> Response:
        return Response(self.OutputSerializer(self._detail(request.user, contract_id)).data)

    @extend_schema(request=UpdateInputSerializer, responses=OutputSerializer)
    def patch(self, request: Request, contract_id: int) -> Response:
        contract = visible_contract(request.user, contract_id)
        payload = self.UpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        expected_version = changes.pop("version")
        services.contract_update(
            actor=cast(User, request.user),  # an anonymous caller is refused by the service
            contract=contract,
            expected_version=expected_version,
            changes=changes,
        )
        return Response(self.OutputSerializer(self._detail(request.user, contract_id)).data)


# --- governance bodies -------------------------------------------------------------------


class BodyMemberSerializer(serializers.Serializer[Any]):
    """A seat; ``person``/``person_name`` are null unless the caller reads the record."""

    id = serializers.IntegerField()
    organisation = OrganisationRefSerializer()
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    person = serializers.IntegerField(source="shown_person_id", allow_null=True)
    person_name = serializers.CharField(source="shown_person_name", allow_null=True)


def _show_people(members: list[BodyMember], *, allowed: bool) -> list[BodyMember]:
    for member in members:
        member.shown_person_id = member.person_id if allowed else None  # type: ignore[attr-defined]
        member.shown_person_name = member.display_name if allowed else None  # type: ignore[attr-defined]
    return members


class BodyListApi(ApiView):
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        name = serializers.CharField()
        remit = serializers.CharField()
        members = BodyMemberSerializer(many=True, source="member_rows")

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request, contract_id: int) -> Response:
        contract = visible_contract(request.user, contract_id)
        allowed = scope_for(request.user).can_read_contract(contract.pk)
        bodies = list(
            GovernanceBody.objects.filter(contract=contract)
            .order_by("kind")
            .prefetch_related(
                Prefetch(
                    "members",
                    BodyMember.objects.select_related("organisation", "person").order_by(
                        "role", "organisation__name", "pk"
                    ),
                )
            )
        )
        for body in bodies:
            body.member_rows = _show_people(list(body.members.all()), allowed=allowed)  # type: ignore[attr-defined]
        return Response(self.OutputSerializer(bodies, many=True).data)


class BodyMemberAddApi(AuthenticatedApiView):
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer[Any]):
        organisation = serializers.IntegerField(min_value=1)
        person = serializers.IntegerField(
            min_value=1,
            required=False,
            allow_null=True,
            help_text="A user who belongs to the organisation.",
        )
        person_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=BodyRole.choices, default=BodyRole.MEMBER)

    @extend_schema(request=InputSerializer, responses={201: BodyMemberSerializer})
    def post(self, request: AuthenticatedRequest, contract_id: int, body_id: int) -> Response:
        contract = visible_contract(request.user, contract_id)
        body = get_object_for_user(GovernanceBody.objects.filter(contract=contract), pk=body_id)
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
        allowed = scope_for(request.user).can_read_contract(contract.pk)
        _show_people([member], allowed=allowed)
        return Response(BodyMemberSerializer(member).data, status=201)


class BodyMemberRemoveApi(AuthenticatedApiView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, contract_id: int, member_id: int) -> Response:
        contract = visible_contract(request.user, contract_id)
        member = get_object_for_user(
            BodyMember.objects.filter(body__contract=contract).select_related("body"),
            pk=member_id,
        )
        services.body_member_remove(actor=request.user, member=member)
        return Response(status=204)


# --- stages ----------------------------------------------------------------------------------


class StageListApi(ApiView):
    @extend_schema(responses=StageSummarySerializer(many=True))
    def get(self, request: Request, contract_id: int) -> Response:
        contract = visible_contract(request.user, contract_id)
        stages = Stage.objects.filter(contract=contract).order_by("position")
        return Response(StageSummarySerializer(stages, many=True).data)


class StageDecisionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    actor = serializers.CharField(source="actor_name")
    actor_organisation = OrganisationRefSerializer(allow_null=True)
    status_before = serializers.CharField()
    status_after = serializers.CharField()
    comment = serializers.CharField()
    decided_at = serializers.DateTimeField()


def _decision_rows(decisions: list[StageDecision]) -> list[StageDecision]:
    for decision in decisions:
        decision.actor_name = str(decision.actor)  # type: ignore[attr-defined]
    return decisions


class StageDetailApi(ApiView):
    class OutputSerializer(StageSummarySerializer):
        summary = serializers.CharField(
            source="shown_summary", allow_null=True, help_text="Null unless you read the record."
        )
        decisions = StageDecisionSerializer(
            many=True,
            source="decision_rows",
            allow_null=True,
            help_text="Who decided what and why; null unless you read the record.",
        )
        allowed_actions = serializers.ListField(
            child=serializers.ChoiceField(choices=DecisionAction.choices),
            help_text="The decisions you may take on this stage now.",
        )

    @extend_schema(parameters=[STAGE_KIND_PARAMETER], responses=OutputSerializer)
    def get(self, request: Request, contract_id: int, kind: str) -> Response:
        contract = visible_contract(request.user, contract_id)
        stage = get_object_for_user(Stage.objects.filter(contract=contract), kind=kind)
        allowed = scope_for(request.user).can_read_contract(contract.pk)
        stage.shown_summary = stage.summary if allowed else None  # type: ignore[attr-defined]
        stage.decision_rows = (  # type: ignore[attr-defined]
            _decision_rows(
                list(stage.decisions.select_related("actor", "actor_organisation").all())
            )
            if allowed
            else None
        )
        stage.allowed_actions = services.allowed_actions(request.user, stage)  # type: ignore[attr-defined]
        return Response(self.OutputSerializer(stage).data)


class StageDecideApi(AuthenticatedApiView):
    parser_classes = [JSONParser]

    class InputSerializer(serializers.Serializer[Any]):
        action = serializers.ChoiceField(
            choices=[c for c in DecisionAction.choices if c[0] != DecisionAction.START]
        )
        version = serializers.IntegerField(
            min_value=1, help_text="The stage version you read; a stale one gives 409."
        )
        comment = serializers.CharField(allow_blank=True, required=False, default="")

    class OutputSerializer(serializers.Serializer[Any]):
        decision = StageDecisionSerializer()
        stage = StageSummarySerializer()

    @extend_schema(
        parameters=[STAGE_KIND_PARAMETER],
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: AuthenticatedRequest, contract_id: int, kind: str) -> Response:
        contract = visible_contract(request.user, contract_id)
        stage = get_object_for_user(Stage.objects.filter(contract=contract), kind=kind)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        decision = services.stage_decide(
            actor=request.user,
            stage=stage,
            action=data["action"],
            expected_version=data["version"],
            comment=data.get("comment", ""),
        )
        stage.refresh_from_db()
        _decision_rows([decision])
        return Response(
            self.OutputSerializer({"decision": decision, "stage": stage}).data, status=201
        )
