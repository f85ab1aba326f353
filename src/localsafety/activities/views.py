"""Activity pages: the list, quick entry, corrections, evidence, the import, isolated actions,
execution at a glance and the national view. Thin: a form or a selector, one service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from localsafety.activities import exports, selectors, services
from localsafety.activities.charts import bar_chart
from localsafety.activities.forms import ActivityEditForm, ActivityForm, ImportForm
from localsafety.activities.importing import activities_import, columns_help
from localsafety.activities.models import PARTICIPANT_FIELDS, Activity, Evidence
from localsafety.activities.rules import ActivityRules
from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.contracts.selectors import contracts_generation
from localsafety.contracts.views.base import contract_view, tab_context
from localsafety.core.access import get_object_for_user, require
from localsafety.core.errors import DomainError, ImportRefused
from localsafety.core.forms import add_service_error, form_status
from localsafety.core.fragments import cached_fragment
from localsafety.core.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


def _context(request: HttpRequest, contract: Contract, **extra: Any) -> dict[str, Any]:
    context = tab_context(request, contract, "activities")
    context.update(extra)
    return context


@contract_view("record")
def activity_list(request: HttpRequest, contract: Contract) -> HttpResponse:
    page = Paginator(selectors.activity_list(request.user, contract), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "activities/list.html",
        _context(request, contract, page=page, activities=page.object_list),
    )


def _activity(request: HttpRequest, contract: Contract, activity_id: int) -> Activity:
    return get_object_for_user(selectors.activity_list(request.user, contract), pk=activity_id)


@contract_view("record")
def activity_detail(request: HttpRequest, contract: Contract, activity_id: int) -> HttpResponse:
    activity = _activity(request, contract, activity_id)
    scope = scope_for(request.user)
    cells = activity.participant_counts()
    return render(
        request,
        "activities/detail.html",
        _context(
            request,
            contract,
            activity=activity,
            participants=[
                (label, [cells[(sex, age)] for sex in sexes]) for age, label, sexes in _grid_rows()
            ],
            sexes=_sex_labels(),
            costs=list(activity.costs.select_related("funding_source")),
            evidence=list(activity.evidence.all()),
            can_edit=scope.can_write_for_organisation(contract.pk, activity.organisation_id),
        ),
    )


def _grid_rows() -> list[tuple[str, str, list[str]]]:
    from localsafety.activities.models import AgeGroup, Sex

    return [(age, str(AgeGroup(age).label), list(Sex.values)) for age in AgeGroup.values]


def _sex_labels() -> list[str]:
    from localsafety.activities.models import Sex

    return [str(label) for label in Sex.labels]


def _entry_page(
    request: AuthenticatedHttpRequest,
    contract: Contract,
    form: ActivityForm,
    *,
    title: str,
    save: Any,
    success: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            activity = save(form)
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect("activities:detail", contract_id=contract.pk, activity_id=activity.pk)
    return render(
        request,
        "activities/entry.html",
        _context(request, contract, form=form, title=title, sexes=_sex_labels()),
        status=form_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("record", may="contribute")
def activity_create(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    rules = ActivityRules(actor=request.user, contract=contract)
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        rules=rules,
        measures=selectors.measures_in_force(contract),
        initial={"starts_on": dt.date.today()},  # noqa: DTZ011 - the person's calendar day
    )

    def save(form: ActivityForm) -> Activity:
        upload = form.cleaned_data.get("evidence")
        return services.activity_create(
            actor=request.user,
            contract=contract,
            values=form.values(),
            evidence=[upload] if upload else [],
            rules=rules,
        )

    return _entry_page(
        request,
        contract,
        form,
        title=_("Log an activity"),
        save=save,
        success=_("The activity was logged."),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("record")
def activity_edit(
    request: AuthenticatedHttpRequest, contract: Contract, activity_id: int
) -> HttpResponse:
    activity = _activity(request, contract, activity_id)
    require(
        scope_for(request.user).can_write_for_organisation(contract.pk, activity.organisation_id),
        _("Only the organisation that logged an activity can change it."),
    )
    rules = ActivityRules(actor=request.user, contract=contract)
    measures = selectors.measures_for_entry(contract, keep_id=activity.measure_id)
    initial: dict[str, Any] = {
        "measure": activity.measure_id,
        "title": activity.title,
        "kind": activity.kind,
        "status": activity.status,
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "organisation": activity.organisation_id,
        "area": activity.area_id,
        "place_name": activity.place_name,
        "latitude": activity.latitude,
        "longitude": activity.longitude,
        "axis": activity.axis_id if activity.is_isolated else None,
        "target_group": activity.target_group_id,
        "staff_hours": activity.staff_hours,
        "volunteer_hours": activity.volunteer_hours,
        "description": activity.description,
        "version": activity.version,
    }
    for name in PARTICIPANT_FIELDS:
        initial[name] = getattr(activity, name) or None
    for cost in activity.costs.all():
        initial[f"cost_{cost.funding_source_id}"] = cost.amount
    form = ActivityEditForm(
        request.POST or None,
        request.FILES or None,
        rules=rules,
        measures=measures,
        initial=initial,
    )

    def save(form: ActivityEditForm) -> Activity:
        updated = services.activity_update(
            actor=request.user,
            activity=activity,
            expected_version=form.cleaned_data["version"],
            values=form.values(),
        )
        upload = form.cleaned_data.get("evidence")
        if upload:
            services.evidence_add(actor=request.user, activity=updated, upload=upload)
        return updated

    return _entry_page(
        request,
        contract,
        form,
        title=_("Correct the activity"),
        save=save,
        success=_("The activity was saved."),
    )


@login_required
@require_POST
@contract_view("record")
def activity_delete(
    request: AuthenticatedHttpRequest, contract: Contract, activity_id: int
) -> HttpResponse:
    activity = _activity(request, contract, activity_id)
    services.activity_delete(actor=request.user, activity=activity)
    messages.success(request, _("The activity was deleted."))
    return redirect("activities:list", contract_id=contract.pk)


@contract_view("record")
def evidence_download(
    request: HttpRequest, contract: Contract, activity_id: int, evidence_id: int
) -> FileResponse:
    activity = _activity(request, contract, activity_id)
    item: Evidence = get_object_for_user(
        Evidence.objects.visible_to(request.user).filter(activity=activity), pk=evidence_id
    )
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("record", may="contribute")
def activity_import(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    refusal: ImportRefused | None = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = activities_import(
                    actor=request.user,
                    contract=contract,
                    data=upload.read(),
                    file_label=upload.name or "activities",
                )
            except ImportRefused as error:
                refusal = error
            else:
                messages.success(
                    request,
                    _("%(count)s activities were imported from %(file)s.")
                    % {"count": result.created, "file": result.batch.original_name},
                )
                return redirect("activities:list", contract_id=contract.pk)
    rules = ActivityRules(actor=request.user, contract=contract)
    return render(
        request,
        "activities/import.html",
        _context(request, contract, form=form, refusal=refusal, columns=columns_help(rules)),
        status=status,
    )


@contract_view("record")
def isolated_actions(request: HttpRequest, contract: Contract) -> HttpResponse:
    return render(
        request,
        "activities/isolated.html",
        _context(
            request, contract, found=selectors.isolated_with_suggestions(request.user, contract)
        ),
    )


def _execution_charts(report: selectors.Execution) -> dict[str, Any]:
    return {
        "budget_chart": bar_chart(
            title=_("Budget planned and spent by funding source"),
            rows=[(line.source.name, [line.planned, line.spent]) for line in report.sources],
            series=[_("Planned"), _("Spent")],
            unit=" €",
        ),
        "activity_chart": bar_chart(
            title=_("Activities planned and held by measure"),
            rows=[
                (str(row.measure), [row.planned_activities or 0, row.done.held])
                for row in report.measures
            ],
            series=[_("Planned"), _("Held")],
        ),
    }


def _measure_rows(report: selectors.Execution) -> str:
    """The by-measure table's rows, built in Python (a plan of 200 measures renders them in
    a few milliseconds; the same figures and formats as the template filters give)."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num{}">{}</td></tr>',
        (
            (
                str(row.measure),
                row.measure.axis.code,
                floatformat(row.planned_activities, 0)
                if row.planned_activities is not None
                else "—",
                row.done.held,
                row.done.scheduled,
                row.done.people,
                floatformat(row.done.hours, "0g"),
                floatformat(row.budget, "2g"),
                floatformat(row.done.spent, "2g"),
                " late" if row.late_milestones else "",
                row.late_milestones,
            )
            for row in report.measures
        ),
    )


