"""Object permissions for Django's ``user.has_perm(name, contract)`` (django-rules).

Thin predicates over ``contracts.access.scope_for``, so the admin, templates, the layers
below (``organisations`` asks "is this a national user?" through ``rules.test_rule``) and any
third-party code that asks Django about permissions get the same answers as the services.
"""

from __future__ import annotations

from typing import Any

import rules

from localsafety.contracts.access import scope_for
from localsafety.core.access import IS_NATIONAL_RULE
from localsafety.territory.access import IMPORTS_ZONES_RULE, READS_ZONE_IMPORTS_RULE


@rules.predicate
def reads_contract(user: Any, contract: Any) -> bool:
    return contract is not None and scope_for(user).can_read_contract(contract.pk)


@rules.predicate
def manages_contract(user: Any, contract: Any) -> bool:
    return contract is not None and scope_for(user).can_manage_contract(contract.pk)


@rules.predicate
def decides_stages(user: Any, contract: Any) -> bool:
    return contract is not None and scope_for(user).can_decide_stage(contract.pk)


@rules.predicate
def submits_stages(user: Any, contract: Any) -> bool:
    return contract is not None and scope_for(user).can_submit_stage(contract.pk)


@rules.predicate
def changes_the_committee(user: Any, contract: Any) -> bool:
    """Seats on the Coordinating Committee and its chair: the chair or national users."""
    return contract is not None and scope_for(user).can_seat_committee(contract.pk)


@rules.predicate
def sits_on_the_national_commission(user: Any) -> bool:
    return scope_for(user).is_national


@rules.predicate
def reads_a_contract_of(user: Any, organisation: Any) -> bool:
    """Members of a contract the organisation leads or sits on may see its members' names."""
    from django.db.models import Q

    from localsafety.contracts.models import Contract
    from localsafety.contracts.ownership import Need

    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        Contract.objects.visible_to(user, Need.RECORD)
        .filter(Q(lead_organisation=organisation) | Q(bodies__members__organisation=organisation))
        .exists()
    )


rules.add_perm("contracts.read_contract", reads_contract)
rules.add_perm("contracts.manage_contract", manages_contract)
rules.add_perm("contracts.decide_stage", decides_stages)
rules.add_perm("contracts.submit_stage", submits_stages)
rules.add_perm("contracts.change_committee", changes_the_committee)
rules.add_perm("organisations.view_members", reads_a_contract_of)
rules.add_rule(IS_NATIONAL_RULE, sits_on_the_national_commission)
# The territory asks these about a contract's zones (it may not import contracts).
rules.add_rule(IMPORTS_ZONES_RULE, manages_contract)
rules.add_rule(READS_ZONE_IMPORTS_RULE, reads_contract)
