"""A home page for each person (issue 8, point 1): after signing in a person lands on their
own work; anonymous visitors still land on the national overview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from localsafety.contracts import services
from localsafety.contracts.access import forget_scope
from localsafety.contracts.models import BodyKind, StageKind, StageStatus
from localsafety.contracts.worklist import home_for
from localsafety.testing.queries import assert_num_queries_stable

PASSWORD = "correct horse battery staple"  # noqa: S105 - the test world's password
WRITTEN = "Diagnóstico: furtos na via pública concentrados no Lumiar."


@pytest.fixture(autouse=True)
def _english(english_pages: None) -> None:
    """The page's text is read in English here."""


def _submit(world, contract=None, kind=StageKind.DIAGNOSIS, actor=None):
    contract = contract or world.contract_a
    stage = contract.stages.get(kind=kind)
    services.stage_decide(
        actor=actor or world.coordinator_a,
        stage=stage,
        action="submit",
        expected_version=stage.version,
        summary=WRITTEN,
    )
    stage.refresh_from_db()
    return stage


def _approve(world, stage, actor=None):
    services.stage_decide(
        actor=actor or world.mayor_a, stage=stage, action="approve", expected_version=stage.version
    )
    stage.refresh_from_db()
    return stage


def test_signing_in_lands_on_the_persons_home_and_the_overview_stays_public(world):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "mayor_a", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert settings.LOGIN_REDIRECT_URL == "portal:home"
    # The header's login link on the overview names it as "next": still the home.
    client = Client()
    response = client.post(
        f"{reverse('accounts:login')}?next=/",
        {"username": "mayor_a", "password": PASSWORD, "next": "/"},
    )
    assert response.url == reverse("portal:home")
    # Another page named as next is honoured.
    stages = reverse("contracts:stages", args=[world.contract_a.pk])
    response = Client().post(
        reverse("accounts:login"), {"username": "mayor_a", "password": PASSWORD, "next": stages}
    )
    assert response.url == stages
    # Anonymous visitors land on the overview; the home asks them to sign in.
    anonymous = Client()
    assert anonymous.get("/").status_code == 200
    assert anonymous.get(reverse("portal:home")).status_code == 302


def test_the_mayor_sees_the_submitted_deliverable_waiting_for_his_decision(world, client_for):
    _submit(world)
    response = client_for(world.mayor_a).get(reverse("portal:home"))
    assert response.status_code == 200
    home = response.context["home"]
    assert [(w.stage.contract, w.stage.kind, w.kind) for w in home.waiting] == [
        (world.contract_a, "diagnosis", "approve")
    ]
    assert home.waiting[0].submitted_by == "Carla Coordenadora"
    html = response.content.decode()
    waiting = html.split('id="waiting"')[1].split("</section>")[0]
    assert "CLS Lisboa — Lumiar" in waiting and "Submitted by Carla Coordenadora" in waiting
    assert WRITTEN[:40] in waiting
    assert reverse("contracts:stage", args=[world.contract_a.pk, "diagnosis"]) in waiting
    # One click to the national overview.
    assert f'href="{reverse("portal:overview")}"' in html
    # His contract, with its stage and his part in it.
    assert [(row.contract, row.roles) for row in home.contracts] == [
        (world.contract_a, ["lead", "chair", "partner"])
    ] or [(row.contract, row.roles) for row in home.contracts] == [
        (world.contract_a, ["lead", "chair"])
    ]
    mine = html.split('id="my-contracts"')[1].split("</section>")[0]
    assert "Local safety diagnosis — Submitted for approval" in mine
    assert "Chair of the Coordinating Committee" in mine


def test_nobody_is_asked_to_judge_what_they_submitted(world, client_for):
    _submit(world, actor=world.mayor_a)
    assert home_for(world.mayor_a).waiting == []
    assert [w.stage.kind for w in home_for(world.commander_a).waiting] == ["diagnosis"]
    # Nor is a partner (not on the committee), nor a member of another contract.
    assert home_for(world.partner_a).waiting == []
    assert home_for(world.mayor_b).waiting == []


def test_national_roles_see_approved_plans_to_endorse_and_nothing_else(world, client_for):
    diagnosis = _approve(world, _submit(world))
    assert home_for(world.national).waiting == []  # the committee's, not theirs
    plan = _approve(world, _submit(world, kind=StageKind.PLAN))
    assert diagnosis.status == plan.status == StageStatus.APPROVED
    response = client_for(world.national).get(reverse("portal:home"))
    home = response.context["home"]
    assert [(w.stage.pk, w.kind) for w in home.waiting] == [(plan.pk, "endorse")]
    assert home.contracts == [] and home.is_national
    html = response.content.decode()
    assert "endorse it or return it with reasons" in html
    assert "as a national role you read every contract" in html


