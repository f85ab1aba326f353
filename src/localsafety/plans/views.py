"""Plan pages: the plan from problems to indicators, versions and their decisions, the
comparison, the timetable, and the measures' forms. Thin: forms parse, services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from localsafety.activities import selectors as activity_selectors
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract, DecisionAction
from localsafety.contracts.ownership import Need
from localsafety.contracts.services import allowed_actions
from localsafety.contracts.views.base import contract_view, form_page, tab_context
from localsafety.core.access import get_object_for_user, require
from localsafety.core.errors import DomainError
from localsafety.core.forms import add_service_error, form_status
from localsafety.core.fragments import cached_fragment
from localsafety.core.http import AuthenticatedHttpRequest
from localsafety.organisations.two_factor import require_recent_second_factor
from localsafety.plans import forms, selectors, services
from localsafety.plans.gantt import render_gantt
from localsafety.plans.models import (
    APPROVED_VERSION_STATUSES,
    Indicator,
    IndicatorLevel,
    Measure,
    MeasurePartner,
    Milestone,
    Objective,
    Plan,
    PlanVersion,
)

TAB = "plan"


def _version(request: HttpRequest, contract: Contract, version_id: int) -> PlanVersion:
    return get_object_for_user(
        PlanVersion.objects.visible_to(request.user)
        .filter(contract=contract)
        .select_related("plan", "submitted_by", "approved_by"),
        pk=version_id,
    )


def _objective(request: HttpRequest, contract: Contract, objective_id: int) -> Objective:
    return get_object_for_user(
        Objective.objects.visible_to(request.user)
        .filter(contract=contract)
        .select_related("plan_version"),
        pk=objective_id,
    )


def _measure(request: HttpRequest, contract: Contract, measure_id: int) -> Measure:
    queryset: QuerySet[Measure] = Measure.objects.visible_to(request.user).filter(contract=contract)
    measure: Measure = get_object_for_user(
        selectors.with_details(queryset).select_related("plan_version__plan"), pk=measure_id
    )
    return measure


def _version_url(version: PlanVersion) -> str:
    return reverse("plans:version", args=[version.contract_id, version.pk])


def _measure_url(measure: Measure) -> str:
    return reverse("plans:measure", args=[measure.contract_id, measure.pk])


def version_actions(user: Any, version: PlanVersion) -> list[tuple[str, str]]:
    """The decisions ``user`` may take on ``version`` now: the plan stage's, where the
    version's status allows them."""
    stage = services.plan_stage(version.contract_id)
    expected = {
        DecisionAction.SUBMIT: {"draft", "returned"},
        DecisionAction.APPROVE: {"submitted"},
        DecisionAction.RETURN: {"submitted"},
        DecisionAction.ENDORSE: {"approved"},
    }
    labels = {
        DecisionAction.SUBMIT: _("Submit to the Coordinating Committee"),
        DecisionAction.APPROVE: _("Approve"),
        DecisionAction.RETURN: _("Return with comments"),
        DecisionAction.ENDORSE: _("Endorse nationally"),
    }
    return [
        (action, str(labels[DecisionAction(action)]))
        for action in allowed_actions(user, stage)
        if action in expected and version.status in expected[DecisionAction(action)]
    ]


# --- the plan and its versions ------------------------------------------------------------------


@require_GET
@contract_view(Need.PAGE)
def plan(request: HttpRequest, contract: Contract) -> HttpResponse:
    """Members see the latest version; everyone else the measures the committee published."""
    scope = scope_for(request.user)
    context = tab_context(request, contract, TAB)
    if not scope.can_read_contract(contract.pk):
        measures = list(selectors.published_measures(request.user, contract))
        # Their progress, as aggregates only (activities held, people reached).
        progress = activity_selectors.published_progress(contract)
        for measure in measures:
            measure.progress = progress.get(measure.lineage)  # type: ignore[attr-defined]
        context["measures"] = measures
        return render(request, "plans/public.html", context)
    found = selectors.plan_of(request.user, contract)
    if found is None:
        context["can_draft"] = services.can_draft(request.user, contract.pk)
        return render(request, "plans/no_plan.html", context)
    versions = selectors.versions_of(found)
    return _render_version(request, contract, found, versions[0], versions)


