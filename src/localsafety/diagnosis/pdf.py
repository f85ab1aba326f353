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


def _s(text: Any) -> str:
    value = str(text)
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    value = value.replace("\r", "")
    return f'#"{value}"'


def render_pdf(*, title: str, document: dict[str, Any], charts: list[tuple[str, str]]) -> bytes:
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
                % {"date": document["approved_at"]}
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
    lines.append(f"== {_s(_('Crime figures'))}")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
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
        if document["matrix_version"]:
            lines.append("")
            lines.append(
                _s(
                    _("National indicator matrix, version %(version)s.")
                    % {"version": document["matrix_version"]}
                )
            )
        (root / "main.typ").write_text("\n".join(lines), encoding="utf-8")
        result = typst.compile(str(root / "main.typ"), root=str(root))
    assert isinstance(result, bytes)
    return result
