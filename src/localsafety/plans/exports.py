"""The plan's downloads: measures as CSV and XLSX (formula-safe cells), the plan as PDF
(typst, with the timetable's SVG). The data reaches typst as JSON, never as markup, so a
measure's text cannot inject typst code."""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from localsafety.contracts.models import Contract
from localsafety.contracts.ownership import Need
from localsafety.contracts.views.base import contract_view
from localsafety.core.exports import csv_response, xlsx_response
from localsafety.plans import selectors
from localsafety.plans.gantt import render_gantt
from localsafety.plans.models import Measure, PlanVersion
from localsafety.plans.views import _version


def measure_header() -> list[str]:
    return [
        _("Reference"),
        _("Measure"),
        _("Objective"),
        _("Intervention axis"),
        _("Kind of intervention"),
        _("Target groups"),
        _("Places"),
        _("Start"),
        _("End"),
        _("Responsible organisation"),
        _("Partners"),
        _("Partner programme"),
        _("Staff"),
        _("Staff hours"),
        _("Budget (EUR)"),
        _("Budget by funding source"),
        _("Indicators"),
        _("Published"),
    ]


def measure_row(measure: Measure) -> list[Any]:
    return [
        measure.code,
        measure.title,
        measure.objective.title,
        str(measure.axis),
        str(measure.kind),
        ", ".join(str(g) for g in measure.target_groups.all()),
        ", ".join(a.name for a in measure.areas.all()),
        measure.starts_on,
        measure.ends_on,
        str(measure.responsible_organisation),
        "; ".join(f"{p.organisation} ({p.role})" for p in measure.partners.all()),
        str(measure.partner_programme or ""),
        measure.staff_count,
        measure.staff_hours,
        selectors.budget_total(measure),
        "; ".join(f"{line.funding_source}: {line.amount}" for line in measure.budget_lines.all()),
        "; ".join(i.name for i in measure.indicators.all()),
        measure.published,
    ]


def _filename(version: PlanVersion, extension: str) -> str:
    return f"plan-{version.contract_id}-v{version.number}.{extension}"


@require_GET
@contract_view(Need.RECORD)
def measures_csv(request: HttpRequest, contract: Contract, version_id: int) -> HttpResponse:
    version = _version(request, contract, version_id)
    measures = selectors.version_measures(version)
    return csv_response(
        filename=_filename(version, "csv"),
        header=measure_header(),
        rows=(measure_row(m) for m in measures),
    )


@require_GET
@contract_view(Need.RECORD)
def measures_xlsx(request: HttpRequest, contract: Contract, version_id: int) -> HttpResponse:
    version = _version(request, contract, version_id)
    return xlsx_response(
        filename=_filename(version, "xlsx"),
        header=measure_header(),
        rows=(measure_row(m) for m in selectors.version_measures(version)),
        sheet_title=str(_("Measures")),
    )


PLAN_TEMPLATE = """
#let data = json("data.json")
#set page(paper: "a4", flipped: true, margin: 1.5cm, numbering: "1 / 1")
#set text(size: 9pt, lang: data.lang)
#set heading(numbering: none)
#text(size: 16pt, weight: "bold")[#data.title]

#data.subtitle

#data.status_line

#if data.summary != "" [ #data.summary ]

= #data.labels.timetable
#if data.has_gantt [ #image("gantt.svg", width: 100%) ]

#for block in data.objectives [
  == #block.title
  #if block.problems != "" [ _#data.labels.problems:_ #block.problems ]
  #for m in block.measures [
    === #m.heading
    #table(
      columns: (auto, 1fr),
      stroke: 0.4pt + gray,
      ..m.rows.map(r => (strong(r.at(0)), r.at(1))).flatten()
    )
  ]
]
"""


def _money(value: Decimal) -> str:
    return f"{value:,.2f} €".replace(",", " ").replace(".", ",")


def plan_document_data(version: PlanVersion) -> dict[str, Any]:
    tree = selectors.version_tree(version)
    objectives = []
    for block in tree:
        measures = []
        for m in block.measures:
            rows = [
                [_("Intervention axis"), str(m.axis)],
                [_("Kind of intervention"), str(m.kind)],
                [_("Period"), f"{m.starts_on.isoformat()} – {m.ends_on.isoformat()}"],
                [_("Responsible organisation"), str(m.responsible_organisation)],
                [
                    _("Partners"),
                    "; ".join(f"{p.organisation} ({p.role})" for p in m.partners.all()) or "—",
                ],
                [_("Target groups"), ", ".join(str(g) for g in m.target_groups.all()) or "—"],
                [
                    _("Budget"),
                    "; ".join(
                        f"{line.funding_source}: {_money(line.amount)}"
                        for line in m.budget_lines.all()
                    )
                    or "—",
                ],
                [
                    _("Indicators"),
                    "; ".join(
                        f"{i.name} ({i.get_level_display()}): "
                        f"{selectors.plain_number(i.baseline_value)} → "
                        f"{selectors.plain_number(i.target_value)} {i.unit}"
                        for i in m.indicators.all()
                    )
                    or "—",
                ],
            ]
            measures.append({"heading": f"{m.code} {m.title}".strip(), "rows": rows})
        objective = block.objective
        problems = [p.title for p in objective.problems.all()]
        if objective.problem_statement:
            problems.append(objective.problem_statement)
        objectives.append(
            {"title": objective.title, "problems": "; ".join(problems), "measures": measures}
        )
    return {
        "title": version.plan.title,
        "subtitle": str(version.contract),
        "status_line": _("Version %(number)s — %(status)s")
        % {
            "number": version.number,
            "status": version.get_status_display(),
        },
        "summary": version.summary,
        "objectives": objectives,
        "labels": {"timetable": _("Timetable"), "problems": _("Problems answered")},
    }


@require_GET
@contract_view(Need.RECORD)
def plan_pdf(request: HttpRequest, contract: Contract, version_id: int) -> HttpResponse:
    import typst

    version = _version(request, contract, version_id)
    today = timezone.localdate()
    rows = selectors.gantt_rows(selectors.version_measures(version), today)
    svg = render_gantt(rows, today)
    data = plan_document_data(version)
    data["has_gantt"] = bool(svg)
    data["lang"] = "en" if (get_language() or "pt").startswith("en") else "pt"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "main.typ").write_text(PLAN_TEMPLATE, encoding="utf-8")
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        if svg:
            (root / "gantt.svg").write_text(svg, encoding="utf-8")
        pdf = typst.compile(str(root / "main.typ"), root=str(root), format="pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(version, "pdf")}"'
    return response
