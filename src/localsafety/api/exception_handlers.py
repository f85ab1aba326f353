"""Map domain errors to API responses in one place (HackSoft's exception handler).

A refused input has one JSON shape, whether a serializer refused it or a service did::

    {"detail": "<the first message>", "errors": {"<field>": ["<message>", ...]}}

Errors that belong to no field are listed under ``non_field_errors`` (DRF's name). Other
errors (401, 403, 404, 409) answer ``{"detail": "..."}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from localsafety.core.errors import DomainError, ImportRefused

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def _first_message(errors: Any) -> str | None:
    if isinstance(errors, dict):
        for value in errors.values():
            found = _first_message(value)
            if found:
                return found
        return None
    if isinstance(errors, list | tuple):
        for value in errors:
            found = _first_message(value)
            if found:
                return found
        return None
    return str(errors) if errors else None


def field_errors_response(errors: Any, status: int = 400) -> Response:
    """The one shape of a refused input: a summary and the messages by field."""
    if not isinstance(errors, dict):
        errors = {NON_FIELD: errors if isinstance(errors, list) else [errors]}
    detail = _first_message(errors) or _("Check the fields marked.")
    return Response({"detail": detail, "errors": errors}, status=status)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ImportRefused):
        return Response({"detail": exc.message, "problems": exc.problems}, status=400)
    if isinstance(exc, DomainError):
        if exc.field:
            return field_errors_response({exc.field: [exc.message]}, status=exc.status_code)
        return Response({"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        return field_errors_response(exc.detail, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        return field_errors_response(errors)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return exception_handler(exc, context)
