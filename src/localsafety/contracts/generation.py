"""A contract's *generation* moves forward by itself whenever something its pages show changes.

Cached fragments (``core.fragments``) are keyed on ``Contract.updated_at``, so every write to a
record that belongs to a contract must move it. Instead of each service remembering to do so,
``connect()`` (called from ``ContractsConfig.ready``) finds, once at start-up, every model with a
chain of foreign keys up to ``Contract`` (seats through their body, attendees through their
meeting, zones through ``owner_contract``, the ``areas``/``axes`` link tables…) and listens to
its ``post_save``, ``post_delete`` and ``m2m_changed`` signals. A model added later by another
app is covered the moment it has such a chain. Writes through services, the audit helpers,
the Django admin (inline seat edits included) and the shell all move the generation.

A record that contract-owned rows merely *point at* (an organisation shown as a signatory or a
seat, a person in a seat, a municipality, a national axis) moves the generation of every
contract pointing at it when it is saved, so a renamed organisation is not shown under its old
name.

The move is one ``UPDATE contracts_contract SET updated_at = now WHERE …`` with the affected
contracts in a sub-query: no extra read, no ``save()`` (so no history row and no recursion). It
runs inside the writer's transaction, after the write, so a reader never caches the old data
under the new key. It is deliberately not de-duplicated within a transaction: a page rendered
between two writes of one transaction (a test, a view that writes twice) must see a new key
after the second one too; one indexed UPDATE per write is cheap.

Bulk writes (``QuerySet.update``, ``bulk_create``) send no signals: code that uses them calls
``contract_generation_move`` itself (the generator creates contracts with fresh timestamps).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from simple_history.models import HistoricalChanges

from localsafety.contracts.models import Contract

__all__ = ["OwnerPath", "connect", "contract_generation_move", "owner_paths"]

# Saves that change nothing a page shows (a sign-in records ``last_login``).
QUIET_FIELDS = frozenset({"last_login"})
MAX_DEPTH = 3
_CLEARED_ATTR = "_localsafety_cleared_owners"


@dataclass(frozen=True)
class OwnerPath:
    """How a row of ``model`` reaches its contract: foreign keys followed in order."""

    model: type[models.Model]
    hops: tuple[models.ForeignKey[Any, Any], ...]
    # False for a record that belongs to no contract but is shown on contract pages.
    owned: bool = True
    # Rows that point at a record of ``model`` without belonging to it: the referring
    # model's foreign key to ``model`` and the referring model's own path.
    referrers: list[tuple[models.ForeignKey[Any, Any], OwnerPath]] = field(default_factory=list)

    @property
    def strict(self) -> bool:
        """Every row has a contract (no nullable hop), so its children share it."""
        return self.owned and all(not hop.null for hop in self.hops)

    def contracts_from_first_hop(self, values: Iterable[Any]) -> Q:
        """Contracts of rows whose first hop holds one of ``values`` (their own key if no hop)."""
        values = [value for value in values if value is not None]
        if not self.hops:
            return Q(pk__in=values)
        first, rest = self.hops[0], self.hops[1:]
        if not rest:
            return Q(pk__in=values)
        lookup = "__".join(hop.name for hop in rest)
        parents = _target(first)._default_manager.filter(pk__in=values)
        return Q(pk__in=parents.values(lookup))

    def contracts_of(self, instance: models.Model) -> Q:
        if not self.owned:
            return Q(pk__in=[])
        if not self.hops:
            return Q(pk=instance.pk)
        return self.contracts_from_first_hop([getattr(instance, self.hops[0].attname)])

    def contracts_of_rows(self, queryset: models.QuerySet[Any]) -> Q:
        if not self.hops:
            return Q(pk__in=queryset.values("pk"))
        return Q(pk__in=queryset.values("__".join(hop.name for hop in self.hops)))


def contract_generation_move(condition: Q) -> int:
    """Move the generation of the contracts matching ``condition``; one UPDATE."""
    return Contract.objects.filter(condition).update(updated_at=timezone.now())


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("localsafety.")
        and not issubclass(model, HistoricalChanges)
        and not model._meta.proxy
    ]


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        fk
        for fk in model._meta.concrete_fields
        if isinstance(fk, models.ForeignKey) and fk.related_model is not None
    ]


def _target(fk: models.ForeignKey[Any, Any]) -> type[models.Model]:
    return cast("type[models.Model]", fk.related_model)


def _belongs_to(fk: models.ForeignKey[Any, Any]) -> bool:
    """A row belongs to what it is deleted with; ``PROTECT``/``SET_NULL`` only point."""
    return fk.remote_field.on_delete is models.CASCADE


def _shortest_hops(model: type[models.Model]) -> tuple[models.ForeignKey[Any, Any], ...] | None:
    if model is Contract:
        return ()
    frontier: list[tuple[type[models.Model], tuple[models.ForeignKey[Any, Any], ...]]] = [
        (model, ())
    ]
    for _depth in range(MAX_DEPTH):
        following = []
        for current, hops in frontier:
            for fk in filter(_belongs_to, _foreign_keys(current)):
                target = _target(fk)
                if target is Contract:
                    return (*hops, fk)
                if target is not current and target is not model:
                    following.append((target, (*hops, fk)))
        frontier = following
    return None


def owner_paths() -> dict[type[models.Model], OwnerPath]:
    """Every project model with a foreign-key chain to a contract, or pointed at by one."""
    project = _project_models()
    paths: dict[type[models.Model], OwnerPath] = {}
    for model in project:
        hops = _shortest_hops(model)
        if hops is not None:
            paths[model] = OwnerPath(model, hops)
    for model, path in list(paths.items()):
        for fk in _foreign_keys(model):
            target = _target(fk)
            if fk in path.hops[:1] or target is Contract:
                continue
            target_path = paths.get(target)
            if target_path is not None and target_path.strict:
                continue  # a child and its parent name the same contract
            if target_path is None:
                if target not in project:
                    continue  # Django's own tables (groups, content types)
                target_path = paths.setdefault(target, OwnerPath(target, (), owned=False))
            target_path.referrers.append((fk, path))
    return paths


def _on_save(path: OwnerPath):  # type: ignore[no-untyped-def]
    def receiver(sender: Any, instance: models.Model, update_fields: Any = None, **_: Any) -> None:
        if update_fields is not None and set(update_fields) <= QUIET_FIELDS:
            return
        if sender is Contract and (update_fields is None or "updated_at" in update_fields):
            return  # ``auto_now`` already moved it
        condition = path.contracts_of(instance)
        for fk, referrer in path.referrers:
            rows = referrer.model._default_manager.filter(**{fk.attname: instance.pk})
            condition |= referrer.contracts_of_rows(rows)
        contract_generation_move(condition)

    return receiver


def _on_delete(path: OwnerPath):  # type: ignore[no-untyped-def]
    def receiver(sender: Any, instance: models.Model, **_: Any) -> None:
        # Rows pointing at a deleted record are deleted or cleared first and move their own
        # contracts; a deleted contract has no generation left to move.
        if sender is not Contract and path.owned:
            contract_generation_move(path.contracts_of(instance))

    return receiver


def _on_m2m(through_path: OwnerPath):  # type: ignore[no-untyped-def]
    first = through_path.hops[0]

    def receiver(
        sender: Any,
        instance: models.Model,
        action: str,
        model: type[models.Model],
        pk_set: set[Any] | None,
        **_: Any,
    ) -> None:
        # The link table reaches its contract through one of its two columns: the side of
        # ``instance`` or the side of the records added or removed.
        instance_side = isinstance(instance, _target(first))
        if action == "pre_clear" and not instance_side:
            other = next(fk for fk in _foreign_keys(sender) if fk is not first)
            values = sender._default_manager.filter(**{other.attname: instance.pk}).values_list(
                first.attname, flat=True
            )
            setattr(instance, _CLEARED_ATTR, list(values))
            return
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        if instance_side:
            firsts: Iterable[Any] = [instance.pk]
        elif action == "post_clear":
            firsts = getattr(instance, _CLEARED_ATTR, [])
        else:
            firsts = pk_set or []
        contract_generation_move(through_path.contracts_from_first_hop(firsts))

    return receiver


_connected = False


def connect() -> None:
    """Listen to every model on a path to a contract (once per process)."""
    global _connected
    if _connected:
        return
    _connected = True
    for model, path in owner_paths().items():
        uid = f"contract-generation:{model._meta.label}"
        if model._meta.auto_created:
            m2m_changed.connect(_on_m2m(path), sender=model, weak=False, dispatch_uid=uid)
            continue
        post_save.connect(_on_save(path), sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(_on_delete(path), sender=model, weak=False, dispatch_uid=uid)
