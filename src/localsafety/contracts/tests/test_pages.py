from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import Contract, Document, Meeting, StageStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _submit_diagnosis(world):
    stage = world.contract_a.stages.get(kind="diagnosis")
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    return stage


def test_overview_lists_only_what_each_person_may_see(world, client_for):
    world.contract_b.is_published = True
    world.contract_b.save()
    anonymous = client_for(None).get(reverse("portal:overview"))
    assert anonymous.status_code == 200
    body = anonymous.content.decode()
    assert "CLS Serpa" in body and "CLS Lisboa" not in body
    member = client_for(world.partner_a).get(reverse("portal:overview")).content.decode()
    assert "CLS Lisboa" in member and "CLS Serpa" in member
    national = client_for(world.national).get(reverse("portal:overview")).content.decode()
    assert "CLS Lisboa" in national


def test_overview_filters_and_htmx_fragment(world, client_for):
    client = client_for(world.national)
    response = client.get(
        reverse("portal:overview"), {"category": "citizen"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "CLS Serpa" in body and "CLS Lisboa" not in body


def test_csv_export_and_map_follow_access_rules(world, client_for):
    stranger = client_for(world.partner_b)
    csv_body = stranger.get(reverse("contracts:export_csv")).content.decode("utf-8-sig")
    assert "CLS Serpa" in csv_body and "CLS Lisboa" not in csv_body
    assert csv_body.splitlines()[0].count(";") == 7
    geo = stranger.get(reverse("contracts:map_geojson")).json()
    assert [f["properties"]["code"] for f in geo["features"]] == ["0213"]


@pytest.mark.parametrize(
    "name", ["detail", "governance", "stages", "meetings", "documents", "history", "edit"]
)
def test_other_contracts_people_get_404(world, client_for, name):
    url = reverse(f"contracts:{name}", args=[world.contract_a.pk])
    for person in (world.partner_b, world.stranger, world.mayor_b):
        assert client_for(person).get(url).status_code == 404, (name, person)


def test_members_pages_render(world, client_for):
    client = client_for(world.partner_a)
    for name in ("detail", "governance", "stages", "meetings", "documents", "history"):
        response = client.get(reverse(f"contracts:{name}", args=[world.contract_a.pk]))
        assert response.status_code == 200, name
    response = client.get(reverse("contracts:stage", args=[world.contract_a.pk, "diagnosis"]))
    assert response.status_code == 200


def test_published_contract_restricted_tabs_stay_private(world, client_for):
    world.contract_a.is_published = True
    world.contract_a.save()
    public = client_for(None)
    assert public.get(reverse("contracts:detail", args=[world.contract_a.pk])).status_code == 200
    for name in ("meetings", "documents", "history"):
        url = reverse(f"contracts:{name}", args=[world.contract_a.pk])
        assert client_for(world.partner_b).get(url).status_code == 404
    body = public.get(reverse("contracts:governance", args=[world.contract_a.pk])).content.decode()
    assert "Mário Lisboa" not in body  # people's names are for members only


def test_read_only_members_get_403_on_writes(world, client_for):
    url = reverse("contracts:edit", args=[world.contract_a.pk])
    for person in (world.commander_a, world.partner_a, world.national):
        assert client_for(person).get(url).status_code == 403, person
    assert client_for(world.coordinator_a).get(url).status_code == 200


def test_edit_conflict_is_reported_and_changes_nothing(world, client_for):
    contract = world.contract_a
    client = client_for(world.coordinator_a)
    url = reverse("contracts:edit", args=[contract.pk])
    data = {
        "title": "Novo título",
        "category": contract.category,
        "summary": "",
        "signing_place": "",
        "signed_on": "2016-07-14",
        "version": contract.version,
        "axes": [a.pk for a in contract.axes.all()],
    }
    services.contract_update(
        actor=world.coordinator_a,
        contract=contract,
        expected_version=contract.version,
        changes={"summary": "outra"},
    )
    response = client.post(url, data)
    assert response.status_code == 409  # a conflict, no longer a plain 400 (finding 13)
    assert "Someone else changed this record" in response.content.decode()
    contract.refresh_from_db()
    assert contract.title == "CLS Lisboa — Lumiar"


def test_cached_contract_page_changes_with_the_data(world, client_for):
    world.contract_a.is_published = True
    world.contract_a.save()
    public = client_for(None)
    url = reverse("contracts:detail", args=[world.contract_a.pk])
    assert "Submitted for approval" not in public.get(url).content.decode()
    _submit_diagnosis(world)
    assert "Submitted for approval" in public.get(url).content.decode()
    services.signatory_add(
        actor=world.coordinator_a,
        contract=world.contract_a,
        organisation=world.ngo_a,
        signed_by="Presidente da Associação",
    )
    assert "Presidente da Associação" in public.get(url).content.decode()


def test_mayor_approves_diagnosis_on_the_page(world, client_for):
    stage = _submit_diagnosis(world)
    url = reverse("contracts:stage", args=[world.contract_a.pk, "diagnosis"])
    refused = client_for(world.partner_a).post(url, {"action": "approve", "version": stage.version})
    assert refused.status_code == 403
    response = client_for(world.mayor_a).post(
        url, {"action": "approve", "version": stage.version, "comment": "Aprovado"}
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.status == StageStatus.APPROVED
    decision = stage.decisions.get(action="approve")
    assert decision.actor == world.mayor_a and decision.comment == "Aprovado"


def test_return_without_reason_shows_error_summary(world, client_for):
    stage = _submit_diagnosis(world)
    url = reverse("contracts:stage", args=[world.contract_a.pk, "diagnosis"])
    response = client_for(world.mayor_a).post(url, {"action": "return", "version": stage.version})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and 'href="#id_comment"' in body
    stage.refresh_from_db()
    assert stage.status == StageStatus.SUBMITTED


def test_document_upload_checks_content_and_download_is_private(world, client_for):
    client = client_for(world.partner_a)
    url = reverse("contracts:document_upload", args=[world.contract_a.pk])
    fake = SimpleUploadedFile(
        "contrato.pdf", b"MZ\x90\x00\x03\x00\x00\x00" * 10, content_type="application/pdf"
    )
    response = client.post(url, {"title": "Contrato", "kind": "signed_contract", "file": fake})
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()
    assert Document.objects.count() == 0
    good = SimpleUploadedFile("contrato.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"title": "Contrato", "kind": "signed_contract", "file": good})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.organisation == world.ngo_a
    download = reverse("contracts:document_download", args=[world.contract_a.pk, document.pk])
    assert client.get(download).status_code == 200
    assert client_for(world.partner_b).get(download).status_code == 404
    other = reverse("contracts:document_download", args=[world.contract_b.pk, document.pk])
    assert client_for(world.partner_b).get(other).status_code == 404


def test_partner_cannot_delete_another_organisations_document(world, client_for):
    upload = SimpleUploadedFile("a.pdf", PDF)
    document = services.document_upload(
        actor=world.coordinator_a,
        contract=world.contract_a,
        kind="report",
        title="Relatório",
        upload=upload,
    )
    url = reverse("contracts:document_delete", args=[world.contract_a.pk, document.pk])
    assert client_for(world.partner_a).post(url).status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()
    assert client_for(world.coordinator_a).post(url).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()


def test_meeting_recorded_with_attendance(world, client_for):
    committee = world.contract_a.bodies.get(kind="committee")
    members = list(committee.members.all())
    client = client_for(world.coordinator_a)
    response = client.post(
        reverse("contracts:meeting_create", args=[world.contract_a.pk]),
        {
            "body": committee.pk,
            "held_on": "2016-09-12",
            "agenda": "Diagnóstico",
            "attendees": [m.pk for m in members],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.held_on == dt.date(2016, 9, 12) and meeting.attendees.count() == len(members)
    assert (
        client_for(world.partner_b)
        .get(reverse("contracts:meeting", args=[world.contract_a.pk, meeting.pk]))
        .status_code
        == 404
    )


def test_contract_create_page_requires_chair(world, client_for):
    client = client_for(world.coordinator_a)
    url = reverse("contracts:create")
    assert client.get(url).status_code == 200
    before = Contract.objects.count()
    response = client.post(
        url,
        {
            "title": "CLS Novo",
            "category": "municipality",
            "municipality": world.municipality_a.pk,
            "lead_organisation": world.town_a.pk,
        },
    )
    assert response.status_code == 200
    assert "chair of its Coordinating Committee" in response.content.decode()
    assert Contract.objects.count() == before
    assert client_for(world.partner_a).get(url).status_code == 403


def test_the_lead_organisation_writes_the_deliverable_summary_until_submitted(world, client_for):
    stage = world.contract_a.stages.get(kind="diagnosis")
    url = reverse("contracts:stage_summary", args=[world.contract_a.pk, "diagnosis"])
    data = {"summary": "Diagnóstico: furtos na via pública concentrados no Lumiar.", "version": 1}
    assert client_for(world.commander_a).post(url, data).status_code == 403
    assert client_for(world.partner_b).post(url, data).status_code == 404
    # A partner (NGO A, on the Operational Core) writes its own items, not the deliverable.
    assert client_for(world.partner_a).post(url, data).status_code == 403
    stage.refresh_from_db()
    assert stage.summary == "" and stage.version == 1
    assert client_for(world.coordinator_a).post(url, data).status_code == 302
    stage.refresh_from_db()
    assert stage.summary.startswith("Diagnóstico") and stage.version == 2
    stale = client_for(world.coordinator_a).post(url, {"summary": "outro", "version": 1})
    # A conflict answers 409 since finding 13 (it was a plain 400).
    assert stale.status_code == 409 and "Someone else changed" in stale.content.decode()
    services.stage_decide(
        actor=world.coordinator_a, stage=stage, action="submit", expected_version=stage.version
    )
    stage.refresh_from_db()
    locked = client_for(world.coordinator_a).post(url, {"summary": "x", "version": stage.version})
    assert locked.status_code == 409  # the service's ConflictError, 409 as in the API since #13
    stage.refresh_from_db()
    assert stage.summary.startswith("Diagnóstico")


def test_history_tab_shows_who_when_and_before_after(world, client_for):
    contract = world.contract_a
    services.contract_update(
        actor=world.coordinator_a,
        contract=contract,
        expected_version=contract.version,
        changes={"title": "CLS Lisboa — Lumiar e Santos"},
    )
    stage = contract.stages.get(kind="diagnosis")
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    body = (
        client_for(world.commander_a)
        .get(reverse("contracts:history", args=[contract.pk]))
        .content.decode()
    )
    assert "<del>CLS Lisboa — Lumiar</del>" in body
    assert "<ins>CLS Lisboa — Lumiar e Santos</ins>" in body
    assert "Title" in body and "Carla Coordenadora" in body
    assert "Submitted for approval" in body


def test_overview_aggregates_by_region_and_axis(world, client_for):
    from localsafety.contracts.selectors import contract_counts, contract_list

    world.contract_b.axes.set(world.contract_b.axes.filter(code__in=["i", "iii"]))
    counts = contract_counts(contract_list(world.national))
    assert counts["region"] == [("Alentejo", 1), ("Área Metropolitana de Lisboa", 1)]
    axis_counts = [n for _name, n in counts["axis"]]
    assert axis_counts == [2, 1, 2, 1]  # axes i..iv: contract A has all four, B has i and iii
    assert counts["category"] == {"municipality": 0, "neighbourhood": 1, "citizen": 1}


def test_only_the_recording_organisation_corrects_or_deletes_a_meeting(world, client_for):
    committee = world.contract_a.bodies.get(kind="committee")
    meeting = services.meeting_create(
        actor=world.partner_a,
        body=committee,
        held_on=dt.date(2016, 10, 3),
        agenda="Diagnóstico",
    )
    assert meeting.recorded_by_organisation == world.ngo_a
    edit = reverse("contracts:meeting_edit", args=[world.contract_a.pk, meeting.pk])
    delete = reverse("contracts:meeting_delete", args=[world.contract_a.pk, meeting.pk])
    data = {
        "held_on": "2016-10-04",
        "agenda": "Diagnóstico (corrigido)",
        "decisions": "Aprovado",
        "version": meeting.version,  # a correction names its version since finding 13
    }
    assert client_for(world.commander_a).post(edit, data).status_code == 403
    assert client_for(world.commander_a).post(delete).status_code == 403
    assert client_for(world.partner_b).post(edit, data).status_code == 404
    assert client_for(world.partner_b).post(delete).status_code == 404
    meeting.refresh_from_db()
    assert meeting.agenda == "Diagnóstico"
    assert client_for(world.partner_a).post(edit, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.agenda) == (dt.date(2016, 10, 4), "Diagnóstico (corrigido)")
    assert client_for(world.coordinator_a).post(delete).status_code == 302  # the lead may too
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