@require_GET
@contract_view(Need.RECORD)
def version_detail(request: HttpRequest, contract: Contract, version_id: int) -> HttpResponse:
    version = _version(request, contract, version_id)
    versions = selectors.versions_of(version.plan)
    return _render_version(request, contract, version.plan, version, versions)


def _render_version(
    request: HttpRequest,
    contract: Contract,
    found: Plan,
    version: PlanVersion,
    versions: list[PlanVersion],
    *,
    decision_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    context = tab_context(request, contract, TAB)
    actions = version_actions(request.user, version)
    latest = versions[0]
    can_draft = services.can_draft(request.user, contract.pk)
    can_edit = can_draft and version.is_editable
    context.update(
        {
            "plan": found,
            "version": version,
            "versions": versions,
            "in_force": selectors.version_in_force(versions),
            # Cached under the contract's generation (any write to its plan moves it).
            "outline": cached_fragment(
                ("plan-outline", contract.pk, contract.updated_at, version.pk, can_edit),
                lambda: render_to_string(
                    "plans/_outline.html",
                    {
                        "contract": contract,
                        "version": version,
                        "can_edit": can_edit,
                        "tree": _outline(
                            contract,
                            selectors.version_tree(version, selectors.outline_measures(version)),
                        ),
                    },
                ),
            ),
            "can_edit": can_edit,
            "can_publish": services.can_judge(request.user, contract.pk),
            "can_revise": can_draft
            and version.pk == latest.pk
            and latest.status in APPROVED_VERSION_STATUSES,
            "decision_form": decision_form
            or (
                forms.DecisionForm(actions=actions, initial={"version": version.version})
                if actions
                else None
            ),
            "previous": selectors.previous_version(version),
        }
    )
    return render(request, "plans/version.html", context, status=status)


def _outline(contract: Contract, tree: list[selectors.ObjectiveBlock]) -> list[dict[str, Any]]:
    """The objectives and, under each, its measures as plain lines: links, labels and dates
    computed once in Python, so that a plan of 200 measures renders in a few milliseconds."""
    base = reverse("plans:measure", args=[contract.pk, 0])[: -len("0/")]
    levels = {value: str(label) for value, label in IndicatorLevel.choices}
    return [
        {
            "objective": block.objective,
            "measures": [
                {
                    "pk": measure.pk,
                    "url": f"{base}{measure.pk}/",
                    "heading": str(measure),
                    "published": measure.published,
                    "axis": str(measure.axis),
                    "kind": str(measure.kind),
                    "period": f"{date_format(measure.starts_on, 'SHORT_DATE_FORMAT')} – "
                    f"{date_format(measure.ends_on, 'SHORT_DATE_FORMAT')}",
                    "responsible": str(measure.responsible_organisation),
                    "indicators": "; ".join(
                        f"{indicator.name} ({levels.get(indicator.level, indicator.level)})"
                        for indicator in measure.indicators.all()
                    ),
                }
                for measure in block.measures
            ],
        }
        for block in tree
    ]


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD)
def plan_start(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    require(services.can_draft(request.user, contract.pk))
    return form_page(
        request,
        contract=contract,
        form=forms.PlanStartForm(
            request.POST or None,
            initial={"title": _("Intervention plan — %(contract)s") % {"contract": contract}},
        ),
        tab=TAB,
        title=_("Start the intervention plan"),
        action=lambda data: services.plan_create(
            actor=request.user, contract=contract, title=data["title"]
        ),
        success=_("The plan was started: add its objectives from the problems."),
        next_url=lambda result: reverse("plans:plan", args=[contract.pk]),
    )


@login_required
@require_POST
@contract_view(Need.RECORD)
@require_recent_second_factor
def version_decide(
    request: AuthenticatedHttpRequest, contract: Contract, version_id: int
) -> HttpResponse:
    version = _version(request, contract, version_id)
    actions = version_actions(request.user, version)
    require(bool(actions), _("You cannot decide on this version now."))
    form = forms.DecisionForm(request.POST, actions=actions)
    if form.is_valid():
        try:
            decided = services.plan_version_decide(
                actor=request.user,
                version=version,
                action=form.cleaned_data["action"],
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)s is now “%(status)s”.")
                % {"number": decided.number, "status": decided.get_status_display()},
            )
            return redirect(_version_url(decided))
    versions = selectors.versions_of(version.plan)
    return _render_version(
        request,
        contract,
        version.plan,
        version,
        versions,
        decision_form=form,
        status=form_status(request, form),
    )


