"""Forms of the diagnosis pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from localsafety.contracts.models import Axis, Contract
from localsafety.core.forms import VersionField
from localsafety.diagnosis.evidence import evidence_choices
from localsafety.diagnosis.indicators import category_choices, formula_choices
from localsafety.diagnosis.models import (
    EvidenceKind,
    IndicatorTheme,
    IndicatorUnit,
    ProblemEvidence,
)
from localsafety.diagnosis.selectors import axes_of
from localsafety.diagnosis.services import INDICATOR_FIELDS, MAX_PRIORITY


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    axis = forms.ModelChoiceField(
        label=_("Intervention axis"), queryset=Axis.objects.none(), required=False
    )
    evidence = forms.CharField(
        label=_("Evidence (note)"),
        widget=forms.Textarea,
        required=False,
        help_text=_("What shows the problem, in words, beside the evidence linked below."),
    )

    #: One checkbox fieldset per kind of evidence (field name → kind).
    EVIDENCE_FIELDS = {
        "evidence_figures": (EvidenceKind.FIGURE, _("Figures of the diagnosis document")),
        "evidence_indicators": (EvidenceKind.INDICATOR, _("Indicators of the matrix")),
        "evidence_runs": (EvidenceKind.RUN, _("Aggregate analysis runs")),
        "evidence_hotspots": (EvidenceKind.HOTSPOT, _("Hot spots of the analysis runs")),
    }

    def __init__(
        self,
        *args: Any,
        contract: Contract,
        linked: list[ProblemEvidence] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["axis"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = axes_of(contract)
        choices = evidence_choices(contract, linked or [])
        keys = {link.key for link in linked or []}
        for name, (kind, label) in self.EVIDENCE_FIELDS.items():
            self.fields[name] = forms.MultipleChoiceField(
                label=label,
                choices=choices[kind],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=[key for key, _label in choices[kind] if key in keys],
                help_text="" if choices[kind] else _("None yet for this contract."),
            )

    def evidence_links(self) -> list[str]:
        """The keys of the evidence ticked, in the order of the fieldsets."""
        return [key for name in self.EVIDENCE_FIELDS for key in self.cleaned_data.get(name, [])]


class ProblemEditForm(ProblemForm):
    version = VersionField()


class PriorityForm(forms.Form):
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=1,
        max_value=MAX_PRIORITY,
        required=False,
        help_text=_("1 is the most urgent. Leave empty to remove the priority."),
    )
    version = VersionField()


class IndicatorForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=50)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_pt = forms.CharField(label=_("Name (Portuguese)"), max_length=200)
    definition = forms.CharField(label=_("Definition"), widget=forms.Textarea)
    unit = forms.ChoiceField(label=_("Unit"), choices=IndicatorUnit.choices)
    theme = forms.ChoiceField(label=_("Theme"), choices=IndicatorTheme.choices)
    source = forms.CharField(label=_("Source"), max_length=200)
    formula = forms.ChoiceField(label=_("Computation"), choices=formula_choices)
    parameter = forms.ChoiceField(
        label=_("Crime category"), choices=category_choices, required=False
    )


class MatrixChangeForm(IndicatorForm):
    note = forms.CharField(label=_("What changed, and why"), max_length=300)
    version = VersionField(min_value=0)


def indicator_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in INDICATOR_FIELDS}
