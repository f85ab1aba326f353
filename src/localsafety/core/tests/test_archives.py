"""Hostile archives sent as documents: bombs, lying headers, programs, odd parts (issue 7, #2).

Each is refused by ``core.files.sniff_document`` (which every document upload goes through)
within a small memory and time budget; the office documents people really send still pass.
"""

from __future__ import annotations

import io
import random
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from localsafety.core.archives import inspect_archive
from localsafety.core.errors import DomainError
from localsafety.core.files import sniff_document
from localsafety.testing.archives import (
    MB,
    ODS,
    archive_of,
    declare_size,
    docx,
    odt_bomb,
    opendocument,
    xlsx,
    zeros_member,
)

DATA = Path(__file__).parent / "data"
MEMORY_BUDGET = 50 * MB
TIME_BUDGET = 5.0


def _sniff(data: bytes) -> str:
    return sniff_document(data[:8192], io.BytesIO(data))


def _refused_within_budget(data: bytes) -> DomainError:
    """Sniff ``data``; it must be refused, peaking under 50 MB and within 5 seconds."""
    stream = io.BytesIO(data)
    head = data[:8192]
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(DomainError) as caught:
            sniff_document(head, stream)
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BUDGET, f"peak {peak / MB:.0f} MB while refusing"
    assert elapsed < TIME_BUDGET, f"{elapsed:.1f} s to refuse"
    assert caught.value.field == "file" and caught.value.message
    assert stream.tell() == 0, "the upload is rewound for whoever reads it next"
    return caught.value


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals are read in English here (the suite's default language is pt-PT)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """An ODT whose mimetype inflates to 200 MB of zeros (about 200 KB on the wire)."""
    return odt_bomb(200 * MB)


def test_an_odt_whose_mimetype_inflates_to_200_mb_is_refused_in_small_memory(bomb):
    assert len(bomb) < 500_000
    error = _refused_within_budget(bomb)
    assert "zip bomb" in error.message


def test_a_lying_header_is_caught_by_what_is_really_unpacked():
    # content.xml says it unpacks to 1,000 bytes (a ratio under the cap) and its packed size
    # is honest, but its stream inflates to 200 MB: only reading it shows the lie.
    liar = declare_size(odt_bomb(200 * MB, member="content.xml"), "content.xml", 1000)
    declared = zipfile.ZipFile(io.BytesIO(liar)).getinfo("content.xml")
    assert declared.file_size == 1000 and declared.compress_size > 100_000
    error = _refused_within_budget(liar)
    assert "damaged" in error.message


def test_too_many_members_are_refused_before_they_are_listed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
        for number in range(70_000):  # past 65,535: the directory is a zip64 one
            archive.writestr(f"Pictures/{number}.png", b"")
    error = _refused_within_budget(buffer.getvalue())
    assert "more than 1000 members" in error.message


def test_unpacked_total_is_capped(settings):
    settings.LOCALSAFETY_ARCHIVE_MAX_UNPACKED_BYTES = 5 * MB
    noise = random.Random(7).randbytes(6 * MB)  # deflate cannot shrink it
    document = opendocument(extra=[("Pictures/photo.png", b"\x89PNG" + noise)])
    assert "larger than 5 MB once unpacked" in _refused_within_budget(document).message


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("word/media/setup.exe", b"MZ\x90\x00", "program or a script"),
        ("word/media/image2.png", b"MZ\x90\x00\x03", "program or a script"),  # renamed
        ("word/media/run.sh", b"#!/bin/sh\nrm -rf ~\n", "program or a script"),
        ("word/media/tool.jar", b"PK\x03\x04", "program or a script"),
        ("word/media/x.js", b"alert(1)", "program or a script"),
        ("word/media/x.vbs", b"MsgBox 1", "program or a script"),
        ("word/media/x.bat", b"del *", "program or a script"),
        ("word/media/x.dll", b"MZ", "program or a script"),
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0", "macros"),
        ("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0", "macros"),
        ("word/activeX/activeX1.xml", b"<ax/>", "macros"),
        ("payload/readme.txt", b"hello", "unexpected part"),
        ("../../../etc/cron.d/evil", b"* * * * * root sh", "unsafe path"),
        ("/etc/passwd", b"root:x:0:0", "unsafe path"),
        ("word\\..\\..\\evil.xml", b"<x/>", "unsafe path"),
    ],
)
def test_a_docx_carrying_a_program_macros_or_odd_parts_is_refused(name, data, says):
    assert says in _refused_within_budget(docx(extra=[(name, data)])).message


