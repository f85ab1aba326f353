"""A contract's generation moves by itself on every write, and cached pages follow it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import box

from localsafety.contracts import services
from localsafety.contracts import zones as zones_services
from localsafety.contracts.access import scope_for, visibility_signature
from localsafety.contracts.models import (
    Axis,
    BodyKind,
    BodyMember,
    Contract,
    GovernanceBody,
    Meeting,
)
from localsafety.core import fragments
from localsafety.organisations.models import Membership, User

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LONG_AGO = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
ZONE = shapely.to_geojson(box(-9.16, 38.75, -9.15, 38.76))


def _moves(contract: Contract, write: Callable[[], Any]) -> bool:
    Contract.objects.filter(pk=contract.pk).update(updated_at=LONG_AGO)
    write()
    return Contract.objects.get(pk=contract.pk).updated_at != LONG_AGO


def _body(world: Any, kind: str) -> GovernanceBody:
    return world.contract_a.bodies.get(kind=kind)


def _admin(client_for: Any) -> Any:
    User.objects.create_user(
        username="root", password="x", is_superuser=True, is_staff=True, language="en"
    )
    return client_for(User.objects.get(username="root"))


def _admin_form_data(response: Any) -> dict[str, Any]:
    """What the admin change page would post back unchanged: main form and inline formsets."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def _members_shown(html: str, body: GovernanceBody) -> int:
    found = re.search(rf"{re.escape(body.name)}</a>: (\d+) members?", html)
    assert found, html
    return int(found.group(1))


def test_admin_inline_seat_edits_refresh_the_cached_contract_page(world, client_for):
    world.contract_a.is_published = True
    world.contract_a.save()
    core = _body(world, BodyKind.CORE)
    public = client_for(None)
    page = reverse("contracts:detail", args=[world.contract_a.pk])
    before = core.members.count()
    assert _members_shown(public.get(page).content.decode(), core) == before
    assert _members_shown(public.get(page).content.decode(), core) == before  # cached now

    admin = _admin(client_for)
    change = reverse("admin:contracts_governancebody_change", args=[core.pk])
    data = _admin_form_data(admin.get(change))
    # A new seat in the inline's blank row.
    index = int(data["members-TOTAL_FORMS"])
    data["members-TOTAL_FORMS"] = index + 1
    data.update(
        {
            f"members-{index}-body": core.pk,
            f"members-{index}-organisation": world.psp.pk,
            f"members-{index}-person_name": "Agente de proximidade",
            f"members-{index}-role": "member",
            f"members-{index}-data_origin": "entered",
        }
    )
    response = admin.post(change, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert core.members.count() == before + 1
    assert _members_shown(public.get(page).content.decode(), core) == before + 1

    # Removing a seat through the same inline.
    data = _admin_form_data(admin.get(change))
    seat = core.members.get(person_name="Agente de proximidade")
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and str(value) == str(seat.pk)
    )
    data[f"members-{index}-DELETE"] = "on"
    assert admin.post(change, data).status_code == 302
    assert _members_shown(public.get(page).content.decode(), core) == before


