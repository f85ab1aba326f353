"""Shared pieces of the API views: schema naming, permissions, the contract base, pagination.

DRF's defaults deny (settings ``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]``): a view is
for signed-in people who passed two-factor where their role needs it, unless it opens itself
explicitly with ``permission_classes = PUBLIC_READ``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from localsafety.contracts import selectors
from localsafety.contracts.models import Contract
from localsafety.contracts.ownership import Need
from localsafety.contracts.visibility import RecordFields, record_fields_visible
from localsafety.core.params import MAX_ID
from localsafety.organisations.models import User


class QualnameAutoSchema(AutoSchema):
    """Name components after the view and its nested serializer (``ContractDetailApiOutput``).

    Every view nests classes called ``InputSerializer`` / ``OutputSerializer``; naming them by
    class name alone would make their schema components collide.
    """

    def get_serializer_name(self, serializer: Any, direction: str) -> str:
        qualname = serializer.__class__.__qualname__
        return "".join(part.removesuffix("Serializer") for part in qualname.split("."))


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
    """Every API view: schema naming, and the default permissions (signed in, two-factor)."""

    schema = QualnameAutoSchema()


class ContractApiView(ApiView):
    """A view under ``contracts/<int:contract_id>/``: the contract is resolved once.

    After authentication and the permission checks, ``initial`` resolves ``contract_id``
    through the same selector as the pages (``need``: ``page`` = published or one's own,
    ``record`` = members), 404 for anyone below that tier, and hands the handler
    ``contract=`` instead of the id (Sentry's ``ProjectEndpoint.convert_args``); it is also
    ``self.contract``. Children are then looked up through their own scoped querysets.
    """

    need: Need | str = Need.PAGE
    contract: Contract

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.contract = selectors.contract_for(
            request.user, self.kwargs.pop("contract_id"), need=self.need
        )
        # DRF calls the handler with this same dict: the handler receives contract=.
        self.kwargs["contract"] = self.contract


class RecordFieldsSerializer(serializers.Serializer[Any]):
    """A serializer with restricted fields: ``record_fields`` maps each to its flag in
    ``contracts.visibility.RecordFields``, the decision the pages read too.

    The view puts the viewer's ``RecordFields`` in the context (``record_context``; without
    it everything restricted is hidden); a hidden field is null and is not even read from the
    instance, so nothing is computed or fetched for it. Instances are never changed to hide
    anything.
    """

    record_fields: ClassVar[dict[str, str]] = {}

    def _hidden(self) -> tuple[str, ...]:
        visible = self.context.get("record_fields") or RecordFields.none()
        return tuple(
            name for name, flag in self.record_fields.items() if not getattr(visible, flag)
        )

    @property
    def _readable_fields(self) -> Iterator[serializers.Field[Any, Any, Any, Any]]:  # type: ignore[override]
        hidden = self._hidden()
        for field in super()._readable_fields:
            if field.field_name not in hidden:
                yield field

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        for name in self._hidden():
            data[name] = None
        return data


def record_context(request: Request, contract: Contract) -> dict[str, Any]:
    """Serializer context: which restricted fields of this contract the caller sees."""
    return {"record_fields": record_fields_visible(request.user, contract)}


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """``limit`` and ``offset`` with their bounds (a larger limit is cut to ``max_limit``)."""
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_ID},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


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
