"""Build office documents and hostile archives in tests, as an attacker or an office suite would.

The layouts follow what LibreOffice and Microsoft Office write (the parts, their folders, the
printer settings Excel adds); the hostile ones are real: a zip bomb that inflates to hundreds
of megabytes of zeros from a few hundred kilobytes, and the same with a header that lies
about its sizes.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable

MB = 1_000_000
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="{mimetype}"/></manifest:manifest>'
)
_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _zip(members: Iterable[tuple[str, bytes | str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            # OpenDocument stores its mimetype first and uncompressed; the rest is deflated.
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def opendocument(mimetype: str = ODT, extra: Iterable[tuple[str, bytes | str]] = ()) -> bytes:
    """An ODT (or ODS) laid out as LibreOffice writes it."""
    body = "office:text" if mimetype == ODT else "office:spreadsheet"
    return _zip(
        [
            ("mimetype", mimetype),
            (
                "content.xml",
                '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                f'office:version="1.3"><office:body><{body}/></office:body>'
                "</office:document-content>",
            ),
            ("styles.xml", "<office:document-styles/>"),
            ("meta.xml", "<office:document-meta/>"),
            ("settings.xml", "<office:document-settings/>"),
            ("manifest.rdf", "<rdf:RDF/>"),
            ("Thumbnails/thumbnail.png", _PNG),
            ("Configurations2/accelerator/current.xml", ""),
            ("Configurations2/toolbar/", ""),
            ("Pictures/100000000000000100000001.png", _PNG),
            ("META-INF/manifest.xml", _MANIFEST.format(mimetype=mimetype)),
            *extra,
        ]
    )


def xlsx(extra: Iterable[tuple[str, bytes | str]] = ()) -> bytes:
    """An XLSX laid out as Excel writes it (with the printer settings it adds)."""
    return _zip(
        [
            ("[Content_Types].xml", "<Types/>"),
            ("_rels/.rels", "<Relationships/>"),
            ("docProps/app.xml", "<Properties/>"),
            ("docProps/core.xml", "<cp:coreProperties/>"),
            ("docProps/thumbnail.jpeg", b"\xff\xd8\xff\xe0"),
            ("xl/workbook.xml", "<workbook/>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships/>"),
            ("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>"),
            ("xl/worksheets/_rels/sheet1.xml.rels", "<Relationships/>"),
            ("xl/theme/theme1.xml", "<a:theme/>"),
            ("xl/styles.xml", "<styleSheet/>"),
            ("xl/sharedStrings.xml", "<sst/>"),
            ("xl/printerSettings/printerSettings1.bin", b"\x00" * 64),
            *extra,
        ]
    )


def docx(extra: Iterable[tuple[str, bytes | str]] = ()) -> bytes:
    """A DOCX laid out as Word writes it."""
    return _zip(
        [
            ("[Content_Types].xml", "<Types/>"),
            ("_rels/.rels", "<Relationships/>"),
            ("docProps/app.xml", "<Properties/>"),
            ("docProps/core.xml", "<cp:coreProperties/>"),
            ("word/document.xml", "<w:document/>"),
            ("word/_rels/document.xml.rels", "<Relationships/>"),
            ("word/styles.xml", "<w:styles/>"),
            ("word/settings.xml", "<w:settings/>"),
            ("word/fontTable.xml", "<w:fonts/>"),
            ("word/webSettings.xml", "<w:webSettings/>"),
            ("word/theme/theme1.xml", "<a:theme/>"),
            ("word/media/image1.png", _PNG),
            *extra,
        ]
    )


def zeros_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """Add ``name`` holding ``size`` zero bytes, deflated while written (never all in memory)."""
    chunk = bytes(MB)
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w") as member:
        for _ in range(size // MB):
            member.write(chunk)
        member.write(bytes(size % MB))


def odt_bomb(size: int = 200 * MB, *, member: str = "mimetype") -> bytes:
    """An ODT whose ``member`` inflates to ``size`` bytes of zeros (about size/1000 packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if member != "mimetype":
            archive.writestr("mimetype", ODT)
        zeros_member(archive, member, size)
        archive.writestr("META-INF/manifest.xml", _MANIFEST.format(mimetype=ODT))
    return buffer.getvalue()


def declare_size(data: bytes, name: str, declared: int) -> bytes:
    """Rewrite the unpacked size ``name`` declares (local header and central directory)."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
        local = info.header_offset
        directory_at = data.rindex(b"PK\x05\x06")
        directory_start = struct.unpack("<L", data[directory_at + 16 : directory_at + 20])[0]
    struct.pack_into("<L", patched, local + 22, declared)
    position = directory_start
    while data[position : position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack(
            "<3H", data[position + 28 : position + 34]
        )
        entry_name = data[position + 46 : position + 46 + name_length].decode()
        if entry_name == name:
            struct.pack_into("<L", patched, position + 24, declared)
        position += 46 + name_length + extra_length + comment_length
    return bytes(patched)


def archive_of(members: Iterable[tuple[str, bytes | str]]) -> bytes:
    """A plain zip of ``members`` (deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()
