from __future__ import annotations

import datetime as dt
import math

from django import template

register = template.Library()


@register.filter
def in_minutes(value: dt.timedelta | None) -> int:
    """A duration in whole minutes, rounded up (for "try again in N minutes")."""
    if not value:
        return 0
    return math.ceil(value.total_seconds() / 60)
