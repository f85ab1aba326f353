"""``{% load sizes %}``: ``{{ document.size|file_size }}`` in the unit the limits use."""

from __future__ import annotations

from django import template

from localsafety.core.sizes import format_file_size

register = template.Library()


@register.filter
def file_size(size: int | None) -> str:
    return format_file_size(size or 0)
