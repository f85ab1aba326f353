"""The text of a PDF the platform writes (typst), for tests that read what a download says.

No PDF library is a dependency, and typst's output is regular: Type0 fonts with Identity-H
encoding and a ToUnicode CMap each, page content in Flate streams showing two-byte glyph codes
with ``Tj`` / ``TJ``. This reads exactly that — not arbitrary PDFs.
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_HEX_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def _objects(pdf: bytes) -> dict[int, bytes]:
    return {int(match.group(1)): match.group(2) for match in _OBJECT.finditer(pdf)}


def _stream(body: bytes) -> bytes:
    head, _sep, rest = body.partition(b"stream")
    data = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
    return zlib.decompress(data) if b"FlateDecode" in head else data


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in _HEX_PAIR.findall(block):
            mapping[int(code, 16)] = bytes.fromhex(value.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, value in _RANGE.findall(block):
            first = bytes.fromhex(value.decode()).decode("utf-16-be")
            for offset in range(int(high, 16) - int(low, 16) + 1):
                mapping[int(low, 16) + offset] = chr(ord(first[-1]) + offset)
    return mapping


def _literal(content: bytes, start: int) -> tuple[bytes, int]:
    """The literal string opening at ``content[start] == b"("``, and the index after it."""
    out = bytearray()
    depth, i = 1, start + 1
    while True:
        byte = content[i]
        if byte == ord("\\"):
            following = content[i + 1]
            if ord("0") <= following <= ord("7"):
                digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4])
                assert digits is not None
                out.append(int(digits.group(), 8) & 0xFF)
                i += 1 + len(digits.group())
                continue
            out.append(_ESCAPES.get(following, following))
            i += 2
            continue
        if byte == ord("("):
            depth += 1
        elif byte == ord(")"):
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(byte)
        i += 1


def _font_maps(objects: dict[int, bytes], resources: bytes) -> dict[bytes, dict[int, str]]:
    """The fonts a resource dictionary names, each with its ToUnicode map. Names are local:
    typst's ``/f0`` is one font on a page and another on the next."""
    fonts: dict[bytes, dict[int, str]] = {}
    for font_dict in re.findall(rb"/Font\s*<<(.*?)>>", resources, re.S):
        for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", font_dict):
            font = objects.get(int(number), b"")
            to_unicode = re.search(rb"/ToUnicode\s+(\d+) 0 R", font)
            if to_unicode:
                fonts[name] = _cmap(_stream(objects[int(to_unicode.group(1))]))
    return fonts


def _resources(objects: dict[int, bytes], head: bytes) -> bytes:
    referenced = re.search(rb"/Resources\s+(\d+) 0 R", head)
    return objects.get(int(referenced.group(1)), b"") if referenced else head


def _shown_lines(content: bytes, fonts: dict[bytes, dict[int, str]]) -> list[str]:
    """Each text object (``BT`` … ``ET``) of a content stream, decoded with ``fonts``."""
    lines: list[str] = []
    mapping: dict[int, str] = {}
    line: list[str] = []
    i = 0
    while i < len(content):
        if content[i : i + 1] == b"(":
            raw, i = _literal(content, i)
            line.extend(
                mapping.get(int.from_bytes(raw[k : k + 2], "big"), "")
                for k in range(0, len(raw) - 1, 2)
            )
            continue
        selected = re.match(rb"/(\w+)\s+[\d.]+\s+Tf", content[i : i + 40])
        if selected:
            mapping = fonts.get(selected.group(1), {})
            i += len(selected.group())
            continue
        if content[i : i + 2] == b"ET":
            lines.append("".join(line))
            line = []
        i += 1
    return lines


def pdf_text(pdf: bytes) -> str:
    """Every string the pages (and the forms they draw, such as embedded SVG figures) show,
    decoded through the fonts of their own resources; each text object on a line of its own."""
    objects = _objects(pdf)
    lines: list[str] = []
    for body in objects.values():
        head = body.partition(b"stream")[0]
        if re.search(rb"/Type\s*/Page\b", head):
            fonts = _font_maps(objects, _resources(objects, head))
            contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", head)
            for number in re.findall(rb"(\d+) 0 R", contents.group(1) if contents else b""):
                lines.extend(_shown_lines(_stream(objects[int(number)]), fonts))
        elif b"stream" in body and re.search(rb"/Subtype\s*/Form", head):
            try:
                content = _stream(body)
            except zlib.error:
                continue
            lines.extend(_shown_lines(content, _font_maps(objects, _resources(objects, head))))
    return "\n".join(lines)


def shows(pdf: bytes, text: str) -> bool:
    """Whether a line of ``pdf``'s text (spaces folded) contains ``text``."""
    wanted = " ".join(text.split())
    return any(wanted in " ".join(line.split()) for line in pdf_text(pdf).splitlines())
