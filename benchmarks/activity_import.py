"""Bulk activity import: 50,000 spreadsheet rows in under 10 s (issue 10, Performance).

Run by ``make bench`` after the page benchmark, or alone:
``.venv/bin/python benchmarks/activity_import.py [--rows 50000] [--database-url URL]``.

A fresh SQLite database (``var/bench/activities.sqlite3``; or ``--database-url`` for
PostgreSQL) is migrated, the named test world and an approved plan are built, and a CSV of
``--rows`` rows (Portuguese dates and decimal commas, a measure, participants in three
groups, two costs) is written. Then, in the same run:

1. the import as a person runs it: ``activities_import`` (read, check every row, store);
2. the yardstick: the same number of activity rows (with the same columns) and cost rows
   inserted raw with one ``executemany`` each, nothing checked — what the database itself
   costs.

Prints both figures, the ratio, and whether the import meets the target (< 10 s).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    var = REPO / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(REPO / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "localsafety.settings_test"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        path = var / "activities.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if args.database_url:
        call_command("flush", verbosity=0, interactive=False)
    return run(args.rows)


def write_csv(rows: int) -> bytes:
    lines = [
        "data;fim;medida;titulo;tipo;mulheres_12_17;homens_12_17;unrecorded_unknown;"
        "horas_tecnicos;custo_municipio;custo_ministry"
    ]
    for number in range(rows):
        day = 1 + number % 28
        month = 1 + number % 12
        lines.append(
            f"{day:02d}/{month:02d}/2018;;1.1;Sessão {number};session;{number % 17};"
            f"{number % 13};{number % 5};2,5;1.234,56 €;{number % 100},5"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(rows: int) -> int:
    from django.db import connection, transaction
    from django.utils import translation

    from localsafety.activities import importing
    from localsafety.activities.models import Activity, ActivityCost
    from localsafety.activities.tests.factories import approved_plan
    from localsafety.testing.world import build_world

    translation.activate("en")
    world = build_world()
    approved_plan(world.contract_a, responsible=world.ngo_a, created_by=world.coordinator_a)
    data = write_csv(rows)
    print(f"activity import: {rows:,} rows, {len(data) / 1e6:.1f} MB CSV", flush=True)

    started = time.perf_counter()
    result = importing.activities_import(
        actor=world.coordinator_a, contract=world.contract_a, data=data, file_label="bench.csv"
    )
    import_seconds = time.perf_counter() - started
    assert result.created == rows, result.created

    # The yardstick: the same rows, copied from what the import stored, inserted raw.
    activity_columns = [
        field.column
        for field in Activity._meta.concrete_fields
        if not field.primary_key and field.column != "import_batch_id"
    ]
    stored = list(Activity.objects.filter(import_batch=result.batch).values_list(*activity_columns))
    cost_columns = ["contract_id", "activity_id", "funding_source_id", "amount"]
    costs = list(
        ActivityCost.objects.filter(activity__import_batch=result.batch).values_list(*cost_columns)
    )
    quote = connection.ops.quote_name
    activity_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(Activity._meta.db_table),
        ", ".join(quote(column) for column in activity_columns),
        ", ".join(["%s"] * len(activity_columns)),
    )
    cost_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(ActivityCost._meta.db_table),
        ", ".join(quote(column) for column in cost_columns),
        ", ".join(["%s"] * len(cost_columns)),
    )
    with connection.cursor() as cursor:  # no per-row delete signals: not what is measured
        cursor.execute(f"DELETE FROM {quote(ActivityCost._meta.db_table)}")  # noqa: S608
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(activity_sql, stored)
        cursor.executemany(cost_sql, costs)
    raw_seconds = time.perf_counter() - started

    verdict = "meets" if import_seconds < TARGET_SECONDS else "MISSES"
    print(
        f"  import (read, check, store): {import_seconds:6.2f} s "
        f"({rows / import_seconds:,.0f} rows/s) — {verdict} the target (< {TARGET_SECONDS:.0f} s)"
    )
    print(
        f"  raw insert yardstick:        {raw_seconds:6.2f} s "
        f"({len(stored):,} activity + {len(costs):,} cost rows, executemany, no checks)"
    )
    print(f"  ratio import / raw insert:   {import_seconds / raw_seconds:6.1f}x", flush=True)
    return 0 if import_seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
