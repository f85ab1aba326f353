"""API permissions. Kept apart from the views: the DRF settings import them by name.

``REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]`` is ``IsAuthenticated`` + ``TwoFactorSatisfied``;
a view meant for anonymous readers declares ``permission_classes = PUBLIC_READ``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from localsafety.organisations.access import requires_two_factor
from localsafety.organisations.two_factor import has_recent_second_factor, is_verified


class TwoFactorSatisfied(BasePermission):
    """Whoever must pass two-factor (their role, or a device they turned on) must have passed
    it in the browser session they use.

    The page middleware leaves /api/ alone, so a session that signed in but stopped at the
    second factor must not reach restricted data through the API. A token is issued to a
    person, not to a half-finished session, and is accepted as it is.
    """

    message = _("Finish signing in with your second factor first.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            return True
        # The same answer as the pages: the role requires it, or the person turned it on.
        if not requires_two_factor(request.user):
            return True
        return is_verified(request._request.user)


class PublicRead(BasePermission):
    """Anyone may read (GET, HEAD, OPTIONS); anything else needs a signed-in person."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or bool(request.user.is_authenticated)


# For views meant for anonymous readers too (published contracts, areas, the register of
# organisations). A signed-in session still has to have passed its second factor.
PUBLIC_READ: list[type[BasePermission]] = [PublicRead, TwoFactorSatisfied]


def check_recent_second_factor(request: Request) -> None:
    """Sensitive actions (stage decisions, rights changes) from a browser session ask people
    with two-factor for a recently confirmed code, as the pages do
    (``organisations.two_factor.require_recent_second_factor``). A token was created with a
    recent code by its person and is accepted as it is.
    """
    if isinstance(
        request.successful_authenticator, SessionAuthentication
    ) and not has_recent_second_factor(request._request):
        raise PermissionDenied(
            _(
                "Confirm your two-factor code again in the browser (on the two-factor page) "
                "before this action."
            )
        )
