"""What every part of the generator shares: the marker, the scales, the summary, bulk writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from localsafety.core.models import DataOrigin

MARKER = "localsafety generate"
GENERATED_USER_PREFIX = "gen-"
BENCH_USERNAME = "bench_national"
BENCH_PASSWORD_ENV = "LOCALSAFETY_BENCH_PASSWORD"  # noqa: S105 - a variable name
BATCH_SIZE = 2000
SYNTHETIC = DataOrigin.SYNTHETIC.value


class GenerationError(Exception):
    """Generation refused (data already there, or it cannot be removed safely)."""


@dataclass(frozen=True)
class Scale:
    name: str
    municipalities: int
    parishes_per_municipality: int
    contracts: int
    organisations: int
    users: int
    use_reference: bool
    #: Synthetic police incidents: full calendar years up to last year, per municipality.
    incident_years: int = 0
    incidents_per_municipality_year: int = 0


SCALES: dict[str, Scale] = {
    "national": Scale(
        name="national",
        municipalities=308,
        parishes_per_municipality=10,
        contracts=500,
        organisations=5000,
        users=20000,
        use_reference=True,
        incident_years=10,
        incidents_per_municipality_year=150,
    ),
    "small": Scale(
        name="small",
        municipalities=30,
        parishes_per_municipality=4,
        contracts=20,
        organisations=200,
        users=500,
        use_reference=False,
        incident_years=2,
        incidents_per_municipality_year=40,
    ),
}


@dataclass
class GenerationSummary:
    scale: str
    seed: int
    territory_source: str
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    bench_username: str = BENCH_USERNAME
    bench_password: str = ""
    bench_password_generated: bool = False
    published_contract_ids: list[int] = field(default_factory=list)


def bulk(model: type[models.Model], rows: list[Any]) -> list[Any]:
    """Insert ``rows`` in batches (no signals, so no history rows); returns them with their pks."""
    created: list[Any] = model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return created
