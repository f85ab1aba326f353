"""The quick-entry form (phone-sized first) and the import form.

The form only reads what was typed: ids, dates, ``3,5`` hours and ``1.234,56 €`` costs
(``core.cells.parse_decimal``); every rule is the service's (``rules.ActivityRules``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from localsafety.activities.models import (
    PARTICIPANT_CELLS,
    ActivityKind,
    ActivityStatus,
    AgeGroup,
    Sex,
)
from localsafety.activities.rules import ActivityRules, ActivityValues
from localsafety.core.cells import parse_decimal
from localsafety.core.files import DOCUMENT_HELP
from localsafety.core.forms import VersionField
from localsafety.plans.models import FundingSource, Measure, TargetGroup

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


class DecimalText(forms.CharField):
    """A number as people type it: ``3,5``, ``1.234,56 €``."""

    def __init__(self, *, places: int = 2, **kwargs: Any) -> None:
        self.places = places
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value: Any) -> Decimal:
        text = super().clean(value)
        if not text:
            return Decimal(0)
        try:
            return parse_decimal(text, places=self.places)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActivityForm(forms.Form):
    measure = forms.ModelChoiceField(
        queryset=Measure.objects.none(),
        required=False,
        label=_("Measure served"),
        empty_label=_("None: an isolated action"),
        help_text=_("The measure of the approved plan this activity carried out."),
    )
    title = forms.CharField(label=_("What was done"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    status = forms.ChoiceField(
        label=_("Status"), choices=ActivityStatus.choices, initial=ActivityStatus.HELD
    )
    starts_on = forms.DateField(label=_("Date"), input_formats=DATE_FORMATS, widget=DateInput())
    ends_on = forms.DateField(
        label=_("End date (if more than one day)"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
    )
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    area = forms.TypedChoiceField(
        label=_("Area or zone"), coerce=int, required=False, empty_value=None
    )
    place_name = forms.CharField(label=_("Place"), max_length=200, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    axis = forms.TypedChoiceField(
        label=_("Axis (isolated actions)"), coerce=int, required=False, empty_value=None
    )
    target_group = forms.ModelChoiceField(
        queryset=TargetGroup.objects.filter(is_active=True),
        required=False,
        label=_("Target group"),
    )
    staff_hours = DecimalText(label=_("Staff hours"), places=1)
    volunteer_hours = DecimalText(label=_("Volunteer hours"), places=1)
    description = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
    evidence = forms.FileField(
        label=_("Evidence (photo, attendance sheet)"), required=False, help_text=DOCUMENT_HELP
    )

    def __init__(self, *args: Any, rules: ActivityRules, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            (pk, name)
            for pk, name in sorted(rules.organisations.items(), key=lambda item: item[1])
            if rules.may_write_for(pk)
        ]
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", "—")] + [
            (pk, name) for pk, (_code, name) in sorted(rules.areas.items(), key=lambda i: i[1][1])
        ]
        from localsafety.contracts.models import Axis

        cast(forms.ChoiceField, self.fields["axis"]).choices = [("", "—")] + [
            (axis.pk, str(axis)) for axis in Axis.objects.filter(pk__in=list(rules.axes))
        ]
        for name, sex, age in PARTICIPANT_CELLS:
            self.fields[name] = forms.IntegerField(
                label=f"{Sex(sex).label}, {AgeGroup(age).label}",
                required=False,
                min_value=0,
                max_value=1_000_000,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )
        self.cost_fields = []
        for source in FundingSource.objects.filter(is_active=True).order_by("position"):
            name = f"cost_{source.pk}"
            self.fields[name] = DecimalText(
                label=_("Cost paid by: %(source)s (EUR)") % {"source": source.name}
            )
            self.cost_fields.append((name, source.pk))

    def participant_rows(self) -> list[tuple[str, list[Any]]]:
        """The grid as the template draws it: one row per age group, one column per sex."""
        return [
            (
                str(AgeGroup(age).label),
                [self[f"p_{sex}_{age}"] for sex in Sex.values],
            )
            for age in AgeGroup.values
        ]

    def main_fields(self) -> list[Any]:
        names = [
            "measure",
            "title",
            "kind",
            "status",
            "starts_on",
            "ends_on",
            "organisation",
            "area",
            "place_name",
        ]
        return [self[name] for name in names]

    def isolated_fields(self) -> list[Any]:
        return [self[name] for name in ("axis", "target_group")]

    def resource_fields(self) -> list[Any]:
        return [self[name] for name in ("staff_hours", "volunteer_hours")] + [
            self[name] for name, _pk in self.cost_fields
        ]

    def extra_fields(self) -> list[Any]:
        return [self[name] for name in ("latitude", "longitude", "description", "evidence")]

    def values(self) -> ActivityValues:
        data = self.cleaned_data
        measure = data.get("measure")
        group = data.get("target_group")
        return ActivityValues(
            organisation_id=data.get("organisation"),
            kind=data["kind"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            measure_id=measure.pk if measure else None,
            status=data["status"],
            description=data.get("description") or "",
            area_id=data.get("area"),
            place_name=data.get("place_name") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            axis_id=data.get("axis"),
            target_group_id=group.pk if group else None,
            staff_hours=data.get("staff_hours") or Decimal(0),
            volunteer_hours=data.get("volunteer_hours") or Decimal(0),
            participants={name: data.get(name) or 0 for name, _sex, _age in PARTICIPANT_CELLS},
            costs={pk: data[name] for name, pk in self.cost_fields if data.get(name)},
        )


class ActivityEditForm(ActivityForm):
    version = VersionField()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV, XLSX or ODS)"),
        help_text=_("One activity per row; the first row names the columns."),
    )
