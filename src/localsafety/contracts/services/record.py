"""Writes for the contract record: the contract itself, its axes and signatories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from localsafety.contracts.access import forget_scope, scope_for
from localsafety.contracts.models import (
    STAGE_ORDER,
    Axis,
    BodyKind,
    BodyMember,
    BodyRole,
    Contract,
    GovernanceBody,
    Signatory,
    Stage,
    StageStatus,
)
from localsafety.contracts.services.common import (
    check_version,
    deny,
)
from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.errors import DomainError
from localsafety.core.models import DataOrigin
from localsafety.organisations.models import Organisation, OrganisationKind, User
from localsafety.territory.models import Area, AreaKind

# --- contracts -------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    actor: User,
    title: str,
    category: str,
    municipality: Area,
    lead_organisation: Organisation,
    chair: User | None,
    chair_name: str = "",
    chair_organisation: Organisation | None = None,
    signed_on: dt.date | None = None,
    signing_place: str = "",
    summary: str = "",
    areas: Iterable[Area] = (),
    axes: Iterable[Axis] | None = None,
    is_published: bool = False,
    data_origin: str = "entered",
    source_note: str = "",
) -> Contract:
    """Create a contract with its two bodies, a chaired Coordinating Committee and four stages."""
    scope = scope_for(actor)
    if not (scope.can_create_contracts or actor.is_superuser):
        raise deny(_("Only a municipality's managers can register a contract."))
    if municipality.kind != AreaKind.MUNICIPALITY:
        raise DomainError(
            _("The contract's municipality must be a municipality."), field="municipality"
        )
    if not scope.is_national:
        _check_own_territory(scope.managed_organisation_ids, lead_organisation, municipality)
    if chair is None and not chair_name.strip():
        raise DomainError(
            _("A contract needs the chair of its Coordinating Committee (usually the mayor)."),
            field="chair",
        )
    if chair is not None and chair.pk == actor.pk:
        # The chair gives the committee's seats: naming oneself would be seating oneself.
        raise DomainError(
            _("Nobody names themselves chair of the Coordinating Committee."), field="chair"
        )
    contract = create_validated(
        Contract,
        actor=actor,
        reason="created",
        title=title,
        category=category,
        municipality=municipality,
        lead_organisation=lead_organisation,
        signed_on=signed_on,
        signing_place=signing_place,
        summary=summary,
        is_published=is_published,
        data_origin=data_origin,
        source_note=source_note,
    )
    chosen_areas = list(areas) or [municipality]
    _check_areas(contract, chosen_areas)
    contract.areas.set(chosen_areas)
    contract.axes.set(list(axes) if axes is not None else list(Axis.objects.national()))
    committee = create_validated(
        GovernanceBody,
        actor=actor,
        kind=BodyKind.COMMITTEE,
        contract=contract,
    )
    create_validated(
        GovernanceBody,
        actor=actor,
        kind=BodyKind.CORE,
        contract=contract,
    )
    create_validated(
        BodyMember,
        actor=actor,
        body=committee,
        contract=contract,
        organisation=chair_organisation or lead_organisation,
        person=chair,
        person_name="" if chair else chair_name.strip(),
        role=BodyRole.CHAIR,
        # A seat is no more real than the person in it: a made-up mayor is never "Real".
        data_origin=DataOrigin.SYNTHETIC
        if chair is not None and chair.data_origin == DataOrigin.SYNTHETIC
        else data_origin,
    )
    for position, kind in enumerate(STAGE_ORDER, start=1):
        create_validated(
            Stage,
            actor=actor,
            contract=contract,
            kind=kind,
            position=position,
            status=StageStatus.IN_PREPARATION if position == 1 else StageStatus.NOT_STARTED,
        )
    create_validated(
        Signatory,
        actor=actor,
        contract=contract,
        organisation=lead_organisation,
        data_origin=data_origin,
    )
    forget_scope(actor)
    return contract


def _check_own_territory(
    managed_organisation_ids: frozenset[int], lead: Organisation, municipality: Area
) -> None:
    """A municipality registers contracts only for itself: the lead organisation is a
    municipality the person manages, and the contract's municipality is that one's own
    (national users register any: the caller skips this)."""
    if lead.pk not in managed_organisation_ids:
        raise deny(_("You can only register contracts led by an organisation you manage."))
    if lead.kind != OrganisationKind.MUNICIPALITY or lead.municipality_id != municipality.pk:
        raise deny(
            _(
                "A municipality registers contracts only for its own territory: "
                "%(municipality)s is not the municipality of %(organisation)s."
            )
            % {"municipality": municipality.name, "organisation": lead.name}
        )


def _check_areas(contract: Contract, areas: list[Area]) -> None:
    """Covered areas lie inside the contract's municipality: the municipality itself, its
    parishes, and the contract's own zones (never another contract's zone, another
    municipality's parish, or a district or region around it)."""
    for area in areas:
        if area.owner_contract_id is not None:
            if area.owner_contract_id != contract.pk:
                raise DomainError(
                    _("Zone %(zone)s belongs to another contract.") % {"zone": area.name},
                    field="areas",
                )
            continue
        inside = area.pk == contract.municipality_id or (
            area.kind == AreaKind.PARISH and area.parent_id == contract.municipality_id
        )
        if not inside:
            raise DomainError(
                _("%(area)s is not inside the contract's municipality, %(municipality)s.")
                % {"area": area.name, "municipality": contract.municipality.name},
                field="areas",
            )


