"""Writes for governance: seats on the bodies and the committee's chair."""

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

# --- governance bodies ---------------------------------------------------------------------


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
    scope = scope_for(actor)
    if body.contract_id is None:
        if not scope.is_superuser:
            raise deny(_("Only an administrator can change the Interministerial Commission."))
    elif not scope.can_manage_contract(body.contract_id):
        raise deny(_("Only the contract's lead organisation can change its bodies."))
    if role == BodyRole.CHAIR and body.members.filter(role=BodyRole.CHAIR).exists():
        raise DomainError(
            _("This body already has a chair; change the chair instead."), field="role"
        )
    if role == BodyRole.CHAIR and body.kind != BodyKind.COMMITTEE:
        raise DomainError(_("Only the Coordinating Committee has a chair."), field="role")
    if person is not None and BodyMember.objects.filter(body=body, person=person).exists():
        raise DomainError(_("This person already sits on this body."), field="person")
    member = create_validated(
        BodyMember,
        actor=actor,
        reason="added",
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
    if body.contract_id is None:
        if not scope_for(actor).is_superuser:
            raise deny(_("Only an administrator can change the Interministerial Commission."))
    elif not scope_for(actor).can_manage_contract(body.contract_id):
        raise deny(_("Only the contract's lead organisation can change its bodies."))
    if member.role == BodyRole.CHAIR:
        raise DomainError(
            _("The Coordinating Committee cannot be left without a chair; name a new chair first.")
        )
    mark_change(member, actor=actor, reason="removed")
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
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise deny(_("Only the contract's lead organisation can change its bodies."))
    if person is None and not person_name.strip():
        raise DomainError(_("Name the new chair."), field="person")
    committee = GovernanceBody.objects.get(contract=contract, kind=BodyKind.COMMITTEE)
    for old in committee.members.filter(role=BodyRole.CHAIR):
        old.role = BodyRole.MEMBER
        save_fields(old, ["role"], actor=actor, reason="no longer chair")
    if person is not None:
        existing = committee.members.filter(person=person).first()
        if existing:
            existing.role = BodyRole.CHAIR
            save_fields(existing, ["role"], actor=actor, reason="named chair")
            return existing
    return create_validated(
        BodyMember,
        actor=actor,
        reason="named chair",
        body=committee,
        contract_id=committee.contract_id,
        organisation=organisation,
        person=person,
        person_name="" if person else person_name.strip(),
        role=BodyRole.CHAIR,
    )
