"""A contract's restricted record: meetings, documents and change history.

Only signed-in people reach these views (the API's default), and only the contract's members
(and the national level) find the contract: ``ContractApiView`` with ``need = "record"``
resolves it like the pages' record tabs, so anyone else gets 404 for reads and writes alike.
Lists read through the pages' selectors.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.api.base import (
    AuthenticatedRequest,
    ContractApiView,
    Pagination,
    lookup_for_input,
    paginated_response,
)
from localsafety.api.serializers import (
    BodyRefSerializer,
    IdField,
    OrganisationRefSerializer,
    id_list_field,
)
from localsafety.contracts import selectors, services
from localsafety.contracts.history import MAX_HISTORY, contract_history
from localsafety.contracts.models import (
    BodyMember,
    Contract,
    DocumentKind,
    GovernanceBody,
    Meeting,
    Stage,
    StageKind,
)
from localsafety.contracts.ownership import Need


class AttendeeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    organisation = OrganisationRefSerializer()
    role = serializers.CharField()


class MeetingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    body = BodyRefSerializer()
    held_on = serializers.DateField()
    location = serializers.CharField()
    agenda = serializers.CharField()
    decisions = serializers.CharField()
    attendees = AttendeeSerializer(many=True, source="attendees.all")
    recorded_by_organisation = OrganisationRefSerializer()
    created_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="The version a correction must name.")


class MeetingListApi(ContractApiView):
    """GET the contract's meetings (members only); POST records one (partners)."""

    need = "record"
    pagination_class = Pagination
    parser_classes = [JSONParser]

    class CreateInputSerializer(serializers.Serializer[Any]):
        body = IdField(help_text="Id of the body that met.")
        held_on = serializers.DateField()
        location = serializers.CharField(max_length=200, required=False, allow_blank=True)
        agenda = serializers.CharField()
        decisions = serializers.CharField(required=False, allow_blank=True)
        attendees = id_list_field(
            required=False,
            help_text="Ids of the body's members who attended.",
        )

    @extend_schema(responses=MeetingSerializer(many=True))
    def get(self, request: Request, contract: Contract) -> Response:
        meetings = selectors.meeting_list(request.user, contract).prefetch_related(
            "attendees__organisation", "attendees__person"
        )
        return paginated_response(
            view=self, request=request, queryset=meetings, serializer_class=MeetingSerializer
        )

    @extend_schema(request=CreateInputSerializer, responses={201: MeetingSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract) -> Response:
        payload = self.CreateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        body = lookup_for_input(
            GovernanceBody.objects.visible_to(request.user, Need.RECORD).filter(contract=contract),
            data["body"],
            "body",
        )
        wanted = set(data.get("attendees", []))
        attendees = list(BodyMember.objects.filter(body=body, pk__in=wanted))
        if len(attendees) != len(wanted):
            raise serializers.ValidationError(
                {"attendees": [_("Attendees must be members of the body that met.")]}
            )
        meeting = services.meeting_create(
            actor=request.user,
            body=body,
            held_on=data["held_on"],
            agenda=data["agenda"],
            decisions=data.get("decisions", ""),
            location=data.get("location", ""),
            attendees=attendees,
        )
        meeting = (
            Meeting.objects.select_related("body", "recorded_by_organisation")
            .prefetch_related("attendees__organisation", "attendees__person")
            .get(pk=meeting.pk)
        )
        return Response(MeetingSerializer(meeting).data, status=201)


class DocumentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    organisation = OrganisationRefSerializer()
    meeting = serializers.IntegerField(source="meeting_id", allow_null=True)
    stage = serializers.CharField(source="stage.kind", allow_null=True, default=None)
    uploaded_by = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class DocumentListApi(ContractApiView):
    need = "record"
    """GET the contract's documents' metadata (members only); POST uploads one (partners)."""

    pagination_class = Pagination
    parser_classes = [MultiPartParser, FormParser]

    class UploadInputSerializer(serializers.Serializer[Any]):
        kind = serializers.ChoiceField(choices=DocumentKind.choices)
        title = serializers.CharField(max_length=250)
        file = serializers.FileField()
        meeting = IdField(required=False, allow_null=True)
        stage = serializers.ChoiceField(choices=StageKind.choices, required=False)

    @extend_schema(responses=DocumentSerializer(many=True))
    def get(self, request: Request, contract: Contract) -> Response:
        return paginated_response(
            view=self,
            request=request,
            queryset=selectors.document_list(request.user, contract),
            serializer_class=DocumentSerializer,
        )

    @extend_schema(request=UploadInputSerializer, responses={201: DocumentSerializer})
    def post(self, request: AuthenticatedRequest, contract: Contract) -> Response:
        payload = self.UploadInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        meeting = None
        if data.get("meeting"):
            meeting = lookup_for_input(
                Meeting.objects.filter(contract=contract), data["meeting"], "meeting"
            )
        stage = None
        if data.get("stage"):
            stage = Stage.objects.get(contract=contract, kind=data["stage"])
        document = services.document_upload(
            actor=request.user,
            contract=contract,
            kind=data["kind"],
            title=data["title"],
            upload=data["file"],
            meeting=meeting,
            stage=stage,
        )
        return Response(DocumentSerializer(document).data, status=201)


class HistoryChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    field_label = serializers.CharField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer[Any]):
    when = serializers.DateTimeField()
    who = serializers.CharField(allow_null=True)
    who_id = serializers.IntegerField(allow_null=True)
    object_type = serializers.CharField()
    object_type_label = serializers.CharField()
    object_id = serializers.IntegerField()
    object_label = serializers.CharField()
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    action_label = serializers.CharField()
    reason = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)


class HistoryApi(ContractApiView):
    need = "record"

    class FilterSerializer(serializers.Serializer[Any]):
        limit = serializers.IntegerField(
            min_value=1,
            max_value=MAX_HISTORY,
            default=MAX_HISTORY,
            required=False,
            help_text=f"Newest entries (1–{MAX_HISTORY}).",
        )

    @extend_schema(parameters=[FilterSerializer], responses=HistoryEntrySerializer(many=True))
    def get(self, request: Request, contract: Contract) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        entries = contract_history(request.user, contract, limit=filters.validated_data["limit"])
        return Response(HistoryEntrySerializer(entries, many=True).data)