@transaction.atomic
def contract_update(
    *,
    actor: User,
    contract: Contract,
    expected_version: int | None,
    changes: dict[str, Any],
    areas: Iterable[Area] | None = None,
    axes: Iterable[Axis] | None = None,
) -> Contract:
    """Change a contract's own fields; refuses with a conflict if it changed meanwhile."""
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise deny(_("Only the contract's lead organisation can edit it."))
    allowed = {"title", "category", "summary", "signed_on", "signing_place", "is_published"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    check_version(locked, expected_version)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version += 1
    save_fields(locked, [*changes, "version", "updated_at"], actor=actor, reason="edited")
    if areas is not None:
        chosen = list(areas)
        if not chosen:
            raise DomainError(_("A contract covers at least one area."), field="areas")
        _check_areas(locked, chosen)
        mark_change(locked, actor=actor, reason="areas changed")
        locked.areas.set(chosen)
    if axes is not None:
        chosen_axes = list(axes)
        for axis in chosen_axes:
            if axis.contract_id not in (None, locked.pk):
                raise DomainError(_("That axis belongs to another contract."), field="axes")
        mark_change(locked, actor=actor, reason="axes changed")
        locked.axes.set(chosen_axes)
    return locked


@transaction.atomic
def axis_create(*, actor: User, contract: Contract, code: str, name_en: str, name_pt: str) -> Axis:
    """A contract may add its own axes beside the four national ones."""
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise deny(_("Only the contract's lead organisation can add axes."))
    if (
        Axis.objects.filter(contract=contract, code=code).exists()
        or Axis.objects.filter(contract__isnull=True, code=code).exists()
    ):
        raise DomainError(_("An axis with this code already exists."), field="code")
    position = Axis.objects.filter(contract=contract).count() + 10
    axis = create_validated(
        Axis,
        actor=actor,
        contract=contract,
        code=code,
        name_en=name_en,
        name_pt=name_pt,
        position=position,
    )
    contract.axes.add(axis)
    return axis


@transaction.atomic
def signatory_add(
    *, actor: User, contract: Contract, organisation: Organisation, signed_by: str = ""
) -> Signatory:
    if not scope_for(actor).can_manage_contract(contract.pk):
        raise deny(_("Only the contract's lead organisation can edit signatories."))
    if Signatory.objects.filter(contract=contract, organisation=organisation).exists():
        raise DomainError(_("This organisation already signed the contract."), field="organisation")
    signatory = create_validated(
        Signatory, actor=actor, contract=contract, organisation=organisation, signed_by=signed_by
    )
    return signatory


@transaction.atomic
def signatory_remove(*, actor: User, signatory: Signatory) -> None:
    if not scope_for(actor).can_manage_contract(signatory.contract_id):
        raise deny(_("Only the contract's lead organisation can edit signatories."))
    mark_change(signatory, actor=actor, reason="removed")
    signatory.delete()
