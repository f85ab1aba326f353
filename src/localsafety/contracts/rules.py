"""Object permissions for Django's ``user.has_perm(name, contract)`` (django-rules).

Thin predicates over ``organisations.access.scope_for``, so the admin, templates and any
third-party code that asks Django about permissions get the same answers as the services.
"""

from __future__ import annotations

from typing import Any

import rules

from localsafety.organisations.access import scope_for


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


rules.add_perm("contracts.read_contract", reads_contract)
rules.add_perm("contracts.manage_contract", manages_contract)
rules.add_perm("contracts.decide_stage", decides_stages)
rules.add_perm("contracts.submit_stage", submits_stages)
