"""The national reference rows: written by migration 0004, ensured again without duplicates."""

from __future__ import annotations

import pytest

from localsafety.contracts.models import Axis, BodyKind, GovernanceBody
from localsafety.contracts.reference import (
    NATIONAL_AXES,
    ensure_national_reference,
)

pytestmark = pytest.mark.django_db


def test_the_migration_wrote_the_four_axes_and_the_commission() -> None:
    # No world, no ensure_* call: only the migrations have run on this database.
    axes = list(Axis.objects.national().order_by("position"))
    assert [(a.code, a.name_en, a.name_pt) for a in axes] == NATIONAL_AXES
    assert {a.data_origin for a in axes} == {"real"}
    commission = GovernanceBody.objects.get(contract=None)
    assert (commission.kind, commission.name) == (
        BodyKind.INTERMINISTERIAL,
        str(BodyKind.INTERMINISTERIAL.label),
    )


def test_ensuring_again_returns_the_same_rows_and_adds_none() -> None:
    first = ensure_national_reference()
    second = ensure_national_reference()
    assert [a.pk for a in first.axes] == [a.pk for a in second.axes]
    assert first.commission.pk == second.commission.pk
    assert Axis.objects.national().count() == len(NATIONAL_AXES)
    assert GovernanceBody.objects.filter(contract=None).count() == 1


def test_ensuring_recreates_rows_a_flush_removed() -> None:
    Axis.objects.national().delete()
    GovernanceBody.objects.filter(contract=None).delete()
    reference = ensure_national_reference()
    assert [a.code for a in reference.axes] == [code for code, _en, _pt in NATIONAL_AXES]
    assert reference.commission.kind == BodyKind.INTERMINISTERIAL
