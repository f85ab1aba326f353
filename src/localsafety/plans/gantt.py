"""The plan's timetable as an SVG drawn on the server: the same figure in the page and the PDF.

Rows are grouped by axis and responsible organisation; bars run from start to end, diamonds
mark milestones (hollow when reached, red when late), a dashed line marks today. Each bar is a
link with a title, so it can be reached with the keyboard and read by a screen reader; the
page puts an accessible table with the same rows beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from django.utils.translation import gettext as _

from localsafety.plans.selectors import GanttRow

LABEL_WIDTH = 300
CHART_WIDTH = 660
ROW_HEIGHT = 26
GROUP_HEIGHT = 24
HEADER_HEIGHT = 34
PADDING = 8


def _span(rows: list[GanttRow], today: dt.date) -> tuple[dt.date, dt.date]:
    starts = [row.measure.starts_on for row in rows]
    ends = [row.measure.ends_on for row in rows]
    for row in rows:
        ends.extend(m.due_on for m in row.measure.milestones.all())
    first, last = min(starts), max(ends)
    first = dt.date(first.year, 1, 1)
    last = dt.date(last.year + 1, 1, 1)
    return first, last


def _years(first: dt.date, last: dt.date) -> list[dt.date]:
    return [dt.date(year, 1, 1) for year in range(first.year, last.year + 1)]


def _truncate(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def render_gantt(
    rows: list[GanttRow],
    today: dt.date,
    *,
    link: Callable[[GanttRow], str] | None = None,
    title: str = "",
) -> str:
    """The SVG markup (escaped; safe to put in a page) for ``rows``."""
    if not rows:
        return ""
    first, last = _span(rows, today)
    days = max((last - first).days, 1)

    def x(day: dt.date) -> float:
        clamped = min(max(day, first), last)
        return round(LABEL_WIDTH + CHART_WIDTH * (clamped - first).days / days, 1)

    groups: list[tuple[str, list[GanttRow]]] = []
    for row in rows:
        if not groups or groups[-1][0] != row.group:
            groups.append((row.group, []))
        groups[-1][1].append(row)
    height = HEADER_HEIGHT + len(groups) * GROUP_HEIGHT + len(rows) * ROW_HEIGHT + PADDING
    width = LABEL_WIDTH + CHART_WIDTH + PADDING
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="group" aria-labelledby="gantt-title" '
        'font-family="sans-serif" font-size="12">',
        f'<title id="gantt-title">{escape(title or _("Timetable of the measures"))}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    # Years across the top, with a light line down the chart.
    for year in _years(first, last):
        left = x(year)
        parts.append(
            f'<line x1="{left}" y1="{HEADER_HEIGHT - 6}" x2="{left}" y2="{height - PADDING}" '
            'stroke="#d0d4d9" stroke-width="1"/>'
        )
        if year < last:
            parts.append(
                f'<text x="{left + 4}" y="{HEADER_HEIGHT - 12}" fill="#333">{year.year}</text>'
            )
    y = HEADER_HEIGHT
    for group, members in groups:
        parts.append(
            f'<rect x="0" y="{y}" width="{width}" height="{GROUP_HEIGHT}" fill="#eef1f4"/>'
            f'<text x="6" y="{y + 16}" font-weight="bold" fill="#1b1b1b">'
            f"{escape(_truncate(group, 110))}</text>"
        )
        y += GROUP_HEIGHT
        for row in members:
            measure = row.measure
            label = f"{measure.code} {measure.title}".strip()
            late = row.is_late
            colour = "#b3261e" if late else "#1d5fa8"
            left, right = x(measure.starts_on), x(measure.ends_on)
            bar_title = _("%(measure)s: %(start)s to %(end)s") % {
                "measure": label,
                "start": measure.starts_on.isoformat(),
                "end": measure.ends_on.isoformat(),
            }
            if late:
                bar_title += " — " + _("late milestones: %(count)s") % {
                    "count": len(row.late_milestones)
                }
            shown = _truncate(label, 42) + (" ⚠" if late else "")
            body = (
                f"<title>{escape(bar_title)}</title>"
                f'<text x="6" y="{y + 17}" fill="{"#b3261e" if late else "#1b1b1b"}">'
                f"{escape(shown)}</text>"
                f'<rect class="gantt-bar{" gantt-late" if late else ""}" x="{left}" '
                f'y="{y + 6}" width="{max(right - left, 2)}" height="{ROW_HEIGHT - 12}" '
                f'rx="3" fill="{colour}"/>'
            )
            for milestone in measure.milestones.all():
                mx, my = x(milestone.due_on), y + ROW_HEIGHT / 2
                is_late = milestone.is_late(today)
                fill = "#b3261e" if is_late else ("#ffffff" if milestone.done_on else "#f0a500")
                state = (
                    _("late") if is_late else (_("reached") if milestone.done_on else _("planned"))
                )
                body += (
                    f'<path d="M{mx} {my - 7} L{mx + 7} {my} L{mx} {my + 7} L{mx - 7} {my} Z" '
                    f'fill="{fill}" stroke="#1b1b1b" stroke-width="1">'
                    f"<title>{escape(milestone.title)} ({milestone.due_on.isoformat()}, "
                    f"{escape(str(state))})</title></path>"
                )
            if link is not None:
                parts.append(f'<a href="{escape(link(row))}" class="gantt-row">{body}</a>')
            else:
                parts.append(f"<g>{body}</g>")
            y += ROW_HEIGHT
    if first <= today <= last:
        tx = x(today)
        parts.append(
            f'<line x1="{tx}" y1="{HEADER_HEIGHT - 6}" x2="{tx}" y2="{height - PADDING}" '
            'stroke="#b3261e" stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{tx + 4}" y="{HEADER_HEIGHT - 2}" fill="#b3261e" font-size="11">'
            f"{escape(_('Today'))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
