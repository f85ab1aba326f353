"""Forms of the plan pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from localsafety.contracts.models import Axis, Contract
from localsafety.core.forms import VersionField
from localsafety.diagnosis.models import Problem
from localsafety.organisations.models import Organisation
from localsafety.plans.models import (
    Computation,
    Direction,
    Frequency,
    FundingSource,
    IndicatorLevel,
    IndicatorTemplate,
    InterventionKind,
    Measure,
    Objective,
    PartnerProgramme,
    PlanVersion,
    TargetGroup,
)
from localsafety.plans.points import MAX_POINTS, format_point_lines, parse_point_lines
from localsafety.plans.services import contract_organisation_ids
from localsafety.territory.models import Area


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanStartForm(forms.Form):
    title = forms.CharField(label=_("Title of the plan"), max_length=250)


class VersionSummaryForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    version = VersionField()


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Objective"), max_length=250)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    problems = forms.ModelMultipleChoiceField(
        label=_("Problems of the diagnosis it answers"),
        queryset=Problem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    problem_statement = forms.CharField(
        label=_("Or a problem typed in by the committee"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        problems = self.fields["problems"]
        assert isinstance(problems, forms.ModelMultipleChoiceField)
        problems.queryset = Problem.objects.filter(contract=contract)


class ObjectiveEditForm(ObjectiveForm):
    version = VersionField()


class PointsWidget(forms.Textarea):
    """The points as ``label; lat; lon`` lines (what works without scripts), with a map above
    them where a script adds, moves and removes points by rewriting those lines."""

    template_name = "plans/widgets/points.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"rows": 4, "spellcheck": "false", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["tile_url"] = settings.LOCALSAFETY_TILE_URL
        context["tile_attribution"] = settings.LOCALSAFETY_TILE_ATTRIBUTION
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list):
            return format_point_lines(value)
        return super().format_value(value)


class PointsField(forms.CharField):
    """Typed lines in, ``[{"label", "lat", "lon"}]`` out; every bad line named."""

    widget = PointsWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        kwargs.setdefault("max_length", 10_000)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[dict[str, Any]]:
        text = super().clean(value) or ""
        points, problems = parse_point_lines(text)
        if problems:
            raise ValidationError(problems)
        return points


def contract_organisations(contract: Contract) -> Any:
    return Organisation.objects.filter(pk__in=contract_organisation_ids(contract)).order_by("name")


class MeasureForm(forms.Form):
    objective = forms.ModelChoiceField(label=_("Objective"), queryset=Objective.objects.none())
    code = forms.CharField(label=_("Reference"), max_length=20, required=False)
    title = forms.CharField(label=_("Measure"), max_length=250)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    axis = forms.ModelChoiceField(label=_("Intervention axis"), queryset=Axis.objects.none())
    kind = forms.ModelChoiceField(
        label=_("Kind of intervention"),
        queryset=InterventionKind.objects.filter(is_active=True),
        help_text=_("From the national typology, so that measures compare across contracts."),
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Places (areas and zones of the contract)"),
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    place_note = forms.CharField(label=_("Place (description)"), max_length=250, required=False)
    points = PointsField(label=_("Points on the map"))
    starts_on = forms.DateField(label=_("Start"), widget=DateInput())
    ends_on = forms.DateField(label=_("End"), widget=DateInput())
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.none()
    )
    partner_programme = forms.ModelChoiceField(
        label=_("Partner programme"),
        queryset=PartnerProgramme.objects.filter(is_active=True),
        required=False,
        help_text=_("When the measure is an action of a national programme."),
    )
    staff_count = forms.IntegerField(label=_("Staff"), min_value=0, initial=0)
    staff_hours = forms.DecimalField(
        label=_("Staff hours"), min_value=0, max_digits=10, decimal_places=1, initial=0
    )
    material = forms.CharField(
        label=_("Material resources"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self, *args: Any, contract: Contract, plan_version: PlanVersion, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("objective", Objective.objects.filter(plan_version=plan_version))
        self._set_queryset(
            "axis",
            Axis.objects.filter(Q(contract__isnull=True) | Q(contract=contract)).order_by(
                "contract_id", "position", "code"
            ),
        )
        self._set_queryset(
            "areas",
            Area.objects.filter(Q(covering_contracts=contract) | Q(owner_contract=contract))
            .distinct()
            .order_by("name"),
        )
        self._set_queryset("responsible_organisation", contract_organisations(contract))
        # Set here, per request: a lazy string formatted at import would stay in one language.
        self.fields["points"].help_text = _(
            "One point a line: a label, the latitude and the longitude separated by "
            "semicolons, for example “School; 38,7569; -9,1596”. At most %(count)s points."
        ) % {"count": MAX_POINTS}
        self.sources = list(FundingSource.objects.filter(is_active=True))
        for source in self.sources:
            self.fields[f"budget_{source.code}"] = forms.CharField(
                label=_("Budget from %(source)s (EUR)") % {"source": source.name},
                required=False,
                max_length=40,
                help_text=_("For example 1.234,56 €"),
            )

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end is before the start."))
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = (
            "code",
            "title",
            "description",
            "axis",
            "kind",
            "place_note",
            "points",
            "starts_on",
            "ends_on",
            "responsible_organisation",
            "partner_programme",
            "staff_count",
            "staff_hours",
            "material",
        )
        return {name: data[name] for name in names}

    def budget(self) -> dict[FundingSource, str]:
        return {
            source: self.cleaned_data.get(f"budget_{source.code}", "") for source in self.sources
        }

    @staticmethod
    def initial_for(measure: Measure) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(measure, name)
            for name in (
                "objective",
                "code",
                "title",
                "description",
                "axis",
                "kind",
                "place_note",
                "starts_on",
                "ends_on",
                "responsible_organisation",
                "partner_programme",
                "staff_count",
                "staff_hours",
                "material",
            )
        }
        initial["points"] = format_point_lines(measure.points)
        initial["target_groups"] = list(measure.target_groups.all())
        initial["areas"] = list(measure.areas.all())
        for line in measure.budget_lines.all():
            initial[f"budget_{line.funding_source.code}"] = f"{line.amount}".replace(".", ",")
        initial["version"] = measure.version
        return initial


class MeasureEditForm(MeasureForm):
    version = VersionField()


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.CharField(label=_("Role"), max_length=200)
    terms = forms.CharField(
        label=_("Partnership terms"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = VersionField()

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = contract_organisations(contract)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    done_on = forms.DateField(label=_("Reached on"), widget=DateInput(), required=False)
    version = VersionField()


class IndicatorForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("From the national catalogue"),
        queryset=IndicatorTemplate.objects.filter(is_active=True),
        required=False,
        help_text=_(
            "Choose one where it fits, so contracts stay comparable; empty fields "
            "are filled from the catalogue."
        ),
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", "—"), *IndicatorLevel.choices], required=False
    )
    name = forms.CharField(label=_("Indicator"), max_length=250, required=False)
    definition = forms.CharField(
        label=_("Definition"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("", "—"), *Direction.choices], required=False
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=[("", "—"), *Frequency.choices], required=False
    )
    baseline_value = forms.DecimalField(
        label=_("Baseline"), max_digits=14, decimal_places=3, required=False, localize=True
    )
    baseline_on = forms.DateField(label=_("Baseline date"), widget=DateInput(), required=False)
    target_value = forms.DecimalField(
        label=_("Target"), max_digits=14, decimal_places=3, required=False, localize=True
    )
    target_on = forms.DateField(label=_("Target date"), widget=DateInput(), required=False)
    computation = forms.ChoiceField(
        label=_("Computed from"), choices=Computation.choices, required=False
    )

    FIELDS = (
        "template",
        "level",
        "name",
        "definition",
        "unit",
        "direction",
        "source",
        "frequency",
        "baseline_value",
        "baseline_on",
        "target_value",
        "target_on",
        "computation",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("template"):
            for name in ("level", "name", "unit", "direction"):
                if not data.get(name):
                    self.add_error(
                        name, _("Required for an indicator not taken from the catalogue.")
                    )
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class IndicatorEditForm(IndicatorForm):
    version = VersionField()


class DecisionForm(forms.Form):
    action = forms.ChoiceField(label=_("Decision"), choices=())
    comment = forms.CharField(
        label=_("Comments"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when the plan is returned."),
    )
    version = VersionField()

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = actions


class PublishForm(forms.Form):
    published = forms.BooleanField(label=_("Published"), required=False)
    version = VersionField()


class VersionOnlyForm(forms.Form):
    version = VersionField()
