from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from localsafety.contracts import services
from localsafety.contracts.history import contract_history
from localsafety.contracts.models import BodyKind, StageKind
from localsafety.territory.models import Area

pytestmark = pytest.mark.django_db


def _edit(world, **changes):
    contract = world.contract_a
    contract.refresh_from_db()
    return services.contract_update(
        actor=world.coordinator_a,
        contract=contract,
        expected_version=contract.version,
        changes=changes,
    )


def test_history_lists_who_changed_which_fields(world, api_for):
    _edit(world, title="CLS Lisboa — Lumiar e Carnide", category="municipality")
    world.partner_a.language = "en"
    world.partner_a.save(update_fields=["language"])
    response = api_for(world.partner_a).get(
        reverse("api:contract-history", args=[world.contract_a.pk])
    )
    assert response.status_code == 200
    entries = response.json()
    newest = entries[0]
    assert newest["object_type"] == "contract" and newest["action"] == "changed"
    assert newest["who"] == "Carla Coordenadora" and newest["who_id"] == world.coordinator_a.pk
    assert newest["reason"] == "edited"
    changes = {change["field"]: change for change in newest["changes"]}
    assert changes["title"]["old"] == "CLS Lisboa — Lumiar"
    assert changes["title"]["new"] == "CLS Lisboa — Lumiar e Carnide"
    assert changes["category"]["old"] == "Neighbourhood"  # choice labels, not codes
    assert changes["category"]["new"] == "Municipality"
    assert changes["version"]["old"] == "1" and changes["version"]["new"] == "2"
    assert "updated_at" not in changes
    kinds = {entry["object_type"] for entry in entries}
    assert {"contract", "governancebody", "bodymember", "stage", "signatory"} <= kinds
    created = [e for e in entries if e["object_type"] == "contract" and e["action"] == "created"]
    assert len(created) == 1 and created[0]["changes"] == []


def test_history_covers_stages_members_meetings_documents_and_m2m(world):
    stage = world.contract_a.stages.get(kind=StageKind.DIAGNOSIS)
    services.stage_decide(
        actor=world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    committee = world.contract_a.bodies.get(kind=BodyKind.COMMITTEE)
    seat = committee.members.get(person=world.commander_a)
    services.body_member_remove(actor=world.mayor_a, member=seat)  # the chair's to remove
    services.meeting_create(
        actor=world.partner_a,
        body=committee,
        held_on=dt.date(2024, 1, 10),
        agenda="Arranque",
        attendees=[committee.members.get(role="chair")],
    )
    services.document_upload(
        actor=world.partner_a,
        contract=world.contract_a,
        kind="report",
        title="Relatório",
        upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    contract = world.contract_a
    contract.refresh_from_db()
    services.contract_update(
        actor=world.coordinator_a,
        contract=contract,
        expected_version=contract.version,
        changes={"summary": "Novo"},
        areas=[world.municipality_a],
    )
    with translation.override("en"):
        entries = contract_history(world.mayor_a, world.contract_a)
    submitted = next(e for e in entries if e["object_type"] == "stage" and e["action"] == "changed")
    status = next(c for c in submitted["changes"] if c["field"] == "status")
    assert status["old"] == "In preparation" and status["new"] == "Submitted for approval"
    assert submitted["who"] == "Carla Coordenadora"
    removed = next(
        e for e in entries if e["object_type"] == "bodymember" and e["action"] == "deleted"
    )
    assert removed["object_label"] == "Comandante Costa (PSP Lisboa)"
    assert removed["who"] == "Mário Lisboa"
    meeting = next(e for e in entries if e["object_type"] == "meeting")
    assert meeting["object_label"] == "Coordinating Committee 10/01/2024"  # table date style
    assert any(e["object_type"] == "document" and e["object_label"] == "Relatório" for e in entries)
    areas_change = next(
        c
        for e in entries
        if e["object_type"] == "contract"
        for c in e["changes"]
        if c["field"] == "areas"
    )
    assert areas_change["old"] == "Lisboa, Lumiar" and areas_change["new"] == "Lisboa"
    dates = [e["when"] for e in entries]
    assert dates == sorted(dates, reverse=True)


def test_history_limit_and_access(world):
    for number in range(5):
        _edit(world, summary=f"Versão {number}")
    entries = contract_history(world.partner_a, world.contract_a, limit=3)
    assert len(entries) == 3
    assert [c["new"] for e in entries for c in e["changes"] if c["field"] == "summary"] == [
        "Versão 4",
        "Versão 3",
        "Versão 2",
    ]
    # The oldest entry in the window still diffs against its predecessor outside it.
    assert [c["old"] for c in entries[2]["changes"] if c["field"] == "summary"] == ["Versão 1"]
    for outsider in (world.partner_b, world.stranger):
        with pytest.raises(PermissionDenied):
            contract_history(outsider, world.contract_a)


def test_history_endpoint_limit_param(world, api_for):
    """The query count is pinned in portal/tests/test_query_pins.py."""
    url = reverse("api:contract-history", args=[world.contract_a.pk])
    zone = Area.objects.create(kind="zone", code="Z1", name="Zona", owner_contract=world.contract_a)
    for number in range(15):
        _edit(world, summary=f"Versão {number}")
        stage = world.contract_a.stages.get(kind=StageKind.DIAGNOSIS)
        if number % 2 == 0:
            services.stage_decide(
                actor=world.coordinator_a,
                stage=stage,
                action="submit",
                expected_version=stage.version,
                summary="Entregável escrito.",
            )
        else:
            services.stage_decide(
                actor=world.mayor_a,
                stage=stage,
                action="return",
                expected_version=stage.version,
                comment="Rever",
            )
    contract = world.contract_a
    contract.refresh_from_db()
    services.contract_update(
        actor=world.coordinator_a,
        contract=contract,
        expected_version=contract.version,
        changes={"summary": "Com zona"},
        areas=[world.municipality_a, zone],
    )
    client = api_for(world.partner_a)
    response = client.get(url, {"limit": 20})
    assert len(response.json()) == 20
    assert client.get(url, {"limit": 0}).status_code == 400
    assert client.get(url, {"limit": 201}).status_code == 400
