"""Writes for organisations, people, memberships and sign-in devices.

Every service takes the acting user, checks the access rules itself (``PermissionDenied``),
validates, saves inside a transaction and leaves a history record. E-mails are sent only
after the transaction commits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.errors import DomainError
from localsafety.core.locking import content_version, require_version
from localsafety.organisations.access import (
    can_edit_organisation,
    can_manage_register,
    forget_scope,
    memberships_for,
    requires_two_factor,
)
from localsafety.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from localsafety.territory.models import Area

ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "municipality",
    "website",
    "email",
    "is_active",
)


def _forget(*users: Any) -> None:
    for user in users:
        if user is not None:
            forget_scope(user)


# --- organisations ---------------------------------------------------------------------


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    name: str,
    kind: str,
    short_name: str = "",
    municipality: Area | None = None,
    website: str = "",
    email: str = "",
    is_active: bool = True,
) -> Organisation:
    if not can_manage_register(actor):
        raise PermissionDenied(_("Only national users may add organisations to the register."))
    return create_validated(
        Organisation,
        actor=actor,
        reason="created",
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        municipality=municipality,
        website=website,
        email=email,
        is_active=is_active,
    )


def organisation_version(organisation: Organisation) -> str:
    """The version an edit form carries: a digest of the editable fields (no version column)."""
    return content_version(organisation, ORGANISATION_FIELDS)


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    expected_version: str | None,
    **changes: Any,
) -> Organisation:
    """Change any of ``ORGANISATION_FIELDS``; only the fields given are written.

    ``expected_version`` (``organisation_version`` of what the form showed) must match the
    stored row: refused without one (400), a conflict if it changed meanwhile (409).
    """
    if not can_edit_organisation(actor, organisation.pk):
        raise PermissionDenied(_("You may not change this organisation."))
    stored = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require_version(organisation_version(stored), expected_version)
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"organisation_update got unknown fields: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(organisation, name) != value]
    if not changed:
        return organisation
    for name in changed:
        value = changes[name]
        setattr(organisation, name, value.strip() if isinstance(value, str) else value)
    save_fields(organisation, changed, actor=actor, reason="updated")
    return organisation


# --- memberships -----------------------------------------------------------------------


def _require_member_manager(actor: User, organisation: Organisation) -> None:
    if not memberships_for(actor).can_manage_members(organisation.pk):
        raise PermissionDenied(_("Only this organisation's managers may change its members."))


def _check_role(role: str) -> None:
    if role not in MembershipRole.values:
        raise DomainError(_("Choose a valid role."), field="role")


def _would_leave_without_manager(membership: Membership, new_role: str | None) -> bool:
    if membership.role != MembershipRole.MANAGER or new_role == MembershipRole.MANAGER:
        return False
    others = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=MembershipRole.MANAGER
    ).exclude(pk=membership.pk)
    return not others.exists()


@transaction.atomic
def membership_add(
    *, actor: User, organisation: Organisation, user: User, role: str = MembershipRole.STAFF
) -> Membership:
    _require_member_manager(actor, organisation)
    _check_role(role)
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise DomainError(_("This person already belongs to the organisation."), field="person")
    if not user.is_active:
        raise DomainError(_("This account is disabled."), field="person")
    membership = create_validated(
        Membership,
        actor=actor,
        reason="member added",
        organisation=organisation,
        user=user,
        role=role,
    )
    _forget(user, actor if actor.pk == user.pk else None)
    return membership


@transaction.atomic
def membership_update_role(*, actor: User, membership: Membership, role: str) -> Membership:
    _require_member_manager(actor, membership.organisation)
    _check_role(role)
    if role == membership.role:
        return membership
    if _would_leave_without_manager(membership, role) and not memberships_for(actor).is_superuser:
        raise DomainError(_("An organisation needs at least one manager."), field="role")
    membership.role = role
    save_fields(membership, ["role"], actor=actor, reason="role changed")
    _forget(membership.user, actor)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    _require_member_manager(actor, membership.organisation)
    if _would_leave_without_manager(membership, None) and not memberships_for(actor).is_superuser:
        raise DomainError(_("An organisation needs at least one manager."))
    user = membership.user
    mark_change(membership, actor=actor, reason="member removed")
    membership.delete()
    _forget(user, actor)


# --- people ----------------------------------------------------------------------------


def password_set_link(user: User, *, base_url: str) -> str:
    """An absolute link to choose a password, valid until used (Django's reset token)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def _send_invitation(user_id: int, organisation_id: int, inviter_name: str, base_url: str) -> None:
    user = User.objects.get(pk=user_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    context = {
        "user": user,
        "organisation": organisation,
        "inviter": inviter_name,
        "link": password_set_link(user, base_url=base_url),
        "site_name": settings.LOCALSAFETY_SITE_NAME,
    }
    with translation.override(user.language):
        subject = render_to_string("accounts/invite_subject.txt", context).strip()
        body = render_to_string("accounts/invite_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def user_create(
    *,
    actor: User,
    organisation: Organisation,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    language: str = User.Language.PT,
    role: str = MembershipRole.STAFF,
    base_url: str,
) -> User:
    """Create an account for a new member; they get an e-mail to choose their password."""
    _require_member_manager(actor, organisation)
    _check_role(role)
    email = email.strip()
    if not email:
        raise DomainError(
            _("Enter an e-mail address: the invitation is sent there."), field="email"
        )
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            _("An account with this e-mail address exists: add that person instead."),
            field="email",
        )
    user = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        language=language,
    )
    user.set_unusable_password()
    user.full_clean()
    mark_change(user, actor=actor, reason="invited")
    user.save()
    create_validated(
        Membership,
        actor=actor,
        reason="member invited",
        organisation=organisation,
        user=user,
        role=role,
    )
    inviter = actor.get_full_name() or actor.username
    user_id, organisation_id = user.pk, organisation.pk
    transaction.on_commit(lambda: _send_invitation(user_id, organisation_id, inviter, base_url))
    return user


@transaction.atomic
def user_set_language(*, actor: User, user: User, language: str) -> User:
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(_("You may only change your own language."))
    if language not in User.Language.values:
        raise DomainError(_("Choose Português or English."), field="language")
    if user.language != language:
        user.language = language
        save_fields(user, ["language"], actor=actor, reason="language")
    return user


# --- API tokens and two-factor devices -------------------------------------------------


def _require_verified_if_needed(actor: Any) -> None:
    if requires_two_factor(actor) and not actor.is_verified():
        raise PermissionDenied(_("Confirm your two-factor code first."))


@transaction.atomic
def api_token_create(*, actor: Any) -> Token:
    """Create (or replace) the person's API token; the old key stops working at once."""
    _require_verified_if_needed(actor)
    Token.objects.filter(user=actor).delete()
    return Token.objects.create(user=actor)


@transaction.atomic
def api_token_delete(*, actor: Any) -> None:
    _require_verified_if_needed(actor)
    Token.objects.filter(user=actor).delete()


@transaction.atomic
def totp_device_for_setup(*, actor: User) -> TOTPDevice:
    """The person's unconfirmed authenticator (made once, so the QR code stays the same)."""
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise DomainError(_("Two-factor authentication is already set up."))
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_verify(*, actor: User, device: TOTPDevice, token: str) -> bool:
    """Check a code; the first right code confirms a new authenticator. False when wrong."""
    if device.user_id != actor.pk:
        raise PermissionDenied(_("This is not your device."))
    if not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return True
