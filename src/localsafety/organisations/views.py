"""The register of organisations and their members."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from localsafety.core.access import get_object_for_user, require
from localsafety.core.errors import DomainError
from localsafety.core.forms import form_status, query_without_page, submit_form
from localsafety.core.http import AuthenticatedHttpRequest
from localsafety.organisations import selectors, services
from localsafety.organisations.access import (
    can_edit_organisation,
    can_manage_register,
    memberships_for,
)
from localsafety.organisations.forms import (
    MembershipAddForm,
    MembershipRoleForm,
    OrganisationContactForm,
    OrganisationFilterForm,
    OrganisationForm,
    OrganisationRegisterForm,
    UserInviteForm,
)
from localsafety.organisations.models import Membership, Organisation
from localsafety.organisations.two_factor import require_recent_second_factor

PAGE_SIZE = 25


def _back_to_organisation(request: HttpRequest) -> str:
    """Where a POST-only rights change sends its author back after confirming a code."""
    organisation_id = (
        request.resolver_match.kwargs["organisation_id"] if request.resolver_match else 0
    )
    return reverse("organisations:detail", args=[organisation_id])


def _organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    return get_object_for_user(
        Organisation.objects.visible_to(request.user).select_related("municipality"),
        pk=organisation_id,
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "q": form.cleaned_data["q"].strip(),
            "kind": form.cleaned_data["kind"],
            "municipality": form.cleaned_data["municipality"],
        }
    organisations = selectors.organisation_list(request.user, **filters)
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/list.html",
        {
            "nav": "organisations",
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "can_create": can_manage_register(request.user),
        },
    )


def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    can_manage_members = memberships_for(request.user).can_manage_members(organisation.pk)
    show_members = can_manage_members or selectors.may_see_members(request.user, organisation)
    members = list(selectors.organisation_members(organisation)) if show_members else []
    return render(
        request,
        "organisations/detail.html",
        {
            "nav": "organisations",
            "organisation": organisation,
            "show_members": show_members,
            "members": [
                (m, MembershipRoleForm(initial={"role": m.role}, prefix=f"m{m.pk}"))
                for m in members
            ],
            "can_edit": can_edit_organisation(request.user, organisation.pk),
            "can_manage_members": can_manage_members,
            "add_form": MembershipAddForm() if can_manage_members else None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(
        can_manage_register(request.user),
        _("Only national users may add organisations to the register."),
    )
    form = OrganisationForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda data: services.organisation_create(actor=request.user, **data),
        success=_("The organisation was added."),
        next_url=lambda organisation: reverse("organisations:detail", args=[organisation.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "organisations/form.html",
        {"nav": "organisations", "form": form, "organisation": None},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@require_recent_second_factor  # the register's fields confer rights
def organisation_edit(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    require(can_edit_organisation(request.user, organisation.pk))
    # Managers are not offered what confers rights (kind, municipality, status): national
    # users keep those, with a reason. The service checks the same again.
    keeps_register = can_manage_register(request.user)
    form_class = OrganisationRegisterForm if keeps_register else OrganisationContactForm
    # The form validates a copy, so the service still sees the stored values to compare.
    form = form_class(
        request.POST or None,
        instance=copy.copy(organisation),
        initial={"version": services.organisation_version(organisation)},
    )

    def save(data: dict[str, Any]) -> Organisation:
        changes = dict(data)
        reason = changes.pop("reason", "")
        expected_version = changes.pop("version")
        return services.organisation_update(
            actor=request.user,
            organisation=organisation,
            expected_version=expected_version,
            reason=reason,
            **changes,
        )

    done = submit_form(
        request,
        form,
        save,
        success=_("The organisation was saved."),
        next_url=lambda _result: reverse("organisations:detail", args=[organisation.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "organisations/form.html",
        {
            "nav": "organisations",
            "form": form,
            "organisation": organisation,
            "register_locked": not keeps_register,
        },
        status=form_status(request, form, invalid=200),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@require_recent_second_factor  # a membership confers rights
def member_add(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    require(memberships_for(request.user).can_manage_members(organisation.pk))
    form = MembershipAddForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda data: services.membership_add(
            actor=request.user,
            organisation=organisation,
            user=data["person"],
            role=data["role"],
        ),
        success=lambda membership: _("%(name)s was added.") % {"name": membership.user},
        next_url=lambda _result: reverse("organisations:detail", args=[organisation.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "organisations/member_add.html",
        {"nav": "organisations", "form": form, "organisation": organisation},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@require_recent_second_factor
def member_invite(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = _organisation(request, organisation_id)
    require(memberships_for(request.user).can_manage_members(organisation.pk))
    form = UserInviteForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda data: services.user_create(
            actor=request.user,
            organisation=organisation,
            base_url=request.build_absolute_uri("/"),
            **data,
        ),
        # The same answer whether or not the address already had an account (None).
        success=lambda _user: (
            _("An invitation to %(organisation)s was sent to %(email)s.")
            % {"organisation": organisation, "email": form.cleaned_data["email"]}
        ),
        next_url=lambda _user: reverse("organisations:detail", args=[organisation.pk]),
    )
    if done is not None:
        return done
    return render(
        request,
        "organisations/member_invite.html",
        {"nav": "organisations", "form": form, "organisation": organisation},
    )


def _membership(request: HttpRequest, organisation_id: int, membership_id: int) -> Membership:
    organisation = _organisation(request, organisation_id)
    require(memberships_for(request.user).can_manage_members(organisation.pk))
    return get_object_for_user(
        Membership.objects.filter(organisation=organisation).select_related("user", "organisation"),
        pk=membership_id,
    )


@login_required
@require_POST
@require_recent_second_factor(return_to=_back_to_organisation)
def member_role(
    request: AuthenticatedHttpRequest, organisation_id: int, membership_id: int
) -> HttpResponse:
    membership = _membership(request, organisation_id, membership_id)
    form = MembershipRoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
        return redirect("organisations:detail", organisation_id)
    try:
        services.membership_update_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": membership.user, "role": membership.get_role_display()},
        )
    return redirect("organisations:detail", organisation_id)


@login_required
@require_POST
@require_recent_second_factor(return_to=_back_to_organisation)
def member_remove(
    request: AuthenticatedHttpRequest, organisation_id: int, membership_id: int
) -> HttpResponse:
    membership = _membership(request, organisation_id, membership_id)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": membership.user})
    return redirect("organisations:detail", organisation_id)
