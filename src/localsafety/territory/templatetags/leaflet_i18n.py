"""``{% leaflet_strings %}``: Leaflet's and Leaflet.draw's words, translated, as a JSON script
element that ``territory/js/leaflet_strings.js`` reads."""

from __future__ import annotations

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from localsafety.territory.leaflet_strings import leaflet_strings as strings

register = template.Library()


@register.simple_tag
def leaflet_strings() -> SafeString:
    return json_script(strings(), "leaflet-strings")
