from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import BodyKind, Document, Meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _committee(contract):
    return contract.bodies.get(kind=BodyKind.COMMITTEE)


def _meeting(world, contract=None, actor=None, day=1):
    contract = contract or world.contract_a
    body = _committee(contract)
    return services.meeting_create(
        actor=actor or world.coordinator_a,
        body=body,
        held_on=dt.date(2024, 3, day),
        agenda="Diagnóstico",
        attendees=list(body.members.all()),
    )


def _document(world, contract=None, actor=None, number=0):
    return services.document_upload(
        actor=actor or world.partner_a,
        contract=contract or world.contract_a,
        kind="report",
        title=f"Relatório {number}",
        upload=SimpleUploadedFile(f"r{number}.pdf", PDF, content_type="application/pdf"),
    )


RESTRICTED = ["api:contract-meetings", "api:contract-documents", "api:contract-history"]


@pytest.mark.parametrize("name", RESTRICTED)
def test_restricted_record_is_404_to_everyone_outside_even_when_published(
    world, published_b, api_for, name
):
    for user in (world.stranger, world.partner_a):
        response = api_for(user).get(reverse(name, args=[world.contract_b.pk]))
        assert response.status_code == 404, (user, name)
    for user in (world.stranger, world.partner_b):
        assert api_for(user).get(reverse(name, args=[world.contract_a.pk])).status_code == 404
    # Anonymous callers are refused before any lookup (the API denies by default): 401 for
    # a published contract, an unpublished one and one that does not exist alike.
    for contract_id in (world.contract_b.pk, world.contract_a.pk, 999999):
        assert api_for(None).get(reverse(name, args=[contract_id])).status_code == 401
    assert (
        api_for(world.partner_b).get(reverse(name, args=[world.contract_b.pk])).status_code == 200
    )
    assert api_for(world.national).get(reverse(name, args=[world.contract_a.pk])).status_code == 200


def test_meeting_list(world, api_for):
    meeting = _meeting(world)
    _meeting(world, contract=world.contract_b, actor=world.coordinator_b)
    response = api_for(world.commander_a).get(
        reverse("api:contract-meetings", args=[world.contract_a.pk])
    )
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == meeting.pk and row["held_on"] == "2024-03-01"
    assert row["body"]["kind"] == "committee"
    assert {a["name"] for a in row["attendees"]} == {"Mário Lisboa", "Comandante Costa"}
    assert row["recorded_by_organisation"]["id"] == world.town_a.pk


def test_partner_records_a_meeting(world, api_for):
    committee = _committee(world.contract_a)
    chair = committee.members.get(role="chair")
    response = api_for(world.partner_a).post(
        reverse("api:contract-meetings", args=[world.contract_a.pk]),
        {
            "body": committee.pk,
            "held_on": "2024-05-02",
            "agenda": "Aprovar o diagnóstico",
            "location": "Paços do Concelho",
            "attendees": [chair.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert meeting.recorded_by_organisation == world.ngo_a
    assert list(meeting.attendees.all()) == [chair]


def test_meeting_input_is_checked(world, api_for):
    committee = _committee(world.contract_a)
    url = reverse("api:contract-meetings", args=[world.contract_a.pk])
    client = api_for(world.partner_a)
    other_body = _committee(world.contract_b)
    wrong_body = client.post(
        url, {"body": other_body.pk, "held_on": "2024-05-02", "agenda": "x"}, format="json"
    )
    assert wrong_body.status_code == 400 and "body" in wrong_body.json()["errors"]
    outsider_attendee = other_body.members.get(role="chair")
    wrong_attendee = client.post(
        url,
        {
            "body": committee.pk,
            "held_on": "2024-05-02",
            "agenda": "x",
            "attendees": [outsider_attendee.pk],
        },
        format="json",
    )
    assert wrong_attendee.status_code == 400 and "attendees" in wrong_attendee.json()["errors"]
    assert not Meeting.objects.exists()


def test_read_only_national_gets_403_on_meetings_and_documents(world, api_for):
    client = api_for(world.national)
    meeting = client.post(
        reverse("api:contract-meetings", args=[world.contract_a.pk]),
        {"body": _committee(world.contract_a).pk, "held_on": "2024-05-02", "agenda": "x"},
        format="json",
    )
    assert meeting.status_code == 403
    document = client.post(
        reverse("api:contract-documents", args=[world.contract_a.pk]),
        {"kind": "report", "title": "X", "file": SimpleUploadedFile("x.pdf", PDF)},
        format="multipart",
    )
    assert document.status_code == 403
    assert not Meeting.objects.exists() and not Document.objects.exists()


def test_outsiders_get_404_on_writes_to_the_record(world, published_b, api_for):
    for user in (world.partner_b, world.stranger):
        client = api_for(user)
        assert (
            client.post(
                reverse("api:contract-meetings", args=[world.contract_a.pk]),
                {"body": _committee(world.contract_a).pk, "held_on": "2024-05-02", "agenda": "x"},
                format="json",
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("api:contract-documents", args=[world.contract_a.pk]),
                {"kind": "report", "title": "X", "file": SimpleUploadedFile("x.pdf", PDF)},
                format="multipart",
            ).status_code
            == 404
        )
    stranger_on_published = api_for(world.stranger).post(
        reverse("api:contract-documents", args=[world.contract_b.pk]),
        {"kind": "report", "title": "X", "file": SimpleUploadedFile("x.pdf", PDF)},
        format="multipart",
    )
    assert stranger_on_published.status_code == 404


def test_partner_uploads_a_document_and_members_list_its_metadata(world, api_for):
    response = api_for(world.partner_a).post(
        reverse("api:contract-documents", args=[world.contract_a.pk]),
        {
            "kind": "deliverable",
            "title": "Diagnóstico local",
            "stage": "diagnosis",
            "file": SimpleUploadedFile("diag.pdf", PDF, content_type="text/html"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["content_type"] == "application/pdf"  # from the bytes, not the claim
    assert created["size"] == len(PDF) and created["stage"] == "diagnosis"
    assert created["organisation"]["id"] == world.ngo_a.pk
    listed = (
        api_for(world.mayor_a)
        .get(reverse("api:contract-documents", args=[world.contract_a.pk]))
        .json()
    )
    assert listed["count"] == 1
    row = listed["results"][0]
    assert row["title"] == "Diagnóstico local" and row["uploaded_by"] == "Paula Parceira"
    assert "file" not in row


def test_unsafe_document_is_refused_with_the_field(world, api_for):
    response = api_for(world.partner_a).post(
        reverse("api:contract-documents", args=[world.contract_a.pk]),
        {
            "kind": "report",
            "title": "Página",
            "file": SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]
    assert not Document.objects.exists()
