"""Organisations: the public register of who takes part (names, kinds, places)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from localsafety.api.base import (
    ApiView,
    AuthenticatedRequest,
    Pagination,
    lookup_for_input,
    paginated_response,
)
from localsafety.api.permissions import PUBLIC_READ, check_recent_second_factor
from localsafety.api.serializers import AreaRefSerializer, IdField
from localsafety.core.access import get_object_for_user, require
from localsafety.core.text import fold
from localsafety.organisations import services
from localsafety.organisations.access import can_edit_organisation
from localsafety.organisations.models import Organisation, OrganisationKind
from localsafety.territory.models import Area, AreaKind


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
            key = fold(wanted["q"])
            organisations = organisations.filter(
                Q(name_key__contains=key) | Q(short_name_key__contains=key)
            )
        return paginated_response(
            view=self,
            request=request,
            queryset=organisations.order_by("name_key", "name", "pk"),
            serializer_class=self.OutputSerializer,
        )


class OrganisationDetailApi(ApiView):
    """GET an organisation of the register; PATCH it (its managers: name and contact;
    national users: also kind, municipality and status, with a reason)."""

    permission_classes = PUBLIC_READ
    parser_classes = [JSONParser]

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
        version = serializers.SerializerMethodField(
            help_text="Send it back with a PATCH: a stale one gives 409."
        )

        def get_version(self, organisation: Organisation) -> str:
            return services.organisation_version(organisation)

    class UpdateInputSerializer(serializers.Serializer[Any]):
        version = serializers.CharField(
            max_length=64, help_text="The version you read (GET); a stale one gives 409."
        )
        name = serializers.CharField(max_length=250, required=False)
        short_name = serializers.CharField(max_length=60, allow_blank=True, required=False)
        website = serializers.URLField(allow_blank=True, required=False)
        email = serializers.EmailField(allow_blank=True, required=False)
        kind = serializers.ChoiceField(
            choices=OrganisationKind.choices, required=False, help_text="National users only."
        )
        municipality = IdField(
            allow_null=True, required=False, help_text="Municipality area id; national users only."
        )
        is_active = serializers.BooleanField(required=False, help_text="National users only.")
        reason = serializers.CharField(
            max_length=100,
            allow_blank=True,
            required=False,
            help_text="Why the kind, municipality or status changes (required then); kept in "
            "the history.",
        )

    @staticmethod
    def _organisation(request: Request, organisation_id: int) -> Organisation:
        return get_object_for_user(
            Organisation.objects.visible_to(request.user).select_related("municipality"),
            pk=organisation_id,
        )

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, organisation_id: int) -> Response:
        return Response(self.OutputSerializer(self._organisation(request, organisation_id)).data)

    @extend_schema(request=UpdateInputSerializer, responses=OutputSerializer)
    def patch(self, request: AuthenticatedRequest, organisation_id: int) -> Response:
        organisation = self._organisation(request, organisation_id)
        require(can_edit_organisation(request.user, organisation.pk))
        check_recent_second_factor(request)
        payload = self.UpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        reason = changes.pop("reason", "")
        expected_version = changes.pop("version")
        if changes.get("municipality") is not None:
            changes["municipality"] = lookup_for_input(
                Area.objects.filter(kind=AreaKind.MUNICIPALITY, owner_contract__isnull=True),
                changes["municipality"],
                "municipality",
            )
        updated = services.organisation_update(
            actor=request.user,
            organisation=organisation,
            expected_version=expected_version,
            reason=reason,
            **changes,
        )
        return Response(self.OutputSerializer(updated).data)
