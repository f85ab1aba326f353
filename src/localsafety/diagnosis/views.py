"""Pages of the diagnosis tab: the problems found, recorded by the Operational Core and
prioritised by the Coordinating Committee."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from localsafety.contracts.access import scope_for
from localsafety.contracts.models import Contract
from localsafety.contracts.views.base import contract_view, form_page, tab_context
from localsafety.core.access import get_object_for_user, require
from localsafety.core.exports import csv_response
from localsafety.core.http import AuthenticatedHttpRequest
from localsafety.diagnosis import selectors, services
from localsafety.diagnosis.aggregates import ALL, contract_crime_table
from localsafety.diagnosis.charts import bar_chart
from localsafety.diagnosis.document import document_with
from localsafety.diagnosis.document_figures import (
    Figure,
    IndicatorLine,
    document_figures,
    indicator_lines,
)
from localsafety.diagnosis.forms import PriorityForm, ProblemEditForm, ProblemForm
from localsafety.diagnosis.pdf import render_pdf
from localsafety.territory.models import Area

TAB = "diagnosis"


def _problems_url(contract: Contract) -> str:
    return reverse("diagnosis:problems", args=[contract.pk])


@contract_view("record")
def problems(request: HttpRequest, contract: Contract) -> HttpResponse:
    scope = scope_for(request.user)
    context = tab_context(request, contract, TAB)
    context.update(
        {
            "problems": selectors.problems_with_evidence(request.user, contract),
            "can_record": scope.in_operational_core(contract.pk),
            "can_prioritise": scope.can_decide_stage(contract.pk),
        }
    )
    return render(request, "diagnosis/problems.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("record")
def problem_create(request: AuthenticatedHttpRequest, contract: Contract) -> HttpResponse:
    require(
        scope_for(request.user).in_operational_core(contract.pk),
        _("Only the contract's Operational Core records problems."),
    )
    form = ProblemForm(request.POST or None, contract=contract)
    return form_page(
        request,
        contract=contract,
        form=form,
        tab=TAB,
        title=_("Record a problem"),
        action=lambda data: services.problem_create(
            actor=request.user,
            contract=contract,
            title=data["title"],
            description=data["description"],
            axis=data["axis"],
            evidence=data["evidence"],
            evidence_links=form.evidence_links(),
        ),
        success=_("The problem was recorded."),
        next_url=lambda _problem: _problems_url(contract),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("record")
def problem_edit(
    request: AuthenticatedHttpRequest, contract: Contract, problem_id: int
) -> HttpResponse:
    problem = get_object_for_user(selectors.problem_list(request.user, contract), pk=problem_id)
    require(
        scope_for(request.user).in_operational_core(contract.pk),
        _("Only the contract's Operational Core records problems."),
    )
    form = ProblemEditForm(
        request.POST or None,
        contract=contract,
        linked=list(problem.evidence_links.select_related("run")),
        initial={
            "title": problem.title,
            "description": problem.description,
            "axis": problem.axis_id,
            "evidence": problem.evidence,
            "version": problem.version,
        },
    )
    return form_page(
        request,
        contract=contract,
        form=form,
        tab=TAB,
        title=_("Edit the problem"),
        action=lambda data: services.problem_update(
            actor=request.user,
            problem=problem,
            expected_version=data["version"],
            title=data["title"],
            description=data["description"],
            axis=data["axis"],
            evidence=data["evidence"],
            evidence_links=form.evidence_links(),
        ),
        success=_("The problem was saved."),
        next_url=lambda _problem: _problems_url(contract),
    )


@login_required
@require_http_methods(["GET", "POST"])
@contract_view("record")
def problem_prioritise(
    request: AuthenticatedHttpRequest, contract: Contract, problem_id: int
) -> HttpResponse:
    problem = get_object_for_user(selectors.problem_list(request.user, contract), pk=problem_id)
    require(
        scope_for(request.user).can_decide_stage(contract.pk),
        _("Only the Coordinating Committee prioritises problems."),
    )
    form = PriorityForm(
        request.POST or None, initial={"priority": problem.priority, "version": problem.version}
    )
    return form_page(
        request,
        contract=contract,
        form=form,
        tab=TAB,
        title=_("Prioritise: %(problem)s") % {"problem": problem.title},
        action=lambda data: services.problem_prioritise(
            actor=request.user,
            problem=problem,
            expected_version=data["version"],
            priority=data["priority"],
        ),
        success=_("The priority was saved."),
        next_url=lambda _problem: _problems_url(contract),
    )


@contract_view("record")
def crime_figures(request: HttpRequest, contract: Contract) -> HttpResponse:
    table = contract_crime_table(request.user, contract)
    context = tab_context(request, contract, TAB)
    context.update({"table": table, "subtab": "crime"})
    return render(request, "diagnosis/crime.html", context)


@contract_view("record")
def crime_figures_csv(request: HttpRequest, contract: Contract) -> HttpResponse:
    table = contract_crime_table(request.user, contract)
    return csv_response(
        filename=f"crime-{contract.pk}.csv",
        header=[
            _("Area code"),
            _("Area"),
            _("Crime group"),
            _("Year"),
            _("Incidents"),
            _("Contract"),
        ],
        rows=(
            [
                row.area_code,
                row.area_name,
                row.category_name,
                row.year if row.year is not None else _("all"),
                row.count if row.count is not None else _("hidden"),
                contract.title,
            ]
            for row in table.rows
        ),
    )


def _charts(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(title, caption, svg) per area: all registered incidents by year."""
    rows = [r for r in document["figures"]["rows"] if r["category_code"] == ALL and r["year"]]
    years = document["figures"]["years"]
    areas: dict[str, str] = {}
    for row in rows:
        areas.setdefault(row["area_code"], row["area_name"])
    out = []
    rates = document["figures"].get("rates") or []
    municipal = [r for r in rates if r["area"] == (rates[0]["area"] if rates else None)]
    if municipal:
        title = _("%(area)s: crimes registered by year") % {"area": municipal[0]["area"]}
        caption = str(document["figures"].get("rates_provenance", ""))
        svg = bar_chart(
            title=title,
            labels=[str(r["year"]) for r in municipal],
            values=[r["crimes"] for r in municipal],
            hidden_label=_("unpublished"),
        )
        out.append((title, caption, svg))
    for code, name in areas.items():
        by_year = {r["year"]: r["count"] for r in rows if r["area_code"] == code}
        title = _("%(area)s: incidents by year") % {"area": name}
        period = f"{years[0]}–{years[-1]}" if years else ""
        caption = f"{period}. {document['figures']['provenance']}"
        svg = bar_chart(
            title=title,
            labels=[str(y) for y in years],
            values=[by_year.get(y) for y in years],
            hidden_label=_("hidden"),
        )
        out.append((title, caption, svg))
    return out


