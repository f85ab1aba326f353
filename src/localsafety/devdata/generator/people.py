"""Organisations and people: ministries, a town hall per municipality, local partners, staff.

Memberships and the Interministerial Commission's seats are written too; the bench user gets a
confirmed authenticator so the benchmark can sign in as a national reader.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.contracts.models import BodyMember, BodyRole, GovernanceBody
from localsafety.devdata.generator.base import (
    BENCH_USERNAME,
    GENERATED_USER_PREFIX,
    SYNTHETIC,
    GenerationError,
    Scale,
    bulk,
)
from localsafety.devdata.generator.names import (
    FIRST_NAMES,
    LAST_NAMES,
    LOCAL_KIND_WEIGHTS,
    name_for_kind,
)
from localsafety.devdata.national import NATIONAL_ORGANISATIONS
from localsafety.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)
from localsafety.territory.models import Area
from localsafety.territory.placenames import named_after


@dataclass
class Organisations:
    all: list[Organisation]
    ministries: list[Organisation]
    town_halls: dict[int, Organisation]  # municipality pk -> its câmara
    local: list[Organisation]
    local_by_muni: dict[int, list[Organisation]]
    police_by_muni: dict[int, list[Organisation]]
    police: list[Organisation]


@dataclass
class People:
    users: int
    memberships: int
    members_of: dict[int, list[int]]  # organisation pk -> user pks
    mayor_of: dict[int, int]  # municipality pk -> user pk
    coordinator_of: dict[int, int]
    national_actor_ids: list[int] = field(default_factory=list)  # may endorse plans


def create_organisations(
    *, scale: Scale, rng: random.Random, note: str, municipalities: list[Area]
) -> Organisations:
    """The national bodies, one town hall (câmara) per municipality, then local partners."""
    if scale.organisations < len(NATIONAL_ORGANISATIONS) + len(municipalities):
        raise GenerationError("Too few organisations for this many municipalities.")
    orgs: list[Organisation] = [
        Organisation(
            name=name,
            short_name=short,
            kind=OrganisationKind.MINISTRY,
            data_origin=SYNTHETIC,
            source_note=note,
        )
        for name, short in NATIONAL_ORGANISATIONS
    ]
    for muni in municipalities:
        orgs.append(
            Organisation(
                name=named_after("Câmara Municipal", muni.name),
                short_name=f"CM {muni.name}"[:60],
                kind=OrganisationKind.MUNICIPALITY,
                municipality_id=muni.pk,
                data_origin=SYNTHETIC,
                source_note=note,
            )
        )
    kinds = [kind for kind, weight in LOCAL_KIND_WEIGHTS.items() if weight > 0]
    weights = [LOCAL_KIND_WEIGHTS[kind] for kind in kinds]
    remaining = scale.organisations - len(orgs)
    local_kinds = kinds[:remaining] + rng.choices(kinds, weights, k=max(0, remaining - len(kinds)))
    for number, kind in enumerate(local_kinds, start=1):
        muni = rng.choice(municipalities)
        orgs.append(
            Organisation(
                name=name_for_kind(kind, muni.name, number, rng)[:250],
                kind=kind,
                municipality_id=muni.pk,
                data_origin=SYNTHETIC,
                source_note=note,
            )
        )
    orgs = bulk(Organisation, orgs)
    ministries = orgs[: len(NATIONAL_ORGANISATIONS)]
    town_halls = {
        muni.pk: org
        for muni, org in zip(municipalities, orgs[len(NATIONAL_ORGANISATIONS) :], strict=False)
    }
    local_orgs = orgs[len(NATIONAL_ORGANISATIONS) + len(municipalities) :]
    local_by_muni: dict[int, list[Organisation]] = defaultdict(list)
    police_by_muni: dict[int, list[Organisation]] = defaultdict(list)
    all_police: list[Organisation] = []
    for org in local_orgs:
        assert org.municipality_id is not None
        local_by_muni[org.municipality_id].append(org)
        if org.kind in (OrganisationKind.PSP, OrganisationKind.GNR):
            police_by_muni[org.municipality_id].append(org)
            all_police.append(org)
    return Organisations(
        all=orgs,
        ministries=ministries,
        town_halls=town_halls,
        local=local_orgs,
        local_by_muni=local_by_muni,
        police_by_muni=police_by_muni,
        police=all_police,
    )


def create_people(
    *,
    scale: Scale,
    rng: random.Random,
    note: str,
    municipalities: list[Area],
    organisations: Organisations,
    commission: GovernanceBody,
    password: str,
    now: dt.datetime,
    log: Callable[[str], None],
) -> People:
    ministries = organisations.ministries
    town_halls = organisations.town_halls
    local_orgs = organisations.local
    # People: the bench user and a few national analysts, a mayor and a coordinator per town
    # hall, then everyone else spread over the local organisations.
    if scale.users < 1 + 2 * len(municipalities):
        raise GenerationError("Too few users for this many municipalities.")
    unusable = make_password(None)
    users: list[User] = [
        User(
            username=BENCH_USERNAME,
            password=make_password(password),
            first_name="Bench",
            last_name="National",
            email="bench_national@example.invalid",
            language=User.Language.EN,
            job_title="Técnico(a) ministerial (utilizador sintético de teste de carga)",
            data_origin=SYNTHETIC,
        )
    ]
    memberships: list[tuple[int, Organisation, str]] = [(0, ministries[0], MembershipRole.STAFF)]
    counter = 0

    def person(job: str) -> User:
        nonlocal counter
        counter += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"{GENERATED_USER_PREFIX}{counter:05d}"
        return User(
            username=username,
            password=unusable,
            first_name=first,
            last_name=f"{last} {rng.choice(LAST_NAMES)}",
            email=f"{username}@example.invalid",
            language=User.Language.PT if rng.random() < 0.85 else User.Language.EN,
            job_title=job,
            date_joined=now,
            data_origin=SYNTHETIC,
        )

    national_count = min(len(ministries), max(0, scale.users - 1 - 2 * len(municipalities)))
    for index in range(national_count):
        users.append(person("Técnico(a) ministerial"))
        memberships.append((len(users) - 1, ministries[index], MembershipRole.STAFF))
    mayor_index: dict[int, int] = {}
    coordinator_index: dict[int, int] = {}
    for muni in municipalities:
        users.append(person("Presidente da Câmara Municipal"))
        mayor_index[muni.pk] = len(users) - 1
        memberships.append((len(users) - 1, town_halls[muni.pk], MembershipRole.STAFF))
        users.append(person("Coordenador(a) municipal de segurança"))
        coordinator_index[muni.pk] = len(users) - 1
        memberships.append((len(users) - 1, town_halls[muni.pk], MembershipRole.MANAGER))
    member_orgs = local_orgs or list(town_halls.values())
    while len(users) < scale.users:
        org = rng.choice(member_orgs)
        users.append(person("Técnico(a)"))
        role = MembershipRole.MANAGER if rng.random() < 0.1 else MembershipRole.STAFF
        memberships.append((len(users) - 1, org, role))
        if rng.random() < 0.1:
            second = rng.choice(member_orgs)
            if second.pk != org.pk:
                memberships.append((len(users) - 1, second, MembershipRole.STAFF))
    users = bulk(User, users)
    bench_user = users[0]
    members_of: dict[int, list[int]] = defaultdict(list)
    membership_rows = []
    for user_index, org, member_role in memberships:
        user_id = users[user_index].pk
        members_of[org.pk].append(user_id)
        membership_rows.append(
            Membership(user_id=user_id, organisation_id=org.pk, role=member_role)
        )
    bulk(Membership, membership_rows)
    log(f"People: {len(users)}; memberships: {len(membership_rows)}.")

    # Seats on the Interministerial Commission, and the bench user's confirmed TOTP device.
    commission_seats = [
        BodyMember(
            body_id=commission.pk,
            organisation_id=ministries[0].pk,
            person_id=bench_user.pk,
            role=BodyRole.MEMBER,
            data_origin=SYNTHETIC,
            source_note=note,
        )
    ]
    for index in range(national_count):
        commission_seats.append(
            BodyMember(
                body_id=commission.pk,
                organisation_id=ministries[index].pk,
                person_id=users[1 + index].pk,
                role=BodyRole.NATIONAL_REPRESENTATIVE,
                data_origin=SYNTHETIC,
                source_note=note,
            )
        )
    bulk(BodyMember, commission_seats)
    TOTPDevice.objects.create(user=bench_user, name="bench", confirmed=True)
    return People(
        users=len(users),
        memberships=len(membership_rows),
        members_of=members_of,
        mayor_of={m: users[i].pk for m, i in mayor_index.items()},
        coordinator_of={m: users[i].pk for m, i in coordinator_index.items()},
        national_actor_ids=[bench_user.pk] + [users[1 + i].pk for i in range(national_count)],
    )
