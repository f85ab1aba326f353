"""Forms parse and validate input; the services decide and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from localsafety.contracts.models import (
    Axis,
    BodyMember,
    BodyRole,
    ContractCategory,
    DecisionAction,
    DocumentKind,
    GovernanceBody,
    StageKind,
)
from localsafety.core.files import DOCUMENT_HELP
from localsafety.core.forms import VersionField
from localsafety.organisations.models import Organisation, User
from localsafety.territory.choosers import MunicipalityChoiceField
from localsafety.territory.models import Area, AreaKind


def _model_field(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class FilterableCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes with a filter box (shown by ``choosers.js``): a municipality's parishes and
    the contract's zones, never the country's 3,567 parishes (issue 8, point 7)."""

    template_name = "contracts/widgets/filterable_checkboxes.html"


class MunicipalitySelect(forms.Select):
    """The municipality, with a button that lists its parishes (pressed for you by
    ``choosers.js`` when the choice changes; without JavaScript, by you)."""

    template_name = "contracts/widgets/municipality_select.html"

    def __init__(self, attrs: Any = None) -> None:
        super().__init__({"data-refresh-on-change": "", **(attrs or {})})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ContractFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All"))] + ContractCategory.choices
    )
    region = forms.ChoiceField(label=_("Region (NUTS II)"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All"))] + StageKind.choices
    )
    axis = forms.ChoiceField(label=_("Axis"), required=False)

    def __init__(self, *args: Any, regions: list[Area], axes: list[Axis], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "region").choices = [("", _("All"))] + [
            (r.code, r.name) for r in regions
        ]
        _choice_field(self, "axis").choices = [("", _("All"))] + [(a.code, str(a)) for a in axes]
        # (code, name) pairs, reused for the overview's aggregates without new queries.
        self.region_pairs = [(region.code, region.name) for region in regions]
        self.axis_pairs = [(axis.code, str(axis)) for axis in axes]


class ContractForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=ContractCategory.choices,
        help_text=_(
            "Municipality: municipal-wide policy. Neighbourhood: a place with specific "
            "vulnerabilities. Citizen: an atypical situation limited in space and time."
        ),
    )
    signed_on = forms.DateField(label=_("Signing date"), required=False, widget=DateInput())
    signing_place = forms.CharField(label=_("Signing place"), max_length=120, required=False)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas covered"),
        queryset=Area.objects.none(),
        required=False,
        widget=FilterableCheckboxes,
        help_text=_("The municipality, its parishes and the contract's own zones."),
    )
    axes = forms.ModelMultipleChoiceField(
        label=_("Intervention axes"),
        queryset=Axis.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_published = forms.BooleanField(label=_("Publish a public page"), required=False)
    version = VersionField()

    def __init__(
        self, *args: Any, municipality: Area | None, contract_id: int | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.none()
        if municipality is not None:
            areas = Area.objects.filter(pk=municipality.pk) | Area.objects.filter(
                parent=municipality, kind=AreaKind.PARISH, owner_contract__isnull=True
            )
            if contract_id:
                areas = areas | Area.objects.filter(owner_contract_id=contract_id)
        _model_field(self, "areas").queryset = areas.order_by("kind", "name_key", "name")
        axes = Axis.objects.national()
        if contract_id:
            axes = axes | Axis.objects.filter(contract_id=contract_id)
        _model_field(self, "axes").queryset = axes.order_by("contract_id", "position")


class ContractCreateForm(ContractForm):
    municipality = MunicipalityChoiceField(label=_("Municipality"), widget=MunicipalitySelect)
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none()
    )
    chair = forms.ModelChoiceField(
        label=_("Chair of the Coordinating Committee"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Usually the mayor. Choose a person with an account, or type a name below."),
    )
    chair_name = forms.CharField(
        label=_("Chair's name (if they have no account)"), max_length=150, required=False
    )
    version = None  # type: ignore[assignment]  # a new contract has no version yet
    field_order = ["title", "category", "municipality", "lead_organisation", "chair", "chair_name"]

    def __init__(
        self, *args: Any, organisations: Any, municipalities: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, municipality=None, contract_id=None, **kwargs)
        _model_field(self, "lead_organisation").queryset = organisations
        _model_field(self, "chair").queryset = User.objects.filter(
            memberships__organisation__in=organisations
        ).distinct()
        if municipalities is not None:
            _model_field(self, "municipality").queryset = municipalities
        # The areas offered are the chosen municipality's parishes, nothing before it is chosen.
        chosen = self._chosen_municipality(municipalities)
        areas = Area.objects.none()
        if chosen is not None:
            areas = Area.objects.filter(
                Q(pk=chosen) | Q(parent_id=chosen, kind=AreaKind.PARISH),
                owner_contract__isnull=True,
            )
        _model_field(self, "areas").queryset = areas.order_by("kind", "name_key", "name")
        self.fields["areas"].help_text = _(
            "Leave empty to cover the whole municipality. Its parishes are listed once the "
            "municipality is chosen."
        )
        self.fields["axes"].initial = list(Axis.objects.national())

    def _chosen_municipality(self, municipalities: Any) -> int | None:
        raw = self.data.get("municipality") if self.is_bound else self.initial.get("municipality")
        raw = getattr(raw, "pk", raw)
        if not str(raw or "").isdigit() or len(str(raw)) > 18:
            return None
        allowed = municipalities if municipalities is not None else Area.objects.all()
        found = allowed.filter(pk=int(str(raw)), kind=AreaKind.MUNICIPALITY)
        return int(str(raw)) if found.exists() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("chair") and not (data.get("chair_name") or "").strip():
            self.add_error(
                "chair",
                _("A contract needs the chair of its Coordinating Committee (usually the mayor)."),
            )
        municipality = data.get("municipality")
        for area in data.get("areas") or []:
            if municipality and area.pk != municipality.pk and area.parent_id != municipality.pk:
                self.add_error(
                    "areas", _("%(area)s is not in the chosen municipality.") % {"area": area}
                )
        return data


class AxisForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12, help_text=_("For example: v"))
    name_pt = forms.CharField(label=_("Name (Portuguese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)


class OrganisationChooser(forms.Widget):
    """A searchable list of organisations instead of a select of every one (issue 8, point 7).

    The page offers a few (``contracts.selectors.organisations_to_seat``: the contract's
    territory first) and a search box: with JavaScript, htmx asks the search endpoint as
    one types; without it, the search button posts the form (named ``organisation_search``)
    and the view shows it again, as typed, offering what matches. The field still validates
    any active organisation.
    """

    template_name = "contracts/widgets/organisation_chooser.html"

    def __init__(self, *, query_name: str = "organisation_q", attrs: Any = None) -> None:
        super().__init__(attrs)
        self.query_name = query_name
        self.options: list[Organisation] = []
        self.more = False
        self.query = ""
        self.search_url = ""

    def offer(
        self,
        options: list[Organisation],
        *,
        more: bool,
        query: str,
        search_url: str,
    ) -> None:
        self.options, self.more, self.query = options, more, query
        self.search_url = search_url

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            chooser_context(
                self.options,
                value=value,
                more=self.more,
                query=self.query,
                query_name=self.query_name,
            )
        )
        context["widget"]["search_url"] = self.search_url
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_q" if id_ else id_


def chooser_context(
    options: list[Organisation], *, value: Any, more: bool, query: str, query_name: str
) -> dict[str, Any]:
    """What the chooser's option list shows (the page and the search endpoint alike)."""
    return {
        "options": [
            {
                "pk": organisation.pk,
                "name": organisation.name,
                "place": organisation.municipality.name if organisation.municipality else "",
                "checked": str(organisation.pk) == str(value),
            }
            for organisation in options
        ],
        "more": more,
        "query": query,
        "query_name": query_name,
    }


class SignatoryForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        widget=OrganisationChooser(),
    )
    signed_by = forms.CharField(
        label=_("Signed by (name and office)"), max_length=200, required=False
    )


class _PersonInOrganisationForm(forms.Form):
    """Name a person by username or e-mail; they must belong to the chosen organisation.

    A free-text lookup rather than a list of every user: lists would expose people's names
    to anyone who can edit a contract and grow with the number of users.
    """

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        widget=OrganisationChooser(),
    )
    person_login = forms.CharField(
        label=_("Person's username or e-mail (if they have an account)"),
        max_length=254,
        required=False,
    )
    person_name = forms.CharField(label=_("Name (if no account)"), max_length=150, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        login = (data.get("person_login") or "").strip()
        organisation = data.get("organisation")
        data["person"] = None
        if login and organisation:
            person = (
                User.objects.filter(
                    Q(username__iexact=login) | Q(email__iexact=login),
                    memberships__organisation=organisation,
                    is_active=True,
                )
                .distinct()
                .first()
            )
            if person is None:
                self.add_error(
                    "person_login",
                    _("No active person with that username or e-mail belongs to %(org)s.")
                    % {"org": organisation},
                )
            data["person"] = person
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "organisation": data["organisation"],
            "person": data["person"],
            "person_name": data.get("person_name", ""),
        }


