"""The project's scripts put people's text into pages as text, never as HTML (finding 8).

A fast source check over every script the project serves from its own ``static`` folders
(vendored libraries such as Leaflet come from installed packages and are not ours to scan).
The browser test ``portal/tests/test_browser_injection.py`` plants payloads and looks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[2]

#: Sinks that parse a string as HTML, and ways to build markup from strings.
HTML_SINKS = re.compile(
    r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|createContextualFragment"
    r"|DOMParser|\.html\(|\bhtml\s*:|`|\beval\(|new\s+Function\("
)
#: Leaflet methods that take "String | HTMLElement": a string is written with innerHTML.
LEAFLET_CONTENT = re.compile(
    r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(\s*([^,)]*)"
)
#: Builders in our scripts that return DOM nodes filled with textContent.
TEXT_BUILDERS = ("textElement(", "popupContent(")


def offending_lines(source: str) -> list[str]:
    """Lines of ``source`` that hand a string to an HTML sink."""
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        code = line.split("//", 1)[0] if line.lstrip().startswith("//") else line
        if HTML_SINKS.search(code):
            found.append(f"{number}: {line.strip()}")
            continue
        for match in LEAFLET_CONTENT.finditer(code):
            if not match.group(2).strip().startswith(TEXT_BUILDERS):
                found.append(f"{number}: {line.strip()}")
    return found


def project_scripts() -> list[Path]:
    return sorted(PACKAGE_DIR.glob("*/static/**/*.js"))


def test_the_check_sees_the_project_scripts():
    names = {path.name for path in project_scripts()}
    assert {"map.js", "zone_draw.js", "app.js"} <= names


@pytest.mark.parametrize(
    "line",
    [
        "featureLayer.bindTooltip(String(name), { sticky: true });",
        "layer.bindPopup('<b>' + props.name + '</b>');",
        "tooltip.setContent(props.title);",
        "element.innerHTML = props.name;",
        "list.insertAdjacentHTML('beforeend', row);",
        "note.outerHTML = text;",
        "var html = `<li>${name}</li>`;",
        "L.divIcon({ html: name });",
    ],
)
def test_the_check_catches_html_from_strings(line):
    assert offending_lines(line) != []


@pytest.mark.parametrize(
    "line",
    [
        'featureLayer.bindTooltip(textElement("span", String(name)), { sticky: true });',
        "featureLayer.bindPopup(popupContent(feature));",
        "element.textContent = props.name;",
        "// never innerHTML: a comment may say so",
    ],
)
def test_the_check_lets_text_through(line):
    assert offending_lines(line) == []


@pytest.mark.parametrize("path", project_scripts(), ids=lambda path: path.name)
def test_scripts_put_text_in_the_page_as_text(path):
    assert offending_lines(path.read_text()) == []
