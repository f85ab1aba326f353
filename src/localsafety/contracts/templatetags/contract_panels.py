"""Panels that other apps' pages show about contract seats.

The organisation register and the profile page belong to ``organisations``, which stands
below ``contracts`` and may not read seats itself; its templates load these tags instead, so
what a seat reveals is decided here, by the contract rules.
"""

from __future__ import annotations

from typing import Any

from django import template

from localsafety.contracts import selectors

register = template.Library()


@register.inclusion_tag("contracts/panels/organisation_seats.html", takes_context=True)
def organisation_seats(context: Any, organisation: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"seats": selectors.organisation_seats(user, organisation)}


@register.inclusion_tag("contracts/panels/person_seats.html")
def person_seats(user: Any) -> dict[str, Any]:
    return {"seats": list(selectors.person_seats(user))}
