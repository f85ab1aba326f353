"""Forms of the crime-data pages: uploads and the column-mapping step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from localsafety.core.forms import VersionField
from localsafety.diagnosis.importing.fields import INCIDENT_FIELDS
from localsafety.diagnosis.models import CoordinateSystem, IndicatorKind

#: Distinct category codes shown in the mapping step (a source has a few dozen at most).
MAX_CODES_SHOWN = 200


class DatasetUploadForm(forms.Form):
    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label=_("Police organisation")
    )
    source_name = forms.CharField(
        label=_("Source"),
        max_length=120,
        help_text=_(
            "The export's name, e.g. “PSP Lisboa monthly export”. Its column mapping is "
            "remembered, so the next file of the same source needs no mapping."
        ),
    )
    file = forms.FileField(label=_("File (CSV, XLSX or ODS)"))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first()


class MappingForm(forms.Form):
    """One select per platform field (the file's headers), one per category code found.

    The codes offered are those of one column (``codes_column``: the category column chosen
    or recognised when the form was drawn). A submission that chose another category column
    has not mapped that column's codes yet: it is shown again with them, importing nothing.
    """

    version = VersionField()
    coordinate_system = forms.ChoiceField(label=_("Coordinates"), choices=CoordinateSystem.choices)

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        guessed: dict[str, str],
        codes: list[str],
        code_choices: list[tuple[str, str]],
        code_initial: dict[str, str],
        codes_column: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.codes_column = codes_column
        header_choices = [("", _("— not in this file —")), *[(h, h) for h in headers]]
        for spec in INCIDENT_FIELDS:
            self.fields[f"column_{spec.name}"] = forms.ChoiceField(
                label=str(spec.label),
                choices=header_choices,
                required=spec.required,
                initial=guessed.get(spec.name, ""),
            )
        self.codes = codes[:MAX_CODES_SHOWN]
        choices = [("", _("— choose a category —")), *code_choices]
        for index, code in enumerate(self.codes):
            self.fields[f"code_{index}"] = forms.ChoiceField(
                label=code, choices=choices, required=False, initial=code_initial.get(code, "")
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = cleaned.get("column_category")
        if self.codes and chosen and self.data.get("codes_column", "") != chosen:
            self.add_error(
                "column_category",
                _("Map the codes found in “%(column)s” below, then import.") % {"column": chosen},
            )
        return cleaned

    def columns(self) -> dict[str, str]:
        return {
            spec.name: self.cleaned_data.get(f"column_{spec.name}") or ""
            for spec in INCIDENT_FIELDS
        }

    def category_codes(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"code_{index}") or ""
            for index, code in enumerate(self.codes)
        }

    def column_fields(self) -> list[Any]:
        return [self[f"column_{spec.name}"] for spec in INCIDENT_FIELDS]

    def code_fields(self) -> list[Any]:
        return [self[f"code_{index}"] for index in range(len(self.codes))]


class StatisticsUploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    series = forms.CharField(
        label=_("Series"),
        max_length=120,
        required=False,
        help_text=_("A newer import of the same series replaces it for readers."),
    )
    indicator = forms.ChoiceField(
        label=_("Indicator"),
        choices=[("", _("— given in the file —")), *IndicatorKind.choices],
        required=False,
    )
    file = forms.FileField(label=_("File (CSV, XLSX or ODS)"))
