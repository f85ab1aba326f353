"""Benchmark: import a generated million-row messy police export (issue 9, "Performance").

    python benchmarks/incident_import.py            # 1,000,000 rows on SQLite
    BENCH_INCIDENT_ROWS=100000 python benchmarks/incident_import.py
    python benchmarks/incident_import.py --database-url postgres://…/localsafety_bench

The file is what real exports look like: ``;`` separators, decimal commas, ``dd/mm/yyyy hh:mm``
dates, Latin-1 with accented descriptions, Portuguese headers, PT-TM06 metres for a tenth of the
rows, blank trailing rows. It is generated first (not timed); then a fresh process, on a fresh
database with the 308 municipal boundaries loaded, measures:

- **end to end**: ``diagnosis.data_services.incident_file_import`` — read and decode, validate
  every row, reproject, find each record's municipality (point in polygon), H3 cells at 7/8/9,
  store in one transaction, add the aggregates;
- **raw limit** (the yardstick, same run, same file, same table): parse the file with pyarrow
  (``pyarrow.csv.read_csv``) plus the fastest plain load of the already-clean rows: one
  ``executemany`` on SQLite (rolled back), one ``COPY ... FROM STDIN`` of the rows' text
  formatted beforehand, committed, on PostgreSQL (the import's own COPY formats its rows
  inside the timing, and its commit writes the rows' WAL: the yardstick's does too);
- **peak memory** of the measuring process (``ru_maxrss``).

Targets: at least 50,000 rows/s end to end on SQLite, at least half the raw limit's rows/s,
peak memory under 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

TARGET_ROWS_PER_S = 50_000
TARGET_SHARE_OF_RAW = 0.5
TARGET_PEAK_BYTES = 1_500_000_000
SOURCE_NAME = "PSP export (benchmark)"
CATEGORY_CODES = {
    "FURTO VEIC": "vehicle-theft",
    "ROUBO VP": "street-robbery",
    "VIOL DOM": "domestic-violence",
    "OFENSA INT FIS": "assault",
    "FURTO RESID": "burglary",
    "DANO": "criminal-damage",
    "COND ALCOOL": "drink-driving",
    "TRAFICO": "drug-trafficking",
}
DESCRIPTIONS = ["Furto em residência", "Agressão na via pública", "Dano em viatura", "Ocorrência"]


def reference_dir() -> Path:
    return Path(os.environ.get("LOCALSAFETY_REFERENCE_DIR") or REPO.parent / "shared/domain/data")


def generate(path: Path, rows: int, seed: int = 20260901) -> None:
    """Write the messy CSV (vectorised; a million rows in a few seconds)."""
    import numpy as np
    import pandas as pd
    from pyproj import Transformer

    rng = np.random.default_rng(seed)
    centroids = pd.read_csv(reference_dir() / "pt_municipalities.csv", dtype=str)
    lon_column, lat_column = "centroid_lon", "centroid_lat"
    mainland = centroids[centroids[lon_column].astype(float) > -9.6]
    lons = mainland[lon_column].astype(float).to_numpy()
    lats = mainland[lat_column].astype(float).to_numpy()
    weights = rng.pareto(1.2, len(lons)) + 0.05
    chosen = rng.choice(len(lons), size=rows, p=weights / weights.sum())
    lon = lons[chosen] + rng.normal(0, 0.01, rows)
    lat = lats[chosen] + rng.normal(0, 0.01, rows)
    seconds = rng.integers(0, 5 * 365 * 86400, rows)
    moments = np.datetime64("2020-01-01T00:00:00") + seconds.astype("timedelta64[s]")
    frame = pd.DataFrame(
        {
            "NUIPC": [f"PSP{n:09d}" for n in range(rows)],
            "Data da Ocorrência": pd.DatetimeIndex(moments).strftime("%d/%m/%Y %H:%M"),
            "Tipo de Crime": rng.choice(list(CATEGORY_CODES), size=rows),
            "Descrição": rng.choice(DESCRIPTIONS, size=rows),
        }
    )
    metres = rng.random(rows) < 0.1
    x = np.round(lon, 6).astype(str).astype(object)
    y = np.round(lat, 6).astype(str).astype(object)
    tx, ty = Transformer.from_crs("EPSG:4326", "EPSG:3763", always_xy=True).transform(
        lon[metres], lat[metres]
    )
    x[metres] = np.round(tx, 2).astype(str)
    y[metres] = np.round(ty, 2).astype(str)
    frame["X"] = pd.Series(x).str.replace(".", ",", regex=False)
    frame["Y"] = pd.Series(y).str.replace(".", ",", regex=False)
    with path.open("w", encoding="latin-1", newline="") as stream:
        frame.to_csv(stream, sep=";", index=False)
        stream.write(";;;;;\n;;;;;\n")


def _setup(database_url: str | None, var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "localsafety.settings"
    os.environ["LOCALSAFETY_DEBUG"] = "1"
    os.environ["LOCALSAFETY_VAR_DIR"] = str(var_dir)
    os.environ["LOCALSAFETY_LOG_LEVEL"] = "WARNING"
    os.environ["LOCALSAFETY_MAX_TABLE_FILE_BYTES"] = str(2_000_000_000)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _force_and_source() -> tuple[object, object]:
    from localsafety.diagnosis.models import IncidentSource
    from localsafety.organisations.models import Organisation
    from localsafety.territory import reference

    reference.load_reference(reference_dir())
    force, _ = Organisation.objects.get_or_create(name="PSP (benchmark)", kind="psp")
    source, _ = IncidentSource.objects.update_or_create(
        organisation=force,
        name=SOURCE_NAME,
        defaults={
            "category_codes": CATEGORY_CODES,
            "columns": {"record_id": "NUIPC", "category": "Tipo de Crime", "x": "X", "y": "Y"},
        },
    )
    return force, source


def measure_raw(path: Path, database_url: str | None, var_dir: Path) -> dict[str, object]:
    """The yardstick, in its own process: pyarrow parses the file; the already-clean rows
    (prepared beforehand, not timed) go into the empty table with one executemany (SQLite)
    or one COPY (PostgreSQL)."""
    _setup(database_url, var_dir)
    import pyarrow.csv as pacsv
    from django.db import connection, transaction

    from localsafety.core.tabular import read_table
    from localsafety.diagnosis.importing import incidents
    from localsafety.diagnosis.models import Incident, IncidentDataset, IncidentSource

    force, source = _force_and_source()
    Incident.objects.all().delete()
    clean_source = IncidentSource.objects.create(organisation=force, name="raw limit")
    clean_dataset = IncidentDataset.objects.create(
        organisation=force, source=clean_source, original_name=path.name
    )
    prepared = incidents.prepare(read_table(path), source)
    keep = prepared["record_id"] == prepared["record_id"]
    postgresql = connection.vendor == "postgresql"
    clean_rows: list[Any] = []
    if postgresql:  # the COPY text of every row, formatted beforehand (not timed)
        clean_rows = [
            bytes(block) for _count, block in incidents.copy_blocks(prepared, keep, clean_dataset)
        ]
        row_count = int(keep.sum())
    else:
        clean_rows = [row for batch in incidents.incident_rows(prepared, keep) for row in batch]
        row_count = len(clean_rows)
    del prepared
    started = time.perf_counter()
    pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="latin-1"),
        parse_options=pacsv.ParseOptions(delimiter=";"),
    )
    parse_seconds = time.perf_counter() - started
    if postgresql:
        # The fastest plain load: one COPY of every row, committed (PostgreSQL writes the
        # rows' WAL at commit, which the import pays too); then the rows are deleted.
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(incidents.copy_sql()) as copy:
                for block in clean_rows:
                    copy.write(block)
        insert_seconds = time.perf_counter() - started
        Incident.objects.filter(dataset=clean_dataset).delete()
    else:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")  # as the import sets it
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.executemany(incidents.insert_sql(clean_dataset), clean_rows)
            insert_seconds = time.perf_counter() - started
            transaction.set_rollback(True)
    IncidentDataset.objects.filter(pk=clean_dataset.pk).delete()
    clean_source.delete()
    return {
        "rows": row_count,
        "raw_load": "COPY" if postgresql else "executemany",
        "raw_parse_seconds": round(parse_seconds, 2),
        "raw_insert_seconds": round(insert_seconds, 2),
    }


def measure_import(path: Path, database_url: str | None, var_dir: Path) -> dict[str, object]:
    """End to end, in a fresh process (its peak memory is the import's)."""
    _setup(database_url, var_dir)
    from django.db import connection

    from localsafety.diagnosis import data_services
    from localsafety.diagnosis.models import Incident, IncidentCount

    force, _source = _force_and_source()
    Incident.objects.all().delete()
    IncidentCount.objects.all().delete()
    started = time.perf_counter()
    dataset = data_services.incident_file_import(
        path=path,
        organisation=force,  # type: ignore[arg-type]
        source_name=SOURCE_NAME,
    )
    import_seconds = time.perf_counter() - started
    assert dataset.status == "done", (dataset.message, dataset.problems[:5])
    return {
        "database": connection.vendor,
        "created": dataset.created_count,
        "counts": IncidentCount.objects.count(),
        "import_seconds": round(import_seconds, 2),
        "peak_memory_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def combine(raw: dict[str, Any], run: dict[str, Any], path: Path) -> dict[str, Any]:
    rows = int(raw["rows"])
    assert run["created"] == rows, (run["created"], rows)
    raw_seconds = float(raw["raw_parse_seconds"]) + float(raw["raw_insert_seconds"])
    import_seconds = float(run["import_seconds"])
    return {
        **raw,
        **run,
        "file_bytes": path.stat().st_size,
        "import_rows_per_s": round(rows / import_seconds),
        "raw_rows_per_s": round(rows / raw_seconds),
        "share_of_raw": round(raw_seconds / import_seconds, 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def report(result: dict[str, Any]) -> bool:
    rows_per_s = int(result["import_rows_per_s"])
    share = float(result["share_of_raw"])
    peak = int(result["peak_memory_bytes"])
    raw = (
        f"raw limit {int(result['raw_rows_per_s']):,} rows/s (parse "
        f"{result['raw_parse_seconds']} s + {result.get('raw_load', 'executemany')} "
        f"{result['raw_insert_seconds']} s)"
    )
    checks = [
        (
            f"end to end {rows_per_s:,} rows/s",
            f">= {TARGET_ROWS_PER_S:,}",
            rows_per_s >= TARGET_ROWS_PER_S or result["database"] != "sqlite",
        ),
        (raw, "", True),
        (f"share of the raw limit {share:.2f}", f">= {TARGET_SHARE_OF_RAW}", share >= 0.5),
        (f"peak memory {peak / 1e9:.2f} GB", "< 1.5 GB", peak < TARGET_PEAK_BYTES),
    ]
    print(
        f"incident import, {result['database']}: {int(result['rows']):,} rows "
        f"({int(result['file_bytes']) / 1e6:.0f} MB) in {result['import_seconds']} s; "
        f"{result['counts']:,} aggregate rows; load average {result['load_average']}"
    )
    for figure, target, ok in checks:
        print(f"  {figure:<70} {target:<12} {'pass' if ok else 'FAIL'}")
    return all(ok for _f, _t, ok in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=int(os.environ.get("BENCH_INCIDENT_ROWS", "1000000"))
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_INCIDENT_DATABASE_URL", ""))
    parser.add_argument("--measure", default="", help=argparse.SUPPRESS)
    parser.add_argument("--file", default="", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        step = measure_raw if args.measure == "raw" else measure_import
        result = step(Path(args.file), args.database_url or None, Path(args.var_dir))
        print("RESULT " + json.dumps(result))
        return 0
    rows = max(1000, min(args.rows, 5_000_000))
    with tempfile.TemporaryDirectory(prefix="localsafety-bench-incidents-") as folder:
        path = Path(folder) / "psp_export.csv"
        started = time.perf_counter()
        generate(path, rows)
        print(
            f"generated {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        steps = {}
        for step in ("raw", "import"):
            command = [sys.executable, __file__, "--measure", step, "--file", str(path)]
            command += ["--var-dir", folder]
            if args.database_url:
                command += ["--database-url", args.database_url]
            environment = {**os.environ, "PYTHONPATH": str(REPO / "src")}
            finished = subprocess.run(  # noqa: S603 - our own script
                command, capture_output=True, text=True, env=environment, check=False
            )
            lines = [line for line in finished.stdout.splitlines() if line.startswith("RESULT ")]
            if finished.returncode or not lines:
                print(finished.stdout[-3000:], finished.stderr[-3000:])
                return 1
            steps[step] = json.loads(lines[-1][len("RESULT ") :])
        result = combine(steps["raw"], steps["import"], path)
    ok = report(result)
    results = REPO / "benchmarks" / "results" / "incident_import.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
