"""The administration's pages for organisations, people and memberships.

What confers rights is changed here through the same services as on the pages and the API
(``organisations.services``): a change of kind, municipality or status needs a reason, which
the history keeps, and whoever needs two-factor after a change signs in again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from localsafety.core.audit import mark_change, save_fields
from localsafety.core.errors import DomainError
from localsafety.organisations import services
from localsafety.organisations.access import forget_scope, requires_two_factor
from localsafety.organisations.models import Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user", "organisation"]


def _save_memberships(request: HttpRequest, formset: Any) -> None:
    """Memberships confer rights: add, change and remove them through the services."""
    try:
        _apply_memberships(request, formset)
    except DomainError as error:
        messages.error(request, error.message)


def _apply_memberships(request: HttpRequest, formset: Any) -> None:
    actor = request.user
    formset.save(commit=False)
    for membership in formset.deleted_objects:
        services.membership_remove(actor=actor, membership=membership)  # type: ignore[arg-type]
    for membership, changed in formset.changed_objects:
        stored = Membership.objects.select_related("organisation", "user").get(pk=membership.pk)
        if {"user", "organisation"} & set(changed):
            services.membership_remove(actor=actor, membership=stored)  # type: ignore[arg-type]
            services.membership_add(
                actor=actor,  # type: ignore[arg-type]
                organisation=membership.organisation,
                user=membership.user,
                role=membership.role,
            )
        elif "role" in changed:
            services.membership_update_role(
                actor=actor,  # type: ignore[arg-type]
                membership=stored,
                role=membership.role,
            )
    for membership in formset.new_objects:
        services.membership_add(
            actor=actor,  # type: ignore[arg-type]
            organisation=membership.organisation,
            user=membership.user,
            role=membership.role,
        )


class OrganisationAdminForm(forms.ModelForm[Organisation]):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        required=False,
        help_text=_(
            "Required when the kind, municipality or status changes: they decide what the "
            "members may do. Kept in the history."
        ),
    )

    class Meta:
        model = Organisation
        fields = [*services.ORGANISATION_FIELDS, "data_origin", "source_note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        register_changes = set(self.changed_data) & set(services.REGISTER_FIELDS)
        if self.instance.pk and register_changes and not data.get("change_reason", "").strip():
            self.add_error(
                "change_reason",
                _("Say why: changing the kind, municipality or status needs a reason."),
            )
        return data


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "municipality", "is_active", "data_origin"]
    list_filter = ["kind", "is_active", "data_origin"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["municipality"]
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if not change:
            mark_change(obj, actor=request.user, reason="created in the administration")
            super().save_model(request, obj, form, change)
            return
        stored = Organisation.objects.get(pk=obj.pk)
        changed = set(form.changed_data)
        services.organisation_update(
            actor=request.user,  # type: ignore[arg-type]
            organisation=stored,
            # The admin form carries no version: it edits the row it just read.
            expected_version=services.organisation_version(stored),
            reason=form.cleaned_data.get("change_reason", ""),
            **{
                name: form.cleaned_data[name]
                for name in services.ORGANISATION_FIELDS
                if name in changed
            },
        )
        others = [name for name in ("data_origin", "source_note") if name in changed]
        if others:
            for name in others:
                setattr(stored, name, form.cleaned_data[name])
            save_fields(stored, others, actor=request.user, reason="changed in the administration")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Membership:
            _save_memberships(request, formset)
        else:
            super().save_formset(request, form, formset, change)


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("LocalSafety", {"fields": ("language", "job_title")}),
    )
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # Making someone a superuser makes them need two-factor: they sign in again.
        needed_before = change and requires_two_factor(User.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        forget_scope(obj)
        if change and not needed_before and requires_two_factor(obj):
            services.sign_ins_end(obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Membership:
            _save_memberships(request, formset)
        else:
            super().save_formset(request, form, formset, change)