DocumentParts = tuple[
    list[tuple[str, str, str]], list[Figure], tuple[list[str], list[IndicatorLine], str]
]


def document_parts(doc: dict[str, Any]) -> DocumentParts:
    """What the page and the PDF draw from the document (kept with the live one in the cache)."""
    return _charts(doc), document_figures(doc), indicator_lines(doc)


@contract_view("record")
def document(request: HttpRequest, contract: Contract) -> HttpResponse:
    doc, (charts, figures, matrix) = document_with(contract, document_parts)
    columns, lines, indicators_provenance = matrix
    context = tab_context(request, contract, TAB)
    context.update(
        {
            "document": doc,
            "charts": charts,
            "figures": figures,
            "indicator_columns": columns,
            "indicator_lines": lines,
            "indicators_provenance": indicators_provenance,
            "subtab": "document",
        }
    )
    return render(request, "diagnosis/document.html", context)


@contract_view("record")
def document_pdf(request: HttpRequest, contract: Contract) -> HttpResponse:
    doc, (charts, figures, matrix) = document_with(contract, document_parts)
    pdf = render_pdf(
        title=_("Local safety diagnosis: %(contract)s") % {"contract": contract.title},
        document=doc,
        charts=[(caption, svg) for _title, caption, svg in charts],
        figures=figures,
        indicators=matrix,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="diagnosis-{contract.pk}.pdf"'
    return response


@contract_view("record")
def crime_figures_geojson(request: HttpRequest, contract: Contract) -> HttpResponse:
    """The crime figures' areas with their counts (all groups, by year), suppressed as on the
    page: one feature per parish and the municipality."""
    table = contract_crime_table(request.user, contract)
    areas = {a.code: a for a in Area.objects.filter(code__in={r.area_code for r in table.rows})}
    features = []
    for code, area in sorted(areas.items()):
        counts = {
            str(row.year if row.year is not None else "all"): row.count
            for row in table.rows
            if row.area_code == code and row.category_code == ALL
        }
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(area.geometry) if area.geometry else None,
                "properties": {
                    "code": code,
                    "name": area.name,
                    "kind": area.kind,
                    "incidents": counts,
                },
            }
        )
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "suppressed": table.suppressed,
            "provenance": str(table.provenance),
        }
    )
