"""The form that starts an analysis run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localsafety.diagnosis.analyses import POLICE_RESOLUTIONS, PUBLIC_RESOLUTIONS
from localsafety.diagnosis.models import CategoryLevel, CrimeCategory

RESOLUTION_NAMES = {
    7: _("Resolution 7 (about 5 km² per cell)"),
    8: _("Resolution 8 (about 0.7 km² per cell)"),
    9: _("Resolution 9 (about 0.1 km² per cell, police only)"),
}


class AnalysisRunForm(forms.Form):
    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    categories = forms.MultipleChoiceField(
        label=_("Crime categories"),
        required=False,
        help_text=_("None chosen: every category."),
        widget=forms.CheckboxSelectMultiple,
    )
    resolution = forms.TypedChoiceField(label=_("Grid"), coerce=int)
    as_police = forms.BooleanField(
        label=_("Police analysis of my force's records (finest grid, near repeats, points)"),
        required=False,
    )

    def __init__(self, *args: Any, police: bool, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "period_start": dt.date(today.year - 2, 1, 1),
                "period_end": dt.date(today.year - 1, 12, 31),
                "resolution": 8,
            },
        )
        super().__init__(*args, **kwargs)
        choices = CrimeCategory.objects.filter(
            level__in=[CategoryLevel.GROUP, CategoryLevel.CATEGORY]
        )
        categories_field: Any = self.fields["categories"]
        categories_field.choices = [
            (c.code, str(c) if c.level == CategoryLevel.GROUP else f"— {c}") for c in choices
        ]
        allowed = POLICE_RESOLUTIONS if police else PUBLIC_RESOLUTIONS
        resolution_field: Any = self.fields["resolution"]
        resolution_field.choices = [(r, RESOLUTION_NAMES[r]) for r in allowed]
        if not police:
            del self.fields["as_police"]