def test_every_service_write_moves_the_generation_by_itself(world):
    contract = world.contract_a
    coordinator = world.coordinator_a
    committee = _body(world, BodyKind.COMMITTEE)
    core = _body(world, BodyKind.CORE)
    fresh = Contract.objects.get(pk=contract.pk)

    assert _moves(
        contract,
        lambda: services.contract_update(
            actor=coordinator,
            contract=fresh,
            expected_version=fresh.version,
            changes={"summary": "Novo resumo"},
        ),
    )
    assert _moves(
        contract,
        lambda: services.axis_create(
            actor=coordinator, contract=contract, code="v", name_en="Own", name_pt="Própria"
        ),
    )
    signatory = services.signatory_add(
        actor=coordinator, contract=contract, organisation=world.ngo_a, signed_by="Presidente"
    )
    assert _moves(
        contract,
        lambda: services.signatory_add(
            actor=coordinator, contract=contract, organisation=world.psp, signed_by="Comandante"
        ),
    )
    assert _moves(
        contract, lambda: services.signatory_remove(actor=coordinator, signatory=signatory)
    )
    seat = services.body_member_add(
        actor=coordinator, body=core, organisation=world.psp, person_name="Agente"
    )
    assert _moves(
        contract,
        lambda: services.body_member_add(
            actor=coordinator, body=core, organisation=world.ngo_a, person_name="Voluntária"
        ),
    )
    assert _moves(contract, lambda: services.body_member_remove(actor=coordinator, member=seat))
    assert _moves(
        contract,
        lambda: services.committee_chair_change(
            actor=world.mayor_a,  # the chair names the next chair (issue 7, finding 5)
            contract=contract,
            organisation=world.town_a,
            person=None,
            person_name="Vereadora",
        ),
    )
    stage = contract.stages.get(kind="diagnosis")
    assert _moves(
        contract,
        lambda: services.stage_summary_update(
            actor=world.coordinator_a,
            stage=stage,
            summary="Rascunho",
            expected_version=stage.version,
        ),
    )
    stage.refresh_from_db()
    assert _moves(
        contract,
        lambda: services.stage_decide(
            actor=world.coordinator_a,
            stage=stage,
            action="submit",
            expected_version=stage.version,
        ),
    )
    meetings: list[Meeting] = []
    assert _moves(
        contract,
        lambda: meetings.append(
            services.meeting_create(
                actor=world.partner_a,
                body=committee,
                held_on=dt.date(2016, 10, 3),
                agenda="Diagnóstico",
            )
        ),
    )
    documents: list[Any] = []
    assert _moves(
        contract,
        lambda: documents.append(
            services.document_upload(
                actor=world.partner_a,
                contract=contract,
                kind="minutes",
                title="Acta",
                upload=SimpleUploadedFile("acta.pdf", PDF, content_type="application/pdf"),
            )
        ),
    )
    assert _moves(
        contract, lambda: services.document_delete(actor=world.partner_a, document=documents[0])
    )
    assert _moves(
        contract, lambda: services.meeting_delete(actor=world.partner_a, meeting=meetings[0])
    )
    zones: list[Any] = []
    assert _moves(
        contract,
        lambda: zones.append(
            zones_services.zone_create(
                actor=coordinator, contract=contract, name="Bairro", geometry_geojson=ZONE
            )
        ),
    )
    assert _moves(
        contract,
        lambda: zones_services.zone_update(
            actor=coordinator,
            zone=zones[0],
            expected_version=zones_services.zone_version(zones[0]),
            name="Bairro Novo",
        ),
    )
    assert _moves(contract, lambda: zones_services.zone_delete(actor=coordinator, zone=zones[0]))


def _lead_shown(html: str) -> str:
    found = re.search(r"Lead organisation</dt><dd>([^<]*)</dd>", html)
    assert found, html
    return found.group(1)


