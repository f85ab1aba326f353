"""Writes for governance: seats on the bodies and the committee's chair.

Separation of duties: the Coordinating Committee approves what the lead organisation and the
Operational Core submit, so its seats and its chair are given by the committee's chair or by
national users (``UserScope.can_seat_committee``), never by the lead organisation, and nobody
gives a seat on it to themselves. Every change is recorded with who made it and why.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from localsafety.contracts.access import forget_scope, scope_for
from localsafety.contracts.models import (
    BodyKind,
    BodyMember,
    BodyRole,
    Contract,
    GovernanceBody,
)
from localsafety.contracts.services.common import (
    deny,
)
from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.errors import DomainError
from localsafety.organisations.models import Organisation, User
from localsafety.organisations.services import two_factor_rights_change

# --- governance bodies ---------------------------------------------------------------------


def _require_may_seat(actor: User, body: GovernanceBody) -> None:
    scope = scope_for(actor)
    if body.contract_id is None:
        if not scope.is_superuser:
            raise deny(_("Only an administrator can change the Interministerial Commission."))
    elif body.kind == BodyKind.COMMITTEE:
        if not scope.can_seat_committee(body.contract_id):
            raise deny(
                _(
                    "Only the chair of the Coordinating Committee or a national user changes "
                    "its members."
                )
            )
    elif not scope.can_manage_contract(body.contract_id):
        raise deny(_("Only the contract's lead organisation can change its bodies."))


def _seat_reason(actor: User, body: GovernanceBody, what: str) -> str:
    """The history's reason names the capacity in which the seat was changed (the audit)."""
    scope = scope_for(actor)
    if body.contract_id is not None and body.contract_id in scope.chair_contract_ids:
        capacity = "by the committee's chair"
    elif scope.is_national:
        capacity = "by a national user"
    else:
        capacity = "by the lead organisation"
    return f"{what} ({body.kind}) {capacity}"


@transaction.atomic
def body_member_add(
    *,
    actor: User,
    body: GovernanceBody,
    organisation: Organisation,
    person: User | None = None,
    person_name: str = "",
    role: str = BodyRole.MEMBER,
    data_origin: str = "entered",
) -> BodyMember:
    """Seat an organisation (and optionally a person) on a body; a body has one chair."""
    _require_may_seat(actor, body)
    if body.kind == BodyKind.COMMITTEE and person is not None and person.pk == actor.pk:
        raise deny(_("Nobody gives themselves a seat on the Coordinating Committee."))
    if role == BodyRole.CHAIR and body.members.filter(role=BodyRole.CHAIR).exists():
        raise DomainError(
            _("This body already has a chair; change the chair instead."), field="role"
        )
    if role == BodyRole.CHAIR and body.kind != BodyKind.COMMITTEE:
        raise DomainError(_("Only the Coordinating Committee has a chair."), field="role")
    if person is not None and BodyMember.objects.filter(body=body, person=person).exists():
        raise DomainError(_("This person already sits on this body."), field="person")
    # A seat on the Interministerial Commission makes the person a national user, who needs
    # two-factor: their sessions and API token end if they did not need it before.
    with two_factor_rights_change([person] if body.contract_id is None else []):
        member = create_validated(
            BodyMember,
            actor=actor,
            reason=_seat_reason(actor, body, "seat added"),
            body=body,
            contract_id=body.contract_id,
            organisation=organisation,
            person=person,
            person_name="" if person else person_name.strip(),
            role=role,
            data_origin=data_origin,
        )
    if person is not None:
        forget_scope(person)
    return member


@transaction.atomic
def body_member_remove(*, actor: User, member: BodyMember) -> None:
    body = member.body
    _require_may_seat(actor, body)
    if member.role == BodyRole.CHAIR:
        raise DomainError(
            _("The Coordinating Committee cannot be left without a chair; name a new chair first.")
        )
    mark_change(member, actor=actor, reason=_seat_reason(actor, body, "seat removed"))
    member.delete()


@transaction.atomic
def committee_chair_change(
    *,
    actor: User,
    contract: Contract,
    organisation: Organisation,
    person: User | None,
    person_name: str = "",
) -> BodyMember:
    committee = GovernanceBody.objects.get(contract=contract, kind=BodyKind.COMMITTEE)
    _require_may_seat(actor, committee)
    if person is not None and person.pk == actor.pk:
        raise deny(_("Nobody names themselves chair of the Coordinating Committee."))
    if person is None and not person_name.strip():
        raise DomainError(_("Name the new chair."), field="person")
    reason = _seat_reason(actor, committee, "named chair")
    for old in committee.members.filter(role=BodyRole.CHAIR):
        old.role = BodyRole.MEMBER
        save_fields(
            old, ["role"], actor=actor, reason=_seat_reason(actor, committee, "no longer chair")
        )
        if old.person_id == actor.pk:
            forget_scope(actor)  # the chair who hands over is no longer the chair
    if person is not None:
        forget_scope(person)
        existing = committee.members.filter(person=person).first()
        if existing:
            existing.role = BodyRole.CHAIR
            save_fields(existing, ["role"], actor=actor, reason=reason)
            return existing
    return create_validated(
        BodyMember,
        actor=actor,
        reason=reason,
        body=committee,
        contract_id=committee.contract_id,
        organisation=organisation,
        person=person,
        person_name="" if person else person_name.strip(),
        role=BodyRole.CHAIR,
    )
