"""The geometry library's English, said in the reader's language (issue 8, point 5)."""

from __future__ import annotations

from django.utils import translation
from shapely.geometry import Point, Polygon

from localsafety.territory import geometry, importer

BOWTIE = Polygon([(-9.2, 38.7), (-9.1, 38.8), (-9.1, 38.7), (-9.2, 38.8), (-9.2, 38.7)])


def test_an_invalid_boundary_is_explained_in_portuguese():
    with translation.override("pt-pt"):
        [problem] = geometry.polygon_problems(BOWTIE)
    assert "o limite cruza-se a si próprio perto de -9.15, 38.75" in problem
    assert "Self-intersection" not in problem
    with translation.override("en"):
        [problem] = geometry.polygon_problems(BOWTIE)
    assert "the boundary crosses itself near -9.15, 38.75" in problem


def test_a_point_is_named_in_portuguese():
    with translation.override("pt-pt"):
        [problem] = geometry.polygon_problems(Point(-9.1, 38.7))
    assert problem.startswith("A geometria é um ponto;") or "ponto" in problem
    assert "Point" not in problem


def test_gdal_errors_are_said_in_words_without_server_paths():
    error = RuntimeError(
        "'/srv/upload/abc.gpkg' not recognized as being in a supported file format."
    )
    with translation.override("pt-pt"):
        text = importer.unreadable(error)
    assert (
        text == "O ficheiro não pode ser lido como dados geográficos: o formato não é reconhecido."
    )
    with translation.override("pt-pt"):
        text = importer.unreadable(
            RuntimeError("sqlite3_open(/srv/upload/x) failed: disk I/O error")
        )
    assert "/srv" not in text and "failed" not in text