@contract_view("record")
def execution(request: HttpRequest, contract: Contract) -> HttpResponse:
    """Execution at a glance. Its body is cached under the contract's generation (it moves
    with any write to the contract's activities or plan), the day (late milestones) and what
    the viewer may see, down to the organisations whose activities they read: never stale,
    and a visit after the first costs no aggregate query."""
    today = timezone.localdate()

    def body() -> str:
        report = selectors.execution(request.user, contract, today=today)
        totals = selectors.totals(Activity.objects.visible_to(request.user).of_contract(contract))
        return render_to_string(
            "activities/_execution_body.html",
            {
                "contract": contract,
                "report": report,
                "totals": totals,
                "measure_rows": _measure_rows(report),
                **_execution_charts(report),
            },
        )

    key = (
        "activities-execution-body",
        contract.pk,
        contract.updated_at,
        today,
        selectors.activity_reader(request.user, contract),
    )
    return render(
        request,
        "activities/execution.html",
        _context(request, contract, body=cached_fragment(key, body)),
    )


@contract_view("record")
def execution_pdf(request: HttpRequest, contract: Contract) -> HttpResponse:
    report = selectors.execution(request.user, contract)
    totals = selectors.totals(Activity.objects.visible_to(request.user).of_contract(contract))
    pdf = exports.execution_pdf(report, totals, _execution_charts(report))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="execution-{contract.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@contract_view("record")
