"""What the contract services share: touching a contract, refusing, the acting organisation,
the version check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import (
    BodyMember,
    Contract,
    Meeting,
    Stage,
)
from localsafety.core.locking import require_version
from localsafety.organisations.models import Organisation, User


def contract_touch(contract_id: int) -> None:
    """Mark a contract as changed: its pages' cached fragments are keyed on ``updated_at``.

    Called by every service that changes something a contract page shows (stages, bodies,
    members, signatories, axes, zones), so cached pages are never stale.
    """
    Contract.objects.filter(pk=contract_id).update(updated_at=timezone.now())


def deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def organisation_for(actor: User, contract: Contract) -> Organisation | None:
    """The organisation on whose behalf ``actor`` acts in ``contract`` (first match)."""
    scope = scope_for(actor)
    if contract.lead_organisation_id in scope.organisation_ids:
        return contract.lead_organisation
    seat_orgs = BodyMember.objects.filter(
        body__contract=contract, organisation_id__in=scope.organisation_ids
    ).values_list("organisation_id", flat=True)
    for org_id in seat_orgs:
        return Organisation.objects.get(pk=org_id)
    if scope.organisation_ids:
        return Organisation.objects.filter(pk__in=scope.organisation_ids).first()
    return None


def check_version(instance: Contract | Stage | Meeting, expected: int | None) -> None:
    """The edit names the version it was made on (400 if not) and it is the stored one (409)."""
    require_version(instance.version, expected)
