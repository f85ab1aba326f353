"""Choosing a municipality: names that repeat (Lagoa, Calheta) carry their district or island.

Portugal has two Lagoas (Faro; Ilha de São Miguel) and two Calhetas (Ilha da Madeira; Ilha de
São Jorge): a list of bare names would offer the same word twice. ``MunicipalityChoiceField``
labels those with their district or island — "Lagoa (Faro)", "Lagoa (Ilha de São Miguel)" —
with one query for the whole list, whatever its size.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count

from localsafety.territory.models import Area, AreaKind


def repeated_municipality_labels() -> dict[int, str]:
    """``pk -> "Name (district or island)"`` for every municipality whose name repeats."""
    official = Area.objects.filter(kind=AreaKind.MUNICIPALITY, owner_contract__isnull=True)
    repeated = (
        official.order_by().values("name_key").annotate(n=Count("pk")).filter(n__gt=1)
    ).values("name_key")
    rows = official.filter(name_key__in=repeated).values_list("pk", "name", "parent__name")
    return {pk: f"{name} ({parent})" if parent else name for pk, name, parent in rows}


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
        self._labels: dict[int, str] | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        copy = super().__deepcopy__(memo)
        copy._labels = None  # each form computes its labels afresh, once
        return copy

    def label_from_instance(self, obj: Any) -> str:
        if self._labels is None:
            self._labels = repeated_municipality_labels()
        return municipality_label(obj, self._labels)
