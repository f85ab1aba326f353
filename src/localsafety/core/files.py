"""Check uploaded files by their bytes, not by their names."""

from __future__ import annotations

import zipfile
from typing import IO, Any

from django.utils.translation import gettext as _

from localsafety.core.errors import DomainError

_ZIP_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet": (
        "application/vnd.oasis.opendocument.spreadsheet"
    ),
}
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff_document(head: bytes, stream: IO[bytes] | Any) -> str:
    """Return the real content type of an accepted document or raise ``DomainError``.

    Accepted: PDF, PNG, JPEG, OpenDocument text/spreadsheet, Word/Excel (OOXML) and plain
    UTF-8 or Latin-1 text (CSV). Anything else (executables, HTML, archives) is refused.
    """
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(stream)
    if _looks_like_text(head):
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
            raise DomainError(_("Web pages, scripts and XML files are not accepted."), field="file")
        return "text/plain"
    raise DomainError(
        _(
            "This kind of file is not accepted. Upload a PDF, an image (PNG/JPEG), an "
            "OpenDocument or Office document, or a text/CSV file."
        ),
        field="file",
    )


def _sniff_zip(stream: IO[bytes] | Any) -> str:
    try:
        position = stream.tell()
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in _ZIP_MIMETYPES:
                    return _ZIP_MIMETYPES[declared]
            for prefix, content_type in _OOXML.items():
                if any(name.startswith(prefix) for name in names):
                    return content_type
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DomainError(
            _("The file looks like an archive but cannot be read."), field="file"
        ) from exc
    finally:
        try:
            stream.seek(position)
        except Exception:  # noqa: BLE001, S110 - best effort rewind
            pass
    raise DomainError(_("Archives are not accepted as documents."), field="file")


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 or Latin-1 text with (almost) no control characters: a CSV, a note."""
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sample; else try Latin-1.
        if exc.start >= len(head) - 3:
            text = head[: exc.start].decode("utf-8")
        else:
            text = head.decode("latin-1")
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    return printable / max(len(text), 1) > 0.95
