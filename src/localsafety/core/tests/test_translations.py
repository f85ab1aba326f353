"""The pt-PT catalogue is complete and its compiled file matches it."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import localsafety

LC = Path(localsafety.__file__).parent / "locale" / "pt_PT" / "LC_MESSAGES"


def _entries() -> list[tuple[str, str, bool]]:
    text = (LC / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith('msgid ""\nmsgstr ""\n"Project'):
            continue
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        body = [line for line in block.splitlines() if not line.startswith("#")]
        joined = "\n".join(body)
        msgid = "".join(re.findall(r'"(.*)"', joined.split("msgstr")[0].split("msgid_plural")[0]))
        msgstr = "".join(re.findall(r'"(.*)"', joined.split("msgstr", 1)[1]))
        if msgid:
            entries.append((msgid, msgstr, fuzzy))
    return entries


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = _entries()
    assert len(entries) > 500
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


def test_compiled_catalogue_is_current():
    with (LC / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr, _fuzzy in _entries():
        if "\\" in msgid or "%" in msgid or "msgid_plural" in msgid:
            continue
        assert compiled.gettext(msgid) != msgid or msgstr == msgid, msgid


def test_every_source_string_is_in_the_catalogue(tmp_path):
    """Strings added to the code without a pt-PT entry are found: makemessages is run on a copy
    of the sources and every message it extracts must already be translated."""
    import shutil
    import subprocess
    import sys

    import pytest

    if shutil.which("xgettext") is None:
        pytest.skip("gettext is not installed")
    source = Path(localsafety.__file__).parent
    copy = tmp_path / "localsafety"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "tests", "*.mo"))
    subprocess.run(  # noqa: S603 - our own interpreter and Django's own command
        [sys.executable, "-m", "django", "makemessages", "-l", "pt_PT", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "localsafety.settings_test",
            "PYTHONPATH": str(source.parent),
        },
    )
    extracted = (copy / "locale" / "pt_PT" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    untranslated = []
    for block in extracted.split("\n\n"):
        if "msgid" not in block or 'msgid ""\nmsgstr ""\n"Project' in block:
            continue
        body = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
        msgid = "".join(re.findall(r'"(.*)"', body.split("msgstr")[0].split("msgid_plural")[0]))
        msgstr = "".join(re.findall(r'"(.*)"', body.split("msgstr", 1)[1]))
        if msgid and (not msgstr or "#, fuzzy" in block):
            untranslated.append(msgid)
    assert untranslated == []
