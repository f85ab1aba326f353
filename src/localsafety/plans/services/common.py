"""What the plan services share: who may do what, the organisations of a contract, the lock."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import BodyMember, Contract, Signatory
from localsafety.core.errors import ConflictError
from localsafety.core.locking import require_version
from localsafety.plans.models import PlanVersion


def can_draft(actor: Any, contract_id: int) -> bool:
    """The Operational Core (its organisations and the lead organisation) drafts the plan."""
    return scope_for(actor).can_submit_stage(contract_id)


def can_judge(actor: Any, contract_id: int) -> bool:
    """The Coordinating Committee approves, returns and publishes."""
    return scope_for(actor).can_decide_stage(contract_id)


def can_endorse(actor: Any) -> bool:
    return scope_for(actor).can_endorse_plan()


def require_drafter(actor: Any, contract_id: int) -> None:
    if not can_draft(actor, contract_id):
        raise PermissionDenied(_("Only the Operational Core drafts the intervention plan."))


def require_editable(version: PlanVersion) -> None:
    """An approved (or submitted) version is frozen: changes go into a new version."""
    if not version.is_editable:
        raise ConflictError(
            _(
                "Version %(number)s of the plan is “%(status)s” and can no longer be changed; "
                "changes go into a new version."
            )
            % {"number": version.number, "status": version.get_status_display()}
        )


def check_version(instance: Any, expected: int | str | None) -> None:
    require_version(instance.version, expected)


def contract_organisation_ids(contract: Contract | int) -> set[int]:
    """The organisations that belong to a contract: its lead, its signatories and the
    organisations seated on its bodies."""
    contract_id = contract if isinstance(contract, int) else contract.pk
    lead = (
        Contract.objects.filter(pk=contract_id)
        .order_by()
        .values_list("lead_organisation_id", flat=True)
    )
    seated = (
        BodyMember.objects.filter(body__contract_id=contract_id)
        .order_by()
        .values_list("organisation_id", flat=True)
    )
    signed = (
        Signatory.objects.filter(contract_id=contract_id)
        .order_by()
        .values_list("organisation_id", flat=True)
    )
    return set(lead.union(seated, signed))
