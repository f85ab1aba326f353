"""Check uploaded files by their bytes, not by their names."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO, Any

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from localsafety.core.archives import inspect_archive, shown_name
from localsafety.core.errors import DomainError
from localsafety.core.sizes import format_file_size

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


def document_help() -> str:
    """What a document upload accepts, with the limit in the unit it is enforced in."""
    return _("PDF, image, OpenDocument/Office document or CSV; at most %(limit)s.") % {
        "limit": format_file_size(settings.LOCALSAFETY_MAX_DOCUMENT_BYTES)
    }


# A form's help text, read when the page is drawn (so in its language, with today's limit).
DOCUMENT_HELP = lazy(document_help, str)()


def sniff_document(head: bytes, stream: IO[bytes] | Any) -> str:
    """Return the real content type of an accepted document or raise ``DomainError``.

    Accepted: PDF, PNG, JPEG, OpenDocument text/spreadsheet, Word/Excel (OOXML) and plain
    UTF-8 or Latin-1 text (CSV). Anything else (executables, HTML, archives) is refused. An
    office document is an archive: it is unpacked in chunks within the caps of
    ``core.archives`` and refused if it holds macros, programs or unexpected parts.
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
    """An office document, read through ``core.archives`` (bounded) and checked part by part."""
    contents = inspect_archive(stream, names_problem=_office_problem, nested=_nested_office)
    mimetype = contents.head_of("mimetype")
    if mimetype is not None:
        declared = mimetype.decode("ascii", "replace").strip()
        if declared in _ZIP_MIMETYPES:
            return _ZIP_MIMETYPES[declared]
    for prefix, content_type in _OOXML.items():
        if any(name.startswith(prefix) for name in contents.names):
            return content_type
    raise DomainError(_("Archives are not accepted as documents."), field="file")


# The top-level parts of an OpenDocument file and of an Office Open XML package; anything
# else in an uploaded document is refused as unexpected.
_ODF_PARTS = frozenset(
    {
        "mimetype",
        "META-INF",
        "content.xml",
        "styles.xml",
        "meta.xml",
        "settings.xml",
        "manifest.rdf",
        "Thumbnails",
        "Pictures",
        "Configurations2",
        "ObjectReplacements",
        "media",
        "layout-cache",
    }
)
_ODF_OBJECT = re.compile(r"^Object \d+$")
_OOXML_PARTS = frozenset(
    {"[Content_Types].xml", "_rels", "docProps", "word", "xl", "ppt", "customXml", "docMetadata"}
)
# Macros (VBA projects, LibreOffice Basic and scripts) and ActiveX controls.
_MACRO_NAMES = frozenset(
    {"vbaproject.bin", "vbaprojectsignature.bin", "vbaprojectsignatureagile.bin", "vbadata.xml"}
)
_MACRO_FOLDERS = frozenset({"Basic", "Scripts", "Dialogs", "activeX"})
# Binary parts: only an Excel sheet's printer settings (OLE objects and VBA are refused).
_PRINTER_SETTINGS = re.compile(r"^(xl|word)/printerSettings/printerSettings\d+\.bin$")
# A chart's data in a Word or PowerPoint document is an embedded workbook: inspected too.
_EMBEDDED_PACKAGE = re.compile(r"^(word|xl|ppt)/embeddings/[^/]+\.(xlsx|docx|pptx)$")


def _office_problem(names: list[str]) -> str | None:
    """Refuse a document with macros, binaries or parts outside its format's layout."""
    if "[Content_Types].xml" in names:
        allowed: Callable[[str], bool] = _OOXML_PARTS.__contains__
    elif "mimetype" in names:
        allowed = lambda top: top in _ODF_PARTS or bool(_ODF_OBJECT.match(top))  # noqa: E731
    else:
        return _("Archives are not accepted as documents.")
    for name in names:
        parts = name.split("/")
        base = parts[-1].lower()
        if (
            base in _MACRO_NAMES
            or any(part in _MACRO_FOLDERS for part in parts[:-1])
            or (base.endswith(".bin") and not _PRINTER_SETTINGS.match(name))
        ):
            return _("The document holds macros or embedded programs (%(name)s).") % {
                "name": shown_name(name)
            }
        if not allowed(parts[0]):
            return _("The document holds an unexpected part (%(name)s).") % {
                "name": shown_name(name)
            }
    return None


def _nested_office(name: str) -> Callable[[list[str]], str | None] | None:
    return _office_problem if _EMBEDDED_PACKAGE.match(name) else None


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
