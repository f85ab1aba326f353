"""The forms for drawing and editing a contract's zone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from localsafety.core.forms import ContentVersionField


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(
        label=_("Short code"),
        max_length=40,
        required=False,
        help_text=_("Optional; made from the name when left empty."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    geometry = forms.CharField(
        label=_("Boundary (GeoJSON, WGS84)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-zone-geometry": "true"}),
        help_text=_(
            "Filled in when you draw on the map. Without a mouse, paste a GeoJSON polygon "
            "here or upload a file instead."
        ),
    )

    def __init__(self, *args: Any, require_geometry: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_geometry = require_geometry

    def clean_geometry(self) -> str:
        value: str = self.cleaned_data.get("geometry", "")
        if self.require_geometry and not value.strip():
            raise forms.ValidationError(_("Draw the zone on the map or paste its boundary."))
        return value


class ZoneEditForm(ZoneForm):
    """Editing a zone: the boundary may stay as it is; the form names the version it showed."""

    version = ContentVersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, require_geometry=False, **kwargs)