def export_csv(request: HttpRequest, contract: Contract) -> HttpResponse:
    return exports.activities_csv(selectors.activity_list(request.user, contract), contract)


@contract_view("record")
def export_xlsx(request: HttpRequest, contract: Contract) -> HttpResponse:
    return exports.activities_xlsx(selectors.activity_list(request.user, contract), contract)


PUBLISHED_UNTIL = dt.date(2019, 12, 31)


def national(request: HttpRequest) -> HttpResponse:
    """Totals over every contract, computed: public; per contract, national users only.

    The body is cached under the data's generation (``contracts_generation``: any activity
    written anywhere moves it) and what the viewer may see, so it is never stale; a miss
    costs one grouped pass over the activities (``national_summary``).
    """
    scope = scope_for(request.user)

    def body() -> str:
        summary = selectors.national_summary(
            until=PUBLISHED_UNTIL, with_contracts=scope.is_national
        )
        base = reverse("activities:execution", args=[0]).replace("/0/", "/{}/")
        return render_to_string(
            "activities/_national_body.html",
            {
                "to_2019": summary.to_date,
                "all_years": summary.all_years,
                "published_until": PUBLISHED_UNTIL,
                "by_contract": summary.by_contract,
                "contract_rows": format_html_join(
                    "",
                    '<tr><th scope="row"><a href="{}">{}</a></th><td class="num">{}</td>'
                    '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
                    (
                        (
                            base.format(line.contract_id),
                            line.title,
                            line.initiatives,
                            line.people,
                            floatformat(line.investment, "2g"),
                            line.isolated,
                        )
                        for line in summary.by_contract or []
                    ),
                ),
                "axis_chart": bar_chart(
                    title=_("Initiatives by axis"),
                    rows=[(line.label, [line.initiatives]) for line in summary.all_years.by_axis],
                    series=[_("Initiatives")],
                ),
            },
        )

    key = ("activities-national-body", scope.is_national, *contracts_generation())
    return render(
        request,
        "activities/national.html",
        {"nav": "overview", "body": cached_fragment(key, body)},
    )


def next_url(contract: Contract) -> str:
    return reverse("activities:list", args=[contract.pk])
