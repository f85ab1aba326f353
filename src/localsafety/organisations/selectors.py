"""Reads for organisations and people, filtered by what the viewer may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from localsafety.core.text import fold
from localsafety.organisations.access import memberships_for
from localsafety.organisations.models import (
    EnrolmentLink,
    Membership,
    Organisation,
    User,
    enrolment_token_hash,
)

SEE_MEMBERS_PERMISSION = "organisations.view_members"


def organisation_list(
    user: Any, *, q: str = "", kind: str = "", municipality: Any = None
) -> QuerySet[Organisation]:
    organisations = Organisation.objects.visible_to(user).select_related("municipality")
    if q:
        key = fold(q)
        organisations = organisations.filter(
            Q(name_key__contains=key) | Q(short_name_key__contains=key)
        )
    if kind:
        organisations = organisations.filter(kind=kind)
    if municipality is not None:
        organisations = organisations.filter(municipality=municipality)
    return organisations.order_by("name_key", "name", "pk")


def may_see_members(user: Any, organisation: Organisation) -> bool:
    """Names of members: the organisation's own people, and those who may read its contracts.

    The second half is a contract rule (``contracts/rules.py``), asked through Django's
    permission API.
    """
    memberships = memberships_for(user)
    if not memberships.authenticated:
        return False
    if memberships.is_superuser or organisation.pk in memberships.organisation_ids:
        return True
    return bool(user.has_perm(SEE_MEMBERS_PERMISSION, organisation))


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def user_for_identifier(identifier: str) -> list[User]:
    """Active accounts whose username or e-mail is ``identifier`` (for adding members)."""
    if not identifier:
        return []
    by_username = list(User.objects.filter(username__iexact=identifier, is_active=True)[:1])
    if by_username:
        return by_username
    return list(User.objects.filter(email__iexact=identifier, is_active=True)[:2])


def user_memberships(user: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name_key", "organisation__name")
    )


def enrolment_link_waiting(user: Any, token: str) -> EnrolmentLink | None:
    """``user``'s own enrolment link with this secret, if it may still be followed."""
    digest = enrolment_token_hash(token)
    return EnrolmentLink.objects.filter(user=user, token_hash=digest).usable().first()


def enrolment_in_progress(user: Any, link_id: Any) -> EnrolmentLink | None:
    """The enrolment link this session followed (its id kept in the session), while it is
    open: ``user``'s own, followed, not expired and not completed."""
    if not isinstance(link_id, int):
        return None
    return EnrolmentLink.objects.filter(
        pk=link_id,
        user=user,
        opened_at__isnull=False,
        completed_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()
