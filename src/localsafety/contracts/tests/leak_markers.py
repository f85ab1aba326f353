"""Contract A's marked records for the leak walk (``testing/leakwalk.py``): one per
contract-owned model of this app, page-level text with ``PAGE_MARK``, the restricted record
with ``RECORD_MARK``."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from localsafety.contracts import services
from localsafety.contracts import zones as zone_services
from localsafety.contracts.models import BodyKind, GovernanceBody, Stage, StageDecision, Zone
from localsafety.core.audit import save_fields
from localsafety.territory.models import AreaImport
from localsafety.testing.leakwalk import PAGE_MARK, RECORD_MARK, Marked, marker

ZONE = (
    '{"type":"Polygon","coordinates":'
    "[[[-9.15,38.70],[-9.14,38.70],[-9.14,38.71],[-9.15,38.71],[-9.15,38.70]]]}"
)


@marker
def contracts_marked(world) -> Marked:
    contract = world.contract_a
    coordinator = world.coordinator_a
    services.contract_update(
        actor=coordinator,
        contract=contract,
        expected_version=contract.version,
        changes={"title": f"{PAGE_MARK} title", "summary": f"{PAGE_MARK} summary"},
    )
    contract.refresh_from_db()
    zone = zone_services.zone_create(
        actor=coordinator, contract=contract, name=f"{PAGE_MARK} zone", geometry_geojson=ZONE
    )
    axis = services.axis_create(
        actor=coordinator,
        contract=contract,
        code="v",
        name_en=f"{PAGE_MARK} axis",
        name_pt=f"{PAGE_MARK} eixo",
    )
    signatory = services.signatory_add(
        actor=coordinator, contract=contract, organisation=world.psp, signed_by=f"{PAGE_MARK} sig"
    )
    committee = GovernanceBody.objects.get(contract=contract, kind=BodyKind.COMMITTEE)
    committee.remit = f"{PAGE_MARK} remit"
    save_fields(committee, ["remit"], actor=coordinator, reason="remit")
    member = services.body_member_add(
        actor=world.mayor_a,  # the committee's chair gives its seats
        body=committee,
        organisation=world.ngo_a,
        person_name=f"{RECORD_MARK} person",
    )
    meeting = services.meeting_create(
        actor=coordinator,
        body=committee,
        held_on=contract.signed_on,
        agenda=f"{RECORD_MARK} agenda",
        attendees=[member],
    )
    document = services.document_upload(
        actor=world.partner_a,
        contract=contract,
        kind="report",
        title=f"{RECORD_MARK} document",
        upload=SimpleUploadedFile("report.csv", f"{RECORD_MARK};1\n".encode()),
    )
    stage = Stage.objects.get(contract=contract, kind="diagnosis")
    services.stage_summary_update(
        actor=coordinator,
        stage=stage,
        summary=f"{RECORD_MARK} summary of findings",
        expected_version=stage.version,
    )
    stage.refresh_from_db()
    services.stage_decide(
        actor=coordinator,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary="Entregável escrito.",
    )
    stage.refresh_from_db()
    services.stage_decide(
        actor=world.commander_a,
        stage=stage,
        action="return",
        expected_version=stage.version,
        comment=f"{RECORD_MARK} comment",
    )
    stage.refresh_from_db()
    area_import = AreaImport.objects.create(
        file=SimpleUploadedFile("zones.geojson", b"{}"),
        original_name=f"{RECORD_MARK} zones.geojson",
        kind="zone",
        contract=contract,
        uploaded_by=coordinator,
    )
    decision = StageDecision.objects.filter(stage=stage).latest("pk")
    return Marked(
        records=[
            contract,
            Zone.objects.get(pk=zone.pk),
            axis,
            signatory,
            committee,
            member,
            meeting,
            document,
            stage,
            decision,
        ],
        fillers={
            "meeting_id": [str(meeting.pk)],
            "document_id": [str(document.pk)],
            "member_id": [str(member.pk)],
            "signatory_id": [str(signatory.pk)],
            "zone_id": [str(zone.pk)],
            "body_id": [str(committee.pk)],
            "kind": ["diagnosis", "plan"],
            "area_id": [str(zone.pk)],
            "import_id": [str(area_import.pk)],
        },
        # A stage's kind is one of four names, the same in every contract.
        public_arguments={"kind"},
    )