def test_an_opendocument_with_basic_macros_is_refused():
    document = opendocument(extra=[("Basic/Standard/Module1.xml", "<script:module/>")])
    assert "macros" in _refused_within_budget(document).message


def test_a_symbolic_link_and_a_duplicated_name_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        link = zipfile.ZipInfo("content.xml")
        link.external_attr = (0o120777 << 16) | 0
        archive.writestr(link, "/etc/passwd")
    assert "link" in _refused_within_budget(buffer.getvalue()).message
    twice = io.BytesIO()
    with zipfile.ZipFile(twice, "w") as archive, pytest.warns(UserWarning):
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    assert "twice" in _refused_within_budget(twice.getvalue()).message


def test_a_nested_workbook_is_inspected_against_the_same_caps():
    chart_data = xlsx()
    with_chart = docx(extra=[("word/embeddings/Microsoft_Excel_Worksheet.xlsx", chart_data)])
    assert _sniff(with_chart).endswith("wordprocessingml.document")
    macro_book = xlsx(extra=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")])
    hidden = docx(extra=[("word/embeddings/Microsoft_Excel_Worksheet.xlsx", macro_book)])
    assert "macros" in _refused_within_budget(hidden).message
    nested_bomb = docx(extra=[("word/embeddings/Book.xlsx", odt_bomb(200 * MB))])
    assert "zip bomb" in _refused_within_budget(nested_bomb).message
    # Another archive anywhere else is refused outright.
    stray = docx(extra=[("word/media/image9.png", archive_of([("a.txt", "x")]))])
    assert "another archive" in _refused_within_budget(stray).message


def test_the_office_documents_people_send_are_still_accepted():
    assert _sniff(opendocument()) == "application/vnd.oasis.opendocument.text"
    assert _sniff(opendocument(ODS)) == ODS
    assert _sniff(xlsx()).endswith("spreadsheetml.sheet")
    assert _sniff(docx()).endswith("wordprocessingml.document")
    # A real ODT written by an office suite (docutils' ODF writer template, public domain).
    real = (DATA / "styles.odt").read_bytes()
    assert _sniff(real) == "application/vnd.oasis.opendocument.text"


def test_a_large_honest_document_is_unpacked_within_the_memory_budget():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        # 90 MB of text that compresses about 60:1, under every cap.
        info = zipfile.ZipInfo("content.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        row = b"".join(b"<text:p>Linha %d do relat\xc3\xb3rio</text:p>" % n for n in range(2000))
        with archive.open(info, "w") as member:
            for _ in range(90 * MB // len(row)):
                member.write(row)
    data = buffer.getvalue()
    tracemalloc.start()
    try:
        assert _sniff(data) == "application/vnd.oasis.opendocument.text"
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * MB, f"peak {peak / MB:.0f} MB for a {len(data) / MB:.0f} MB document"


def test_shapefile_rules_extract_only_checked_members(tmp_path):
    data = archive_of([("areas/areas.shp", b"\x00\x00'\n"), ("areas/areas.dbf", b"\x03")])
    contents = inspect_archive(
        io.BytesIO(data), names_problem=lambda _names: None, extract_to=tmp_path
    )
    assert contents.names == ["areas/areas.shp", "areas/areas.dbf"]
    assert (tmp_path / "areas" / "areas.shp").read_bytes() == b"\x00\x00'\n"


def test_zeros_member_writes_what_it_says():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        zeros_member(archive, "z", 3 * MB + 5)
    assert zipfile.ZipFile(buffer).getinfo("z").file_size == 3 * MB + 5


def test_archive_caps_come_from_settings_and_bad_values_stop_start_up(monkeypatch, settings):
    from localsafety.core.archives import ArchiveLimits
    from localsafety.env import ConfigurationError, envcap

    settings.LOCALSAFETY_ARCHIVE_MAX_MEMBERS = 7
    assert ArchiveLimits.from_settings().max_members == 7
    for bad in ("0", "-5", "lots", "1e6"):
        monkeypatch.setenv("LOCALSAFETY_ARCHIVE_MAX_RATIO", bad)
        with pytest.raises(ConfigurationError):
            envcap("LOCALSAFETY_ARCHIVE_MAX_RATIO", 100)
    monkeypatch.setenv("LOCALSAFETY_ARCHIVE_MAX_RATIO", "250")
    assert envcap("LOCALSAFETY_ARCHIVE_MAX_RATIO", 100) == 250
