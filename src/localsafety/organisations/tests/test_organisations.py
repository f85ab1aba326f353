"""The register of organisations, its pages and its services."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from localsafety.core.errors import DomainError
from localsafety.organisations import services
from localsafety.organisations.models import Membership, Organisation, OrganisationKind, User

LIST = reverse("organisations:list")


def detail(org: Organisation) -> str:
    return reverse("organisations:detail", args=[org.pk])


# --- list ------------------------------------------------------------------------------


def test_list_searches_and_filters(world, client_for):
    client = client_for(world.stranger)
    content = client.get(LIST, {"q": "bairro"}).content.decode()
    assert "Associação Bairro Feliz" in content
    assert "Associação Planície Unida" not in content

    content = client.get(LIST, {"kind": OrganisationKind.MUNICIPALITY}).content.decode()
    assert "Câmara Municipal de Lisboa" in content and "Câmara Municipal de Serpa" in content
    assert "Bairro Feliz" not in content

    content = client.get(LIST, {"municipality": world.municipality_b.pk}).content.decode()
    assert "Câmara Municipal de Serpa" in content
    assert "Câmara Municipal de Lisboa" not in content


def test_list_hides_inactive_organisations_from_the_public(world):
    Organisation.objects.filter(pk=world.ngo_b.pk).update(is_active=False)
    assert "Planície Unida" not in Client().get(LIST).content.decode()
    response = Client().get(detail(world.ngo_b))
    assert response.status_code == 404


def test_list_rejects_bad_filters_with_error_summary(world):
    response = Client().get(LIST, {"municipality": "999999"})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()


# --- detail ----------------------------------------------------------------------------


def test_detail_shows_kind_municipality_and_visible_seats(world, client_for):
    content = client_for(world.partner_a).get(detail(world.ngo_a)).content.decode()
    assert "Association / NGO" in content
    assert world.contract_a.title in content
    assert "Operational Core" in content


def test_detail_hides_seats_on_contracts_the_viewer_cannot_open(world, client_for):
    content = client_for(world.stranger).get(detail(world.ngo_a)).content.decode()
    assert world.contract_a.title not in content  # unpublished


def test_members_are_listed_for_own_members_and_contract_readers_only(world, client_for):
    name = "Paula Parceira"
    assert name in client_for(world.partner_a).get(detail(world.ngo_a)).content.decode()
    assert name in client_for(world.mayor_a).get(detail(world.ngo_a)).content.decode()
    assert name in client_for(world.national).get(detail(world.ngo_a)).content.decode()
    assert name not in client_for(world.partner_b).get(detail(world.ngo_a)).content.decode()
    assert name not in client_for(world.stranger).get(detail(world.ngo_a)).content.decode()
    assert name not in Client().get(detail(world.ngo_a)).content.decode()


def test_seat_person_names_only_for_contract_readers(world, client_for):
    world.contract_a.is_published = True
    world.contract_a.save(update_fields=["is_published"])
    stranger_page = client_for(world.stranger).get(detail(world.psp)).content.decode()
    assert world.contract_a.title in stranger_page
    assert "Comandante Costa" not in stranger_page
    mayor_page = client_for(world.mayor_a).get(detail(world.psp)).content.decode()
    assert "Comandante Costa" in mayor_page


def test_detail_of_missing_organisation_is_404(world, client_for):
    assert client_for(world.stranger).get("/organisations/999999/").status_code == 404


# --- create and edit -------------------------------------------------------------------


def test_national_user_creates_an_organisation(world, client_for):
    client = client_for(world.national)
    response = client.post(
        reverse("organisations:create"),
        {
            "name": "Agrupamento de Escolas do Lumiar",
            "short_name": "AE Lumiar",
            "kind": OrganisationKind.SCHOOL_CLUSTER,
            "municipality": world.municipality_a.pk,
            "website": "",
            "email": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(short_name="AE Lumiar")
    assert organisation.history.latest().history_user == world.national
    assert response.url == detail(organisation)


def test_create_form_errors_link_to_fields(world, client_for):
    response = client_for(world.national).post(reverse("organisations:create"), {"name": ""})
    content = response.content.decode()
    assert 'href="#id_name"' in content and 'href="#id_kind"' in content


def test_only_national_users_create_organisations(world, client_for):
    assert client_for(world.coordinator_a).get(reverse("organisations:create")).status_code == 403
    response = client_for(world.coordinator_a).post(
        reverse("organisations:create"), {"name": "X", "kind": OrganisationKind.OTHER}
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="X").exists()
    response = Client().get(reverse("organisations:create"))
    assert response.status_code == 302


def test_manager_edits_own_organisation_but_not_others(world, client_for):
    client = client_for(world.coordinator_a)
    data = {
        "name": "Câmara Municipal de Lisboa",
        "short_name": "CML",
        "kind": OrganisationKind.MUNICIPALITY,
        "municipality": world.municipality_a.pk,
        "website": "https://www.lisboa.pt",
        "email": "",
        "is_active": "on",
        "version": services.organisation_version(world.town_a),  # required since finding 13
    }
    response = client.post(reverse("organisations:edit", args=[world.town_a.pk]), data)
    assert response.status_code == 302
    world.town_a.refresh_from_db()
    assert world.town_a.short_name == "CML"
    assert world.town_a.history.latest().history_user == world.coordinator_a

    assert client.get(reverse("organisations:edit", args=[world.town_b.pk])).status_code == 403
    staff = client_for(world.mayor_a)
    assert (
        staff.post(reverse("organisations:edit", args=[world.town_a.pk]), data).status_code == 403
    )


# --- members ---------------------------------------------------------------------------


def test_manager_adds_an_existing_user_by_email(world, client_for):
    client = client_for(world.coordinator_a)
    response = client.post(
        reverse("organisations:member_add", args=[world.town_a.pk]),
        {"person": "stranger@example.test", "role": "staff"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.stranger, organisation=world.town_a)
    assert membership.history.latest().history_user == world.coordinator_a


def test_adding_unknown_or_existing_member_is_a_form_error(world, client_for):
    client = client_for(world.coordinator_a)
    url = reverse("organisations:member_add", args=[world.town_a.pk])
    content = client.post(url, {"person": "nobody", "role": "staff"}).content.decode()
    assert 'href="#id_person"' in content
    content = client.post(url, {"person": "mayor_a", "role": "staff"}).content.decode()
    assert "already belongs" in content


def test_non_managers_cannot_manage_members(world, client_for):
    url = reverse("organisations:member_add", args=[world.town_a.pk])
    for user in (world.mayor_a, world.coordinator_b, world.national):
        response = client_for(user).post(url, {"person": "stranger", "role": "staff"})
        assert response.status_code == 403, user
    assert not Membership.objects.filter(user=world.stranger).exists()
    membership = Membership.objects.get(user=world.mayor_a, organisation=world.town_a)
    remove = reverse("organisations:member_remove", args=[world.town_a.pk, membership.pk])
    assert client_for(world.mayor_a).post(remove).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_membership_of_another_organisation_is_404(world, client_for):
    other = Membership.objects.get(user=world.mayor_b)
    url = reverse("organisations:member_remove", args=[world.town_a.pk, other.pk])
    assert client_for(world.coordinator_a).post(url).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_manager_changes_role_and_removes_member(world, client_for):
    client = client_for(world.coordinator_a)
    membership = Membership.objects.get(user=world.mayor_a, organisation=world.town_a)
    url = reverse("organisations:member_role", args=[world.town_a.pk, membership.pk])
    response = client.post(url, {f"m{membership.pk}-role": "manager"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "manager"

    url = reverse("organisations:member_remove", args=[world.town_a.pk, membership.pk])
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_manager_cannot_leave(world, client_for):
    client = client_for(world.coordinator_a)
    membership = Membership.objects.get(user=world.coordinator_a, organisation=world.town_a)
    url = reverse("organisations:member_role", args=[world.town_a.pk, membership.pk])
    response = client.post(url, {f"m{membership.pk}-role": "staff"}, follow=True)
    assert "at least one manager" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "manager"
    url = reverse("organisations:member_remove", args=[world.town_a.pk, membership.pk])
    client.post(url)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_detail_shows_member_management_to_managers_only(world, client_for):
    manager_page = client_for(world.coordinator_a).get(detail(world.town_a)).content.decode()
    assert "Add a member" in manager_page and "Change role" in manager_page
    staff_page = client_for(world.mayor_a).get(detail(world.town_a)).content.decode()
    assert "Mário Lisboa" in staff_page
    assert "Add a member" not in staff_page and "Change role" not in staff_page


def test_invite_creates_account_and_mails_a_password_link(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:member_invite", args=[world.town_a.pk]),
            {
                "username": "analyst_a",
                "first_name": "Ana",
                "last_name": "Analista",
                "email": "ana@example.test",
                "language": "en",
                "role": "staff",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="analyst_a")
    assert not user.has_usable_password()
    assert user.language == "en"
    assert Membership.objects.filter(user=user, organisation=world.town_a).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.test"]
    assert "analyst_a" in message.body
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", message.body)
    assert link

    invited = Client()
    response = invited.get(link.group(1))
    assert response.status_code == 302
    response = invited.post(
        response.url,
        {"new_password1": "my passphrase 77", "new_password2": "my passphrase 77"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert response.url == reverse("accounts:password_reset_complete"), response.url
    assert user.check_password("my passphrase 77")


def _invite(client, organisation, email: str, username: str, capture):
    with capture(execute=True):
        return client.post(
            reverse("organisations:member_invite", args=[organisation.pk]),
            {
                "username": username,
                "first_name": "A",
                "last_name": "B",
                "email": email,
                "language": "pt-pt",
                "role": "staff",
            },
        )


def test_invite_does_not_reveal_whether_an_email_has_an_account(
    world, client_for, django_capture_on_commit_callbacks
):
    """Changed on purpose (hardening finding 14): the form used to answer "an account with
    this e-mail address exists", which told any organisation's manager who has an account.
    Now both answers are the same; the address's owner is told instead."""
    capture = django_capture_on_commit_callbacks
    known = _invite(
        client_for(world.coordinator_a), world.town_a, "STRANGER@example.test", "someone", capture
    )
    new = _invite(
        client_for(world.coordinator_a), world.town_a, "nobody@example.test", "someone_new", capture
    )
    assert known.status_code == new.status_code == 302
    assert known.url == new.url
    assert known.content == new.content
    said = [[str(m) for m in get_messages(r.wsgi_request)] for r in (known, new)]
    assert said[0] == [m.replace("nobody@example.test", "STRANGER@example.test") for m in said[1]]

    # No second account for a used address; its owner hears who wanted to add them.
    assert not User.objects.filter(username="someone").exists()
    assert User.objects.filter(username="someone_new").exists()
    assert [message.to for message in mail.outbox] == [
        ["stranger@example.test"],
        ["nobody@example.test"],
    ]
    assert "stranger" in mail.outbox[0].body  # their username, to give to the manager
    assert "/accounts/reset/" not in mail.outbox[0].body  # no new password for it


