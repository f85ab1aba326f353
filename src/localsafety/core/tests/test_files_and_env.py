from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localsafety.core.errors import DomainError
from localsafety.core.files import sniff_document
from localsafety.env import ConfigurationError, database_from_url, envbool


def _sniff(data: bytes) -> str:
    return sniff_document(data[:8192], io.BytesIO(data))


@given(st.binary(max_size=2048))
def test_any_bytes_are_accepted_as_a_known_type_or_refused_cleanly(data):
    try:
        content_type = _sniff(data)
    except DomainError as error:
        assert error.field == "file" and error.message
    else:
        assert content_type in {
            "application/pdf",
            "image/png",
            "image/jpeg",
            "text/plain",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }


@given(st.text(alphabet=st.characters(whitelist_categories=["L", "N", "P", "S", "Zs"]), min_size=1))
def test_plain_text_in_utf8_or_latin1_is_text(text):
    if text.lstrip().lower().startswith(("<!doctype html", "<html", "<script", "<svg", "<?xml")):
        return
    assert _sniff(text.encode("utf-8")) == "text/plain"


def test_real_formats_by_content_not_name():
    assert _sniff(b"%PDF-1.7\n...") == "application/pdf"
    assert _sniff("Concelho;Crimes\nLoulé;1 234,5\n".encode("latin-1")) == "text/plain"
    # Portuguese thousands are often separated by a no-break space.
    assert _sniff("Município;Crimes\nLisboa;25\xa0934\n".encode()) == "text/plain"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    assert _sniff(buffer.getvalue()) == "application/vnd.oasis.opendocument.text"
    for refused in (
        b"MZ\x90\x00",
        b"<html><script>alert(1)</script>",
        b"\x7fELF\x02\x01",
        b"\x7fELF\x02\x01\x01\x00\x00\x00",
    ):
        with pytest.raises(DomainError):
            _sniff(refused)
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("virus.exe", "MZ")
    with pytest.raises(DomainError):
        _sniff(plain_zip.getvalue())


def test_database_urls():
    pg = database_from_url("postgres://user:p%40ss@db.example:5433/cls?sslmode=require")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "user",
        "p@ss",
        "db.example",
        "5433",
        "cls",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    assert database_from_url("sqlite:////var/lib/cls.sqlite3")["NAME"] == "/var/lib/cls.sqlite3"
    with pytest.raises(ConfigurationError):
        database_from_url("mysql://x/y")


def test_envbool_is_fail_loud(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert envbool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigurationError):
        envbool("X_FLAG", False)
