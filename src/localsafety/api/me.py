"""The caller's own scope: organisations, seats, and the contracts they take part in."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from localsafety.api.base import ApiView, AuthenticatedRequest
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import BodyMember, Contract
from localsafety.organisations.access import requires_two_factor
from localsafety.organisations.models import Membership


class MeMembershipSerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    organisation_kind = serializers.CharField(source="organisation.kind")
    role = serializers.CharField()


class MeSeatSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    body = serializers.IntegerField(source="body_id")
    body_kind = serializers.CharField(source="body.kind")
    body_name = serializers.CharField(source="body.name")
    contract = serializers.IntegerField(source="body.contract_id", allow_null=True)
    organisation = serializers.IntegerField(source="organisation_id")
    role = serializers.CharField()


class MeContractSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    stage = serializers.CharField()
    is_published = serializers.BooleanField()
    can_manage = serializers.BooleanField()
    can_submit_stage = serializers.BooleanField()
    can_decide_stage = serializers.BooleanField()
    can_contribute = serializers.BooleanField()


class MeApi(ApiView):
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        username = serializers.CharField()
        full_name = serializers.CharField()
        language = serializers.CharField()
        is_national = serializers.BooleanField()
        is_police = serializers.BooleanField()
        requires_two_factor = serializers.BooleanField()
        can_create_contracts = serializers.BooleanField()
        memberships = MeMembershipSerializer(many=True)
        seats = MeSeatSerializer(many=True)
        contracts = MeContractSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        user = request.user
        scope = scope_for(user)
        memberships = Membership.objects.filter(user=user).select_related("organisation")
        seats = BodyMember.objects.filter(person=user).select_related("body").order_by("pk")
        contracts = [
            {
                "id": contract.pk,
                "title": contract.title,
                "stage": contract.stage,
                "is_published": contract.is_published,
                "can_manage": scope.can_manage_contract(contract.pk),
                "can_submit_stage": scope.can_submit_stage(contract.pk),
                "can_decide_stage": scope.can_decide_stage(contract.pk),
                "can_contribute": scope.can_contribute(contract.pk),
            }
            for contract in Contract.objects.filter(pk__in=scope.member_contract_ids).order_by(
                "title", "pk"
            )
        ]
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "language": getattr(user, "language", ""),
            "is_national": scope.is_national,
            "is_police": scope.is_police,
            "requires_two_factor": requires_two_factor(user),
            "can_create_contracts": scope.can_create_contracts,
            "memberships": memberships,
            "seats": seats,
            "contracts": contracts,
        }
        return Response(self.OutputSerializer(data).data)
