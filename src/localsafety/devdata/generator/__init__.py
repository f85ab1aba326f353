"""Synthetic data at national scale, for load tests, benchmarks and a full-looking demo.

Everything generated here is marked ``data_origin="synthetic"`` with ``source_note`` starting
with :data:`MARKER`, so it can be told apart from real and entered records and removed again
(:func:`delete_generated_data`). Rows are written with ``bulk_create`` in batches inside one
transaction: no per-row services, no history rows (``bulk_create`` sends no signals), so the
national scale (every municipality and parish, 500 contracts, 5,000 organisations, 20,000
people) takes seconds, not minutes.

The records are consistent with what the services would have produced (see
``contracts.services.contract_create`` and ``stage_decide``): the stages move through the
workflow's own transition table and completion rule (:mod:`.workflow`).

Modules: :mod:`.territory` (areas), :mod:`.people` (organisations, people, the commission's
seats), :mod:`.contracts` (contracts and their bodies, seats, meetings), :mod:`.workflow`
(stages and decisions), :mod:`.activities` (plans, measures and activities), :mod:`.names`
(what names and proportions are drawn from).
"""

from __future__ import annotations

import os
import random
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from localsafety.activities.models import Activity
from localsafety.contracts.models import BodyMember, Contract
from localsafety.contracts.reference import ensure_national_reference
from localsafety.devdata.generator.activities import create_plans_and_activities
from localsafety.devdata.generator.base import (
    BENCH_PASSWORD_ENV,
    BENCH_USERNAME,
    GENERATED_USER_PREFIX,
    MARKER,
    SCALES,
    SYNTHETIC,
    GenerationError,
    GenerationSummary,
    Scale,
)
from localsafety.devdata.generator.contracts import create_contracts
from localsafety.devdata.generator.incidents import create_incidents, generated_incident_steps
from localsafety.devdata.generator.people import create_organisations, create_people
from localsafety.devdata.generator.territory import load_territory
from localsafety.organisations.models import Organisation, User
from localsafety.territory.models import Area, AreaKind

__all__ = [
    "BENCH_PASSWORD_ENV",
    "BENCH_USERNAME",
    "MARKER",
    "SCALES",
    "GenerationError",
    "GenerationSummary",
    "Scale",
    "delete_generated_data",
    "generate",
    "generated_data_exists",
]


@contextmanager
def _history_not_recorded() -> Iterator[None]:
    """Delete without a history row per deleted record (django-simple-history's switch).

    The library reads the setting at each signal, so it is set for the length of the delete
    only; the generator runs as its own command, with no requests served by the process.
    """
    missing = object()
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", missing)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if previous is missing:
            del settings.SIMPLE_HISTORY_ENABLED  # type: ignore[misc]
        else:
            settings.SIMPLE_HISTORY_ENABLED = previous


def generated_data_exists() -> bool:
    return (
        Organisation.objects.filter(source_note__startswith=MARKER).exists()
        or Contract.objects.filter(source_note__startswith=MARKER).exists()
        or User.objects.filter(username__startswith=GENERATED_USER_PREFIX).exists()
        or User.objects.filter(username=BENCH_USERNAME).exists()
    )


def delete_generated_data() -> dict[str, int]:
    """Remove everything a previous run generated (and nothing else). History is not written."""
    deleted: dict[str, int] = {}
    generated_users = User.objects.filter(username__startswith=GENERATED_USER_PREFIX) | (
        User.objects.filter(username=BENCH_USERNAME, data_origin=SYNTHETIC)
    )
    try:
        with _history_not_recorded(), transaction.atomic():
            steps: list[tuple[str, models.QuerySet[Any]]] = [
                # An activity protects the measure it served: both go, activities first.
                (
                    "activities",
                    Activity.objects.filter(contract__source_note__startswith=MARKER),
                ),
                *generated_incident_steps(MARKER),
                ("contracts", Contract.objects.filter(source_note__startswith=MARKER)),
                ("commission seats", BodyMember.objects.filter(source_note__startswith=MARKER)),
                ("users", generated_users),
                ("organisations", Organisation.objects.filter(source_note__startswith=MARKER)),
            ]
            for kind in (
                AreaKind.PARISH,
                AreaKind.MUNICIPALITY,
                AreaKind.DISTRICT,
                AreaKind.NUTS2,
                AreaKind.COUNTRY,
            ):
                steps.append(
                    (
                        f"areas ({kind})",
                        Area.objects.filter(kind=kind, source_note__startswith=MARKER),
                    )
                )
            for label, queryset in steps:
                count, _per_model = queryset.delete()
                deleted[label] = count
    except ProtectedError as exc:
        raise GenerationError(
            "Generated data cannot be removed because other records refer to it "
            f"({exc.args[0]}). Remove those records first."
        ) from exc
    return deleted


def generate(
    *,
    scale: Scale,
    seed: int = 1,
    replace: bool = False,
    bench_password: str | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> GenerationSummary:
    """Generate a consistent synthetic country; refuse if generated data exists (unless replace)."""
    started = time.perf_counter()
    if generated_data_exists():
        if not replace:
            raise GenerationError(
                "Generated data already exists in this database. "
                "Run again with --replace to delete it and generate afresh."
            )
        log("Removing the previously generated data ...")
        delete_generated_data()
    password = bench_password or os.environ.get(BENCH_PASSWORD_ENV) or ""
    password_generated = not password
    if password_generated:
        password = secrets.token_urlsafe(12)
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    note = f"{MARKER} ({scale.name}, seed {seed})"
    with transaction.atomic():
        summary = _generate(scale=scale, rng=rng, note=note, password=password, log=log)
    summary.seed = seed
    summary.bench_password = password
    summary.bench_password_generated = password_generated
    summary.seconds = time.perf_counter() - started
    return summary


def _generate(
    *, scale: Scale, rng: random.Random, note: str, password: str, log: Callable[[str], None]
) -> GenerationSummary:
    territory = load_territory(scale, rng, note, log)
    municipalities = territory.municipalities
    if not municipalities:
        raise GenerationError("No municipalities to generate data for.")
    log(f"Territory: {len(municipalities)} municipalities ({territory.source}).")
    reference = ensure_national_reference()
    organisations = create_organisations(
        scale=scale, rng=rng, note=note, municipalities=municipalities
    )
    log(f"Organisations: {len(organisations.all)}.")
    people = create_people(
        scale=scale,
        rng=rng,
        note=note,
        municipalities=municipalities,
        organisations=organisations,
        commission=reference.commission,
        password=password,
        now=timezone.now(),
        log=log,
    )
    counts = create_contracts(
        scale=scale,
        rng=rng,
        note=note,
        territory=territory,
        organisations=organisations,
        people=people,
        national_axes=reference.axes,
        log=log,
    )
    counts.update(create_plans_and_activities(scale=scale, rng=rng, note=note, log=log))
    counts.update(
        create_incidents(
            scale=scale,
            rng=rng,
            note=note,
            municipalities=municipalities,
            parishes=territory.parishes,
            police_by_muni=organisations.police_by_muni,
            police=organisations.police,
            log=log,
        )
    )
    published = list(
        Contract.objects.filter(source_note=note, is_published=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts.update(
        {
            "municipalities": len(municipalities),
            "parishes": sum(len(p) for p in territory.parishes.values()),
            "organisations": len(organisations.all),
            "users": people.users,
            "memberships": people.memberships,
            "published_contracts": len(published),
        }
    )
    return GenerationSummary(
        scale=scale.name,
        seed=0,
        territory_source=territory.source,
        counts=counts,
        published_contract_ids=published,
    )
