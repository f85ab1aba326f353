"""Writes for organisations, people, memberships and sign-in devices.

Every service takes the acting user, checks the access rules itself (``PermissionDenied``),
validates, saves inside a transaction and leaves a history record. E-mails are sent only
after the transaction commits.

Rights come from attributes recorded here: an organisation's kind (police, municipality) and
municipality, and a person's memberships. An organisation's managers keep its name and
contact details; its kind, municipality and status in the register change only by national
users, with a reason kept in the history. A change that makes someone need two-factor ends
their sessions and API tokens, so they sign in again with their second factor
(``two_factor_rights_change``).
"""

from __future__ import annotations

import logging
import math
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from localsafety.core.audit import create_validated, mark_change, save_fields
from localsafety.core.errors import DomainError
from localsafety.core.locking import content_version, require_version
from localsafety.organisations.access import (
    can_edit_organisation,
    can_manage_register,
    forget_scope,
    is_national,
    memberships_for,
    requires_two_factor,
    role_requires_two_factor,
)
from localsafety.organisations.models import (
    EnrolmentLink,
    Membership,
    MembershipRole,
    Organisation,
    User,
    enrolment_token_hash,
)
from localsafety.territory.models import Area

# What an organisation's own managers may change: how it is named and reached.
CONTACT_FIELDS = ("name", "short_name", "website", "email")
# What confers rights (police, municipality, its territory) or keeps the register: national
# users only, with a reason.
REGISTER_FIELDS = ("kind", "municipality", "is_active")
ORGANISATION_FIELDS = CONTACT_FIELDS + REGISTER_FIELDS

logger = logging.getLogger(__name__)


def _forget(*users: Any) -> None:
    for user in users:
        if user is not None:
            forget_scope(user)


# --- sign-ins that a change of rights ends ----------------------------------------------


def _sessions_end(user_ids: set[int]) -> int:
    """Delete the server-side sessions of these people (one pass); returns how many ended.

    Sessions kept only in a cookie or a cache cannot be listed: those still meet the
    two-factor middleware on their next request, which asks for the second factor.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    get_model_class = getattr(store_class, "get_model_class", None)
    if get_model_class is None:
        logger.warning("Sessions cannot be listed to end them (users %s).", sorted(user_ids))
        return 0
    wanted = {str(pk) for pk in user_ids}
    ended = 0
    sessions = get_model_class().objects.filter(expire_date__gt=timezone.now())
    for session in sessions.iterator():
        if store_class().decode(session.session_data).get(SESSION_KEY) in wanted:
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended


def sign_ins_end(*users: Any) -> None:
    """End every session of these people and delete their API tokens: they sign in again."""
    user_ids = {user.pk for user in users}
    if not user_ids:
        return
    Token.objects.filter(user_id__in=user_ids).delete()
    ended = _sessions_end(user_ids)
    logger.info("Ended %s session(s) and the API tokens of users %s.", ended, sorted(user_ids))


@contextmanager
def two_factor_rights_change(users: Iterable[Any]) -> Iterator[None]:
    """Wrap a change of rights: whoever needs two-factor after it and did not before loses
    their sessions and API tokens (a token made with a password alone must not carry police
    or national rights)."""
    people = [user for user in users if user is not None]
    _forget(*people)
    needed_before = {user.pk for user in people if requires_two_factor(user)}
    yield
    newly_needing = []
    for user in people:
        forget_scope(user)
        if user.pk not in needed_before and requires_two_factor(user):
            newly_needing.append(user)
    sign_ins_end(*newly_needing)


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
    reason: str = "",
    **changes: Any,
) -> Organisation:
    """Change any of ``ORGANISATION_FIELDS``; only the fields given are written.

    Managers change ``CONTACT_FIELDS``; ``REGISTER_FIELDS`` (which confer rights) change only
    by national users and with a ``reason``, recorded in the history. Members who need
    two-factor after a change of kind (it became a police force) sign in again.
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
    register_changes = [name for name in changed if name in REGISTER_FIELDS]
    if register_changes:
        if not can_manage_register(actor):
            raise PermissionDenied(
                _(
                    "Only national users change an organisation's kind, municipality or status: "
                    "they decide what its members may do."
                )
            )
        if not reason.strip():
            raise DomainError(
                _("Say why: changing the kind, municipality or status needs a reason."),
                field="reason",
            )
    members = (
        list(User.objects.filter(memberships__organisation=organisation))
        if "kind" in register_changes
        else []
    )
    with two_factor_rights_change(members):
        for name in changed:
            value = changes[name]
            setattr(organisation, name, value.strip() if isinstance(value, str) else value)
        save_fields(
            organisation,
            changed,
            actor=actor,
            reason=reason.strip() if register_changes else "updated",
        )
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
    with two_factor_rights_change([user]):  # joining a police force needs two-factor
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


