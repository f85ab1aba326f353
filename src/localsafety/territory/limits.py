"""The caps on boundary and zone imports, in one place: enforced here, stated on the pages.

- file size: official boundaries (national users) ``LOCALSAFETY_MAX_AREA_FILE_BYTES``, a
  contract's zones ``LOCALSAFETY_MAX_ZONE_FILE_BYTES``;
- features per file: ``LOCALSAFETY_MAX_IMPORT_FEATURES`` (for zones, no more than a contract
  may hold), read from the file's header before any geometry is parsed;
- zones per contract, drawn or uploaded: ``LOCALSAFETY_MAX_ZONES_PER_CONTRACT``;
- problems listed for a refused file: ``LOCALSAFETY_IMPORT_PROBLEMS_SHOWN`` (and how many
  there were in all), so a problems page stays small however bad the file.

A contract is an opaque object here (``territory`` does not import ``contracts``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from localsafety.core.sizes import format_file_size
from localsafety.territory.models import Area, AreaKind

# A GeoPackage may hold many layers; each is opened to read its fields.
MAX_LAYERS = 100


def max_file_bytes(kind: str) -> int:
    if kind == AreaKind.ZONE:
        return int(settings.LOCALSAFETY_MAX_ZONE_FILE_BYTES)
    return int(settings.LOCALSAFETY_MAX_AREA_FILE_BYTES)


def max_features(kind: str) -> int:
    limit = int(settings.LOCALSAFETY_MAX_IMPORT_FEATURES)
    if kind == AreaKind.ZONE:
        return min(limit, max_zones())
    return limit


def max_zones() -> int:
    return int(settings.LOCALSAFETY_MAX_ZONES_PER_CONTRACT)


def problems_shown() -> int:
    return int(settings.LOCALSAFETY_IMPORT_PROBLEMS_SHOWN)


def zone_count(contract: Any) -> int:
    return Area.objects.filter(kind=AreaKind.ZONE, owner_contract=contract).count()


def lock_contract(contract: Any) -> None:
    """Hold the contract's row until the transaction ends: zone counts cannot race."""
    type(contract)._default_manager.select_for_update().filter(pk=contract.pk).exists()


def too_many_zones(contract: Any, total: int) -> str | None:
    """Why a contract may not hold ``total`` zones, or None if it may."""
    limit = max_zones()
    if total <= limit:
        return None
    return ngettext(
        "A contract holds at most %(limit)s zone; this would make %(total)s.",
        "A contract holds at most %(limit)s zones; this would make %(total)s.",
        limit,
    ) % {"limit": limit, "total": total}


def file_too_large(kind: str, size: int) -> str | None:
    limit = max_file_bytes(kind)
    if size <= limit:
        return None
    return _("The file is %(size)s; the limit is %(limit)s.") % {
        "size": format_file_size(size, round_up=True),
        "limit": format_file_size(limit),
    }


def too_many_features(kind: str, count: int) -> str | None:
    limit = max_features(kind)
    if count <= limit:
        return None
    if kind == AreaKind.ZONE:
        return _(
            "The file has %(count)s features; a contract holds at most %(limit)s zones. "
            "Nothing was read further."
        ) % {"count": count, "limit": limit}
    return _(
        "The file has %(count)s features; at most %(limit)s are imported at once. "
        "Nothing was read further."
    ) % {"count": count, "limit": limit}


def stated_limits(kind: str, contract: Any = None) -> str:
    """The caps as the upload page states them (the numbers the checks above use)."""
    text = _("At most %(size)s and %(features)s features per file.") % {
        "size": format_file_size(max_file_bytes(kind)),
        "features": max_features(kind),
    }
    if kind == AreaKind.ZONE and contract is not None:
        text += " " + _("A contract holds at most %(limit)s zones (this one has %(count)s).") % {
            "limit": max_zones(),
            "count": zone_count(contract),
        }
    return text
