"""Helpers for recording change history (django-simple-history) from services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def mark_change(instance: Model, *, actor: Any = None, reason: str = "") -> None:
    """Attach who and why to the next history record of ``instance``."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason[:100]  # type: ignore[attr-defined]


def save_fields(instance: Model, fields: list[str], *, actor: Any = None, reason: str = "") -> None:
    """Validate and save only ``fields`` so concurrent edits of other fields survive."""
    instance.full_clean()
    mark_change(instance, actor=actor, reason=reason)
    instance.save(update_fields=[*fields])


def create_validated(model: type[M], *, actor: Any = None, reason: str = "", **values: Any) -> M:
    instance = model(**values)
    instance.full_clean()
    mark_change(instance, actor=actor, reason=reason)
    instance.save()
    return instance
