"""The diagnosis document as a PDF (typst), with the page's own SVG charts.

Every text from the data enters the typst source as a string literal (``#"…"``), never as
markup, so a problem's title cannot run typst code.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import typst
from django.utils.translation import gettext as _

from localsafety.core.dates import prose_datetime


def _s(text: Any) -> str:
    value = str(text)
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    value = value.replace("\r", "")
    return f'#"{value}"'


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = [f"[*{_s(c)}*]" for c in head] + [f"[{_s(c)}]" for row in rows for c in row]
    return f"#table(columns: {len(head)}, {', '.join(cells)})"


def _figures(lines: list[str], root: Path, figures: list[Any]) -> None:
    """The page's figures: the same SVG, its caption, provenance and table."""
    if not figures:
        return
    lines.append(f"== {_s(_('Figures'))}")
    for figure in figures:
        name = f"figure-{figure.key}.svg"
        (root / name).write_text(figure.svg, encoding="utf-8")
        lines.append(f"=== {_s(figure.title)}")
        lines.append(f'#image("{name}", width: 90%)')
        lines.append(_s(figure.caption))
        lines.append("")
        for note in figure.notes:
            if note:
                lines.append(f"#text(size: 8pt)[{_s(note)}]")
                lines.append("")
        lines.append(f"#text(size: 8pt)[{_s(' '.join(figure.provenance))}]")
        lines.append("")
        if not figure.table.wide:
            lines.append(f"#text(size: 8pt)[{_table(figure.table.head, figure.table.rows)}]")
            lines.append("")


def _indicators(lines: list[str], indicators: tuple[list[str], list[Any], str] | None) -> None:
    if not indicators or not indicators[1]:
        return
    columns, rows, provenance = indicators
    lines.append(f"== {_s(_('National indicator matrix, filled in'))}")
    head = [_("Indicator"), _("Year"), *columns, _("Unit")]
    body = []
    for row in rows:
        name = row.name + (f" ({_('local indicator')})" if row.local else "")
        if row.computable:
            body.append([name, row.year, *row.values, row.unit])
        else:
            reason = _("Not computable from the data held") + ": " + row.reason
            body.append([name, "", reason, *([""] * (len(columns) - 1)), row.unit])
    lines.append(f"#text(size: 8pt)[{_table(head, body)}]")
    lines.append(f"#text(size: 8pt)[{_s(provenance)}]")
    lines.append("")


def render_pdf(
    *,
    title: str,
    document: dict[str, Any],
    charts: list[tuple[str, str]],
    figures: list[Any] | None = None,
    indicators: tuple[list[str], list[Any], str] | None = None,
) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_source(
            root,
            title=title,
            document=document,
            charts=charts,
            figures=figures,
            indicators=indicators,
        )
        result = typst.compile(str(root / "main.typ"), root=str(root))
    assert isinstance(result, bytes)
    return result


def write_source(
    root: Path,
    *,
    title: str,
    document: dict[str, Any],
    charts: list[tuple[str, str]],
    figures: list[Any] | None = None,
    indicators: tuple[list[str], list[Any], str] | None = None,
) -> str:
    """Write ``main.typ`` and its SVG files into ``root``; return the typst source."""
    lines = [
        '#set page(paper: "a4", margin: 2cm)',
        '#set text(font: ("Libertinus Serif", "DejaVu Sans"), size: 10pt)',
        f"= {_s(title)}",
        "",
    ]
    if document["frozen"]:
        lines.append(
            _s(
                _("Approved by the Coordinating Committee on %(date)s.")
                % {"date": prose_datetime(document["approved_at"])}
            )
        )
    else:
        lines.append(_s(_("Draft: figures as computed from the data now.")))
    lines.append("")
    rates = document["figures"].get("rates") or []
    if rates:
        lines.append(f"== {_s(_('Crime rate beside the municipality, region and country'))}")
        cells = []
        for row in rates:
            rate = "—" if row["rate"] is None else f"{row['rate']:.1f}"
            ci = "—" if row["lower"] is None else f"{row['lower']:.1f}–{row['upper']:.1f}"
            cells += [_s(row["area"]), _s(row["year"]), _s(rate), _s(ci)]
        head = [
            _s(_("Area")),
            _s(_("Year")),
            _s(_("Per 1,000 residents")),
            _s(_("Interval (95 per cent)")),
        ]
        body = ", ".join(f"[{c}]" for c in [*head, *cells])
        lines.append(f"#table(columns: 4, {body})")
        lines.append(f"#text(size: 8pt)[{_s(document['figures'].get('rates_provenance', ''))}]")
        lines.append("")
    _figures(lines, root, figures or [])
    _indicators(lines, indicators)
    lines.append(f"== {_s(_('Crime figures'))}")
    for i, (caption, svg) in enumerate(charts):
        (root / f"chart{i}.svg").write_text(svg, encoding="utf-8")
        lines.append(f'#image("chart{i}.svg", width: 90%)')
        lines.append(f"#text(size: 8pt)[{_s(caption)}]")
        lines.append("")
    lines.append(f"== {_s(_('Problems found'))}")
    for problem in document["problems"]:
        priority = problem["priority"] if problem["priority"] is not None else "—"
        lines.append(f"+ {_s(problem['title'])} ({_s(_('priority'))} {_s(priority)})")
        if problem["evidence"]:
            lines.append(f"  {_s(problem['evidence'])}")
        for link in problem.get("evidence_links") or []:
            lines.append(f"  - {_s(link['label'])}")
    if document["matrix_version"]:
        lines.append("")
        lines.append(
            _s(
                _("National indicator matrix, version %(version)s.")
                % {"version": document["matrix_version"]}
            )
        )
    source = "\n".join(lines)
    (root / "main.typ").write_text(source, encoding="utf-8")
    return source
