"""The demo in Portuguese (issue 8, point 5): organisation names with the right contractions,
people's titles and contract texts in Portuguese, seats of made-up people never "Real", each
ministry once on the Interministerial Commission, and its pages free of English."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from localsafety.contracts.models import BodyMember, Contract
from localsafety.devdata.demo import load_demo
from localsafety.organisations.models import Organisation, User
from localsafety.testing.auth import sign_in
from localsafety.testing.untranslated import ENGLISH_WORDS, english_on_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_db")]


@pytest.fixture
def demo(tmp_path):
    with override_settings(LOCALSAFETY_REFERENCE_DIR=tmp_path / "missing"):
        load_demo()


def test_demo_names_titles_texts_and_origins_are_right_in_portuguese(demo):
    names = set(Organisation.objects.values_list("name", flat=True))
    for expected in (
        "Câmara Municipal do Porto",
        "Câmara Municipal da Amadora",
        "Câmara Municipal da Maia",
        "Câmara Municipal de Lisboa",
        "Agrupamento de Escolas da Amadora",
        "Agrupamento de Escolas do Porto",
        "Associação Comunitária de Loulé",
    ):
        assert expected in names
    assert not {"Câmara Municipal de Porto", "Agrupamento de Escolas de Amadora"} & names
    # People's titles and the contracts' texts are Portuguese.
    for title in User.objects.exclude(job_title="").values_list("job_title", flat=True):
        assert not ENGLISH_WORDS.search(title), title
        assert title not in {"Mayor", "Safety coordinator", "Ministry analyst"}
    for summary in Contract.objects.values_list("summary", flat=True):
        assert not ENGLISH_WORDS.search(summary), summary
    # A made-up person never shows as real.
    seats = BodyMember.objects.filter(person__data_origin="synthetic")
    assert seats.exists()
    assert not seats.filter(data_origin="real").exists()


def test_demo_pages_have_no_english_and_list_each_ministry_once(demo):
    client = Client()
    sign_in(client, User.objects.get(username="demo_national"))
    lisbon = Contract.objects.get(municipality__code="1106")
    governance = client.get(f"/contracts/{lisbon.pk}/governance/").content.decode()
    commission = governance[governance.index('id="commission-heading"') :]
    ministries = re.findall(r"<li>([^<]+)</li>", commission.split("</ul>")[0])
    assert ministries and len(ministries) == len(set(ministries))
    # The chair's row (a made-up mayor) says "Sintético", not "Real".
    chair_row = re.search(
        r"<tr>(?:(?!</tr>).)*Presidente</td>(?:(?!</tr>).)*</tr>", governance, re.S
    )
    assert chair_row and "badge-synthetic" in chair_row[0]
    town = Organisation.objects.get(name="Câmara Municipal de Lisboa")
    for path in (
        "/",
        f"/contracts/{lisbon.pk}/",
        f"/contracts/{lisbon.pk}/governance/",
        f"/contracts/{lisbon.pk}/stages/",
        f"/contracts/{lisbon.pk}/history/",
        f"/contracts/{lisbon.pk}/zones/",
        f"/organisations/{town.pk}/",
        "/territory/municipalities/1106/",
        "/about-data/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert english_on_page(response.content.decode()) == [], path
