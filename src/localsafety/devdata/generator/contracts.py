"""Contracts and what hangs from them, consistent with what the services would have written.

Each contract has a Coordinating Committee with exactly one chair, an Operational Core, the
committee's organisations as signatories, four stages planned through the workflow
(:mod:`.workflow`) and a few meetings attended by seats of the body that met.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable

from localsafety.contracts.models import (
    Axis,
    BodyKind,
    BodyMember,
    BodyRole,
    Contract,
    ContractCategory,
    GovernanceBody,
    Meeting,
    Signatory,
)
from localsafety.devdata.generator.base import SYNTHETIC, Scale, bulk
from localsafety.devdata.generator.names import (
    CATEGORY_WEIGHTS,
    CITIZEN_THEMES,
    FIRST_NAMES,
    LAST_NAMES,
    PROGRESS_WEIGHTS,
)
from localsafety.devdata.generator.people import Organisations, People
from localsafety.devdata.generator.territory import Territory
from localsafety.devdata.generator.workflow import (
    Deciders,
    PlannedStage,
    current_stage,
    plan_stages,
    write_stages,
)
from localsafety.organisations.models import Organisation
from localsafety.territory.placenames import named_after


def create_contracts(
    *,
    scale: Scale,
    rng: random.Random,
    note: str,
    territory: Territory,
    organisations: Organisations,
    people: People,
    national_axes: list[Axis],
    log: Callable[[str], None],
) -> dict[str, int]:
    """Contracts with their areas, axes, bodies, seats, signatories, stages and meetings."""
    town_halls = organisations.town_halls
    municipalities = territory.municipalities
    weights = [float(territory.population.get(m.pk, 10000)) ** 0.5 for m in municipalities]
    categories = list(CATEGORY_WEIGHTS)
    category_weights = [CATEGORY_WEIGHTS[c] for c in categories]
    titles: dict[str, int] = defaultdict(int)

    contracts: list[Contract] = []
    covered: list[list[int]] = []
    plans: list[list[PlannedStage]] = []
    for index in range(scale.contracts):
        muni = rng.choices(municipalities, weights)[0]
        category = rng.choices(categories, category_weights)[0]
        parishes = territory.parishes.get(muni.pk, [])
        chosen = rng.sample(parishes, min(len(parishes), rng.randint(1, 4)))
        if category == ContractCategory.NEIGHBOURHOOD and chosen:
            title = f"CLS {muni.name} — {chosen[0][1]}"
        elif category == ContractCategory.CITIZEN:
            title = f"CLS {muni.name} — {rng.choice(CITIZEN_THEMES)}"
        else:
            title = f"CLS {muni.name}"
        titles[title] += 1
        if titles[title] > 1:
            title = f"{title} ({titles[title]})"
        signed_on = dt.date(2016, 7, 14) + dt.timedelta(days=rng.randint(0, 8 * 365))
        complete = rng.choices(
            [c for c, _w in PROGRESS_WEIGHTS], [w for _c, w in PROGRESS_WEIGHTS]
        )[0]
        plan = plan_stages(rng, complete)
        contracts.append(
            Contract(
                title=title[:250],
                category=category,
                municipality_id=muni.pk,
                lead_organisation_id=town_halls[muni.pk].pk,
                summary=(
                    f"Contrato Local de Segurança (sintético) n.º {index + 1} para {muni.name}."
                ),
                signed_on=signed_on,
                signing_place=muni.name,
                stage=current_stage(plan),
                is_published=rng.random() < 0.4 or index == 0,
                data_origin=SYNTHETIC,
                source_note=note,
            )
        )
        covered.append([muni.pk] + [pk for pk, _name in chosen])
        plans.append(plan)
    contracts = bulk(Contract, contracts)

    area_links = [
        Contract.areas.through(contract_id=c.pk, area_id=a)
        for c, areas in zip(contracts, covered, strict=True)
        for a in areas
    ]
    bulk(Contract.areas.through, area_links)
    axis_links = []
    for contract in contracts:
        axes = national_axes
        if rng.random() < 0.15:
            axes = rng.sample(national_axes, 3)
        axis_links += [Contract.axes.through(contract_id=contract.pk, axis_id=a.pk) for a in axes]
    bulk(Contract.axes.through, axis_links)

    bodies, seats, seat_ranges, signatories = _governance(
        rng=rng, note=note, contracts=contracts, organisations=organisations, people=people
    )
    deciders = [
        Deciders(
            coordinator=people.coordinator_of[contract.municipality_id],
            chair=people.mayor_of[contract.municipality_id],
            town_hall=town_halls[contract.municipality_id].pk,
            national=people.national_actor_ids,
            ministry=organisations.ministries[0].pk,
        )
        for contract in contracts
    ]
    stages, decisions = write_stages(rng=rng, contracts=contracts, plans=plans, deciders=deciders)

    meetings: list[Meeting] = []
    attendee_seats: list[list[int]] = []
    for index, contract in enumerate(contracts):
        assert contract.signed_on is not None
        muni_id = contract.municipality_id
        committee_seats, core_seats = seat_ranges[index]
        for number in range(rng.randint(1, 4)):
            on_committee = number % 2 == 0
            body = bodies[2 * index + (0 if on_committee else 1)]
            body_seats = committee_seats if on_committee else core_seats
            meetings.append(
                Meeting(
                    body_id=body.pk,
                    contract_id=contract.pk,
                    held_on=contract.signed_on + dt.timedelta(days=30 + 90 * number),
                    location=named_after("Paços do Concelho", contract.signing_place),
                    agenda="1. Ponto de situação. 2. Próximos passos.",
                    decisions="Aprovado o ponto de situação.",
                    recorded_by_organisation_id=town_halls[muni_id].pk,
                    created_by_id=people.coordinator_of[muni_id],
                )
            )
            present = [seats[i].pk for i in body_seats if rng.random() < 0.8]
            attendee_seats.append(present)
    meetings = bulk(Meeting, meetings)
    attendance = [
        Meeting.attendees.through(meeting_id=meeting.pk, bodymember_id=seat_id)
        for meeting, present in zip(meetings, attendee_seats, strict=True)
        for seat_id in present
    ]
    bulk(Meeting.attendees.through, attendance)
    log(
        f"Contracts: {len(contracts)}; body seats: {len(seats)}; stages: {stages}; "
        f"decisions: {decisions}; meetings: {len(meetings)}."
    )
    return {
        "contracts": len(contracts),
        "governance_bodies": len(bodies),
        "body_members": len(seats),
        "signatories": signatories,
        "stages": stages,
        "stage_decisions": decisions,
        "meetings": len(meetings),
        "meeting_attendance": len(attendance),
    }


def _governance(
    *,
    rng: random.Random,
    note: str,
    contracts: list[Contract],
    organisations: Organisations,
    people: People,
) -> tuple[list[GovernanceBody], list[BodyMember], list[tuple[range, range]], int]:
    """Each contract's Coordinating Committee (one chair: the mayor) and Operational Core.

    Returns the bodies (committee, core per contract), the seats, each contract's committee and
    core seat ranges, and the number of signatories (the committee's organisations).
    """
    town_halls = organisations.town_halls
    local_orgs = organisations.local
    members_of = people.members_of

    bodies = []
    for contract in contracts:
        for body_kind in (BodyKind.COMMITTEE, BodyKind.CORE):
            bodies.append(GovernanceBody(kind=body_kind, contract_id=contract.pk))
    bodies = bulk(GovernanceBody, bodies)

    def someone_from(org: Organisation) -> int | None:
        staff = members_of.get(org.pk)
        return rng.choice(staff) if staff else None

    seats: list[BodyMember] = []
    signatories: list[Signatory] = []
    seat_ranges: list[tuple[range, range]] = []
    for index, contract in enumerate(contracts):
        committee, core = bodies[2 * index], bodies[2 * index + 1]
        muni_id = contract.municipality_id
        town_hall = town_halls[muni_id]
        local = organisations.local_by_muni.get(muni_id, [])
        start = len(seats)
        seats.append(
            BodyMember(
                body_id=committee.pk,
                contract_id=contract.pk,
                organisation_id=town_hall.pk,
                person_id=people.mayor_of[muni_id],
                role=BodyRole.CHAIR,
                data_origin=SYNTHETIC,
            )
        )
        used = {town_hall.pk}
        wanted = rng.randint(2, 5)
        police = organisations.police_by_muni.get(muni_id) or organisations.police
        candidates: list[tuple[Organisation, str]] = []
        if police:
            candidates.append((rng.choice(police), BodyRole.SECURITY_FORCE))
        candidates.append((rng.choice(organisations.ministries), BodyRole.NATIONAL_REPRESENTATIVE))
        others = local or local_orgs
        candidates += [(org, BodyRole.MEMBER) for org in rng.sample(others, min(len(others), 6))]
        for org, role in candidates:
            if wanted == 0:
                break
            if org.pk in used:
                continue
            used.add(org.pk)
            wanted -= 1
            has_account = role != BodyRole.NATIONAL_REPRESENTATIVE and rng.random() < 0.7
            person_id = someone_from(org) if has_account else None
            seats.append(
                BodyMember(
                    body_id=committee.pk,
                    contract_id=contract.pk,
                    organisation_id=org.pk,
                    person_id=person_id,
                    person_name=""
                    if person_id
                    else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    role=role,
                    data_origin=SYNTHETIC,
                )
            )
        committee_orgs = list(dict.fromkeys(seat.organisation_id for seat in seats[start:]))
        middle = len(seats)
        core_orgs = [town_hall] + [
            org for org in rng.sample(others, min(len(others), 12)) if org.pk != town_hall.pk
        ]
        if len(core_orgs) < 3:
            extra = [
                o for o in rng.sample(local_orgs, min(len(local_orgs), 12)) if o not in core_orgs
            ]
            core_orgs += extra
        core_orgs = core_orgs[: rng.randint(3, 10)]
        for org in core_orgs:
            person_id = someone_from(org) if rng.random() < 0.5 else None
            seats.append(
                BodyMember(
                    body_id=core.pk,
                    contract_id=contract.pk,
                    organisation_id=org.pk,
                    person_id=person_id,
                    person_name="",
                    role=BodyRole.MEMBER,
                    data_origin=SYNTHETIC,
                )
            )
        seat_ranges.append((range(start, middle), range(middle, len(seats))))
        for org_id in committee_orgs:
            signatories.append(
                Signatory(
                    contract_id=contract.pk,
                    organisation_id=org_id,
                    data_origin=SYNTHETIC,
                    source_note=note,
                )
            )
    seats = bulk(BodyMember, seats)
    bulk(Signatory, signatories)
    return bodies, seats, seat_ranges, len(signatories)
