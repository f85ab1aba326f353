"""Document uploads: a zip bomb through the page and the API (#2), and the size limit stated in
the unit it is enforced in (#14: a "20 MB" limit once enforced 20 MiB, and refusals spoke
of "21 MB")."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from localsafety.contracts import services
from localsafety.contracts.models import Document
from localsafety.core.errors import DomainError
from localsafety.organisations.models import User
from localsafety.testing.archives import MB, odt_bomb, opendocument, xlsx

pytestmark = pytest.mark.django_db

LIMIT_STATED = re.compile(r"(?:at most|no máximo) ([\d.,]+) MB")


def _stated_bytes(text: str) -> Decimal:
    """The limit a page states, back in bytes (1 MB = 1,000,000 bytes, "," as decimal in pt)."""
    match = LIMIT_STATED.search(text)
    assert match, "the page states the upload limit"
    return Decimal(match.group(1).replace(",", ".")) * MB


def _upload(world, data: bytes, name: str = "notas.csv") -> Document:
    return services.document_upload(
        actor=world.partner_a,
        contract=world.contract_a,
        kind="report",
        title="Relatório",
        upload=SimpleUploadedFile(name, data),
    )


def test_an_odt_bomb_is_refused_through_the_page_and_the_api(world, client_for, english_pages):
    from rest_framework.test import APIClient

    from localsafety.testing.auth import sign_in

    bomb = odt_bomb(200 * MB)
    page = client_for(world.partner_a).post(
        reverse("contracts:document_upload", args=[world.contract_a.pk]),
        {"title": "Ata", "kind": "report", "file": SimpleUploadedFile("ata.odt", bomb)},
    )
    assert page.status_code == 400
    assert "zip bomb" in page.content.decode()
    api = APIClient()
    sign_in(api, world.partner_a)
    response = api.post(
        reverse("api:contract-documents", args=[world.contract_a.pk]),
        {"kind": "report", "title": "Ata", "file": SimpleUploadedFile("ata.odt", bomb)},
        format="multipart",
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["file"]
    assert not Document.objects.exists()
    # The documents people send still go through.
    assert _upload(world, opendocument(), "ata.odt").content_type.endswith("opendocument.text")
    assert _upload(world, xlsx(), "contas.xlsx").content_type.endswith("spreadsheetml.sheet")


def test_the_document_limit_is_stated_in_the_unit_it_is_enforced_in(
    world, client_for, settings, english_pages
):
    client = client_for(world.partner_a)
    url = reverse("contracts:document_upload", args=[world.contract_a.pk])
    enforced = settings.LOCALSAFETY_MAX_DOCUMENT_BYTES
    assert _stated_bytes(client.get(url).content.decode()) == enforced == 20 * MB
    meeting_page = client.get(reverse("contracts:meeting_create", args=[world.contract_a.pk]))
    # The minutes of a meeting are documents too.
    assert _stated_bytes(meeting_page.content.decode()) == enforced

    # A limit set to exactly what is stated: a file of that size fits, one byte more does not,
    # and the refusal states the same limit (and a size above it).
    settings.LOCALSAFETY_MAX_DOCUMENT_BYTES = 1 * MB
    assert _stated_bytes(client.get(url).content.decode()) == 1 * MB
    assert _upload(world, b"a;b\n" * (MB // 4)).size == 1 * MB
    with pytest.raises(DomainError) as caught:
        _upload(world, b"a;b\n" * (MB // 4) + b"x")
    assert caught.value.message == "The file is 1.01 MB; the limit is 1 MB."


def test_a_limit_set_in_mebibytes_is_never_stated_above_what_is_enforced(
    world, client_for, settings
):
    settings.LOCALSAFETY_MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # 5,242,880 bytes
    User.objects.filter(pk=world.partner_a.pk).update(language="pt-pt")
    url = reverse("contracts:document_upload", args=[world.contract_a.pk])
    page = client_for(world.partner_a).get(url).content.decode()
    assert '<html lang="pt-PT">' in page
    assert "no máximo 5,24 MB" in page
    stated = _stated_bytes(page)
    assert stated <= settings.LOCALSAFETY_MAX_DOCUMENT_BYTES < stated + MB // 100
    with translation.override("pt-pt"), pytest.raises(DomainError) as caught:
        _upload(world, b"x" * (5 * 1024 * 1024 + 1))
    assert caught.value.message == "O ficheiro tem 5,25 MB; o limite é 5,24 MB."


def test_listed_documents_show_their_size_in_the_same_unit(world, client_for, english_pages):
    _upload(world, b"a;b\n" * 500_000)  # 2,000,000 bytes: Django's filesizeformat says 1.9 MB
    page = client_for(world.partner_a).get(
        reverse("contracts:documents", args=[world.contract_a.pk])
    )
    assert "2 MB" in page.content.decode()
