"""Activities as CSV and XLSX (every text cell through ``core.exports.safe_cell``) and the
execution report as PDF (typst, with the page's SVG charts)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from localsafety.activities.models import PARTICIPANT_CELLS, Activity, AgeGroup, Sex
from localsafety.contracts.models import Contract
from localsafety.core.exports import csv_response, xlsx_response


def _header() -> list[str]:
    return [
        _("Contract"),
        _("Id"),
        _("Date"),
        _("End date"),
        _("Measure"),
        _("Isolated action"),
        _("Title"),
        _("Kind of activity"),
        _("Status"),
        _("Organisation"),
        _("Area or zone"),
        _("Place"),
        _("Axis"),
        _("Participants"),
        *[f"{Sex(sex).label}, {AgeGroup(age).label}" for _name, sex, age in PARTICIPANT_CELLS],
        _("Staff hours"),
        _("Volunteer hours"),
        _("Cost (EUR)"),
        _("Data origin"),
    ]


def _rows(activities: QuerySet[Activity]) -> Iterator[list[Any]]:
    yes, no = _("yes"), _("no")
    for activity in activities.iterator(chunk_size=2000):
        yield [
            activity.contract.title,
            activity.pk,
            activity.starts_on,
            activity.ends_on,
            str(activity.measure) if activity.measure_id else "",
            yes if activity.is_isolated else no,
            activity.title,
            activity.get_kind_display(),
            activity.get_status_display(),
            str(activity.organisation),
            activity.area.name if activity.area else "",
            activity.place_name,
            activity.axis.code if activity.axis else "",
            activity.participants,
            *[getattr(activity, name) for name, _sex, _age in PARTICIPANT_CELLS],
            activity.staff_hours,
            activity.volunteer_hours,
            activity.cost_total,
            activity.get_data_origin_display(),
        ]


def activities_csv(activities: Any, contract: Contract) -> HttpResponse:
    return csv_response(
        filename=f"activities-{contract.pk}.csv", header=_header(), rows=_rows(activities)
    )


def activities_xlsx(activities: Any, contract: Contract) -> HttpResponse:
    return xlsx_response(
        filename=f"activities-{contract.pk}.xlsx",
        header=_header(),
        rows=_rows(activities),
        sheet_title=_("Activities"),
    )


# --- the execution report (typst) ------------------------------------------------------------


def typst_text(value: Any) -> str:
    """Text for a typst string literal: backslashes and quotes escaped."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _money(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, force_grouping=True) + " €"


def _number(value: Any) -> str:
    return number_format(value, decimal_pos=0, force_grouping=True)


def _table(header: list[str], rows: list[list[str]]) -> str:
    cells = ", ".join(f"[*{typst_text(cell)}*]" for cell in header)
    for row in rows:
        cells += ", " + ", ".join(f'"{typst_text(cell)}"' for cell in row)
    return f"#table(columns: {len(header)}, stroke: 0.4pt + luma(180), inset: 4pt, {cells})\n"


def execution_pdf(report: Any, totals: Any, charts: dict[str, str]) -> bytes:
    """The execution report as PDF: the same figures and charts as the page."""
    import typst

    contract = report.contract
    with tempfile.TemporaryDirectory(prefix="localsafety-report-") as folder:
        root = Path(folder)
        for name, svg in charts.items():
            (root / f"{name}.svg").write_text(str(svg), encoding="utf-8")
        version = (
            _("Plan version %(number)s") % {"number": report.version.number}
            if report.version
            else _("No approved plan yet")
        )
        parts = [
            '#set page(paper: "a4", margin: 1.6cm)\n',
            "#set text(size: 9pt)\n",
            f'#text(size: 16pt, weight: "bold", "{typst_text(_("Execution report"))}")\n\n',
            f'#text(size: 12pt, "{typst_text(contract.title)}")\n\n',
            f'#text("{typst_text(version)} · '
            f'{typst_text(date_format(report.today, "SHORT_DATE_FORMAT"))}")\n\n',
        ]
        total = report.total
        parts.append(
            _table(
                [
                    _("Activities held"),
                    _("Activities planned"),
                    _("People reached"),
                    _("Hours"),
                    _("Budget"),
                    _("Spent"),
                    _("Late milestones"),
                ],
                [
                    [
                        _number(total.held),
                        _number(report.planned_activities),
                        _number(total.people),
                        _number(total.hours),
                        _money(report.budget),
                        _money(total.spent),
                        _number(report.late_milestones),
                    ]
                ],
            )
        )
        parts.append(f"\n== {typst_text(_('By measure'))}\n")
        parts.append(
            _table(
                [
                    _("Measure"),
                    _("Planned"),
                    _("Held"),
                    _("People"),
                    _("Hours"),
                    _("Budget"),
                    _("Spent"),
                    _("Late milestones"),
                ],
                [
                    [
                        str(row.measure),
                        _number(row.planned_activities) if row.planned_activities else "—",
                        _number(row.done.held),
                        _number(row.done.people),
                        _number(row.done.hours),
                        _money(row.budget),
                        _money(row.done.spent),
                        _number(row.late_milestones),
                    ]
                    for row in report.measures
                ],
            )
        )
        parts.append('\n#image("activity_chart.svg", width: 100%)\n')
        parts.append(f"\n== {typst_text(_('Budget by funding source'))}\n")
        parts.append(
            _table(
                [_("Funding source"), _("Planned"), _("Spent")],
                [
                    [line.source.name, _money(line.planned), _money(line.spent)]
                    for line in report.sources
                ],
            )
        )
        parts.append('\n#image("budget_chart.svg", width: 100%)\n')
        parts.append(f"\n== {typst_text(_('Totals by axis'))}\n")
        parts.append(
            _table(
                [_("Axis"), _("Initiatives"), _("People involved"), _("Investment")],
                [
                    [
                        line.label,
                        _number(line.initiatives),
                        _number(line.people),
                        _money(line.investment),
                    ]
                    for line in totals.by_axis
                ],
            )
        )
        parts.append(
            f'\n#text(size: 8pt, "{typst_text(_("Isolated actions (no measure)"))}: '
            f"{_number(report.isolated.held)} · {_money(report.isolated.spent)}. "
            f"{typst_text(_('Computed from the activities recorded on'))} "
            f'{typst_text(date_format(timezone.localdate(), "SHORT_DATE_FORMAT"))}.")\n'
        )
        source = root / "report.typ"
        source.write_text("".join(parts), encoding="utf-8")
        return bytes(typst.compile(str(source), root=str(root)))
