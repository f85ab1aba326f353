"""Server-rendered SVG charts: the same markup in the page and in the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr


def bar_chart(
    *, title: str, labels: Sequence[str], values: Sequence[int | None], hidden_label: str
) -> str:
    """Vertical bars, one per label; a hidden value is drawn as an empty, labelled slot."""
    width, height, top, bottom, left = 480, 220, 28, 36, 40
    shown = [v for v in values if v is not None]
    peak = max(shown) if shown else 1
    peak = max(peak, 1)
    slot = (width - left - 10) / max(len(labels), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)}>',
        f'<text x="{left}" y="18" font-family="sans-serif" font-size="13">{escape(title)}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        'stroke="#444"/>',
    ]
    plot = height - top - bottom
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + i * slot + slot * 0.15
        w = slot * 0.7
        if value is None:
            parts.append(
                f'<text x="{x + w / 2:.1f}" y="{height - bottom - 6}" text-anchor="middle" '
                f'font-family="sans-serif" font-size="10">{escape(hidden_label)}</text>'
            )
        else:
            h = plot * value / peak
            y = height - bottom - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#1f5f8b"/>'
            )
            parts.append(
                f'<text x="{x + w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'font-family="sans-serif" font-size="10">{value}</text>'
            )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
