"""Governance pages: the bodies, their seats and the committee's chair."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from localsafety.contracts import selectors, services
from localsafety.contracts.access import scope_for
from localsafety.contracts.forms import (
    BodyMemberForm,
    ChairForm,
    OrganisationChooser,
    chooser_context,
)
from localsafety.contracts.models import (
    BodyMember,
    Contract,
    GovernanceBody,
)
from localsafety.contracts.ownership import Need
from localsafety.contracts.views.base import (
    contract_view,
    form_page,
    tab_context,
    typed_values,
)
from localsafety.core.access import get_object_for_user, require
from localsafety.core.http import AuthenticatedHttpRequest
from localsafety.core.params import BadParameter, int_param
from localsafety.organisations.two_factor import require_recent_second_factor


def _seatable_body_ids(request: HttpRequest, bodies: list[GovernanceBody]) -> set[int]:
    """The bodies whose seats the person may change (committee: chair or national users)."""
    scope = scope_for(request.user)
    return {
        body.pk
        for body in bodies
        if body.contract_id is not None and scope.can_seat_body(body.contract_id, body.kind)
    }


def _back_to_governance(request: HttpRequest) -> str:
    """Where a committee seat change sends its author back after confirming a code."""
    contract_id = request.resolver_match.kwargs["contract_id"] if request.resolver_match else 0
    return reverse("contracts:governance", args=[contract_id])


def params_id(value: Any) -> int | None:
    """The organisation id a sent-back form named, if it is one (else none is kept)."""
    try:
        return int_param({"organisation": str(value or "")}, "organisation")
    except BadParameter:
        return None


def offer_organisations(request: HttpRequest, contract: Contract, form: Any) -> Any:
    """Fill a form's organisation chooser: the contract's territory first, or what matches
    the search the form was sent with (the chooser's no-JavaScript search)."""
    widget = form.fields["organisation"].widget
    assert isinstance(widget, OrganisationChooser)  # noqa: S101 - typing
    query = (request.POST.get(widget.query_name) or request.GET.get(widget.query_name) or "")[:100]
    selected = form["organisation"].value() if form.is_bound else None
    options, more = selectors.organisations_to_seat(
        request.user, contract, query=query, selected=params_id(selected)
    )
    widget.offer(
        options,
        more=more,
        query=query,
        search_url=reverse("contracts:governance_organisations", args=[contract.pk]),
    )
    return form


def organisation_search_page(
    request: HttpRequest, contract: Contract, form: Any, *, tab: str, title: str
) -> HttpResponse | None:
    """The chooser's search without JavaScript: its button posts the form; the page shows the
    form again as typed, offering the organisations that match, and decides nothing."""
    if "organisation_search" not in request.POST:
        return None
    offer_organisations(request, contract, form)
    context = tab_context(request, contract, tab)
    context.update({"form": form, "title": title})
    return render(request, "contracts/form.html", context)


@contract_view("page")
def governance(request: HttpRequest, contract: Contract) -> HttpResponse:
    context = tab_context(request, contract, "governance")
    bodies = selectors.contract_bodies(contract)
    seatable = _seatable_body_ids(request, bodies) if context["is_member"] else set()
    may_name_chair = context["is_member"] and scope_for(request.user).can_seat_committee(
        contract.pk
    )
    context.update(
        {
            "bodies": bodies,
            "seatable_body_ids": seatable,
            "commission": selectors.national_commission(),
            "member_form": offer_organisations(
                request, contract, BodyMemberForm(contract_id=contract.pk, body_ids=seatable)
            )
            if seatable
            else None,
            "chair_form": offer_organisations(request, contract, ChairForm())
            if may_name_chair
            else None,
        }
    )
    return render(request, "contracts/governance.html", context)


@login_required
@require_POST
@contract_view("record")
@require_recent_second_factor(return_to=_back_to_governance)
def body_member_add(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    seatable = _seatable_body_ids(request, list(contract.bodies.all()))
    require(bool(seatable), _("You may not change the members of this contract's bodies."))
    searched = organisation_search_page(
        request,
        contract,
        BodyMemberForm(
            initial=typed_values(request.POST), contract_id=contract.pk, body_ids=seatable
        ),
        tab="governance",
        title=_("Add a member"),
    )
    if searched is not None:
        return searched
    form = BodyMemberForm(request.POST, contract_id=contract.pk, body_ids=seatable)
    offer_organisations(request, contract, form)
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
@require_recent_second_factor(return_to=_back_to_governance)
def body_member_remove(
    request: AuthenticatedHttpRequest, contract: Contract, member_id: int
) -> HttpResponse:
    member: BodyMember = get_object_for_user(
        BodyMember.objects.visible_to(request.user, Need.PAGE)
        .filter(contract=contract)
        .select_related("body"),
        pk=member_id,
    )
    services.body_member_remove(actor=request.user, member=member)
    messages.success(request, _("The member was removed."))
    return redirect("contracts:governance", contract_id=contract.pk)


@login_required
@require_POST
@contract_view("record")
@require_recent_second_factor(return_to=_back_to_governance)
def chair_change(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    require(
        scope_for(request.user).can_seat_committee(contract.pk),
        _("Only the chair of the Coordinating Committee or a national user changes its chair."),
    )
    searched = organisation_search_page(
        request,
        contract,
        ChairForm(initial=typed_values(request.POST)),
        tab="governance",
        title=_("Change the chair"),
    )
    if searched is not None:
        return searched
    form = ChairForm(request.POST)
    offer_organisations(request, contract, form)
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


@login_required
@require_GET
@contract_view("record")
def governance_organisations(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    """The seat chooser's search (htmx): organisations matching ``q``, territory first."""
    scope = scope_for(request.user)
    seatable = _seatable_body_ids(request, list(contract.bodies.all()))
    require(
        bool(seatable) or scope.can_seat_committee(contract.pk),
        _("You may not change the members of this contract's bodies."),
    )
    query_name = request.GET.get("query_name", "organisation_q")
    if query_name not in {"organisation_q", "chair_organisation_q"}:
        query_name = "organisation_q"
    query = request.GET.get(query_name, "")[:100]
    options, more = selectors.organisations_to_seat(request.user, contract, query=query)
    name = "organisation"
    field_id = "id_chair_organisation" if query_name.startswith("chair") else "id_organisation"
    widget = {
        "name": name,
        "attrs": {"id": field_id},
        **chooser_context(options, value=None, more=more, query=query, query_name=query_name),
    }
    return render(request, "contracts/widgets/_organisation_options.html", {"widget": widget})
