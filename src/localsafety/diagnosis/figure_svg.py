"""The diagnosis document's figures drawn as SVG from their stored data (``figure_data``).

The page and the PDF call the same functions on the same data (live, or as approved), so they
show the same figures. Each drawing carries a viewBox (it shrinks to a phone; the site's CSS
sets ``max-width: 100%``), a ``<title>`` and ``<desc>`` for screen readers, and a ``<title>``
per mark. Numbers in attributes are written with a point; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

from localsafety.diagnosis.analyses import band_label

FONT = 'font-family="DejaVu Sans, sans-serif"'
#: Municipality, region, country: colour and dash differ, so the lines read without colour.
SERIES_STYLE = (
    ("#1f5f8b", ""),
    ("#c0392b", ' stroke-dasharray="6 3"'),
    ("#444444", ' stroke-dasharray="2 3"'),
)
#: Gi* classes by confidence (the usual hot-spot map colours), -3 (cold 99 %) to 3 (hot 99 %).
GI_COLOURS = {
    3: "#d62f27",
    2: "#ed7551",
    1: "#fab984",
    0: "#dcdcdc",
    -1: "#c0ccbe",
    -2: "#849eba",
    -3: "#4575b5",
}
#: Sequential classes for the choropleth (ColorBrewer YlOrRd, 5 classes).
CHOROPLETH_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
MISSING = "#d0d4d9"


def gi_label(gi_bin: int) -> str:
    if gi_bin == 0:
        return _("not significant")
    level = {1: 90, 2: 95, 3: 99}[abs(gi_bin)]
    if gi_bin > 0:
        return _("hot spot, %(level)s per cent confidence") % {"level": level}
    return _("cold spot, %(level)s per cent confidence") % {"level": level}


def _open(width: float, height: float, title: str, desc: str, ident: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>'
    )


def _number(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


# --- trend ----------------------------------------------------------------------------------


def trend_svg(figure: dict[str, Any]) -> str:
    """Rates per 1,000 residents by year, one line per area; provisional years hollow."""
    years: list[int] = figure["years"]
    provisional = set(figure["provisional"])
    width, height, left, right, top, bottom = 520, 280, 48, 28, 20, 70
    values = [v for s in figure["series"] for v in s["rates"] if v is not None]
    peak = max(values) if values else 1.0
    peak = peak * 1.1 or 1.0
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(years) - 1, 1)

    def x(i: int) -> float:
        return left + i * step if len(years) > 1 else left + plot_w / 2

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [
        _open(width, height, figure["title"], figure["description"], "trend"),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>',
    ]
    for tick in range(5):
        value = peak * tick / 4
        parts.append(
            f'<text x="{left - 4}" y="{y(value) + 3:.1f}" text-anchor="end" {FONT} '
            f'font-size="9">{_number(value)}</text>'
        )
    for i, year in enumerate(years):
        label = f"{year}*" if year in provisional else str(year)
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 14}" text-anchor="middle" {FONT} '
            f'font-size="10">{label}</text>'
        )
    for number, series in enumerate(figure["series"]):
        colour, dash = SERIES_STYLE[number % len(SERIES_STYLE)]
        points = [(i, v) for i, v in enumerate(series["rates"]) if v is not None]
        if len(points) > 1:
            path = " ".join(
                f"{'M' if k == 0 else 'L'}{x(i):.1f} {y(v):.1f}" for k, (i, v) in enumerate(points)
            )
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for i, v in points:
            hollow = years[i] in provisional
            fill = "#ffffff" if hollow else colour
            note = f" ({_('provisional')})" if hollow else ""
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{fill}" '
                f'stroke="{colour}" stroke-width="1.5"><title>{escape(series["name"])}, '
                f"{years[i]}{escape(note)}: {_number(v, 2)}</title></circle>"
            )
        legend_y = top + plot_h + 32 + number * 13
        parts.append(
            f'<line x1="{left}" y1="{legend_y - 3}" x2="{left + 24}" y2="{legend_y - 3}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{left + 30}" y="{legend_y}" {FONT} font-size="10">'
            f"{escape(series['name'])}</text>"
        )
    if provisional:
        note = escape(_("* provisional (hollow points)"))
        parts.append(
            f'<text x="{width - right}" y="{top + plot_h + 32}" text-anchor="end" {FONT} '
            f'font-size="9">{note}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- seasonality heat grid --------------------------------------------------------------------


def _blend(share: float) -> str:
    share = min(max(share, 0.0), 1.0)
    red = round(255 - share * (255 - 140))
    other = round(255 - share * 255)
    return f"#{red:02x}{other:02x}{other:02x}"


def heat_svg(figure: dict[str, Any], weekdays: Sequence[str]) -> str:
    """Weekday x hour; an aggregate run's cells are count bands, suppressed ones grey."""
    grid = figure["grid"]
    bands = figure.get("bands") or []
    present = {value for row in grid for value in row if isinstance(value, str)}
    # Shaded by rank among the bands the grid holds (not all thirteen): the lightest band
    # shown stays visible against white.
    labels = [band_label(edge, bands) for edge in bands] if bands else []
    labels = [label for label in labels if label in present]
    rank = {label: (i + 1) / len(labels) for i, label in enumerate(labels)}
    numbers = [float(v) for row in grid for v in row if isinstance(v, int | float)]
    top_value = max(numbers) if numbers else 0.0
    size, left, top = 18, 80, 22
    width, height = left + 24 * size + 6, top + 7 * size + 40
    hidden = _("suppressed")
    parts = [_open(width, height, figure["title"], figure["description"], "heat")]
    for hour in range(0, 24, 3):
        parts.append(
            f'<text x="{left + hour * size + size / 2:.0f}" y="14" text-anchor="middle" {FONT} '
            f'font-size="9">{hour}h</text>'
        )
    for day, row in enumerate(grid):
        name = escape(str(weekdays[day]))
        parts.append(f'<text x="4" y="{top + day * size + 13}" {FONT} font-size="9">{name}</text>')
        for hour, value in enumerate(row):
            if value is None:
                colour, text = MISSING, hidden
            elif isinstance(value, str):
                colour, text = _blend(rank.get(value, 1.0)), value
            else:
                share = float(value) / top_value if top_value else 0.0
                colour, text = _blend(share), _number(float(value))
            parts.append(
                f'<rect x="{left + hour * size}" y="{top + day * size}" width="{size}" '
                f'height="{size}" fill="{colour}" stroke="#ffffff"><title>{name} '
                f"{hour:02d}:00–{hour:02d}:59: {escape(text)}</title></rect>"
            )
    legend_y = top + 7 * size + 14
    cursor = left
    for label in [*labels, hidden]:
        colour = MISSING if label == hidden else _blend(rank[label])
        parts.append(
            f'<rect x="{cursor}" y="{legend_y - 9}" width="10" height="10" fill="{colour}" '
            f'stroke="#999"/><text x="{cursor + 13}" y="{legend_y}" {FONT} font-size="8">'
            f"{escape(label)}</text>"
        )
        cursor += 13 + 6 * len(label) + 8
        if cursor > width - 60:
            cursor = left
            legend_y += 13
    parts.append("</svg>")
    return "".join(parts)


