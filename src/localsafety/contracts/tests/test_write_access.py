"""Every write page of a contract: outsiders get 404, members without the right get 403,
and neither changes anything."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from localsafety.contracts import services
from localsafety.contracts.models import BodyKind, Contract
from localsafety.territory.models import Area, AreaKind

SQUARE = (
    '{"type":"Polygon","coordinates":'
    "[[[-9.16,38.7],[-9.15,38.7],[-9.15,38.71],[-9.16,38.71],[-9.16,38.7]]]}"
)


def _snapshot(contract: Contract) -> tuple:
    contract.refresh_from_db()
    return (
        contract.version,
        contract.title,
        list(contract.bodies.values_list("members__pk", "members__role")),
        list(contract.signatories.values_list("pk", flat=True)),
        list(contract.stages.values_list("status", "version")),
        list(contract.meetings.values_list("pk", "agenda", "held_on")),
        contract.documents.count(),
        list(contract.own_axes.values_list("pk", flat=True)),
        list(Area.objects.filter(owner_contract=contract).values_list("pk", "name")),
    )


@pytest.fixture
def targets(world):
    contract = world.contract_a
    committee = contract.bodies.get(kind=BodyKind.COMMITTEE)
    core = contract.bodies.get(kind=BodyKind.CORE)
    member = core.members.get(organisation=world.ngo_a)
    signatory = contract.signatories.first()
    document = services.document_upload(
        actor=world.coordinator_a,
        contract=contract,
        kind="report",
        title="Relatório",
        upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    zone = Area.objects.create(
        kind=AreaKind.ZONE,
        code="Z1",
        name="Bairro",
        owner_contract=contract,
        parent=world.municipality_a,
        geometry=SQUARE,
    )
    meeting = services.meeting_create(
        actor=world.coordinator_a, body=committee, held_on=contract.signed_on, agenda="x"
    )
    pk = contract.pk
    return {
        "edit": (
            reverse("contracts:edit", args=[pk]),
            {"title": "X", "category": "citizen", "version": contract.version},
        ),
        "axis": (
            reverse("contracts:axis_create", args=[pk]),
            {"code": "v", "name_pt": "v", "name_en": "v"},
        ),
        "signatory_add": (
            reverse("contracts:signatory_add", args=[pk]),
            {"organisation": world.ngo_b.pk},
        ),
        "signatory_remove": (reverse("contracts:signatory_remove", args=[pk, signatory.pk]), {}),
        "member_add": (
            reverse("contracts:body_member_add", args=[pk]),
            {"body": core.pk, "organisation": world.ngo_b.pk, "role": "member"},
        ),
        "member_remove": (reverse("contracts:body_member_remove", args=[pk, member.pk]), {}),
        "chair": (
            reverse("contracts:chair_change", args=[pk]),
            {"organisation": world.town_a.pk, "person_name": "Outro"},
        ),
        "meeting": (
            reverse("contracts:meeting_create", args=[pk]),
            {"body": committee.pk, "held_on": "2017-01-01", "agenda": "x"},
        ),
        "document": (
            reverse("contracts:document_upload", args=[pk]),
            {"title": "x", "kind": "other"},
        ),
        "document_delete": (reverse("contracts:document_delete", args=[pk, document.pk]), {}),
        "meeting_edit": (
            reverse("contracts:meeting_edit", args=[pk, meeting.pk]),
            {"held_on": "2017-01-02", "agenda": "y"},
        ),
        "meeting_delete": (reverse("contracts:meeting_delete", args=[pk, meeting.pk]), {}),
        "zone_create": (
            reverse("contracts:zone_create", args=[pk]),
            {"name": "Nova", "geometry": SQUARE},
        ),
        "zone_edit": (reverse("contracts:zone_edit", args=[pk, zone.pk]), {"name": "Renomeada"}),
        "zone_delete": (reverse("contracts:zone_delete", args=[pk, zone.pk]), {}),
    }


# The member who may read contract A but not make this change.
READ_ONLY = {
    "edit": "commander_a",
    "axis": "partner_a",
    "signatory_add": "commander_a",
    "signatory_remove": "partner_a",
    "member_add": "commander_a",
    "member_remove": "partner_a",
    "chair": "commander_a",
    "meeting": "national",
    "document": "national",
    "document_delete": "partner_a",
    "zone_create": "commander_a",
    "zone_edit": "partner_a",
    "zone_delete": "commander_a",
    "meeting_edit": "partner_a",
    "meeting_delete": "commander_a",
}


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_outsiders_get_404_and_read_only_members_403(world, targets, client_for, name):
    url, data = targets[name]
    before = _snapshot(world.contract_a)
    for outsider in (world.partner_b, world.stranger, world.mayor_b):
        response = client_for(outsider).post(url, data)
        assert response.status_code == 404, (name, outsider, response.status_code)
    reader = getattr(world, READ_ONLY[name])
    assert client_for(reader).post(url, data).status_code == 403, (name, reader)
    assert _snapshot(world.contract_a) == before


def test_anonymous_writes_go_to_login(world, targets, client_for):
    before = _snapshot(world.contract_a)
    for url, data in targets.values():
        response = client_for(None).post(url, data)
        assert response.status_code in {302, 404}, url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
    assert _snapshot(world.contract_a) == before