def test_admin_organisation_rename_shows_at_once_on_the_cached_contract_page(world, client_for):
    """Finding 12: an organisation renamed in the admin kept its old name on the cached page
    of its contract for up to 10 minutes per worker."""
    world.contract_a.is_published = True
    world.contract_a.save()
    public = client_for(None)
    page = reverse("contracts:detail", args=[world.contract_a.pk])
    old_name = str(world.town_a)
    assert _lead_shown(public.get(page).content.decode()) == old_name
    assert _lead_shown(public.get(page).content.decode()) == old_name  # cached now

    admin = _admin(client_for)
    change = reverse("admin:organisations_organisation_change", args=[world.town_a.pk])
    data = _admin_form_data(admin.get(change))
    data.update({"name": "Câmara Municipal Renomeada", "short_name": ""})
    response = admin.post(change, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert _lead_shown(public.get(page).content.decode()) == "Câmara Municipal Renomeada"


def test_links_and_shown_records_move_the_generation(world):
    contract = world.contract_a
    other = world.contract_b
    axis = Axis.objects.national().first()
    assert axis is not None
    seat = BodyMember.objects.filter(body__contract=contract).first()
    meeting = Meeting.objects.create(
        body=_body(world, BodyKind.COMMITTEE),
        contract=contract,
        held_on=dt.date(2016, 10, 3),
        agenda="x",
        recorded_by_organisation=world.town_a,
        created_by=world.coordinator_a,
    )
    # Many-to-many links, from either side, including clear().
    assert _moves(contract, lambda: contract.axes.remove(axis))
    assert _moves(contract, lambda: axis.contracts.add(contract))
    assert _moves(contract, lambda: axis.contracts.clear())
    assert not _moves(other, lambda: contract.axes.add(axis))
    assert _moves(contract, lambda: contract.areas.remove(world.parish_a))
    assert _moves(contract, lambda: meeting.attendees.add(seat))
    assert _moves(contract, lambda: meeting.attendees.clear())
    # Records a contract page shows without owning them: a national axis, an organisation,
    # a person in a seat, the municipality.
    axis.name_en = "Renamed"
    assert _moves(contract, lambda: axis.save())
    world.ngo_a.name = "Associação Renomeada"
    assert _moves(contract, lambda: world.ngo_a.save())
    assert not _moves(other, lambda: world.ngo_a.save())
    world.commander_a.first_name = "Carlos"
    assert _moves(contract, lambda: world.commander_a.save())
    assert _moves(contract, lambda: world.municipality_a.save())
    # A sign-in (last_login only) changes nothing shown.
    world.commander_a.last_login = timezone.now()
    assert not _moves(contract, lambda: world.commander_a.save(update_fields=["last_login"]))
    # A direct save of the contract without updated_at in update_fields still moves it.
    contract.title = "CLS Lisboa — Lumiar e Carnide"
    assert _moves(contract, lambda: contract.save(update_fields=["title"]))


def test_the_move_is_one_update_and_no_history(world, django_assert_num_queries):
    seat = BodyMember.objects.filter(body__contract=world.contract_a).first()
    history = world.contract_a.history.count()
    seat.person_name = "Outro nome"
    with django_assert_num_queries(3):  # the seat, its history row, the contract's generation
        seat.save(update_fields=["person_name"])
    assert world.contract_a.history.count() == history


# --- who shares a cached fragment --------------------------------------------------------------


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # the scope is cached on the user object


def test_signature_separates_the_police_tier_and_national_reach(world):
    colleague = User.objects.create_user(username="colleague_a", password="x")
    Membership.objects.create(user=colleague, organisation=world.ngo_a)
    signature = {
        name: visibility_signature(scope_for(_fresh(user)))
        for name, user in {**world.users, "colleague_a": colleague}.items()
    }
    commander, partner = _fresh(world.commander_a), _fresh(world.partner_a)
    # Same contract, different tier.
    assert world.contract_a.pk in scope_for(commander).member_contract_ids
    assert world.contract_a.pk in scope_for(partner).member_contract_ids
    assert scope_for(commander).is_police and not scope_for(partner).is_police
    assert signature["commander_a"] != signature["partner_a"]
    # Two partners of the same contract see the same thing.
    assert signature["colleague_a"] == signature["partner_a"]
    assert signature["partner_a"] != signature["partner_b"]
    # National reach, with and without the police tier.
    Membership.objects.create(user=world.national, organisation=world.psp)
    national_police = visibility_signature(scope_for(_fresh(world.national)))
    assert scope_for(_fresh(world.national)).is_national
    assert national_police not in {signature["national"], signature["commander_a"]}
    assert signature["stranger"] == visibility_signature(scope_for(None)) == "public"


def test_police_and_partner_never_share_a_fragment(world):
    """A fragment whose content depends on the police tier is rendered per tier."""

    def render_for(user: User) -> str:
        scope = scope_for(user)
        with fragments.audience(lambda: visibility_signature(scope)):
            return fragments.cached_fragment(
                ("tier-test", world.contract_a.pk),
                lambda: "incident detail" if scope.is_police else "aggregate only",
            )

    assert render_for(_fresh(world.commander_a)) == "incident detail"
    assert render_for(_fresh(world.partner_a)) == "aggregate only"
    assert render_for(_fresh(world.commander_a)) == "incident detail"


def test_without_an_audience_nothing_is_cached(world):
    calls: list[int] = []

    def render() -> str:
        calls.append(1)
        return "x"

    fragments.cached_fragment(("no-audience",), render)
    fragments.cached_fragment(("no-audience",), render)
    assert len(calls) == 2


@pytest.fixture
def fragment_keys(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    keys: list[str] = []
    real = fragments.fragment_key

    def recording(parts: tuple[Any, ...]) -> str | None:
        key = real(parts)
        if key is not None and parts and parts[0] == "contract":
            keys.append(key)
        return key

    monkeypatch.setattr(fragments, "fragment_key", recording)
    return keys


def test_contract_page_fragment_key_includes_the_police_tier(world, client_for, fragment_keys):
    colleague = User.objects.create_user(username="colleague_a", password="x", language="en")
    Membership.objects.create(user=colleague, organisation=world.ngo_a)
    page = reverse("contracts:detail", args=[world.contract_a.pk])
    for user in (world.commander_a, world.partner_a, colleague):
        assert client_for(user).get(page).status_code == 200
    commander, partner, other_partner = fragment_keys
    assert commander != partner
    assert partner == other_partner
