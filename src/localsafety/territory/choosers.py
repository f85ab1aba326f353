"""Choosing a municipality: names that repeat (Lagoa, Calheta) carry their district or island.

Portugal has two Lagoas (Faro; Ilha de São Miguel) and two Calhetas (Ilha da Madeira; Ilha de
São Jorge): a list of bare names would offer the same word twice. ``MunicipalityChoiceField``
labels those with their district or island — "Lagoa (Faro)", "Lagoa (Ilha de São Miguel)" —
with one query for the whole list, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms

from localsafety.core.text import fold
from localsafety.territory.models import Area, AreaKind


def repeated_municipality_labels() -> dict[int, str]:
    """``pk -> "Name (district or island)"`` for every municipality whose name repeats.

    One query over the 308 municipalities' names (grouping them in the database would
    cost the same and say less)."""
    rows = Area.objects.filter(kind=AreaKind.MUNICIPALITY, owner_contract__isnull=True).values_list(
        "pk", "name", "parent__name"
    )
    by_key: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    for pk, name, parent in rows:
        by_key[fold(name)].append((pk, name, parent))
    return {
        pk: f"{name} ({parent})" if parent else name
        for same in by_key.values()
        if len(same) > 1
        for pk, name, parent in same
    }


def municipality_label(area: Area, labels: dict[int, str]) -> str:
    return labels.get(area.pk, area.name)


class MunicipalityChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A municipality, labelled with its district or island where its name repeats."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "queryset",
            Area.objects.filter(kind=AreaKind.MUNICIPALITY, owner_contract__isnull=True),
        )
        super().__init__(*args, **kwargs)
        # Each form's copy of the field computes the labels once (the class's own is never
        # rendered, so every copy starts with none).
        self._labels: dict[int, str] | None = None

    def label_from_instance(self, obj: Any) -> str:
        if self._labels is None:
            self._labels = repeated_municipality_labels()
        return municipality_label(obj, self._labels)