# --- maps ---------------------------------------------------------------------------------------


def _legend(parts: list[str], entries: list[tuple[str, str]], x: float, y: float) -> None:
    for i, (colour, label) in enumerate(entries):
        row = y + i * 14
        parts.append(
            f'<rect x="{x:.0f}" y="{row - 9:.0f}" width="12" height="10" fill="{colour}" '
            f'stroke="#777"/><text x="{x + 16:.0f}" y="{row:.0f}" {FONT} font-size="9">'
            f"{escape(label)}</text>"
        )


def hotspot_svg(figure: dict[str, Any]) -> str:
    """H3 cells coloured by Gi* class, the territory's outline on top."""
    width, height = figure["size"]
    legend_h = 14 * 7 + 10
    parts = [_open(width, height + legend_h, figure["title"], figure["description"], "hotspots")]
    incidents = _("incidents")
    for cell in figure["cells"]:
        count = cell["count"] if cell["count"] is not None else _("suppressed")
        parts.append(
            f'<path d="{cell["d"]}" fill="{GI_COLOURS[cell["bin"]]}" stroke="#ffffff" '
            f'stroke-width="0.5"><title>{escape(cell["cell"])}: {escape(incidents)} '
            f"{escape(str(count))} · {escape(gi_label(cell['bin']))}</title></path>"
        )
    for outline in figure["outlines"]:
        parts.append(f'<path d="{outline}" fill="none" stroke="#222222" stroke-width="1.5"/>')
    entries = [(GI_COLOURS[b], gi_label(b)) for b in (3, 2, 1, 0, -1, -2, -3)]
    _legend(parts, entries, 8, height + 14)
    parts.append("</svg>")
    return "".join(parts)


def choropleth_svg(figure: dict[str, Any]) -> str:
    """Municipalities of the region coloured by their rate's class; the contract's outlined."""
    width, height = figure["size"]
    classes = figure["classes"]
    legend_h = 14 * (len(classes) + 1) + 10
    parts = [_open(width, height + legend_h, figure["title"], figure["description"], "choropleth")]
    unpublished = _("unpublished")
    own = []
    for area in figure["areas"]:
        klass = area["class"]
        colour = MISSING if klass is None else CHOROPLETH_COLOURS[klass]
        rate = unpublished if area["rate"] is None else _number(area["rate"])
        mark = f'<path d="{area["d"]}" fill="{colour}" stroke="#ffffff" stroke-width="0.6">'
        parts.append(f"{mark}<title>{escape(area['name'])}: {escape(rate)}</title></path>")
        if area["own"]:
            own.append(area["d"])
    for d in own:
        parts.append(f'<path d="{d}" fill="none" stroke="#000000" stroke-width="2.2"/>')
    entries = [(CHOROPLETH_COLOURS[i], label) for i, label in enumerate(classes)]
    entries.append((MISSING, unpublished))
    _legend(parts, entries, 8, height + 14)
    parts.append("</svg>")
    return "".join(parts)


def attribute(text: str) -> str:
    """A value for an SVG attribute, quoted and escaped."""
    return quoteattr(text)
