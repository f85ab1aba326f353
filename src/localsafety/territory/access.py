"""What a person may do with the territory, asked through django-rules.

``territory`` stands below ``organisations`` and ``contracts`` and knows nothing of seats or
contracts. The questions only they can answer (is this person a national user? may they
import a contract's zones, or read the imports of one?) are asked by rule name; the rules are
registered above, in ``contracts/rules.py``. A contract is passed as an opaque object.
"""

from __future__ import annotations

from typing import Any

from rules import rulesets

from localsafety.core.access import IS_NATIONAL_RULE

# "May this person import zones for this contract?" ``test_rule(name, user, contract)``
IMPORTS_ZONES_RULE = "localsafety.imports_zones"
# "May this person read this contract's zone imports?" ``test_rule(name, user, contract)``
READS_ZONE_IMPORTS_RULE = "localsafety.reads_zone_imports"


def _test_rule(name: str, *args: Any) -> bool:
    return bool(rulesets.test_rule(name, *args))  # type: ignore[no-untyped-call]


def is_national(user: Any) -> bool:
    """National users (the Interministerial Commission, superusers) keep the reference data."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or _test_rule(IS_NATIONAL_RULE, user)


def can_import(user: Any, *, kind: str, contract: Any) -> bool:
    """Official boundaries: national users; a contract's zones: whom the contract rules allow."""
    from localsafety.territory.models import AreaKind

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if kind == AreaKind.ZONE:
        return contract is not None and _test_rule(IMPORTS_ZONES_RULE, user, contract)
    return is_national(user)


def can_read_import(user: Any, area_import: Any) -> bool:
    """National users read every import; others their own and their contracts' zone imports."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if is_national(user) or area_import.uploaded_by_id == user.pk:
        return True
    contract = area_import.contract if area_import.contract_id else None
    return contract is not None and _test_rule(READS_ZONE_IMPORTS_RULE, user, contract)
