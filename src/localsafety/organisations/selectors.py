"""Reads for organisations and people, filtered by what the viewer may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from localsafety.contracts.models import BodyMember, Contract
from localsafety.organisations.access import scope_for
from localsafety.organisations.models import Membership, Organisation, User


def organisation_list(
    user: Any, *, q: str = "", kind: str = "", municipality: Any = None
) -> QuerySet[Organisation]:
    organisations = Organisation.objects.visible_to(user).select_related("municipality")
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if kind:
        organisations = organisations.filter(kind=kind)
    if municipality is not None:
        organisations = organisations.filter(municipality=municipality)
    return organisations.order_by("name", "pk")


def organisation_seats(user: Any, organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's seats on governance bodies the viewer may see.

    Seats on contracts the viewer may open are listed; the seated person's name only where
    the viewer may read that contract's restricted record (national seats: national users).
    """
    scope = scope_for(user)
    visible_contracts = Contract.objects.visible_to(user).values("pk")
    seats = (
        BodyMember.objects.filter(organisation=organisation)
        .filter(Q(body__contract__in=visible_contracts) | Q(body__contract__isnull=True))
        .select_related("body", "body__contract", "person")
        .order_by("body__contract__title", "body__kind", "role")
    )
    rows = []
    for seat in seats:
        contract = seat.body.contract
        may_name = scope.can_read_contract(contract.pk) if contract else scope.is_national
        rows.append(
            {
                "seat": seat,
                "body": seat.body,
                "contract": contract,
                "person": seat.display_name if may_name else "",
            }
        )
    return rows


def may_see_members(user: Any, organisation: Organisation) -> bool:
    """Names of members: the organisation's own people, and those who may read its contracts."""
    scope = scope_for(user)
    if not scope.authenticated:
        return False
    if scope.is_superuser or organisation.pk in scope.organisation_ids:
        return True
    return (
        Contract.objects.accessible_to(user)
        .filter(Q(lead_organisation=organisation) | Q(bodies__members__organisation=organisation))
        .exists()
    )


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
        .order_by("organisation__name")
    )


def user_seats(user: Any) -> QuerySet[BodyMember]:
    return (
        BodyMember.objects.filter(person=user)
        .select_related("body", "body__contract", "organisation")
        .order_by("body__contract__title", "body__kind")
    )
