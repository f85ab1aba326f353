"""Server-rendered SVG bar charts: the same markup on the page and in the PDF.

Plain SVG text (no script, no external font), escaped, so it passes the site's
Content-Security-Policy and typst draws it as it is. Every chart has a table beside it on
the page (the accessible alternative); the SVG carries a title for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1d5fa8", "#c75000", "#2e7d32", "#6a1b9a")
ROW = 26
BAR = 9
LABEL_WIDTH = 220
CHART_WIDTH = 360
VALUE_WIDTH = 110


def bar_chart(
    *,
    title: str,
    rows: Sequence[tuple[str, Sequence[Decimal | int | float]]],
    series: Sequence[str],
    unit: str = "",
) -> SafeString:
    """Horizontal bars: one group per row, one bar per series (e.g. planned, spent)."""
    largest = max((float(v) for _label, values in rows for v in values), default=0.0) or 1.0
    legend_height = 22
    height = legend_height + ROW * max(len(rows), 1) + 8
    width = LABEL_WIDTH + CHART_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart" '
        f'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for index, name in enumerate(series):
        x = LABEL_WIDTH + index * 150
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[index % 4]}"/>'
            f'<text x="{x + 14}" y="13">{escape(name)}</text>'
        )
    for row_index, (label, values) in enumerate(rows):
        top = legend_height + row_index * ROW
        short = label if len(label) <= 36 else label[:35] + "…"
        parts.append(f'<text x="0" y="{top + 14}">{escape(short)}</text>')
        for index, value in enumerate(values):
            length = CHART_WIDTH * float(value) / largest
            y = top + 2 + index * (BAR + 1)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" '
                f'fill="{PALETTE[index % 4]}"/>'
            )
            text = number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR - 1}">'
                f"{escape(text)}{escape(unit)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