@login_required
@require_POST
@contract_view(Need.RECORD)
def version_new(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    found = selectors.plan_of(request.user, contract)
    require(found is not None and services.can_draft(request.user, contract.pk))
    assert found is not None
    form = forms.VersionOnlyForm(request.POST)
    if form.is_valid():
        try:
            new = services.plan_version_new(
                actor=request.user, plan=found, expected_version=form.cleaned_data["version"]
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("plans:plan", contract_id=contract.pk)
        messages.success(
            request,
            _("Version %(number)s was opened from the plan in force.") % {"number": new.number},
        )
        return redirect(_version_url(new))
    messages.error(request, _("Reload the page and try again."))
    return redirect("plans:plan", contract_id=contract.pk)


@require_GET
@contract_view(Need.RECORD)
def version_compare(request: HttpRequest, contract: Contract, version_id: int) -> HttpResponse:
    version = _version(request, contract, version_id)
    previous = selectors.previous_version(version)
    context = tab_context(request, contract, TAB)
    comparison = selectors.compare_versions(previous, version)
    context.update(
        {
            "plan": version.plan,
            "version": version,
            "previous": previous,
            "comparison": comparison,
            "counts": {
                status: sum(1 for c in comparison if c.status == status)
                for status in ("added", "changed", "removed", "unchanged")
            },
        }
    )
    return render(request, "plans/compare.html", context)


@require_GET
@contract_view(Need.RECORD)
def version_gantt(request: HttpRequest, contract: Contract, version_id: int) -> HttpResponse:
    version = _version(request, contract, version_id)
    today = timezone.localdate()

    def timetable() -> str:
        rows = selectors.gantt_rows(selectors.timetable_measures(version), today)
        base = reverse("plans:measure", args=[contract.pk, 0])[: -len("0/")]
        return render_to_string(
            "plans/_timetable.html",
            {
                "lines": _timetable_lines(rows, today, base),
                "svg": render_gantt(rows, today, link=lambda row: f"{base}{row.measure.pk}/"),
            },
        )

    context = tab_context(request, contract, TAB)
    context.update(
        {
            "plan": version.plan,
            "version": version,
            "today": today,
            # Cached under the contract's generation and the day (today's line, what is late).
            "timetable": cached_fragment(
                ("plan-timetable", contract.pk, contract.updated_at, version.pk, today),
                timetable,
            ),
        }
    )
    return render(request, "plans/gantt.html", context)


def _timetable_lines(
    rows: list[selectors.GanttRow], today: dt.date, base: str
) -> list[dict[str, Any]]:
    """The timetable's table beside the figure, as plain lines computed in Python."""
    late, reached = _("late"), _("reached")
    states = {
        "late": format_html('<span class="late">{}</span>', _("Late")),
        "ended": _("Ended"),
        "future": _("Not started"),
        "running": _("Running"),
    }
    lines = []
    for row in rows:
        measure = row.measure
        milestones = []
        for milestone in measure.milestones.all():
            text = f"{date_format(milestone.due_on, 'SHORT_DATE_FORMAT')} {milestone.title}"
            if milestone in row.late_milestones:
                milestones.append(format_html('{} <span class="late">({})</span>', text, late))
            elif milestone.done_on:
                milestones.append(format_html("{} ({})", text, reached))
            else:
                milestones.append(format_html("{}", text))
        if row.is_late:
            state = states["late"]
        elif measure.ends_on < today:
            state = states["ended"]
        elif measure.starts_on > today:
            state = states["future"]
        else:
            state = states["running"]
        lines.append(
            {
                "group": row.group,
                "url": f"{base}{measure.pk}/",
                "heading": str(measure),
                "starts_on": date_format(measure.starts_on, "SHORT_DATE_FORMAT"),
                "ends_on": date_format(measure.ends_on, "SHORT_DATE_FORMAT"),
                "milestones": format_html_join("; ", "{}", ((m,) for m in milestones))
                if milestones
                else "—",
                "state": state,
            }
        )
    return lines


# --- objectives and measures --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD)
def objective_create(
    request: AuthenticatedHttpRequest, contract: Contract, version_id: int
) -> HttpResponse:
    version = _version(request, contract, version_id)
    require(services.can_draft(request.user, contract.pk))
    form = forms.ObjectiveForm(request.POST or None, contract=contract)
    return form_page(
        request,
        contract=contract,
        form=form,
        tab=TAB,
        title=_("Add an objective"),
        action=lambda data: services.objective_create(
            actor=request.user,
            version=version,
            title=data["title"],
            description=data["description"],
            problems=data["problems"],
            problem_statement=data["problem_statement"],
        ),
        success=_("The objective was added."),
        next_url=lambda result: _version_url(version),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD)
def objective_edit(
    request: AuthenticatedHttpRequest, contract: Contract, objective_id: int
) -> HttpResponse:
    objective = _objective(request, contract, objective_id)
    require(services.can_draft(request.user, contract.pk))
    initial = {
        "title": objective.title,
        "description": objective.description,
        "problems": list(objective.problems.all()),
        "problem_statement": objective.problem_statement,
        "version": objective.version,
    }
    form = forms.ObjectiveEditForm(request.POST or None, contract=contract, initial=initial)
    return form_page(
        request,
        contract=contract,
        form=form,
        tab=TAB,
        title=_("Edit the objective"),
        action=lambda data: services.objective_update(
            actor=request.user,
            objective=objective,
            expected_version=data["version"],
            title=data["title"],
            description=data["description"],
            problems=data["problems"],
            problem_statement=data["problem_statement"],
        ),
        success=_("The objective was saved."),
        next_url=lambda result: _version_url(objective.plan_version),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD)
def measure_create(
    request: AuthenticatedHttpRequest, contract: Contract, version_id: int
) -> HttpResponse:
    version = _version(request, contract, version_id)
    require(services.can_draft(request.user, contract.pk))
    initial = {}
    if "objective" in request.GET:
        initial["objective"] = request.GET.get("objective", "")[:12]
    form = forms.MeasureForm(
        request.POST or None, contract=contract, plan_version=version, initial=initial
    )
    return form_page(
        request,
        contract=contract,
        form=form,
        tab=TAB,
        title=_("Add a measure"),
        action=lambda data: services.measure_create(
            actor=request.user,
            objective=data["objective"],
            values=form.values(),
            target_groups=data["target_groups"],
            areas=data["areas"],
            budget=form.budget(),
        ),
        success=_("The measure was added: now give it its indicators."),
        next_url=_measure_url,
    )


@require_GET
@contract_view(Need.RECORD)
def measure_detail(request: HttpRequest, contract: Contract, measure_id: int) -> HttpResponse:
    measure = _measure(request, contract, measure_id)
    context = tab_context(request, contract, TAB)
    can_edit = services.can_draft(request.user, contract.pk) and measure.plan_version.is_editable
    today = timezone.localdate()
    context.update(
        {
            "measure": measure,
            "version": measure.plan_version,
            "plan": measure.plan_version.plan,
            "budget_total": selectors.budget_total(measure),
            "can_edit": can_edit,
            "can_publish": services.can_judge(request.user, contract.pk),
            "today": today,
            "partner_form": forms.PartnerForm(
                contract=contract, initial={"version": measure.version}
            )
            if can_edit
            else None,
            "milestone_form": forms.MilestoneForm(initial={"version": measure.version})
            if can_edit
            else None,
        }
    )
    return render(request, "plans/measure.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD)
def measure_edit(
    request: AuthenticatedHttpRequest, contract: Contract, measure_id: int
) -> HttpResponse:
    measure = _measure(request, contract, measure_id)
    require(services.can_draft(request.user, contract.pk))
    form = forms.MeasureEditForm(
        request.POST or None,
        contract=contract,
        plan_version=measure.plan_version,
        initial=forms.MeasureForm.initial_for(measure),
    )
    return form_page(
        request,
        contract=contract,
        form=form,
        tab=TAB,
        title=_("Edit the measure"),
        action=lambda data: services.measure_update(
            actor=request.user,
            measure=measure,
            expected_version=data["version"],
            changes={"objective": data["objective"], **form.values()},
            target_groups=data["target_groups"],
            areas=data["areas"],
            budget=form.budget(),
        ),
        success=_("The measure was saved."),
        next_url=_measure_url,
    )


def _post_on_measure(
    request: HttpRequest, measure: Measure, action: Any, success: str, next_url: str
) -> HttpResponse:
    form = forms.VersionOnlyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect(_measure_url(measure))
    try:
        action(form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_measure_url(measure))
    messages.success(request, success)
    return redirect(next_url)


@login_required
@require_POST
@contract_view(Need.RECORD)
def measure_delete(
    request: AuthenticatedHttpRequest, contract: Contract, measure_id: int
) -> HttpResponse:
    measure = _measure(request, contract, measure_id)
    require(services.can_draft(request.user, contract.pk))
    return _post_on_measure(
        request,
        measure,
        lambda expected: services.measure_delete(
            actor=request.user, measure=measure, expected_version=expected
        ),
        _("The measure was removed from this version."),
        _version_url(measure.plan_version),
    )


@login_required
@require_POST
@contract_view(Need.RECORD)
def measure_publish(
    request: AuthenticatedHttpRequest, contract: Contract, measure_id: int
) -> HttpResponse:
    measure = _measure(request, contract, measure_id)
    require(services.can_judge(request.user, contract.pk))
    published = request.POST.get("published") == "on"
    return _post_on_measure(
        request,
        measure,
        lambda expected: services.measure_publish(
            actor=request.user, measure=measure, published=published, expected_version=expected
        ),
        _("The measure is now published.")
        if published
        else _("The measure is no longer published."),
        _measure_url(measure),
    )


def _add_to_measure(
    request: AuthenticatedHttpRequest,
    contract: Contract,
    measure_id: int,
    *,
    form: Callable[[Measure], Any],
    title: str,
    add: Callable[[Measure, dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """A form that adds a partner or a milestone to a measure, naming the measure's version."""
    measure = _measure(request, contract, measure_id)
    require(services.can_draft(request.user, contract.pk))
    return form_page(
        request,
        contract=contract,
        form=form(measure),
        tab=TAB,
        title=title,
        action=lambda data: add(measure, data),
        success=success,
        next_url=lambda result: _measure_url(measure),
    )


def _remove_from_measure(
    request: AuthenticatedHttpRequest,
    contract: Contract,
    model: type[MeasurePartner] | type[Milestone] | type[Indicator],
    pk: int,
    *,
    remove: Callable[[Any, int], object],
    success: str,
) -> HttpResponse:
    """Remove a partner, milestone or indicator of one of the contract's measures (404 for
    one the person cannot see), naming the measure's version."""
    child: Any = get_object_for_user(
        model.objects.visible_to(request.user).filter(contract=contract).select_related("measure"),
        pk=pk,
    )
    require(services.can_draft(request.user, contract.pk))
    return _post_on_measure(
        request,
        child.measure,
        lambda expected: remove(child, expected),
        success,
        _measure_url(child.measure),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD)
def partner_add(
    request: AuthenticatedHttpRequest, contract: Contract, measure_id: int
) -> HttpResponse:
    return _add_to_measure(
        request,
        contract,
        measure_id,
        form=lambda measure: forms.PartnerForm(
            request.POST or None, contract=contract, initial={"version": measure.version}
        ),
        title=_("Add a partner to the measure"),
        add=lambda measure, data: services.measure_partner_add(
            actor=request.user,
            measure=measure,
            expected_version=data["version"],
            organisation=data["organisation"],
            role=data["role"],
            terms=data["terms"],
        ),
        success=_("The partner was added."),
    )


@login_required
@require_POST
@contract_view(Need.RECORD)
def partner_remove(
    request: AuthenticatedHttpRequest, contract: Contract, partner_id: int
) -> HttpResponse:
    return _remove_from_measure(
        request,
        contract,
        MeasurePartner,
        partner_id,
        remove=lambda partner, expected: services.measure_partner_remove(
            actor=request.user, partner=partner, expected_version=expected
        ),
        success=_("The partner was removed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD)
def milestone_add(
    request: AuthenticatedHttpRequest, contract: Contract, measure_id: int
) -> HttpResponse:
    return _add_to_measure(
        request,
        contract,
        measure_id,
        form=lambda measure: forms.MilestoneForm(
            request.POST or None, initial={"version": measure.version}
        ),
        title=_("Add a milestone"),
        add=lambda measure, data: services.milestone_add(
            actor=request.user,
            measure=measure,
            expected_version=data["version"],
            title=data["title"],
            due_on=data["due_on"],
            done_on=data["done_on"],
        ),
        success=_("The milestone was added."),
    )


@login_required
@require_POST
@contract_view(Need.RECORD)
def milestone_remove(
    request: AuthenticatedHttpRequest, contract: Contract, milestone_id: int
) -> HttpResponse:
    return _remove_from_measure(
        request,
        contract,
        Milestone,
        milestone_id,
        remove=lambda milestone, expected: services.milestone_remove(
            actor=request.user, milestone=milestone, expected_version=expected
        ),
        success=_("The milestone was removed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD)
def indicator_create(
    request: AuthenticatedHttpRequest, contract: Contract, measure_id: int
) -> HttpResponse:
    measure = _measure(request, contract, measure_id)
    require(services.can_draft(request.user, contract.pk))
    form = forms.IndicatorForm(request.POST or None)
    return form_page(
        request,
        contract=contract,
        form=form,
        tab=TAB,
        title=_("Add an indicator"),
        action=lambda data: services.indicator_create(
            actor=request.user, measure=measure, values=form.values()
        ),
        success=_("The indicator was added."),
        next_url=lambda result: _measure_url(measure),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view(Need.RECORD)
def indicator_edit(
    request: AuthenticatedHttpRequest, contract: Contract, indicator_id: int
) -> HttpResponse:
    indicator: Indicator = get_object_for_user(
        Indicator.objects.visible_to(request.user)
        .filter(contract=contract)
        .select_related("measure"),
        pk=indicator_id,
    )
    require(services.can_draft(request.user, contract.pk))
    initial = {name: getattr(indicator, name) for name in forms.IndicatorForm.FIELDS}
    initial["version"] = indicator.version
    form = forms.IndicatorEditForm(request.POST or None, initial=initial)
    return form_page(
        request,
        contract=contract,
        form=form,
        tab=TAB,
        title=_("Edit the indicator"),
        action=lambda data: services.indicator_update(
            actor=request.user,
            indicator=indicator,
            expected_version=data["version"],
            changes=form.values(),
        ),
        success=_("The indicator was saved."),
        next_url=lambda result: _measure_url(indicator.measure),
    )


@login_required
@require_POST
@contract_view(Need.RECORD)
def version_summary(
    request: AuthenticatedHttpRequest, contract: Contract, version_id: int
) -> HttpResponse:
    version = _version(request, contract, version_id)
    require(services.can_draft(request.user, contract.pk))
    form = forms.VersionSummaryForm(request.POST)
    if form.is_valid():
        try:
            services.plan_version_update(
                actor=request.user,
                version=version,
                summary=form.cleaned_data["summary"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The summary was saved."))
    else:
        messages.error(request, _("Reload the page and try again."))
    return redirect(_version_url(version))


@login_required
@require_POST
@contract_view(Need.RECORD)
def indicator_delete(
    request: AuthenticatedHttpRequest, contract: Contract, indicator_id: int
) -> HttpResponse:
    return _remove_from_measure(
        request,
        contract,
        Indicator,
        indicator_id,
        remove=lambda indicator, expected: services.indicator_delete(
            actor=request.user, indicator=indicator, expected_version=expected
        ),
        success=_("The indicator was removed."),
    )
