"""Forms parse input only; the services decide and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from localsafety.core.forms import ContentVersionField
from localsafety.organisations.models import (
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)
from localsafety.territory.choosers import MunicipalityChoiceField
from localsafety.territory.models import Area, AreaKind


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)
    next = forms.CharField(required=False)


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrganisationKind.choices]
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        required=False,
        empty_label=_("All municipalities"),
        queryset=Area.objects.none(),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Area.objects.filter(kind=AreaKind.MUNICIPALITY, organisations__isnull=False)
            .distinct()
            .only("pk", "name", "name_key")
            .order_by("name_key", "name")
        )


class OrganisationForm(forms.ModelForm[Organisation]):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "municipality", "website", "email", "is_active"]
        field_classes = {"municipality": MunicipalityChoiceField}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Area.objects.filter(kind=AreaKind.MUNICIPALITY).order_by(
            "name_key", "name"
        )


class OrganisationRegisterForm(OrganisationForm):
    """A national user's edit: the register's fields too, and why they change."""

    version = ContentVersionField()

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        required=False,
        help_text=_(
            "Required when the kind, municipality or status changes: they decide what the "
            "members may do. Kept in the history."
        ),
    )


class OrganisationContactForm(forms.ModelForm[Organisation]):
    """An organisation's managers edit how it is named and reached, nothing that confers
    rights (its kind, municipality and status are kept by national users)."""

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    version = ContentVersionField()

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "website", "email"]


class MembershipAddForm(forms.Form):
    person = forms.CharField(
        label=_("Username or e-mail of an existing account"),
        max_length=254,
        help_text=_("To add someone without an account, invite them instead."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)

    def clean_person(self) -> User:
        from localsafety.organisations.selectors import user_for_identifier

        identifier = self.cleaned_data["person"].strip()
        users = user_for_identifier(identifier)
        if not users:
            raise ValidationError(_("No active account has this username or e-mail."))
        if len(users) > 1:
            raise ValidationError(
                _("More than one account uses this e-mail address: enter the username.")
            )
        return users[0]


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class UserInviteForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The invitation to choose a password is sent here.")
    )
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class TwoFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).replace(" ", "")
        if not code.isdigit():
            raise ValidationError(_("Enter the digits shown in your authenticator app."))
        return code


class InvitationAwarePasswordResetForm(PasswordResetForm):
    """Also reaches invited people who never chose a password (their link may have expired)."""

    def get_users(self, email: str):  # type: ignore[no-untyped-def]
        return User.objects.filter(email__iexact=email, is_active=True)


class EnrolmentLinkForm(forms.Form):
    username = forms.CharField(
        label=_("Username or e-mail of the account"),
        max_length=254,
        help_text=_(
            "The link is e-mailed to the account's own address. It works once, for that "
            "account only."
        ),
    )

    def clean_username(self) -> User:
        from localsafety.organisations.selectors import user_for_identifier

        users = user_for_identifier(self.cleaned_data["username"].strip())
        if not users:
            raise ValidationError(_("No active account has this username or e-mail."))
        if len(users) > 1:
            raise ValidationError(
                _("More than one account uses this e-mail address: enter the username.")
            )
        return users[0]