def test_invite_is_forbidden_to_non_managers(world, client_for):
    url = reverse("organisations:member_invite", args=[world.town_a.pk])
    assert client_for(world.partner_a).get(url).status_code == 403


# --- services directly -----------------------------------------------------------------


def test_services_check_access_themselves(world):
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=world.coordinator_a, name="X", kind="other")
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=world.partner_a,
            organisation=world.ngo_a,
            expected_version=services.organisation_version(world.ngo_a),
            name="Y",
        )
    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=world.partner_a, organisation=world.ngo_a, user=world.stranger
        )
    with pytest.raises(PermissionDenied):
        services.user_set_language(actor=world.stranger, user=world.mayor_a, language="en")


def test_membership_add_refreshes_the_members_scope(world):
    from localsafety.contracts.access import scope_for

    assert not scope_for(world.stranger).organisation_ids
    services.membership_add(
        actor=world.coordinator_a, organisation=world.town_a, user=world.stranger, role="manager"
    )
    assert world.town_a.pk in scope_for(world.stranger).managed_organisation_ids


def test_services_validate(world):
    with pytest.raises(DomainError):
        services.membership_add(
            actor=world.coordinator_a, organisation=world.town_a, user=world.stranger, role="boss"
        )
    with pytest.raises(DomainError):
        services.user_set_language(actor=world.stranger, user=world.stranger, language="fr")
