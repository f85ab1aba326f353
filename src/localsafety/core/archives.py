"""Open a zip archive from an upload without letting it unpack more than the caps allow.

Every archive the app opens goes through ``inspect_archive``: office documents (ODT, ODS,
DOCX, XLSX, sniffed in ``core.files``) and zipped shapefiles (``territory``). It

1. reads the end-of-central-directory record itself and refuses a directory that declares
   more members than the cap (or is larger than such a directory can be) before ``zipfile``
   builds an object per entry;
2. checks every entry the directory declares: a safe relative path (no ``..``, no absolute
   or drive path, no backslash, no NUL), a plain file or folder (no symbolic link), not
   encrypted, stored or deflated only (bzip2/LZMA members would be inflated a whole block
   at a time), unique names, and the declared sizes against the caps (per member, in all,
   and the unpacked/packed ratio);
3. then inflates every member in chunks with a running byte budget, so a header that lies
   about its sizes is caught by what is actually unpacked, refusing as soon as a cap is
   crossed; ``zipfile`` checks each member's CRC at its end, so a member that unpacks to
   something other than it declared is refused as damaged;
4. refuses a member whose name or first bytes make it an executable or a script, whatever
   the caller allows, and asks the caller's ``names_problem`` about the rest (the layout of
   an office document, the parts of a shapefile) before unpacking anything;
5. optionally inspects nested archives (a chart's workbook inside a Word document) against
   the same budget, one level deep, and optionally writes the members to a folder (so that
   GDAL reads files that were checked, never the archive itself).

Nothing is ever held in memory beyond a chunk, the first bytes of each member and a nested
archive's first megabyte (the rest spools to disk).
"""

from __future__ import annotations

import os
import re
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from localsafety.core.errors import DomainError
from localsafety.core.sizes import format_file_size

CHUNK_BYTES = 64 * 1024
HEAD_BYTES = 512
# The ratio cap applies above this size: a small member of zeros is harmless.
RATIO_GRACE_BYTES = 1_000_000
# A real member's directory entry is 46 bytes plus a short name: this bounds what
# ``zipfile`` reads into memory for the directory before any entry is checked.
DIRECTORY_BYTES_PER_MEMBER = 1024
NESTED_SPOOL_BYTES = 1_000_000
MAX_NESTING = 1

# Never accepted inside any archive, whatever the caller allows.
EXECUTABLE_SUFFIXES = frozenset(
    (
        ".app .apk .bat .bash .class .cmd .com .cpl .dll .dylib .elf .exe .hta .inf .jar .js "
        ".jse .lnk .mjs .msc .msi .msp .ocx .php .pif .pl .ps1 .psm1 .py .rb .reg .scr .sh .so "
        ".sys .vb .vba .vbe .vbs .wsf .wsh"
        # Macro-enabled office files, as members of another document.
        " .docm .dotm .xlsm .xltm .xlam .xlsb .pptm .potm .ppam"
    ).split()
)
# First bytes of native executables and scripts: PE ("MZ"), ELF, Mach-O (32/64, both byte
# orders), fat Mach-O / Java class, and a shebang.
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
ZIP_MAGIC = b"PK\x03\x04"
_DRIVE = re.compile(r"^[A-Za-z]:")
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_ZIP64_EOCD = b"PK\x06\x06"
_ZIP64_EOCD_SIZE = 56
_MAX_COMMENT = 65535


