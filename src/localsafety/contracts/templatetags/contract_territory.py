"""What the territory's pages show about contracts: the contracts and zones in an area.

``territory`` stands below ``contracts`` and may not read contracts; its municipality pages
load these tags instead, so what a contract (and so its zones) reveals is decided here, by the
contract's visibility.
"""

from __future__ import annotations

from typing import Any

from django import template

from localsafety.contracts import zones

register = template.Library()


@register.simple_tag(takes_context=True)
def contract_counts(context: Any, areas: list[Any]) -> str:
    """Set ``contract_count`` on every area of a page, in one call (two queries) per page."""
    user = context["request"].user
    counts = zones.contract_counts(user, [area.pk for area in areas])
    for area in areas:
        area.contract_count = counts.get(area.pk, 0)
    return ""


@register.inclusion_tag("contracts/panels/contracts_covering.html", takes_context=True)
def contracts_covering(context: Any, area: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"contracts": list(zones.contracts_covering(user, area))}


@register.simple_tag(takes_context=True)
def zones_in_area(context: Any, area: Any) -> dict[str, Any]:
    """The visible zones in an area and the map of the area with them (``as`` a variable)."""
    user = context["request"].user
    found = zones.zones_in_area(user, area)
    return {"zones": found, "map_features": zones.feature_collection([area, *found])}
