"""Records that belong to one contract, and who may read them: decided once, here.

Every model that belongs to a contract stores its own ``contract`` column (copied by the
service from the parent when the record is created) and inherits ``visible_to(user, need=…)``
from :class:`ContractOwnedQuerySet`. The default *need* is strict (the contract's restricted
record); a page that shows less asks for less explicitly. A new kind of reader is a new
:class:`Need`, not a new field scattered over the scope; a model with a stricter tier (e.g.
incident records, for police only) declares it once as ``default_need``.

``ContractQuerySet.visible_to`` on :class:`~localsafety.contracts.models.Contract` itself uses
the same conditions (``contract_condition``), so a child can never be more visible than its
contract.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from localsafety.contracts.access import scope_for

_M = TypeVar("_M", bound=models.Model)
_Q = TypeVar("_Q", bound="ContractOwnedQuerySet[Any]")


class Need(enum.StrEnum):
    """What a reader needs a record for; each need is met by a different part of the scope."""

    #: The contract's page: published contracts, plus members and national users.
    PAGE = "page"
    #: The contract's restricted record (meetings, documents, history): members and national.
    RECORD = "record"
    #: Keeping the record: the lead organisation's people (and superusers).
    MANAGE = "manage"
    #: Incident-level police data: police organisations seated on the contract.
    POLICE = "police"


def contract_condition(user: Any, need: Need, *, contract_id: str, published: str) -> Q:
    """The condition on a contract key (``contract_id``) that meets ``need`` for ``user``.

    ``published`` is the path to the contract's ``is_published`` flag. Returns ``Q(pk__in=[])``
    (nothing) rather than raising for people with no reach.
    """
    scope = scope_for(user)
    nothing = Q(pk__in=[])
    if need is Need.PAGE:
        if scope.is_national:
            return Q()
        return Q(**{published: True}) | Q(**{f"{contract_id}__in": scope.member_contract_ids})
    if need is Need.RECORD:
        if scope.is_national:
            return Q()
        if not scope.member_contract_ids:
            return nothing
        return Q(**{f"{contract_id}__in": scope.member_contract_ids})
    if need is Need.MANAGE:
        if scope.is_superuser:
            return Q()
        if not scope.lead_contract_ids:
            return nothing
        return Q(**{f"{contract_id}__in": scope.lead_contract_ids})
    if need is Need.POLICE:
        if not scope.police_contract_ids:
            return nothing
        return Q(**{f"{contract_id}__in": scope.police_contract_ids})
    raise ValueError(f"unknown need {need!r}")


class ContractOwnedQuerySet(models.QuerySet[_M]):
    """``visible_to(user, need)`` for every record that belongs to a contract."""

    def visible_to(self: _Q, user: Any, need: Need | None = None) -> _Q:
        model = self.model
        need = Need(need or model.default_need)
        field = model.contract_field
        condition = contract_condition(
            user, need, contract_id=f"{field}_id", published=f"{field}__is_published"
        )
        if not condition:
            return self.all()  # an empty condition is "everything" (Q() | x would narrow it)
        if model.national_rows_public and need in (Need.PAGE, Need.RECORD):
            # Rows without a contract (the national axes, the Interministerial Commission)
            # are public reference data.
            condition |= Q(**{f"{field}__isnull": True})
        return self.filter(condition)

    def of_contract(self: _Q, contract: Any) -> _Q:
        return self.filter(**{model_field(self.model): contract})


def model_field(model: Any) -> str:
    return str(model.contract_field)


class ContractOwned(models.Model):
    """Abstract base of every record that belongs to one contract.

    Subclasses declare a ``contract`` foreign key (or name another in ``contract_field``) and
    may set ``default_need`` (strict by default) and ``national_rows_public`` (for models whose
    rows without a contract are national reference data that anyone may read, e.g. the four
    national axes).
    """

    contract_field: ClassVar[str] = "contract"
    default_need: ClassVar[Need] = Need.RECORD
    national_rows_public: ClassVar[bool] = False

    objects = ContractOwnedQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        adopt_parent_contract(self)
        check_same_contract(self)


def contract_owned_parents(instance: Any) -> list[tuple[str, Any]]:
    """(field name, parent) for each foreign key of ``instance`` to another owned record."""
    parents = []
    for field in instance._meta.concrete_fields:
        if not field.is_relation or field.name == getattr(instance, "contract_field", None):
            continue
        related = field.related_model
        if related is None or not is_contract_owned(related):
            continue
        if getattr(instance, field.attname) is None:
            continue
        parents.append((field.name, getattr(instance, field.name)))
    return parents


def adopt_parent_contract(instance: Any) -> None:
    """A record created without its contract (an admin inline form) takes its parent's."""
    field = instance.contract_field
    if getattr(instance, f"{field}_id") is not None:
        return
    for _name, parent in contract_owned_parents(instance):
        setattr(instance, f"{field}_id", getattr(parent, f"{parent.contract_field}_id"))
        return


def check_same_contract(instance: Any) -> None:
    """A child names the same contract as every owned parent it points to."""
    own = getattr(instance, f"{instance.contract_field}_id")
    errors = {}
    for name, parent in contract_owned_parents(instance):
        theirs = getattr(parent, f"{parent.contract_field}_id")
        if theirs is None and parent.national_rows_public:
            continue  # national reference rows (the four axes) serve every contract
        if theirs != own:
            errors[name] = _("This belongs to another contract.")
    if errors:
        raise ValidationError(errors)


def is_contract_owned(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, ContractOwned)


# --- records a police force owns -------------------------------------------------------------


class PoliceOwnedQuerySet(models.QuerySet[_M]):
    """``visible_to(user)`` for incident-level police data: members of the owning force only.

    Incident records belong to the police organisation that imported them, not to a contract
    (one force's export covers many contracts, and a contract's territory many forces). No
    other reader exists: national users, the contract's partners and coordinators see these
    data only as aggregates with small counts suppressed, read through the diagnosis app's
    aggregate selectors, never through these querysets.
    """

    def visible_to(self, user: Any, need: Need | None = None) -> models.QuerySet[_M]:
        scope = scope_for(user)
        if not scope.police_organisation_ids:
            return self.none()
        field = self.model.organisation_field  # type: ignore[attr-defined]
        return self.filter(**{f"{field}_id__in": scope.police_organisation_ids})


class PoliceOwned(models.Model):
    """Abstract base of every record that belongs to one police organisation (PSP, GNR).

    Subclasses declare an ``organisation`` foreign key to ``organisations.Organisation`` (or
    name another in ``organisation_field``); the service copies it from the parent. The system
    check (``contracts.checks``) accepts these as the one other owned category besides
    :class:`ContractOwned`.
    """

    organisation_field: ClassVar[str] = "organisation"

    objects = PoliceOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


def is_police_owned(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, PoliceOwned)
