"""testing.pdf_text reads what a typst PDF shows, font by font, so report tests can check
their figures without a PDF library."""

from __future__ import annotations

from pathlib import Path

import typst

from localsafety.testing.pdf_text import shows


def test_typst_text_is_read_back_and_absent_text_is_not_found(tmp_path: Path):
    source = tmp_path / "report.typ"
    source.write_text(
        '#text(weight: "bold", "Relatório de execução")\n\n'
        "#table(columns: 3, [Pessoas], [47], [1.435,06 €])\n",
        encoding="utf-8",
    )
    pdf = bytes(typst.compile(str(source)))
    assert shows(pdf, "Relatório de execução")  # bold: another font, its own map
    assert shows(pdf, "1.435,06 €") and shows(pdf, "47")
    assert not shows(pdf, "1.435,07 €") and not shows(pdf, "48")


def test_each_page_reads_its_own_fonts(tmp_path: Path):
    """typst names fonts per page: ``/f0`` is the bold face on the first page and the italic
    one on the second, so a reader keyed on the name alone garbles one of them."""
    source = tmp_path / "two-pages.typ"
    source.write_text(
        '#text(weight: "bold", "Aprovado")\n\nCLS Lisboa — Lumiar\n'
        "#pagebreak()\n_Roubos na via pública_ à noite\n",
        encoding="utf-8",
    )
    pdf = bytes(typst.compile(str(source)))
    for text in ("Aprovado", "CLS Lisboa — Lumiar", "Roubos na via pública", "à noite"):
        assert shows(pdf, text), text
