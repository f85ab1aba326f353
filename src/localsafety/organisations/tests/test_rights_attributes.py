"""Rights from self-editable attributes (issue 7, finding 1), tried as the review's attacker.

The manager of a partner association turned its kind into *municipality* (and registered a
contract) and into *PSP* (and ``/api/v1/me/`` said ``is_police: true`` while a token made
without two-factor kept working). An organisation's kind, municipality and status change
only by national users, with a reason kept in the history; a change that makes someone need
two-factor ends their sessions and API tokens. Pages, API and the administration go through
the same service.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from localsafety.contracts import services as contract_services
from localsafety.contracts.models import GovernanceBody
from localsafety.core.errors import DomainError
from localsafety.organisations import services
from localsafety.organisations.models import Membership, Organisation, OrganisationKind, User


@pytest.fixture
def ngo_manager(world) -> User:
    """partner_a manages the association NGO A (a partner of contract A)."""
    Membership.objects.filter(user=world.partner_a, organisation=world.ngo_a).update(role="manager")
    return world.partner_a


def _token_client(user: User) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def _sessions_of(user: User) -> list[Session]:
    return [
        session
        for session in Session.objects.all()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]


def _patch(client: Client, organisation: Organisation, payload: dict):
    """PATCH as a client would: with the version it read."""
    version = services.organisation_version(Organisation.objects.get(pk=organisation.pk))
    return client.patch(
        reverse("api:organisation-detail", args=[organisation.pk]),
        {"version": version, **payload},
        content_type="application/json",
    )


def _version(organisation: Organisation) -> str:
    return services.organisation_version(Organisation.objects.get(pk=organisation.pk))


def _unchanged(organisation: Organisation, *, kind: str, name: str) -> bool:
    organisation.refresh_from_db()
    return organisation.kind == kind and organisation.name == name and not organisation.municipality


# --- a manager cannot give their organisation rights -------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": OrganisationKind.MUNICIPALITY},
        {"kind": OrganisationKind.PSP, "name": "PSP — Comando Metropolitano de Lisboa"},
        {"kind": OrganisationKind.GNR, "reason": "Somos a GNR"},
        {"municipality": "A"},
        {"is_active": False},
    ],
    ids=["municipality", "psp-renamed", "gnr-with-reason", "municipality-area", "status"],
)
def test_manager_cannot_change_what_confers_rights_through_the_api(
    world, ngo_manager, client_for, payload
):
    if payload.get("municipality") == "A":
        payload = {**payload, "municipality": world.municipality_a.pk}
    response = _patch(client_for(ngo_manager), world.ngo_a, payload)
    assert response.status_code == 403
    assert _unchanged(
        world.ngo_a, kind=OrganisationKind.ASSOCIATION, name="Associação Bairro Feliz"
    )
    assert world.ngo_a.is_active


def test_manager_cannot_change_what_confers_rights_through_the_page(world, ngo_manager, client_for):
    client = client_for(ngo_manager)
    url = reverse("organisations:edit", args=[world.ngo_a.pk])
    offered = set(client.get(url).context["form"].fields)
    # The contact fields, and the version the edit was read at (optimistic locking).
    assert offered == {"name", "short_name", "website", "email", "version"}
    response = client.post(
        url,
        {
            "version": _version(world.ngo_a),
            "name": "PSP — Comando Metropolitano de Lisboa",
            "kind": OrganisationKind.PSP,
            "municipality": world.municipality_a.pk,
            "is_active": "",
        },
    )
    assert response.status_code in {302, 400, 403}
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.kind == OrganisationKind.ASSOCIATION
    assert world.ngo_a.municipality is None and world.ngo_a.is_active


def test_manager_cannot_change_what_confers_rights_in_the_service(world, ngo_manager):
    for changes in (
        {"kind": OrganisationKind.PSP},
        {"kind": OrganisationKind.MUNICIPALITY, "reason": "porque sim"},
        {"municipality": world.municipality_a},
        {"is_active": False},
    ):
        with pytest.raises(PermissionDenied):
            services.organisation_update(
                actor=ngo_manager,
                organisation=world.ngo_a,
                expected_version=_version(world.ngo_a),
                **changes,
            )
    assert _unchanged(
        world.ngo_a, kind=OrganisationKind.ASSOCIATION, name="Associação Bairro Feliz"
    )


def test_me_stays_truthful_after_the_attempts(world, ngo_manager, client_for):
    token_client = _token_client(ngo_manager)
    edit = reverse("organisations:edit", args=[world.ngo_a.pk])
    for kind in (OrganisationKind.MUNICIPALITY, OrganisationKind.PSP):
        client_for(ngo_manager).post(
            edit,
            {
                "version": _version(world.ngo_a),
                "name": "PSP — Esquadra do Lumiar",
                "kind": kind,
                "municipality": world.municipality_a.pk,
                "is_active": "on",
            },
        )
        _patch(token_client, world.ngo_a, {"kind": kind})
    me = token_client.get(reverse("api:me")).json()
    assert me["is_police"] is False and me["requires_two_factor"] is False
    assert me["can_create_contracts"] is False
    assert [m["organisation_kind"] for m in me["memberships"]] == ["association"]


def test_manager_still_edits_name_and_contact_details(world, ngo_manager, client_for):
    client = client_for(ngo_manager)
    response = _patch(client, world.ngo_a, {"short_name": "ABF", "email": "geral@abf.example"})
    assert response.status_code == 200
    assert response.json()["short_name"] == "ABF" and response.json()["kind"] == "association"
    response = client.post(
        reverse("organisations:edit", args=[world.ngo_a.pk]),
        {
            "version": _version(world.ngo_a),
            "name": "Associação Bairro Feliz",
            "short_name": "ABF Lumiar",
            "website": "",
            "email": "",
        },
    )
    assert response.status_code == 302
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.short_name == "ABF Lumiar" and world.ngo_a.kind == "association"


def test_non_managers_cannot_patch_an_organisation(world, client_for):
    for user in (world.partner_b, world.stranger):
        response = _patch(client_for(user), world.ngo_a, {"name": "Tomada"})
        assert response.status_code == 403
    assert _patch(Client(), world.ngo_a, {"name": "Tomada"}).status_code in {401, 403}
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.name == "Associação Bairro Feliz"


# --- national users change them, with a reason; rights that need two-factor start fresh -


def test_national_user_needs_a_reason_to_change_the_kind(world, client_for):
    client = client_for(world.national)
    response = _patch(client, world.ngo_a, {"kind": OrganisationKind.PSP})
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    with pytest.raises(DomainError):
        services.organisation_update(
            actor=world.national,
            organisation=world.ngo_a,
            expected_version=_version(world.ngo_a),
            kind=OrganisationKind.PSP,
            reason=" ",
        )
    page = client.post(
        reverse("organisations:edit", args=[world.ngo_a.pk]),
        {
            "version": _version(world.ngo_a),
            "name": world.ngo_a.name,
            "kind": OrganisationKind.PSP,
            "is_active": "on",
        },
    )
    assert page.status_code == 200 and "reason" in page.context["form"].errors
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.kind == OrganisationKind.ASSOCIATION


def test_national_kind_change_is_audited_and_ends_members_sign_ins(world, client_for):
    member = world.partner_a
    token_client = _token_client(member)
    session_client = client_for(member)
    assert token_client.get(reverse("api:me")).status_code == 200
    assert _sessions_of(member)

    response = _patch(
        client_for(world.national),
        world.ngo_a,
        {"kind": OrganisationKind.PSP, "reason": "Registo corrigido: é a esquadra do Lumiar"},
    )
    assert response.status_code == 200 and response.json()["is_police"] is True
    record = Organisation.objects.get(pk=world.ngo_a.pk).history.latest()
    assert record.history_user == world.national
    assert record.history_change_reason == "Registo corrigido: é a esquadra do Lumiar"
    assert record.kind == OrganisationKind.PSP

    assert not Token.objects.filter(user=member).exists()
    assert not _sessions_of(member)
    assert token_client.get(reverse("api:me")).status_code == 401
    assert session_client.get(reverse("api:me")).status_code in {401, 403}
    # The person signs in again and is asked for the second factor before anything else.
    again = Client()
    again.force_login(member)
    assert again.get(reverse("api:me")).status_code == 403


def test_a_kind_change_that_needs_no_second_factor_keeps_sign_ins(world, client_for):
    token_client = _token_client(world.partner_a)
    services.organisation_update(
        actor=world.national,
        organisation=world.ngo_a,
        expected_version=_version(world.ngo_a),
        kind=OrganisationKind.SOCIAL_SECURITY,
        reason="Reclassificação",
    )
    assert token_client.get(reverse("api:me")).status_code == 200


def test_joining_a_police_force_ends_the_persons_sign_ins(world, client_for):
    Membership.objects.filter(user=world.commander_a, organisation=world.psp).update(role="manager")
    token_client = _token_client(world.stranger)
    client_for(world.stranger)
    services.membership_add(actor=world.commander_a, organisation=world.psp, user=world.stranger)
    assert not Token.objects.filter(user=world.stranger).exists()
    assert not _sessions_of(world.stranger)
    assert token_client.get(reverse("api:me")).status_code == 401


def test_joining_a_municipality_keeps_the_persons_sign_ins(world):
    token_client = _token_client(world.stranger)
    services.membership_add(
        actor=world.coordinator_a, organisation=world.town_a, user=world.stranger
    )
    assert token_client.get(reverse("api:me")).status_code == 200


def test_a_seat_on_the_national_commission_ends_the_persons_sign_ins(world):
    root = User.objects.create_superuser("root7", "root7@example.test", "x")
    token_client = _token_client(world.stranger)
    commission = GovernanceBody.objects.get(contract__isnull=True)
    contract_services.body_member_add(
        actor=root, body=commission, organisation=world.ministry, person=world.stranger
    )
    assert token_client.get(reverse("api:me")).status_code == 401


# --- the administration goes through the same service ------------------------------------


def _admin_change_data(client: Client, url: str, **overrides) -> dict:
    """The change form's current values (main form and inlines), with ``overrides``."""
    response = client.get(url)
    data: dict = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            value = ""
        if isinstance(value, bool):
            value = "on" if value else ""
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management.initial.get(name, "")
        for subform in formset.forms:
            for name in subform.fields:
                value = subform.instance if name == "id" else subform.initial.get(name, "")
                if hasattr(value, "pk"):
                    value = value.pk
                data[subform.add_prefix(name)] = "" if value is None else value
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_the_administration_needs_a_reason_and_ends_sign_ins(world):
    root = User.objects.create_superuser("root7", "root7@example.test", "x")
    admin = Client()
    from localsafety.testing.auth import sign_in

    sign_in(admin, root)
    token_client = _token_client(world.partner_a)
    url = reverse("admin:organisations_organisation_change", args=[world.ngo_a.pk])

    refused = admin.post(url, _admin_change_data(admin, url, kind=OrganisationKind.GNR))
    assert (
        refused.status_code == 200 and "change_reason" in refused.context["adminform"].form.errors
    )
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.kind == OrganisationKind.ASSOCIATION

    saved = admin.post(
        url,
        _admin_change_data(
            admin, url, kind=OrganisationKind.GNR, change_reason="Posto territorial da GNR"
        ),
    )
    assert saved.status_code == 302
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.kind == OrganisationKind.GNR
    record = world.ngo_a.history.latest()
    assert record.history_change_reason == "Posto territorial da GNR"
    assert record.history_user == root
    assert token_client.get(reverse("api:me")).status_code == 401