def _send_existing_account_notice(user_id: int, organisation_id: int, inviter_name: str) -> None:
    user = User.objects.get(pk=user_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    context = {
        "user": user,
        "organisation": organisation,
        "inviter": inviter_name,
        "site_name": settings.LOCALSAFETY_SITE_NAME,
    }
    with translation.override(user.language):
        subject = render_to_string("accounts/invite_existing_subject.txt", context).strip()
        body = render_to_string("accounts/invite_existing_email.txt", context)
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
) -> User | None:
    """Invite a new member: create their account and e-mail them a link to choose a password.

    The inviter is never told whether the address already has an account (None is returned
    and the page says the same as for a new account): that account's owner gets an e-mail
    instead, saying who wanted to add them and how to join with the account they have.
    """
    _require_member_manager(actor, organisation)
    _check_role(role)
    email = email.strip()
    if not email:
        raise DomainError(
            _("Enter an e-mail address: the invitation is sent there."), field="email"
        )
    user = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        language=language,
    )
    user.set_unusable_password()
    user.full_clean()  # before the address is looked at, so its errors never depend on it
    inviter = actor.get_full_name() or actor.username
    organisation_id = organisation.pk
    existing = User.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        existing_id = existing.pk
        transaction.on_commit(
            lambda: _send_existing_account_notice(existing_id, organisation_id, inviter)
        )
        return None
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
    user_id = user.pk
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


class TwoFactorThrottled(DomainError):
    """Too many wrong codes in a row: the device refuses every code for a while."""

    status_code = 429


def _require_enrolment_if_needed(actor: User, enrolment: EnrolmentLink | None) -> None:
    """Roles that require two-factor add an authenticator only through an enrolment link
    that they followed themselves and that is still open; their password is not enough."""
    if not role_requires_two_factor(actor):
        return
    if enrolment is None or not _enrolment_open(enrolment, actor):
        raise PermissionDenied(
            _("Your role adds an authenticator only through a one-time enrolment link.")
        )


def _enrolment_open(link: EnrolmentLink, actor: User) -> bool:
    return (
        link.user_id == actor.pk
        and link.opened_at is not None
        and link.completed_at is None
        and link.expires_at > timezone.now()
    )