class ArchiveRefused(DomainError):
    """An archive was refused; the message says why (a cap, a member, damage)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_unpacked_bytes: int
    max_member_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        return cls(
            max_members=settings.LOCALSAFETY_ARCHIVE_MAX_MEMBERS,
            max_unpacked_bytes=settings.LOCALSAFETY_ARCHIVE_MAX_UNPACKED_BYTES,
            max_member_bytes=settings.LOCALSAFETY_ARCHIVE_MAX_MEMBER_BYTES,
            max_ratio=settings.LOCALSAFETY_ARCHIVE_MAX_RATIO,
        )


@dataclass(frozen=True)
class ArchiveMember:
    """A member that was unpacked and checked: its name, real size and first bytes."""

    name: str
    size: int
    head: bytes


@dataclass
class ArchiveContents:
    members: list[ArchiveMember] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [member.name for member in self.members]

    def head_of(self, name: str) -> bytes | None:
        for member in self.members:
            if member.name == name:
                return member.head
        return None


# The names of an archive's files (folders left out) → a reason to refuse it, or None.
NamesProblem = Callable[[list[str]], "str | None"]
# A member's name → the ``names_problem`` to inspect it with as a nested archive, or None.
NestedRules = Callable[[str], "NamesProblem | None"]


@dataclass
class _Budget:
    limits: ArchiveLimits
    members: int = 0
    unpacked: int = 0

    def add_members(self, count: int) -> None:
        self.members += count
        if self.members > self.limits.max_members:
            raise ArchiveRefused(_too_many_members(self.limits))


def inspect_archive(
    stream: IO[bytes] | Any,
    *,
    names_problem: NamesProblem,
    limits: ArchiveLimits | None = None,
    nested: NestedRules | None = None,
    extract_to: Path | None = None,
) -> ArchiveContents:
    """Check the whole archive (see the module doc); raise ``ArchiveRefused`` or return it.

    The stream is rewound to where it was. Folders are skipped; ``extract_to`` receives the
    files (under their own relative paths) once each has been checked.
    """
    budget = _Budget(limits or ArchiveLimits.from_settings())
    try:
        position = stream.tell()
    except (AttributeError, OSError):
        position = 0
    try:
        return _inspect(stream, budget, names_problem, nested, extract_to, depth=0)
    finally:
        try:
            stream.seek(position)
        except (AttributeError, OSError, ValueError):
            pass


def _inspect(
    stream: IO[bytes] | Any,
    budget: _Budget,
    names_problem: NamesProblem,
    nested: NestedRules | None,
    extract_to: Path | None,
    *,
    depth: int,
) -> ArchiveContents:
    limits = budget.limits
    declared = _declared_directory(stream)
    if declared is not None:
        entries, directory_bytes = declared
        if (
            entries > limits.max_members
            or directory_bytes > limits.max_members * DIRECTORY_BYTES_PER_MEMBER
        ):
            raise ArchiveRefused(_too_many_members(limits))
    try:
        stream.seek(0)
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveRefused(_("The archive cannot be read: it is damaged.")) from exc
    contents = ArchiveContents()
    with archive:
        infos = archive.infolist()
        budget.add_members(len(infos))
        files = _check_directory(infos, budget)
        problem = names_problem([info.filename for info in files])
        if problem is not None:
            raise ArchiveRefused(problem)
        for info in files:
            contents.members.append(_read_member(archive, info, budget, nested, extract_to, depth))
    return contents


def _declared_directory(stream: IO[bytes] | Any) -> tuple[int, int] | None:
    """(entries, directory bytes) from the end record (zip64 too); None if there is none."""
    stream.seek(0, os.SEEK_END)
    end = stream.tell()
    tail_length = min(end, _EOCD_SIZE + _MAX_COMMENT)
    stream.seek(end - tail_length)
    tail = stream.read(tail_length)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        return None
    record = struct.unpack("<4s4H2LH", tail[at : at + _EOCD_SIZE])
    entries, directory_bytes, directory_offset = record[4], record[5], record[6]
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF or directory_offset == 0xFFFFFFFF:
        locator_at = end - tail_length + at - _ZIP64_LOCATOR_SIZE
        record_at = locator_at - _ZIP64_EOCD_SIZE
        if record_at >= 0:
            stream.seek(locator_at)
            locator = stream.read(_ZIP64_LOCATOR_SIZE)
            stream.seek(record_at)
            record64 = stream.read(_ZIP64_EOCD_SIZE)
            if locator[:4] == _ZIP64_LOCATOR and record64[:4] == _ZIP64_EOCD:
                entries, directory_bytes = struct.unpack("<QQ", record64[32:48])
    return entries, directory_bytes


def _check_directory(infos: list[zipfile.ZipInfo], budget: _Budget) -> list[zipfile.ZipInfo]:
    """Refuse on what the directory declares, before anything is unpacked; return the files."""
    limits = budget.limits
    seen: set[str] = set()
    files: list[zipfile.ZipInfo] = []
    declared_total = budget.unpacked
    for info in infos:
        name = info.filename
        problem = _path_problem(name)
        if problem is not None:
            raise ArchiveRefused(problem)
        if name.rstrip("/").lower() in seen:
            raise ArchiveRefused(
                _("The archive holds “%(name)s” twice.") % {"name": shown_name(name)}
            )
        seen.add(name.rstrip("/").lower())
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ArchiveRefused(
                _("The archive holds a link (%(name)s), which is not accepted.")
                % {"name": shown_name(name)}
            )
        if info.flag_bits & 0x1:
            raise ArchiveRefused(_("Encrypted archives are not accepted."))
        if info.is_dir():
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveRefused(_("The archive uses a compression method that is not accepted."))
        reason = _executable_name(name)
        if reason is not None:
            raise ArchiveRefused(reason)
        _check_sizes(name, info.file_size, info.compress_size, limits)
        declared_total += info.file_size
        if declared_total > limits.max_unpacked_bytes:
            raise ArchiveRefused(_too_large(limits))
        files.append(info)
    return files


def _read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: _Budget,
    nested: NestedRules | None,
    extract_to: Path | None,
    depth: int,
) -> ArchiveMember:
    """Unpack one member in chunks against the running budget; keep only its first bytes."""
    limits = budget.limits
    name = info.filename
    head = b""
    size = 0
    nested_rules = nested(name) if nested is not None and depth < MAX_NESTING else None
    spool: Any = None
    target: IO[bytes] | None = None
    try:
        if extract_to is not None:
            destination = _destination(extract_to, name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            target = destination.open("wb")
        with archive.open(info) as member:
            while chunk := member.read(CHUNK_BYTES):
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                    if head.startswith(EXECUTABLE_MAGIC):
                        raise ArchiveRefused(_executable(name))
                    if nested_rules is None and head.startswith(ZIP_MAGIC):
                        raise ArchiveRefused(
                            _("The archive holds another archive (%(name)s).")
                            % {"name": shown_name(name)}
                        )
                size += len(chunk)
                budget.unpacked += len(chunk)
                # What is really unpacked counts, whatever the header said.
                if size > info.file_size:
                    raise ArchiveRefused(_("The archive cannot be read: it is damaged."))
                _check_sizes(name, size, info.compress_size, limits)
                if budget.unpacked > limits.max_unpacked_bytes:
                    raise ArchiveRefused(_too_large(limits))
                if nested_rules is not None:
                    if spool is None:
                        spool = tempfile.SpooledTemporaryFile(max_size=NESTED_SPOOL_BYTES)  # noqa: SIM115 - closed below
                    spool.write(chunk)
                if target is not None:
                    target.write(chunk)
        if size != info.file_size:
            raise ArchiveRefused(_("The archive cannot be read: it is damaged."))
        if nested_rules is not None and head.startswith(ZIP_MAGIC):
            _inspect(spool, budget, nested_rules, None, None, depth=depth + 1)
        elif nested_rules is not None:
            raise ArchiveRefused(
                _("The archive member %(name)s is not what its name says.")
                % {"name": shown_name(name)}
            )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise ArchiveRefused(_("The archive cannot be read: it is damaged.")) from exc
    finally:
        if spool is not None:
            spool.close()
        if target is not None:
            target.close()
    return ArchiveMember(name=name, size=size, head=head)


def _check_sizes(name: str, unpacked: int, packed: int, limits: ArchiveLimits) -> None:
    if unpacked > limits.max_member_bytes:
        raise ArchiveRefused(
            _("The archive member %(name)s is larger than %(limit)s once unpacked.")
            % {"name": shown_name(name), "limit": format_file_size(limits.max_member_bytes)}
        )
    if unpacked > RATIO_GRACE_BYTES and unpacked > limits.max_ratio * max(packed, 1):
        raise ArchiveRefused(
            _(
                "The archive member %(name)s unpacks to more than %(ratio)s times its "
                "packed size: it looks like a zip bomb."
            )
            % {"name": shown_name(name), "ratio": limits.max_ratio}
        )


def _path_problem(name: str) -> str | None:
    parts = name.split("/")
    if (
        not name
        or "\x00" in name
        or "\\" in name
        or name.startswith("/")
        or _DRIVE.match(name)
        or any(part in ("..", ".") for part in parts)
        or any(part == "" for part in parts[:-1])
    ):
        return _("The archive holds a member with an unsafe path (%(name)s).") % {
            "name": shown_name(name)
        }
    return None


def _executable_name(name: str) -> str | None:
    if Path(name).suffix.lower() in EXECUTABLE_SUFFIXES:
        return _executable(name)
    return None


def _executable(name: str) -> str:
    return _("The archive holds a program or a script (%(name)s), which is not accepted.") % {
        "name": shown_name(name)
    }


def _destination(root: Path, name: str) -> Path:
    destination = (root / name).resolve()
    if not destination.is_relative_to(root.resolve()):
        raise ArchiveRefused(
            _("The archive holds a member with an unsafe path (%(name)s).")
            % {"name": shown_name(name)}
        )
    return destination


def _too_many_members(limits: ArchiveLimits) -> str:
    return _("The archive holds more than %(count)s members.") % {"count": limits.max_members}


def _too_large(limits: ArchiveLimits) -> str:
    return _("The archive is larger than %(limit)s once unpacked.") % {
        "limit": format_file_size(limits.max_unpacked_bytes)
    }


def shown_name(name: str) -> str:
    """A member's name in a message: printable and short (names come from the attacker)."""
    printable = "".join(ch if ch.isprintable() else "?" for ch in name)
    return printable if len(printable) <= 80 else printable[:77] + "..."
