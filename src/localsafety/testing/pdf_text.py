"""The text of a PDF the app made with typst, for tests that check what a report says, without
a PDF library (pypdf is not a dependency).

typst writes each font's glyphs as two-byte codes with a ToUnicode map per font, and shows text
with ``[...] TJ`` arrays. Codes collide between fonts, so every shown run is decoded with every
font's map: ``pdf_text_runs`` gives, for each run, one reading per font. A test then asks
whether an expected string is one of the readings (``shows``), which a wrong font cannot fake
for any string longer than a character or two.
"""

from __future__ import annotations

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
SHOWN = re.compile(rb"\[((?:\((?:\\.|[^\\)])*\)|[^\]])*)\]\s*TJ|(\((?:\\.|[^\\)])*\))\s*Tj", re.S)
LITERAL = re.compile(rb"\(((?:\\.|[^\\)])*)\)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _streams(pdf: bytes) -> list[bytes]:
    found = []
    for match in STREAM.finditer(pdf):
        try:
            found.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return found


def _unicode(hex_text: bytes) -> str:
    data = bytes.fromhex(hex_text.decode())
    return data.decode("utf-16-be", errors="replace")


def _cmap(stream: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for code, text in PAIR.findall(block):
            mapping[int(code, 16)] = _unicode(text)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for first, last, text in RANGE.findall(block):
            start = ord(_unicode(text)[0])
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _literal(raw: bytes) -> bytes:
    out = bytearray()
    index = 0
    while index < len(raw):
        byte = raw[index : index + 1]
        if byte != b"\\":
            out += byte
            index += 1
            continue
        following = raw[index + 1 : index + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            index += 1 + len(octal.group(0))
        else:
            out += ESCAPES.get(following, following)
            index += 2
    return bytes(out)


def pdf_text_runs(pdf: bytes) -> list[set[str]]:
    """Each text run the PDF shows, read with every font's map."""
    streams = _streams(pdf)
    maps = [_cmap(s) for s in streams if b"beginbfchar" in s or b"beginbfrange" in s]
    runs: list[set[str]] = []
    for stream in streams:
        if b"TJ" not in stream and b"Tj" not in stream:
            continue
        for array, single in SHOWN.findall(stream):
            data = b"".join(_literal(raw) for raw in LITERAL.findall(array or single))
            codes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
            runs.append({"".join(m.get(code, "\ufffd") for code in codes) for m in maps})
    return runs


def shows(pdf: bytes, text: str) -> bool:
    """Whether some run of ``pdf``, read with one of its fonts, contains ``text``."""
    return any(text in reading for run in pdf_text_runs(pdf) for reading in run)