def _has_confirmed_device(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


@transaction.atomic
def totp_device_for_setup(*, actor: User, enrolment: EnrolmentLink | None = None) -> TOTPDevice:
    """The person's unconfirmed authenticator (made once, so the QR code stays the same).

    Its secret is shown to set it up, so roles that require two-factor get it only with an
    open enrolment link (``enrolment_link_open``); others may turn two-factor on themselves.
    """
    if _has_confirmed_device(actor):
        raise DomainError(_("Two-factor authentication is already set up."))
    _require_enrolment_if_needed(actor, enrolment)
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
    return device


def _throttled(info: dict[str, Any] | None) -> TwoFactorThrottled:
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return TwoFactorThrottled(
            _("Too many wrong codes in a row: wait a moment, then try again."), field="code"
        )
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return TwoFactorThrottled(
        ngettext(
            "Too many wrong codes in a row: wait %(seconds)s second, then enter the code "
            "your app shows.",
            "Too many wrong codes in a row: wait %(seconds)s seconds, then enter the code "
            "your app shows.",
            seconds,
        )
        % {"seconds": seconds},
        field="code",
    )


@transaction.atomic
def totp_device_verify(
    *, actor: User, device: TOTPDevice, token: str, enrolment: EnrolmentLink | None = None
) -> bool:
    """Check a code; the first right code confirms a new authenticator. False when wrong.

    Raises ``TwoFactorThrottled`` while the device refuses codes after repeated failures
    (django-otp's exponential back-off), so the person is told to wait, not that the code
    is wrong.
    """
    if device.user_id != actor.pk:
        raise PermissionDenied(_("This is not your device."))
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not locked.confirmed:
        _require_enrolment_if_needed(actor, enrolment)
    allowed, info = locked.verify_is_allowed()
    if not allowed:
        raise _throttled(info)
    if not locked.verify_token(token):
        return False
    if not locked.confirmed:
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
        if enrolment is not None:
            enrolment.completed_at = timezone.now()
            enrolment.save(update_fields=["completed_at"])
        actor.two_factor_enabled = True
    device.refresh_from_db()
    return True


# --- two-factor enrolment links ------------------------------------------------------------

#: A person may ask for their own link by e-mail at most once in this many minutes.
ENROLMENT_REQUEST_MINUTES = 10


def enrolment_link_url(token: str, *, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("accounts:enrol", args=[token])


def _check_enrolment_target(user: User) -> None:
    if not user.is_active:
        raise DomainError(_("This account is disabled."), field="username")
    if not role_requires_two_factor(user):
        raise DomainError(
            _(
                "This person's role does not require two-factor authentication: they can "
                "turn it on themselves on their profile."
            ),
            field="username",
        )
    if _has_confirmed_device(user):
        raise DomainError(
            _(
                "This account already has an authenticator. If the person lost it, an "
                "administrator removes it first."
            ),
            field="username",
        )


def _issue_enrolment_link(*, user: User, issued_by: User | None) -> tuple[str, EnrolmentLink]:
    _check_enrolment_target(user)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = EnrolmentLink.objects.create(
        user=user,
        token_hash=enrolment_token_hash(token),
        issued_by=issued_by,
        created_at=now,
        expires_at=now + timedelta(hours=settings.LOCALSAFETY_ENROLMENT_LINK_HOURS),
    )
    return token, link


@transaction.atomic
def enrolment_link_create(*, actor: User | None, user: User) -> str:
    """A new one-time enrolment link for ``user``; returns its secret, which is stored only
    hashed (give it to the person once). ``actor`` None is the platform's own command line
    (``localsafety enrolment-link``); otherwise only national users and administrators issue
    links."""
    if actor is not None and not is_national(actor):
        raise PermissionDenied(_("Only national users and administrators issue enrolment links."))
    token, _link = _issue_enrolment_link(user=user, issued_by=actor)
    return token


def _send_enrolment_link(user_id: int, link: str, expires_at: Any, self_requested: bool) -> None:
    user = User.objects.get(pk=user_id)
    context = {
        "user": user,
        "link": link,
        "expires_at": expires_at,
        "self_requested": self_requested,
        "site_name": settings.LOCALSAFETY_SITE_NAME,
    }
    with translation.override(user.language):
        subject = render_to_string("accounts/enrolment_subject.txt", context).strip()
        body = render_to_string("accounts/enrolment_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def enrolment_link_send(*, actor: User, user: User, base_url: str) -> bool:
    """E-mail a new enrolment link to ``user``'s own address (after the commit).

    National users and administrators send one to anyone whose role needs it; a person
    whose role needs it may ask for their own, at most once every
    ``ENROLMENT_REQUEST_MINUTES`` (False: one was sent recently, nothing new is sent).
    """
    self_requested = actor.pk == user.pk
    if not self_requested and not is_national(actor):
        raise PermissionDenied(_("Only national users and administrators issue enrolment links."))
    if not user.email:
        raise DomainError(
            _(
                "This account has no e-mail address: an administrator gives the link with "
                "the command “localsafety enrolment-link USERNAME”."
            ),
            field="username",
        )
    if self_requested:
        _check_enrolment_target(user)
        since = timezone.now() - timedelta(minutes=ENROLMENT_REQUEST_MINUTES)
        if EnrolmentLink.objects.filter(user=user, created_at__gte=since).exists():
            return False
    token, enrolment = _issue_enrolment_link(user=user, issued_by=actor)
    link = enrolment_link_url(token, base_url=base_url)
    user_id, expires_at = user.pk, enrolment.expires_at
    transaction.on_commit(lambda: _send_enrolment_link(user_id, link, expires_at, self_requested))
    return True


@transaction.atomic
def enrolment_link_open(*, actor: User, token: str) -> EnrolmentLink:
    """Follow an enrolment link, signed in as its person: it works once, before it expires.

    The authenticator gets a fresh secret here, so a secret anyone saw before is worthless.
    The link stays open for this enrolment until it expires or the authenticator is confirmed.
    """
    link = (
        EnrolmentLink.objects.select_for_update()
        .filter(token_hash=enrolment_token_hash(token), user=actor)
        .usable()
        .first()
    )
    if link is None:
        raise DomainError(
            _(
                "This enrolment link cannot be used: it was used already, it has expired or "
                "it is for another account. Ask for a new one."
            )
        )
    if _has_confirmed_device(actor):
        raise DomainError(_("Two-factor authentication is already set up."))
    link.opened_at = timezone.now()
    link.save(update_fields=["opened_at"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
    return link
