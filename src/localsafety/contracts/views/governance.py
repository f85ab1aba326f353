"""Governance pages: the bodies, their seats and the committee's chair."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localsafety.contracts import selectors, services
from localsafety.contracts.forms import (
    BodyMemberForm,
    ChairForm,
)
from localsafety.contracts.models import (
    BodyMember,
    Contract,
)
from localsafety.contracts.views.base import contract_view, form_page, tab_context
from localsafety.core.access import get_object_for_user
from localsafety.core.http import AuthenticatedHttpRequest


@contract_view("page")
def governance(request: HttpRequest, contract: Contract) -> HttpResponse:
    context = tab_context(request, contract, "governance")
    context.update(
        {
            "bodies": selectors.contract_bodies(contract),
            "commission": selectors.national_commission(),
            "member_form": BodyMemberForm(contract_id=contract.pk)
            if context["can_manage"]
            else None,
            "chair_form": ChairForm() if context["can_manage"] else None,
        }
    )
    return render(request, "contracts/governance.html", context)


@login_required
@require_POST
@contract_view("record", may="manage")
def body_member_add(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    form = BodyMemberForm(request.POST, contract_id=contract.pk)
    return form_page(
        request,
        contract=contract,
        form=form,
        tab="governance",
        title=_("Add a member"),
        action=lambda _data: services.body_member_add(
            actor=request.user,
            **form.service_arguments(),
        ),
        success=_("The member was added."),
        next_url=lambda _result: reverse("contracts:governance", args=[contract.pk]),
    )


@login_required
@require_POST
@contract_view("record")
def body_member_remove(
    request: AuthenticatedHttpRequest, contract: Contract, member_id: int
) -> HttpResponse:
    member = get_object_for_user(
        BodyMember.objects.filter(body__contract=contract).select_related("body"), pk=member_id
    )
    services.body_member_remove(actor=request.user, member=member)
    messages.success(request, _("The member was removed."))
    return redirect("contracts:governance", contract_id=contract.pk)


@login_required
@require_POST
@contract_view("record", may="manage")
def chair_change(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    form = ChairForm(request.POST)
    return form_page(
        request,
        contract=contract,
        form=form,
        tab="governance",
        title=_("Change the chair"),
        action=lambda _data: services.committee_chair_change(
            actor=request.user,
            contract=contract,
            **form.service_arguments(),
        ),
        success=_("The chair was changed."),
        next_url=lambda _result: reverse("contracts:governance", args=[contract.pk]),
    )