def test_what_to_do_next_write_submit_revise_and_record_the_meeting(world, client_for):
    home = home_for(world.coordinator_a)
    assert [(s.kind, s.contract, s.stage.kind) for s in home.next_steps] == [
        ("write", world.contract_a, "diagnosis")
    ]
    stage = world.contract_a.stages.get(kind=StageKind.DIAGNOSIS)
    services.stage_summary_update(
        actor=world.coordinator_a, stage=stage, summary=WRITTEN, expected_version=stage.version
    )
    assert [s.kind for s in home_for(world.coordinator_a).next_steps] == ["submit"]
    # A partner is not asked to write the contract's deliverable.
    assert home_for(world.partner_a).next_steps == []
    stage.refresh_from_db()
    services.stage_decide(
        actor=world.coordinator_a, stage=stage, action="submit", expected_version=stage.version
    )
    stage.refresh_from_db()
    services.stage_decide(
        actor=world.mayor_a,
        stage=stage,
        action="return",
        expected_version=stage.version,
        comment="Faltam dados da PSP.",
    )
    steps = home_for(world.coordinator_a).next_steps
    assert [s.kind for s in steps] == ["revise", "meeting"]
    assert steps[1].decision_action == "return"
    # Partners record meetings too; the chair (not a recorder of meetings here) is not asked.
    assert [s.kind for s in home_for(world.partner_a).next_steps] == ["meeting"]
    page = client_for(world.coordinator_a).get(reverse("portal:home")).content.decode()
    nxt = page.split('id="next-steps"')[1].split("</section>")[0]
    assert "Revise the returned deliverable" in nxt
    assert reverse("contracts:meeting_create", args=[world.contract_a.pk]) in nxt
    # Once the committee's meeting is recorded, the reminder goes.
    services.meeting_create(
        actor=world.coordinator_a,
        body=world.contract_a.bodies.get(kind=BodyKind.COMMITTEE),
        held_on=timezone.localdate(),
        agenda="Diagnóstico devolvido",
    )
    assert [s.kind for s in home_for(world.coordinator_a).next_steps] == ["revise"]


def test_recent_changes_come_from_the_history_of_the_persons_contracts_only(world, client_for):
    _submit(world)
    _submit(world, contract=world.contract_b, actor=world.coordinator_b)
    recent = home_for(world.partner_a).recent
    assert recent and {entry["contract_id"] for entry in recent} == {world.contract_a.pk}
    newest = recent[0]
    assert newest["object_label"] == "Local safety diagnosis: Submitted for approval"
    assert newest["who"] == "Carla Coordenadora"
    html = client_for(world.partner_a).get(reverse("portal:home")).content.decode()
    section = html.split('id="recent"')[1].split("</section>")[0]
    assert "Local safety diagnosis: Submitted for approval" in section
    assert "CLS Serpa" not in html
    assert home_for(world.stranger).recent == [] and home_for(world.stranger).contracts == []


def test_the_home_page_query_count_does_not_grow_with_the_contracts(world, client_for):
    def grow() -> None:
        for number in range(6):
            contract = services.contract_create(
                actor=world.coordinator_a,
                title=f"CLS Extra {number}",
                category="neighbourhood",
                municipality=world.municipality_a,
                lead_organisation=world.town_a,
                chair=world.mayor_a,
                signed_on=dt.date(2020, 1, 1 + number),
            )
            stage = _submit(world, contract=contract)
            if number % 2:
                forget_scope(world.mayor_a)  # he chairs the new contract's committee
                services.stage_decide(
                    actor=world.mayor_a,
                    stage=stage,
                    action="return",
                    expected_version=stage.version,
                    comment="Rever.",
                )

    _submit(world)
    assert_num_queries_stable(
        client_for(world.mayor_a),
        reverse("portal:home"),
        expected=15,
        grow=grow,
        shows_growth=lambda response: "CLS Extra 5" in response.content.decode(),
    )


def test_the_national_home_query_count_does_not_grow_with_the_plans_to_endorse(world, client_for):
    def grow() -> None:
        for number in range(5):
            contract = services.contract_create(
                actor=world.coordinator_b,
                title=f"CLS Plano {number}",
                category="citizen",
                municipality=world.municipality_b,
                lead_organisation=world.town_b,
                chair=world.mayor_b,
                signed_on=dt.date(2021, 1, 1 + number),
            )
            forget_scope(world.mayor_b)
            _approve(world, _submit(world, contract, actor=world.coordinator_b), world.mayor_b)
            _approve(
                world,
                _submit(world, contract, StageKind.PLAN, actor=world.coordinator_b),
                world.mayor_b,
            )

    assert_num_queries_stable(
        client_for(world.national),
        reverse("portal:home"),
        expected=7,
        grow=grow,
        shows_growth=lambda response: "CLS Plano 4" in response.content.decode(),
    )
