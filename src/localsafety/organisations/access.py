"""What a person's organisations give them, read once per request.

This layer knows memberships only: which organisations a person belongs to, which they
manage, which are police forces or municipalities. Rights that come from seats on contract
bodies (reading a contract, national status) are decided above, in ``contracts.access``,
which builds on this. Questions this layer cannot answer by itself (is this person a
national user?) are asked through Django's permission API, whose rules ``contracts`` registers
(``contracts/rules.py``): Django's own way for a lower app to ask about a policy it does not own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules import rulesets

from localsafety.core.access import IS_NATIONAL_RULE, access_cache, forget_access
from localsafety.organisations.models import POLICE_KINDS, OrganisationKind


@dataclass(frozen=True)
class MembershipScope:
    authenticated: bool = False
    is_superuser: bool = False
    organisation_ids: frozenset[int] = frozenset()
    police_organisation_ids: frozenset[int] = frozenset()
    managed_organisation_ids: frozenset[int] = frozenset()
    municipality_organisation_ids: frozenset[int] = frozenset()

    @property
    def is_police(self) -> bool:
        return bool(self.police_organisation_ids)

    def can_manage_members(self, organisation_id: int) -> bool:
        """An organisation's managers (and superusers) decide who belongs to it."""
        return self.is_superuser or organisation_id in self.managed_organisation_ids


ANONYMOUS_MEMBERSHIPS = MembershipScope()


def memberships_for(user: Any) -> MembershipScope:
    """The person's organisations, computed once per request (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS_MEMBERSHIPS
    cache = access_cache(user)
    scope: MembershipScope | None = cache.get("memberships")
    if scope is None:
        rows = list(user.memberships.values_list("organisation_id", "organisation__kind", "role"))
        scope = MembershipScope(
            authenticated=True,
            is_superuser=user.is_superuser,
            organisation_ids=frozenset(org for org, _kind, _role in rows),
            police_organisation_ids=frozenset(
                org for org, kind, _role in rows if kind in POLICE_KINDS
            ),
            managed_organisation_ids=frozenset(
                org for org, _kind, role in rows if role == "manager"
            ),
            municipality_organisation_ids=frozenset(
                org for org, kind, _role in rows if kind == OrganisationKind.MUNICIPALITY
            ),
        )
        cache["memberships"] = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop what was remembered about the person (after a membership or seat changes)."""
    forget_access(user)


def is_national(user: Any) -> bool:
    """National users (the Interministerial Commission, superusers) keep the registers."""
    memberships = memberships_for(user)
    if not memberships.authenticated:
        return False
    return memberships.is_superuser or bool(rulesets.test_rule(IS_NATIONAL_RULE, user))  # type: ignore[no-untyped-call]


def role_requires_two_factor(user: Any) -> bool:
    """Police, national and administrator accounts must have a second factor.

    They enrol only through a one-time enrolment link (``services.enrolment_link_*``), never
    with their password alone; their sessions also end after an idle time.
    """
    memberships = memberships_for(user)
    return memberships.is_police or memberships.is_superuser or is_national(user)


def requires_two_factor(user: Any) -> bool:
    """Whether signing in needs the second factor: the role requires it, or the person has
    a confirmed authenticator (voluntary two-factor is enforced once it is on).

    The one answer for the page middleware, the API, sign-in and the services.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    # The flag is a column of the user's row (no query), kept by a signal on the devices.
    return bool(getattr(user, "two_factor_enabled", False)) or role_requires_two_factor(user)


def can_manage_register(user: Any) -> bool:
    return is_national(user)


def can_edit_organisation(user: Any, organisation_id: int) -> bool:
    """National users keep the register; an organisation's managers keep its own entry."""
    return organisation_id in memberships_for(user).managed_organisation_ids or can_manage_register(
        user
    )