class BodyMemberForm(_PersonInOrganisationForm):
    body = forms.ModelChoiceField(label=_("Body"), queryset=GovernanceBody.objects.none())
    role = forms.ChoiceField(
        label=_("Role"), choices=[c for c in BodyRole.choices if c[0] != BodyRole.CHAIR]
    )
    field_order = ["body", "organisation", "person_login", "person_name", "role"]

    def __init__(
        self, *args: Any, contract_id: int, body_ids: set[int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        bodies = GovernanceBody.objects.filter(contract_id=contract_id)
        if body_ids is not None:  # only the bodies whose seats the person may change
            bodies = bodies.filter(pk__in=body_ids)
        _model_field(self, "body").queryset = bodies

    def service_arguments(self) -> dict[str, Any]:
        return {
            **super().service_arguments(),
            "body": self.cleaned_data["body"],
            "role": self.cleaned_data["role"],
        }


class ChairForm(_PersonInOrganisationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids and search parameter: it shares a page with the member form.
        kwargs.setdefault("auto_id", "id_chair_%s")
        super().__init__(*args, **kwargs)
        widget = self.fields["organisation"].widget
        assert isinstance(widget, OrganisationChooser)  # noqa: S101 - typing
        widget.query_name = "chair_organisation_q"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not (data.get("person_name") or "").strip():
            if not self.has_error("person_login"):
                self.add_error("person_login", _("Name the new chair."))
        return data


class ChoiceRadios(forms.RadioSelect):
    """Radio buttons whose field links (error summary) to its first option."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, index or "0")


#: What each decision does, as the person choosing it reads it (the trail says what was done).
DECISION_CHOICES = {
    DecisionAction.SUBMIT: _("Submit the deliverable for approval"),
    DecisionAction.APPROVE: _("Approve"),
    DecisionAction.RETURN: _("Return with comments"),
    DecisionAction.ENDORSE: _("Endorse nationally"),
    DecisionAction.REOPEN: _("Reopen (back to preparation)"),
}
NATIONAL_RETURN_CHOICE = _("Return the plan to the contract with reasons")


class StageDecisionForm(forms.Form):
    """The decision is chosen, never pre-selected: a decision taken by leaving the first
    option as it was is not a decision."""

    action = forms.ChoiceField(label=_("Decision"), choices=(), widget=ChoiceRadios)
    comment = forms.CharField(
        label=_("Comment or reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning or reopening a stage."),
    )
    version = VersionField()
    #: A reopening is confirmed on a second page (``contracts/stage_confirm.html``).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, actions: list[str], national_return: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(DECISION_CHOICES)
        if national_return:
            labels[DecisionAction.RETURN] = NATIONAL_RETURN_CHOICE
        _choice_field(self, "action").choices = [
            (action, labels[action]) for action in labels if action in actions
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("action") in {DecisionAction.RETURN, DecisionAction.REOPEN}
            and not (data.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Say why: a reason is required."))
        return data

    @property
    def needs_confirmation(self) -> bool:
        """A valid reopening not yet confirmed: undoing an approval is asked twice."""
        return (
            self.is_valid()
            and self.cleaned_data["action"] == DecisionAction.REOPEN
            and not self.cleaned_data.get("confirmed")
        )


class StageSummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the deliverable"),
        widget=forms.Textarea,
        required=False,
        help_text=_("What the deliverable contains and concludes; attach the documents below."),
    )
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown on the stage page beside the decision form: its ids must differ.
        kwargs.setdefault("auto_id", "id_summary_%s")
        super().__init__(*args, **kwargs)


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=GovernanceBody.objects.none())
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea)
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea, required=False)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendance"),
        queryset=BodyMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.FileField(label=_("Minutes (file)"), required=False, help_text=DOCUMENT_HELP)

    def __init__(self, *args: Any, contract_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "body").queryset = GovernanceBody.objects.filter(contract_id=contract_id)
        _model_field(self, "attendees").queryset = BodyMember.objects.filter(
            body__contract_id=contract_id
        ).select_related("organisation", "person", "body")
        self.fields["attendees"].label_from_instance = (  # type: ignore[attr-defined]
            lambda member: f"{member.body.name}: {member}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        body = data.get("body")
        for member in data.get("attendees") or []:
            if body and member.body_id != body.pk:
                self.add_error(
                    "attendees",
                    _("%(member)s is not a member of %(body)s.") % {"member": member, "body": body},
                )
        return data


class MeetingEditForm(MeetingForm):
    """Correcting a meeting's record: the body stays, the minutes are a document of their own."""

    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].disabled = True
        del self.fields["minutes"]


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"), help_text=DOCUMENT_HELP)
