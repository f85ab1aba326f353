"""Every page and form of every role's crawl is markup a screen reader can follow (issue 8,
point 8): each aria-describedby / aria-labelledby / label ``for`` names an element that exists
(so a form's hints and errors are announced), ids are unique, checkbox and radio groups are
fieldsets with a legend, and definition lists hold only dt/dd groups.

Forms are checked as first shown and as shown again with errors (an empty POST), where the
error messages join the hints in ``aria-describedby``.
"""

from __future__ import annotations

import re
from html import unescape as html_unescape

import pytest
from django import forms
from django.template.loader import render_to_string

from localsafety.contracts.models import Contract
from localsafety.testing.crawl import ROLES, client_for_role, crawl, html_problems
from localsafety.testing.leakwalk import mark_world

pytestmark = pytest.mark.django_db

#: Forms that act at once or destroy (an empty POST would delete, log out or switch language).
NOT_POSTED = re.compile(r"/(delete|remove|logout|language|token)/|/reference/load/")
FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>", re.IGNORECASE)
ACTION = re.compile(r'action="([^"]*)"')


def _form_targets(pages: dict[str, str]) -> list[str]:
    """Where the pages' POST forms send their data (the page itself when no action)."""
    targets: dict[str, None] = {}
    for path, html in pages.items():
        for tag in FORM.findall(html):
            match = ACTION.search(tag)
            action = html_unescape(match.group(1)) if match else ""
            targets.setdefault(action or path, None)
    return list(targets)


class _Sample(forms.Form):
    name = forms.CharField(help_text="The name people know it by.")
    kinds = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick any.",
    )
    agree = forms.BooleanField(help_text="Tick to agree.")


def test_the_shared_field_template_points_hints_and_errors_at_real_elements():
    for form in (_Sample(), _Sample(data={"name": ""})):
        html = render_to_string("includes/form_fields.html", {"form": form})
        assert html_problems(html) == [], html
        assert 'aria-describedby="id_name_helptext' in html
    html = render_to_string("includes/form_fields.html", {"form": _Sample(data={})})
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert "<legend" in html and "<fieldset" in html


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_every_page_and_form_of_a_role_names_only_existing_elements(world, role):
    Contract.objects.update(is_published=True)
    marked = mark_world(world)
    client = client_for_role(world, role)
    pages = crawl(client, world, marked)
    assert len(pages) >= (8 if role is None else 20), sorted(pages)
    problems = {path: html_problems(html) for path, html in pages.items()}
    posted = 0
    targets = _form_targets(pages)
    for target in targets:
        if NOT_POSTED.search(target) or not target.startswith("/"):
            continue
        response = client.post(target, {})
        if response.status_code in {200, 400, 409} and "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            posted += 'aria-describedby="' in html and '_error"' in html
            problems[f"POST {target}"] = html_problems(html)
    assert {path: found for path, found in problems.items() if found} == {}
    if role == "coordinator_a":
        assert posted >= 4  # forms really were shown again, their errors described


@pytest.mark.parametrize("status", ["queued", "running", "done", "refused", "failed"])
def test_the_import_page_is_valid_markup_in_every_state(world, status):
    """The import page's definition lists hold dt/dd groups only, as the import runs, ends
    or is refused with its problems (and as the status fragment htmx polls)."""
    from localsafety.territory.models import AreaImport

    marked = mark_world(world)
    import_id = int(marked.fillers["import_id"][0])
    AreaImport.objects.filter(pk=import_id).update(
        status=status,
        progress=100 if status in {"done", "refused"} else 40,
        message="Feito" if status == "done" else "",
        problems=[{"file": "z.geojson", "feature": 3, "field": "name", "reason": "vazio"}]
        if status == "refused"
        else [],
        problem_count=1 if status == "refused" else 0,
        created_count=2 if status == "done" else 0,
    )
    client = client_for_role(world, "coordinator_a")
    page = client.get(f"/territory/imports/{import_id}/")
    fragment = client.get(f"/territory/imports/{import_id}/", headers={"HX-Request": "true"})
    assert page.status_code == fragment.status_code == 200
    assert html_problems(page.content.decode()) == []
    assert html_problems(fragment.content.decode()) == []
    assert page.content.decode().count("<dl") == 2
