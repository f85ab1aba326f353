"""Stage workflow pages: the stages, a stage's decisions and its deliverable's summary."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from localsafety.contracts import selectors, services
from localsafety.contracts.access import scope_for
from localsafety.contracts.forms import (
    StageDecisionForm,
    StageSummaryForm,
)
from localsafety.contracts.models import (
    Contract,
    Stage,
)
from localsafety.contracts.ownership import Need
from localsafety.contracts.views.base import contract_view, form_page, tab_context
from localsafety.core.access import get_object_for_user, require
from localsafety.core.errors import DomainError
from localsafety.core.forms import add_service_error, form_status
from localsafety.core.http import AuthenticatedHttpRequest
from localsafety.organisations.two_factor import require_recent_second_factor


@contract_view("page")
def stages(request: HttpRequest, contract: Contract) -> HttpResponse:
    context = tab_context(request, contract, "stages")
    context["stages"] = selectors.contract_stages(contract)
    return render(request, "contracts/stages.html", context)


@require_http_methods(["GET", "POST"])
@contract_view("page")
@require_recent_second_factor  # a decision (POST) needs a recent code from people with 2FA
def stage_detail(request: HttpRequest, contract: Contract, kind: str) -> HttpResponse:
    stage: Stage = get_object_for_user(
        Stage.objects.visible_to(request.user, Need.PAGE).filter(contract=contract), kind=kind
    )
    # A stage whose deliverable an app above keeps (the plan's versions) is decided there.
    actions = (
        [] if services.decided_elsewhere(stage) else services.allowed_actions(request.user, stage)
    )
    form = StageDecisionForm(
        request.POST or None, actions=actions, initial={"version": stage.version}
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        require(bool(actions) or scope_for(request.user).can_read_contract(contract.pk))
        if not actions:
            require(False, _("You cannot decide on this stage now."))
        if form.is_valid():
            try:
                decision = services.stage_decide(
                    actor=request.user,
                    stage=stage,
                    action=form.cleaned_data["action"],
                    expected_version=form.cleaned_data["version"],
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Decision recorded: %(action)s.") % {"action": decision.get_action_display()},
                )
                return redirect("contracts:stage", contract_id=contract.pk, kind=kind)
    context = tab_context(request, contract, "stages")
    can_edit_summary = (
        scope_for(request.user).can_submit_stage(contract.pk)
        and stage.status in services.EDITABLE_STATUSES
    )
    context.update(
        {
            "stage": stage,
            "form": form if actions else None,
            "summary_form": StageSummaryForm(
                initial={"summary": stage.summary, "version": stage.version}
            )
            if can_edit_summary
            else None,
            "decisions": selectors.decision_trail(stage)
            if context["record_fields"].stage_decisions
            else [],
            "documents": list(stage.documents.select_related("organisation"))
            if context["record_fields"].stage_documents
            else [],
        }
    )
    return render(request, "contracts/stage.html", context, status=form_status(request, form))


@login_required
@require_POST
@contract_view("page")
def stage_summary(request: AuthenticatedHttpRequest, contract: Contract, kind: str) -> HttpResponse:
    stage: Stage = get_object_for_user(
        Stage.objects.visible_to(request.user, Need.PAGE).filter(contract=contract), kind=kind
    )
    return form_page(
        request,
        contract=contract,
        form=StageSummaryForm(request.POST),
        tab="stages",
        title=_("Summary of the deliverable"),
        action=lambda data: services.stage_summary_update(
            actor=request.user,
            stage=stage,
            summary=data["summary"],
            expected_version=data["version"],
        ),
        success=_("The summary was saved."),
        next_url=lambda _result: reverse("contracts:stage", args=[contract.pk, kind]),
    )
