"""Contract-owned records: one visibility rule, the same contract as their parents, and a
system check that refuses a domain model that forgot its access rules."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core import checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from localsafety.contracts import services
from localsafety.contracts.checks import ownership_errors
from localsafety.contracts.models import (
    BodyKind,
    BodyMember,
    Document,
    GovernanceBody,
    Meeting,
    Stage,
    StageDecision,
    Zone,
)
from localsafety.contracts.ownership import ContractOwned, Need, is_contract_owned
from localsafety.territory.models import Area, AreaKind


def owned_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if is_contract_owned(model)]


@pytest.fixture
def busy_world(world):
    """Both contracts with a seat, a meeting, a document and a decision each."""
    for contract, coordinator, chair, partner in (
        (world.contract_a, world.coordinator_a, world.mayor_a, world.partner_a),
        (world.contract_b, world.coordinator_b, world.mayor_b, world.partner_b),
    ):
        committee = contract.bodies.get(kind=BodyKind.COMMITTEE)
        member = services.body_member_add(
            actor=chair, body=committee, organisation=partner.memberships.first().organisation
        )
        meeting = services.meeting_create(
            actor=coordinator,
            body=committee,
            held_on=contract.signed_on,
            agenda="agenda",
            attendees=[member],
        )
        services.document_upload(
            actor=coordinator,
            contract=contract,
            kind="minutes",
            title="minutes",
            meeting=meeting,
            upload=SimpleUploadedFile("minutes.csv", b"a;b\n1;2\n"),
        )
        stage = contract.stages.get(kind="diagnosis")
        services.stage_summary_update(
            actor=coordinator, stage=stage, summary="Findings", expected_version=stage.version
        )
        stage.refresh_from_db()
        services.stage_decide(
            actor=coordinator, stage=stage, action="submit", expected_version=stage.version
        )
    return world


def test_every_foreign_key_between_owned_records_names_the_same_contract(busy_world):
    checked = 0
    for model in owned_models():
        for field in model._meta.concrete_fields:
            related = field.related_model if field.is_relation else None
            if related is None or not is_contract_owned(related):
                continue
            parent_contract = f"{field.name}__{related.contract_field}"
            rows = model._base_manager.filter(**{f"{field.name}__isnull": False}).values_list(
                f"{model.contract_field}_id", f"{parent_contract}_id"
            )
            for own, parents in rows:
                assert own == parents, (model, field.name)
                checked += 1
    # Seats, meetings, documents (meeting), decisions (stage) were all walked.
    assert checked >= 8


def test_a_child_pointing_at_another_contracts_parent_is_refused(world):
    committee_b = world.contract_b.bodies.get(kind=BodyKind.COMMITTEE)
    seat = BodyMember(body=committee_b, contract=world.contract_a, organisation=world.ngo_a)
    with pytest.raises(Exception, match="another contract"):
        seat.full_clean()


def test_children_copy_their_contract_from_the_parent(busy_world):
    world = busy_world
    for contract in (world.contract_a, world.contract_b):
        assert (
            BodyMember.objects.filter(body__contract=contract).exclude(contract=contract).count()
            == 0
        )
        assert StageDecision.objects.filter(stage__contract=contract).exists()
        assert (
            StageDecision.objects.filter(stage__contract=contract)
            .exclude(contract=contract)
            .count()
            == 0
        )


@pytest.mark.parametrize(
    "model", [Meeting, Document, Stage, StageDecision, BodyMember, GovernanceBody]
)
def test_each_owned_model_shows_contract_a_only_to_its_readers(busy_world, model):
    world = busy_world
    a_rows = set(model.objects.filter(contract=world.contract_a).values_list("pk", flat=True))
    assert a_rows
    for reader in (world.partner_a, world.mayor_a, world.commander_a, world.national):
        seen = set(model.objects.visible_to(reader).values_list("pk", flat=True))
        assert a_rows <= seen, reader
    for outsider in (world.partner_b, world.stranger, None):
        seen = set(model.objects.visible_to(outsider).values_list("pk", flat=True))
        assert not (a_rows & seen), outsider


def test_page_need_opens_a_published_contract_but_the_record_stays_closed(busy_world):
    world = busy_world
    world.contract_a.is_published = True
    world.contract_a.save()
    stages = set(Stage.objects.filter(contract=world.contract_a).values_list("pk", flat=True))
    meetings = set(Meeting.objects.filter(contract=world.contract_a).values_list("pk", flat=True))
    assert stages <= set(
        Stage.objects.visible_to(world.partner_b, Need.PAGE).values_list("pk", flat=True)
    )
    assert not meetings & set(
        Meeting.objects.visible_to(world.partner_b).values_list("pk", flat=True)
    )
    assert not meetings & set(Meeting.objects.visible_to(None).values_list("pk", flat=True))


def test_manage_need_is_for_the_lead_organisation(busy_world):
    world = busy_world
    a_meetings = set(Meeting.objects.filter(contract=world.contract_a).values_list("pk", flat=True))
    assert a_meetings <= set(
        Meeting.objects.visible_to(world.coordinator_a, Need.MANAGE).values_list("pk", flat=True)
    )
    for reader in (world.partner_a, world.commander_a, world.national):
        assert not a_meetings & set(
            Meeting.objects.visible_to(reader, Need.MANAGE).values_list("pk", flat=True)
        )


def test_police_need_is_for_police_organisations_seated_on_the_contract(busy_world):
    world = busy_world
    a_stages = set(Stage.objects.filter(contract=world.contract_a).values_list("pk", flat=True))
    assert a_stages <= set(
        Stage.objects.visible_to(world.commander_a, Need.POLICE).values_list("pk", flat=True)
    )
    for reader in (
        world.partner_a,
        world.mayor_a,
        world.coordinator_a,
        world.national,
        world.partner_b,
    ):
        assert not a_stages & set(
            Stage.objects.visible_to(reader, Need.POLICE).values_list("pk", flat=True)
        ), reader


def test_national_rows_are_public_reference(world):
    commission = GovernanceBody.objects.get(kind=BodyKind.INTERMINISTERIAL, contract=None)
    assert commission in GovernanceBody.objects.visible_to(None, Need.PAGE)
    assert commission not in GovernanceBody.objects.visible_to(world.coordinator_a, Need.MANAGE)


def test_zones_follow_their_contracts_visibility(world):
    zone = Area.objects.create(
        kind=AreaKind.ZONE,
        code="Z9",
        name="Estate",
        parent=world.municipality_a,
        owner_contract=world.contract_a,
    )
    assert zone.pk in Zone.objects.visible_to(world.partner_a).values_list("pk", flat=True)
    assert not Zone.objects.visible_to(world.partner_b, Need.PAGE).filter(pk=zone.pk).exists()
    assert not Zone.objects.visible_to(None, Need.PAGE).filter(pk=zone.pk).exists()
    world.contract_a.is_published = True
    world.contract_a.save()
    assert Zone.objects.visible_to(None, Need.PAGE).filter(pk=zone.pk).exists()
    # Official areas are never zones.
    assert not Zone.objects.filter(pk=world.municipality_a.pk).exists()


def test_the_project_passes_the_ownership_check():
    assert ownership_errors(apps.get_models()) == []
    call_command("check")  # raises SystemCheckError on any error, ours included


@isolate_apps("localsafety.contracts")
def test_the_check_refuses_a_domain_model_that_forgot_its_access_rules():
    class Leaky(models.Model):  # noqa: DJ008
        title = models.CharField(max_length=10)

        class Meta:
            app_label = "contracts"

    class Owned(ContractOwned):
        contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE)

        class Meta:
            app_label = "contracts"

    class WrongKey(ContractOwned):
        contract = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE)

        class Meta:
            app_label = "contracts"

    errors = ownership_errors([Leaky, Owned, WrongKey])
    assert [(error.obj, error.id) for error in errors] == [
        (Leaky, "localsafety.E001"),
        (WrongKey, "localsafety.E002"),
    ]
    assert all(isinstance(error, checks.Error) for error in errors)