def test_the_administration_adds_members_through_the_service(world):
    root = User.objects.create_superuser("root7", "root7@example.test", "x")
    admin = Client()
    from localsafety.testing.auth import sign_in

    sign_in(admin, root)
    token_client = _token_client(world.stranger)
    url = reverse("admin:organisations_organisation_change", args=[world.psp.pk])
    data = _admin_change_data(admin, url)
    row = data["memberships-TOTAL_FORMS"]
    data.update(
        {
            "memberships-TOTAL_FORMS": row + 1,
            f"memberships-{row}-user": world.stranger.pk,
            f"memberships-{row}-role": "staff",
        }
    )
    assert admin.post(url, data).status_code == 302
    membership = Membership.objects.get(user=world.stranger, organisation=world.psp)
    assert membership.history.latest().history_change_reason == "member added"
    assert token_client.get(reverse("api:me")).status_code == 401


def test_the_administration_making_a_superuser_ends_their_sign_ins(world, rf):
    from django.contrib.admin.sites import site

    root = User.objects.create_superuser("root7", "root7@example.test", "x")
    token_client = _token_client(world.stranger)
    request = rf.post("/admin/")
    request.user = root
    promoted = User.objects.get(pk=world.stranger.pk)
    promoted.is_superuser = True
    site._registry[User].save_model(request, promoted, form=None, change=True)
    assert token_client.get(reverse("api:me")).status_code == 401
