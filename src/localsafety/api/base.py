"""Shared pieces of the API views: schema naming, two-factor check, pagination."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from localsafety.contracts.access import scope_for
from localsafety.organisations.models import User


class QualnameAutoSchema(AutoSchema):
    """Name components after the view and its nested serializer (``ContractDetailApiOutput``).

    Every view nests classes called ``InputSerializer`` / ``OutputSerializer``; naming them by
    class name alone would make their schema components collide.
    """

    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        qualname = serializer.__class__.__qualname__
        return "".join(part.removesuffix("Serializer") for part in qualname.split("."))


class TwoFactorSatisfied(BasePermission):
    """Roles that need two-factor must have passed it in the browser session they use.

    The page middleware leaves /api/ alone, so a session that signed in but stopped at the
    second factor must not reach restricted data through the API. A token is issued to a
    person, not to a half-finished session, and is accepted as it is.
    """

    message = _("Finish signing in with your second factor first.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        user = request.user
        if not scope_for(user).requires_two_factor:
            return True
        is_verified = getattr(request._request.user, "is_verified", None)
        return bool(is_verified and is_verified())


class AuthenticatedRequest(Request):
    """The request of a view that lets only signed-in people in: ``user`` is the project's User.

    An annotation only (DRF still builds a plain ``Request``).
    """

    if TYPE_CHECKING:

        @property
        def user(self) -> User: ...
        @user.setter
        def user(self, value: User) -> None: ...


class ApiView(APIView):
    schema = QualnameAutoSchema()
    permission_classes = [TwoFactorSatisfied]


class AuthenticatedApiView(ApiView):
    permission_classes = [IsAuthenticated, TwoFactorSatisfied]


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


def paginated_response(
    *,
    view: APIView,
    request: Request,
    queryset: QuerySet[Any] | list[Any],
    serializer_class: type[serializers.BaseSerializer[Any]],
    context: dict[str, Any] | None = None,
) -> Response:
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)  # type: ignore[arg-type]
    data = serializer_class(page, many=True, context=context or {}).data
    return paginator.get_paginated_response(data)


def lookup_for_input(queryset: QuerySet[Any], pk: Any, field: str) -> Any:
    """Resolve an id sent in a request body through an access-filtered queryset.

    A body field that names nothing the caller may see is an input error (400) on that
    field, whether the row is missing or not theirs.
    """
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise serializers.ValidationError(
            {field: [_("Choose one that exists and that you can see.")]}
        ) from exc


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in {"1", "true", "yes"}
