"""The one place that says what a person may see and do in contracts.

``scope_for(user)`` reads a person's organisations (``organisations.access``) and their
governance seats once per request (cached on the user object); every visibility queryset,
permission predicate, page, API view, export and report derives from it. Lookups from user
input go through ``core.access.get_object_for_user`` (404 for "missing" and "not yours"
alike) and writes through ``core.access.require`` (403).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Value

from localsafety.core.access import access_cache
from localsafety.organisations.access import forget_scope, memberships_for

__all__ = ["ANONYMOUS_SCOPE", "UserScope", "forget_scope", "scope_for", "visibility_signature"]


@dataclass(frozen=True)
class UserScope:
    authenticated: bool = False
    is_national: bool = False
    is_superuser: bool = False
    organisation_ids: frozenset[int] = frozenset()
    police_organisation_ids: frozenset[int] = frozenset()
    managed_organisation_ids: frozenset[int] = frozenset()
    municipality_organisation_ids: frozenset[int] = frozenset()
    committee_contract_ids: frozenset[int] = frozenset()
    chair_contract_ids: frozenset[int] = frozenset()
    partner_contract_ids: frozenset[int] = frozenset()
    core_contract_ids: frozenset[int] = frozenset()
    lead_contract_ids: frozenset[int] = frozenset()
    police_contract_ids: frozenset[int] = frozenset()

    @property
    def member_contract_ids(self) -> frozenset[int]:
        """Contracts whose restricted record the person may read."""
        return self.committee_contract_ids | self.partner_contract_ids | self.lead_contract_ids

    @property
    def is_police(self) -> bool:
        return bool(self.police_organisation_ids)

    @property
    def requires_two_factor(self) -> bool:
        """The role requires two-factor. Whether signing in needs a code (also once a person
        turned it on) is ``organisations.access.requires_two_factor(user)``."""
        return self.is_national or self.is_police or self.is_superuser

    def can_read_contract(self, contract_id: int) -> bool:
        return self.is_national or contract_id in self.member_contract_ids

    def can_manage_contract(self, contract_id: int) -> bool:
        """The lead organisation (the municipality) keeps the contract record."""
        return self.is_superuser or contract_id in self.lead_contract_ids

    def can_submit_stage(self, contract_id: int) -> bool:
        """A stage's deliverable is the whole contract's: the lead organisation writes and
        submits it. Partners (the Operational Core's other members) write only their own
        organisation's items (meetings, documents): ``can_contribute``."""
        return contract_id in self.lead_contract_ids

    def in_operational_core(self, contract_id: int) -> bool:
        """The Operational Core's organisations and the lead organisation: they record the
        diagnosis's inputs (problems found, local indicators), not the deliverable itself."""
        return contract_id in self.core_contract_ids or contract_id in self.lead_contract_ids

    def can_decide_stage(self, contract_id: int) -> bool:
        return contract_id in self.committee_contract_ids

    def can_seat_committee(self, contract_id: int) -> bool:
        """Seats on the Coordinating Committee (who approves) and its chair are changed by
        the committee's chair or national users, never by the lead organisation alone: the
        people whose work the committee approves do not choose who approves it."""
        return self.is_national or contract_id in self.chair_contract_ids

    def can_seat_body(self, contract_id: int, body_kind: str) -> bool:
        """The Operational Core is the lead organisation's; the committee, see above."""
        from localsafety.contracts.models import BodyKind

        if body_kind == BodyKind.COMMITTEE:
            return self.can_seat_committee(contract_id)
        return self.can_manage_contract(contract_id)

    def can_endorse_plan(self) -> bool:
        return self.is_national

    def can_contribute(self, contract_id: int) -> bool:
        """Partners record their own organisation's items (meetings, documents)."""
        return contract_id in self.partner_contract_ids or contract_id in self.lead_contract_ids

    def can_write_for_organisation(self, contract_id: int, organisation_id: int) -> bool:
        if self.can_manage_contract(contract_id):
            return True
        return self.can_contribute(contract_id) and organisation_id in self.organisation_ids

    @property
    def can_create_contracts(self) -> bool:
        """A municipality's managers register contracts for their own municipality; national
        users (and superusers) register any (``contracts.services.record.contract_create``)."""
        managed_municipalities = self.municipality_organisation_ids & self.managed_organisation_ids
        return self.is_national or self.is_superuser or bool(managed_municipalities)

    @property
    def can_manage_reference_data(self) -> bool:
        return self.is_national

    def can_edit_organisation(self, organisation_id: int) -> bool:
        """National users keep the register; an organisation's managers keep its own entry."""
        return self.can_manage_reference_data or organisation_id in self.managed_organisation_ids

    def can_manage_members(self, organisation_id: int) -> bool:
        """An organisation's managers (and superusers) decide who belongs to it."""
        return self.is_superuser or organisation_id in self.managed_organisation_ids


ANONYMOUS_SCOPE = UserScope()


def scope_for(user: Any) -> UserScope:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS_SCOPE
    cache = access_cache(user)
    scope: UserScope | None = cache.get("contracts")
    if scope is None:
        scope = _compute_scope(user)
        cache["contracts"] = scope
    return scope


def _compute_scope(user: Any) -> UserScope:
    from localsafety.contracts.models import BodyKind, BodyMember, BodyRole, Contract

    memberships = memberships_for(user)
    organisation_ids = memberships.organisation_ids

    # One round trip for the rest: the person's own seats, their organisations' seats on
    # contract bodies, and the contracts their organisations lead (every signed-in request
    # computes this once).
    def rows(source: str, queryset: Any, kind: str, contract: str, organisation: str) -> Any:
        return queryset.order_by().values_list(
            Value(source, output_field=CharField()), kind, contract, organisation, "role"
        )

    union = rows(
        "person",
        BodyMember.objects.filter(person=user),
        "body__kind",
        "body__contract_id",
        "organisation_id",
    )
    if organisation_ids:
        union = union.union(
            rows(
                "org",
                BodyMember.objects.filter(
                    organisation_id__in=organisation_ids, body__contract__isnull=False
                ),
                "body__kind",
                "body__contract_id",
                "organisation_id",
            ),
            Contract.objects.filter(lead_organisation_id__in=organisation_ids)
            .order_by()
            .values_list(
                Value("lead", output_field=CharField()),
                "category",
                "pk",
                "lead_organisation_id",
                Value("", output_field=CharField()),
            ),
            all=True,
        )
    found = list(union)
    seats = [
        (kind, contract) for source, kind, contract, _org, _role in found if source == "person"
    ]
    org_seats = [
        (kind, contract, org) for source, kind, contract, org, _role in found if source == "org"
    ]
    chaired = frozenset(
        contract
        for source, kind, contract, _org, role in found
        if source == "person" and kind == BodyKind.COMMITTEE and role == BodyRole.CHAIR and contract
    )
    is_national = user.is_superuser or any(
        kind == BodyKind.INTERMINISTERIAL for kind, _contract in seats
    )
    committee = frozenset(
        contract for kind, contract in seats if kind == BodyKind.COMMITTEE and contract
    )
    partner = frozenset(contract for _kind, contract, _org in org_seats)
    core = frozenset(contract for kind, contract, _org in org_seats if kind == BodyKind.CORE)
    lead = frozenset(contract for source, _kind, contract, _org, _role in found if source == "lead")
    police = memberships.police_organisation_ids
    police_contracts = frozenset(contract for _k, contract, org in org_seats if org in police)
    return UserScope(
        authenticated=True,
        is_national=is_national,
        is_superuser=user.is_superuser,
        organisation_ids=organisation_ids,
        police_organisation_ids=memberships.police_organisation_ids,
        managed_organisation_ids=memberships.managed_organisation_ids,
        municipality_organisation_ids=memberships.municipality_organisation_ids,
        committee_contract_ids=committee,
        chair_contract_ids=chaired,
        partner_contract_ids=partner,
        core_contract_ids=core,
        lead_contract_ids=lead,
        police_contract_ids=police_contracts,
    )


def visibility_signature(scope: UserScope) -> str:
    """Two people with the same signature see exactly the same records.

    Every part of the scope that changes what a page shows is in it: national reach, the
    contracts whose record the person reads, and the police tier (police members of a
    contract see incident-level data that its other members do not).
    """
    if scope.is_national and not scope.is_police:
        return "national"
    if not scope.authenticated or not (
        scope.member_contract_ids or scope.is_national or scope.is_police
    ):
        return "public"
    parts = [
        "national" if scope.is_national else "",
        ",".join(str(pk) for pk in sorted(scope.police_organisation_ids)),
        ",".join(str(pk) for pk in sorted(scope.police_contract_ids)),
        ",".join(str(pk) for pk in sorted(scope.member_contract_ids)),
    ]
    return "m" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
