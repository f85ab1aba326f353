"""API permissions. Kept apart from the views: the DRF settings import them by name.

``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]`` is ``IsAuthenticated`` + ``TwoFactorSatisfied``;
a view meant for anonymous readers declares ``permission_classes = PUBLIC_READ``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from localsafety.contracts.access import scope_for


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


class PublicRead(BasePermission):
    """Anyone may read (GET, HEAD, OPTIONS); anything else needs a signed-in person."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or bool(request.user.is_authenticated)


# For views meant for anonymous readers too (published contracts, areas, the register of
# organisations). A signed-in session still has to have passed its second factor.
PUBLIC_READ: list[type[BasePermission]] = [PublicRead, TwoFactorSatisfied]
