"""Typed requests for views that only signed-in people reach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # typing only: core imports no app above it at run time
    from localsafety.organisations.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a ``@login_required`` view: its ``user`` is the project's User.

    Used as an annotation only (Django still builds a plain ``HttpRequest``), so a view can
    pass ``actor=request.user`` to a service without a cast or a ``type: ignore``.
    """

    user: User
