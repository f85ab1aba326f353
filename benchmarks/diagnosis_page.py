"""Diagnosis page benchmark: a contract's analyses page and diagnosis document at national
scale, beside a trivial page measured in the same run.

Run by ``benchmarks/run.py`` in each database's environment after the page benchmark (the
database holds ``localsafety generate --scale national``, which includes ten years of
synthetic police incidents and the aggregates an import keeps), or alone with ``--fresh``,
which builds its own SQLite database first (migrate, collectstatic, generate)::

    .venv/bin/python benchmarks/diagnosis_page.py --fresh

It picks a generated contract whose municipality has incidents and a boundary, signs in as a
member of its lead organisation, runs one aggregate analysis (resolution 8) through the
service and the task's own function (timed, printed), then sends ``--requests`` sequential
GETs to the trivial page (``/accessibility/``) and to the contract's analyses page
(``/contracts/<id>/diagnosis/analyses/``: the yearly counts read from ``IncidentCount``, the
run list and the latest run's map, SVG figures and tables) and its diagnosis document
(``/contracts/<id>/diagnosis/``: indicators beside municipality, region and country, figures,
problems), in turn, through Django's test client in this process (no HTTP server: every page
is measured the same way). Prints p50 / p95 and the ratio of each p95 to the trivial page's;
targets, for each of the two pages: p95 < 300 ms and <= 4x the trivial page.
Results go to ``benchmarks/results/diagnosis_page.json`` (``--tag`` names the database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VAR = REPO / "var" / "bench"
RESULTS = REPO / "benchmarks" / "results" / "diagnosis_page.json"
TARGET_P95_MS = 300.0
TARGET_RATIO = 4.0
WARMUP = 10


def venv_python() -> str:
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def fresh_environment() -> dict[str, str]:
    """A new SQLite database with the national scale generated into it."""
    VAR.mkdir(parents=True, exist_ok=True)
    database = VAR / "diagnosis-page.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "localsafety.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "LOCALSAFETY_DEBUG": "0",
        "LOCALSAFETY_SECRET_KEY": secrets.token_urlsafe(48),
        "LOCALSAFETY_SSL_REDIRECT": "0",
        "LOCALSAFETY_SECURE_COOKIES": "0",
        "LOCALSAFETY_HSTS_SECONDS": "0",
        "LOCALSAFETY_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOCALSAFETY_VAR_DIR": str(VAR),
        "LOCALSAFETY_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO / "src"),
    }
    command = str(REPO / ".venv" / "bin" / "localsafety")
    if not Path(command).exists():
        command = shutil.which("localsafety") or ""
    if not command:
        raise SystemExit("the localsafety command is not installed")
    for step in (
        [command, "migrate", "--noinput"],
        [command, "collectstatic", "--noinput"],
        [command, "generate", "--scale", "national", "--json"],
    ):
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 - our own command
            step, env=env, cwd=REPO, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(step[1:3])} failed:\n{result.stderr[-3000:]}")
        print(f"{' '.join(step[1:3])}: {time.perf_counter() - started:.1f} s", flush=True)
    return env


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[index]


def measure(requests: int, tag: str) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localsafety.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.db.models import Sum
    from django.test import Client

    from localsafety.contracts.models import BodyKind, Contract
    from localsafety.diagnosis import analysis_services
    from localsafety.diagnosis.models import IncidentCount, RunStatus
    from localsafety.organisations.models import Membership
    from localsafety.testing.auth import sign_in

    busiest = (
        IncidentCount.objects.filter(unit="municipality")
        .values("unit_code")
        .annotate(total=Sum("count"))
        .order_by("-total")
        .values_list("unit_code", flat=True)[:50]
    )
    contract = (
        Contract.objects.filter(
            data_origin="synthetic",
            municipality__code__in=list(busiest),
            bodies__kind=BodyKind.CORE,
        )
        .exclude(municipality__geometry="")
        .order_by("pk")
        .first()
    )
    if contract is None:
        raise SystemExit("no generated contract with incidents and a boundary")
    member = (
        Membership.objects.filter(organisation=contract.lead_organisation)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if member is None:
        raise SystemExit("the contract's lead organisation has no member")
    user = member.user
    last_year = dt.datetime.now(dt.UTC).year - 1
    started = time.perf_counter()
    run = analysis_services.analysis_run_create(
        actor=user,
        contract=contract,
        period_start=dt.date(last_year - 1, 1, 1),
        period_end=dt.date(last_year, 12, 31),
        categories=[],
        resolution=8,
    )
    analysis_services.analysis_run_execute(run_id=run.pk)
    run.refresh_from_db()
    run_seconds = time.perf_counter() - started
    if run.status != RunStatus.DONE:
        raise SystemExit(f"the analysis run failed: {run.message}")
    print(
        f"[{tag}] analysis run (aggregate, H3 8, two years, {len(run.results['cells'])} cells "
        f"shown): {run_seconds:.2f} s",
        flush=True,
    )

    client = Client()
    sign_in(client, user)
    pages = {
        "trivial": "/accessibility/",
        "analyses": f"/contracts/{contract.pk}/diagnosis/analyses/",
        # The diagnosis document (indicators beside municipality, region and country,
        # figures, problems), read like the analyses page from the kept aggregates.
        "document": f"/contracts/{contract.pk}/diagnosis/",
    }
    timings: dict[str, list[float]] = {name: [] for name in pages}
    for round_number in range(WARMUP + requests):
        for name, url in pages.items():
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            if round_number >= WARMUP:
                timings[name].append(elapsed)
    rows = []
    for name, values in timings.items():
        rows.append(
            {
                "page": name,
                "url": pages[name],
                "requests": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
            }
        )
    trivial = rows[0]["p95_ms"]
    analyses = rows[1]
    ratio = analyses["p95_ms"] / trivial if trivial else float("inf")
    ratios = {
        row["page"]: round(row["p95_ms"] / trivial, 2) if trivial else float("inf")
        for row in rows[1:]
    }
    met = all(
        row["p95_ms"] < TARGET_P95_MS and ratios[row["page"]] <= TARGET_RATIO for row in rows[1:]
    )
    incidents = IncidentCount.objects.filter(unit="municipality").aggregate(n=Sum("count"))["n"]
    print(f"[{tag}] diagnosis page ({incidents} incidents in the database):")
    print(f"  {'page':<10} {'p50 ms':>8} {'p95 ms':>8} {'x trivial':>10}")
    for row in rows:
        times = row["p95_ms"] / trivial if trivial else float("inf")
        print(f"  {row['page']:<10} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {times:>10.2f}")
    print(
        f"  target: p95 < {TARGET_P95_MS:.0f} ms and <= {TARGET_RATIO:.0f}x trivial: "
        f"{'met' if met else 'NOT met'}",
        flush=True,
    )
    return {
        "database": tag,
        "contract_id": contract.pk,
        "incidents": incidents,
        "analysis_run_s": round(run_seconds, 2),
        "pages": rows,
        "ratio": round(ratio, 2),
        "ratios": ratios,
        "target_met": met,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page (max 1000)")
    parser.add_argument("--fresh", action="store_true", help="build its own SQLite database")
    parser.add_argument("--tag", default="", help="the database's name in the results")
    args = parser.parse_args()
    if args.fresh:
        os.environ.update(fresh_environment())
    tag = args.tag or ("SQLite (fresh)" if args.fresh else os.environ.get("DATABASE_URL", "")[:10])
    record = measure(max(1, min(args.requests, 1000)), tag)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            previous = json.loads(RESULTS.read_text("utf-8"))
        except ValueError:
            previous = {}
    runs = [r for r in previous.get("databases", []) if r.get("database") != record["database"]]
    RESULTS.write_text(
        json.dumps(
            {
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": {"python": platform.python_version(), "cores": os.cpu_count()},
                "targets": {"p95_ms": TARGET_P95_MS, "ratio_to_trivial": TARGET_RATIO},
                "databases": [*runs, record],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0 if record["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
