"""National reference rows every installation has: the four axes and the national commission.

Written once by the data migration ``0004_national_reference`` (with the historical models it
is given) and ensured again, idempotently, by the demo, the generator and the test world, so
the names live here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from localsafety.contracts.models import Axis, BodyKind, GovernanceBody

# The four national intervention axes of the Local Safety Contracts (code, English, Portuguese).
NATIONAL_AXES: list[tuple[str, str, str]] = [
    ("i", "Prevention of juvenile delinquency", "Prevenção da delinquência juvenil"),
    (
        "ii",
        "Requalification of urban areas and removal of crime-promoting factors",
        "Requalificação de áreas urbanas e eliminação de fatores criminógenos",
    ),
    ("iii", "Reduction of social vulnerabilities", "Redução de vulnerabilidades sociais"),
    (
        "iv",
        "Promotion of citizenship and gender equality",
        "Promoção da cidadania e da igualdade de género",
    ),
]


@dataclass(frozen=True)
class NationalReference:
    axes: list[Axis]  # in order i–iv
    commission: GovernanceBody


def ensure_national_axes(axis_model: Any = Axis) -> list[Axis]:
    """The four national axes, created if missing (``axis_model``: a historical model)."""
    axes = []
    for position, (code, name_en, name_pt) in enumerate(NATIONAL_AXES, start=1):
        axis, _created = axis_model.objects.get_or_create(
            contract=None,
            code=code,
            defaults={
                "name_en": name_en,
                "name_pt": name_pt,
                "position": position,
                "data_origin": "real",
            },
        )
        axes.append(axis)
    return axes


def ensure_national_commission(body_model: Any = GovernanceBody) -> GovernanceBody:
    """The Interministerial Commission, created if missing."""
    body: GovernanceBody
    body, _created = body_model.objects.get_or_create(
        kind=BodyKind.INTERMINISTERIAL.value, contract=None
    )
    return body


def ensure_national_reference(apps: Any = None) -> NationalReference:
    """Both, idempotently. In a migration pass its ``apps`` to use the historical models."""
    if apps is None:
        return NationalReference(ensure_national_axes(), ensure_national_commission())
    return NationalReference(
        ensure_national_axes(apps.get_model("contracts", "Axis")),
        ensure_national_commission(apps.get_model("contracts", "GovernanceBody")),
    )
