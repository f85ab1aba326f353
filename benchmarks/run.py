"""Page-speed benchmark at national scale, on SQLite and PostgreSQL (``make bench``).

For each database: create it afresh, migrate, time ``localsafety generate --scale national``,
start gunicorn on a free loopback port (production settings, two workers), then send a bounded
number of sequential requests to a trivial page (the baseline), the national overview and a
published contract's page, anonymously and signed in as the generated national user (password
and TOTP, the way a person signs in). Prints p50/p95 per page with the ratio of p95 to the
trivial page's p95, checks the targets (p95 < 150 ms and <= 4x the trivial page) and writes
``benchmarks/results/latest.json``.

Then the load run (``bench_load``; ``--no-load`` or ``BENCH_LOAD=0`` skips it): gunicorn again,
with the load run's worker model (sync, 2 x cores + 1), one client for 20 s to measure the
mean service time of the mix, then 20 and 50 concurrent users for 60 s each through locust
(``benchmarks/locustfile.py``: anonymous pages, signed-in tabs, API lists, one meeting recorded
per user per minute); after each run every acknowledged write is looked up in the database.
The target: 0 errors, 0 lost writes, throughput >= 70 % of cores / single-client mean. The CPU
the server actually used is printed beside it (CPU time of gunicorn's processes: a shared
machine gives it fewer cores than it has), with the server's CPU time per request.

After each database's pages, the diagnosis page benchmark (``benchmarks/diagnosis_page.py`` in
its own process, on the same generated database; ``--no-diagnosis`` or ``BENCH_DIAGNOSIS=0``
skips it): a contract's analyses page beside the trivial page (p95 < 300 ms, <= 4x).

Last, the hot-spot benchmark (``benchmarks/hotspots.py`` in its own process; ``--no-hotspots``
or ``BENCH_HOTSPOTS=0`` skips it): Getis-Ord Gi* on H3 cells, ours beside esda's.

Only the standard library and locust talk HTTP, and only to the 127.0.0.1 server started
here. PostgreSQL comes from ``PG_BENCH_URL`` (default below); when it cannot be reached the
PostgreSQL run is skipped with a note. ``--probe``, ``--load-plan`` and ``--verify-writes``
are internal modes: run with a database's environment, they print what the benchmark needs
from the ORM (a published contract and the bench user's TOTP key; sessions and tokens for the
load run; which acknowledged writes are stored) as JSON.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

REPO = Path(__file__).resolve().parent.parent
VAR = REPO / "var" / "bench"
RESULTS = REPO / "benchmarks" / "results" / "latest.json"
DEFAULT_PG_URL = "postgres://localsafety:localsafety@127.0.0.1:5432/localsafety_bench"
HOST = "127.0.0.1"
TARGET_P95_MS = 150.0
#: Issue 10's pages (the plan, the timetable of a 200-measure plan, the execution summary and
#: the national execution view) have their own p95 target; the ratio target is the same.
PAGE_TARGET_P95_MS = {"plan": 200.0, "gantt": 200.0, "execution": 200.0, "nat-exec": 200.0}
TARGET_RATIO = 4.0
WARMUP = 10
PAGE_DEADLINE_S = 90.0  # a page that is this slow in total is cut short and reported as such
REQUEST_TIMEOUT_S = 15.0
LOAD_TARGET_SHARE = 0.7  # of cores / single-client mean service time
# The load run's server (README, Benchmarks: why this model and count).
LOAD_WORKER_MODEL = "sync"
LOAD_THREADS = 4


def default_workers(model: str, cores: int) -> int:
    """sync: 2 x cores + 1 (gunicorn's rule: one worker can wait on I/O while the others
    compute); gthread: one process per core, its threads share the waiting."""
    return 2 * cores + 1 if model == "sync" else cores


def venv_bin(name: str) -> str:
    for folder in (REPO / ".venv" / "bin", Path(sys.executable).parent):
        candidate = folder / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found; run `make install` first.")
    return found


# --- HTTP over loopback, with a cookie jar ------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_ms: float


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, referer: str = ""
    ) -> Response:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
        headers = {"Host": HOST, "Accept": "text/html", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if referer:
            headers["Referer"] = referer
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
        finally:
            connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                jar: SimpleCookie = SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
        headers_out = {name.lower(): value for name, value in raw.getheaders()}
        return Response(raw.status, headers_out, content, elapsed)

    def get(self, path: str) -> Response:
        return self.request("GET", path)


def _local_path(location: str) -> str:
    parts = urlsplit(location)
    if parts.netloc and parts.hostname not in (HOST, "localhost"):
        raise RuntimeError(f"refusing to follow a redirect off this machine: {location}")
    return parts.path + (f"?{parts.query}" if parts.query else "")


INPUT_RE = re.compile(r"<input\b[^>]*>", re.IGNORECASE | re.DOTALL)
ATTR_RE = re.compile(r'([a-zA-Z_:-]+)\s*=\s*("([^"]*)"|\'([^\']*)\')')
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)
CODE_TYPES = ("text", "number", "tel", "password")


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(3) or m.group(4) or "" for m in ATTR_RE.finditer(tag)}


def _post_forms(html: str, page_path: str) -> list[tuple[str, list[dict[str, str]]]]:
    """Every POST form on the page: its action (a local path) and its named inputs."""
    forms = []
    for match in FORM_RE.finditer(html):
        form_attrs = _attrs(match.group(1))
        if form_attrs.get("method", "get").lower() != "post":
            continue
        action = _local_path(urljoin(page_path, form_attrs.get("action") or page_path))
        inputs = [
            attrs for attrs in map(_attrs, INPUT_RE.findall(match.group(2))) if attrs.get("name")
        ]
        forms.append((action, inputs))
    return forms


def _submit(
    browser: Browser, page_path: str, html: str, fields: dict[str, str], needs: str
) -> Response | str:
    """Fill in the POST form that has an input named ``needs`` (or, if ``needs`` is empty,
    the first code-like input) and post it; a string says why it could not."""
    for action, inputs in _post_forms(html, page_path):
        names = {item["name"] for item in inputs}
        form = {i["name"]: i.get("value", "") for i in inputs if i.get("type") == "hidden"}
        if needs and needs in names:
            form.update(fields)
        elif not needs:
            code = [i["name"] for i in inputs if i.get("type", "text").lower() in CODE_TYPES]
            if not code or "language" in names:
                continue
            form[code[0]] = fields["code"]
        else:
            continue
        return browser.request("POST", action, form, referer=f"http://{HOST}{page_path}")
    return f"{page_path} has no form for this step yet"


def sign_in(browser: Browser, username: str, password: str, totp_key: str) -> tuple[bool, str]:
    """Sign in through the real pages: password, then the TOTP step if the site asks."""
    page = browser.get("/accounts/login/")
    if page.status != 200:
        return False, f"/accounts/login/ answered {page.status}"
    html = page.body.decode("utf-8", "replace")
    result = _submit(
        browser, "/accounts/login/", html, {"username": username, "password": password}, "password"
    )
    if isinstance(result, str):
        return False, result
    if result.status not in (301, 302, 303):
        return False, f"login POST answered {result.status} (wrong password or form changed)"
    location = _local_path(urljoin("/accounts/login/", result.headers.get("location", "/")))
    landing = browser.get(location)
    hops = 0
    while landing.status in (301, 302, 303) and hops < 5:
        location = _local_path(urljoin(location, landing.headers.get("location", "/")))
        landing = browser.get(location)
        hops += 1
    if "two-factor" in location:
        from django_otp.oath import TOTP

        code = f"{TOTP(bytes.fromhex(totp_key)).token():06d}"
        html = landing.body.decode("utf-8", "replace")
        verified = _submit(browser, location, html, {"code": code}, "")
        if isinstance(verified, str):
            return False, verified
        if verified.status not in (301, 302, 303):
            return False, f"two-factor POST answered {verified.status} (code refused?)"
    check = browser.get("/")
    if check.status in (301, 302, 303):
        return False, f"still redirected to {check.headers.get('location')} after signing in"
    if check.status != 200:
        # The overview itself may be broken; the session is still valid for the other pages.
        return True, f"signed in, but the overview answered {check.status}"
    return True, "signed in with password and TOTP"


# --- measuring -----------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def measure(browser: Browser, path: str, count: int) -> dict[str, Any]:
    """Time ``count`` sequential requests; ``path`` may be a list of paths used in turn."""
    paths = path if isinstance(path, list) else [path]
    statuses: dict[int, int] = {}
    for _ in range(WARMUP):
        browser.get(paths[0])
    timings: list[float] = []
    started = time.monotonic()
    for number in range(count):
        response = browser.get(paths[number % len(paths)])
        timings.append(response.elapsed_ms)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if time.monotonic() - started > PAGE_DEADLINE_S:
            break
    return {
        "path": paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} variants)",
        "requests": len(timings),
        "p50_ms": round(percentile(timings, 0.5), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "cut_short": len(timings) < count,
    }


# --- databases and the server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def prepare_sqlite() -> tuple[str | None, str]:
    VAR.mkdir(parents=True, exist_ok=True)
    path = VAR / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}", f"fresh file {path.relative_to(REPO)}"


def reuse_sqlite() -> tuple[str | None, str]:
    path = VAR / "bench.sqlite3"
    if not path.exists():
        return None, f"--reuse, but {path.relative_to(REPO)} does not exist"
    return f"sqlite:///{path}", f"kept file {path.relative_to(REPO)}"


def prepare_postgres(url: str) -> tuple[str | None, str]:
    """Recreate the bench database; None with a reason when PostgreSQL cannot be reached."""
    try:
        import psycopg
        from psycopg import sql
        from psycopg.conninfo import conninfo_to_dict, make_conninfo
    except ImportError:
        return None, "psycopg is not installed"
    params = conninfo_to_dict(url)
    name = str(params.get("dbname") or "localsafety_bench")
    admin = make_conninfo(url, dbname="postgres", connect_timeout=3)

    def connect() -> Any:
        return psycopg.connect(admin, autocommit=True)

    try:
        conn = connect()
    except psycopg.OperationalError as first_error:
        helper = REPO / "scripts" / "ensure_postgres.py"
        if not helper.exists():
            return None, f"cannot connect: {str(first_error).strip().splitlines()[-1]}"
        # The test suite's helper starts a local cluster and creates the CREATEDB role.
        subprocess.run([sys.executable, str(helper), url], check=False, capture_output=True)
        try:
            conn = connect()
        except psycopg.OperationalError as exc:
            return None, f"cannot connect: {str(exc).strip().splitlines()[-1]}"
    with conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        version = conn.execute("SHOW server_version").fetchone()
    return url, f"fresh database {name} (PostgreSQL {version[0] if version else '?'})"


def run_step(
    label: str, command: list[str], env: dict[str, str], timeout: float = 600
) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{label} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return seconds, result.stdout


def gunicorn_quiet_flags() -> list[str]:
    """Newer gunicorn opens a control socket in $HOME; the benchmark needs none."""
    help_text = subprocess.run(
        [venv_bin("gunicorn"), "--help"], capture_output=True, text=True, check=False
    ).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


@dataclass(frozen=True)
class Workers:
    """A gunicorn worker model and count."""

    model: str = "sync"
    workers: int = 2
    threads: int = 1

    def flags(self) -> list[str]:
        flags = ["-w", str(self.workers), "-k", self.model]
        if self.model == "gthread":
            flags += ["--threads", str(self.threads)]
        return flags

    def describe(self) -> str:
        if self.model == "gthread":
            return f"gthread, {self.workers} workers x {self.threads} threads"
        return f"{self.model}, {self.workers} workers"


def start_server(
    env: dict[str, str], log_path: Path, workers: Workers = Workers()
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            venv_bin("gunicorn"),
            "localsafety.wsgi",
            "-b",
            f"{HOST}:{port}",
            *workers.flags(),
            "--timeout",
            "60",
            "--backlog",
            "256",
            *gunicorn_quiet_flags(),
        ],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {log_path}")
        try:
            # The master accepts connections before its workers have imported the project
            # (slow on a busy machine, or without compiled bytecode): wait for an answer.
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            connection.request("GET", "/healthz/", headers={"Host": HOST})
            connection.getresponse().read()
            connection.close()
            return process, port
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"gunicorn did not start within 40 s; see {log_path}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


FILTERED = [
    f"/?category={category}&stage={stage}"
    for category in ("municipality", "neighbourhood", "citizen")
    for stage in ("diagnosis", "plan", "implementation", "evaluation")
]


def bench_database(
    label: str,
    database_url: str,
    base_env: dict[str, str],
    count: int,
    notes: list[str],
    *,
    pages: bool = True,
    load: LoadOptions | None = None,
    reuse: bool = False,
    diagnosis: bool = True,
) -> dict[str, Any]:
    env = {**base_env, "DATABASE_URL": database_url}
    localsafety = venv_bin("localsafety")
    record: dict[str, Any] = {"database": label, "pages": []}
    if reuse:
        print(f"[{label}] reusing the data generated by an earlier run", flush=True)
    else:
        record["migrate_s"], _ = run_step("migrate", [localsafety, "migrate", "--noinput"], env)
        print(f"[{label}] migrated in {record['migrate_s']:.1f} s", flush=True)
        started = time.perf_counter()
        _, output = run_step(
            "generate",
            [localsafety, "generate", "--scale", "national", "--json"],
            env,
            # National scale with plans, 200,000 activities and ten years of incidents takes
            # 3-4 minutes on SQLite and longer on PostgreSQL on a loaded two-core machine.
            timeout=2400,
        )
        record["generate_s"] = round(time.perf_counter() - started, 2)
        summary = json.loads(output.strip().splitlines()[-1])
        record["generate"] = summary
        print(
            f"[{label}] localsafety generate --scale national: {record['generate_s']:.1f} s "
            f"(in-process {summary['seconds']} s; territory from {summary['territory_source']})",
            flush=True,
        )
    if pages:
        bench_pages(label, env, count, notes, record)
    if diagnosis:
        # Its own process, on the same database: the analyses page beside the trivial page.
        allowed = env.get("LOCALSAFETY_ALLOWED_HOSTS", "")
        diagnosis_env = {**env, "LOCALSAFETY_ALLOWED_HOSTS": f"{allowed},testserver"}
        result = subprocess.run(
            [
                sys.executable,
                str(REPO / "benchmarks" / "diagnosis_page.py"),
                "--requests",
                str(count),
                "--tag",
                label,
            ],
            env=diagnosis_env,
            cwd=REPO,
            check=False,
        )
        record["diagnosis_page_target_met"] = result.returncode == 0
        if result.returncode != 0:
            notes.append(f"{label}: the diagnosis page benchmark missed its target or failed")
    if load is not None:
        record["load"] = bench_load(label, env, load, notes)
    return record


def bench_pages(
    label: str, env: dict[str, str], count: int, notes: list[str], record: dict[str, Any]
) -> None:
    _, probe_out = run_step("probe", [sys.executable, str(Path(__file__)), "--probe"], env)
    probe = json.loads(probe_out.strip().splitlines()[-1])
    if probe.get("contract_id") is None:
        raise RuntimeError("no published contract was generated")

    process, port = start_server(env, VAR / f"gunicorn-{label.lower()}.log")
    try:
        anonymous = Browser(port)
        # The baseline is a trivial *page*: the accessibility statement goes through the same
        # middleware, session, language and base template as every page, with no data.
        # /healthz/ (plain text, no template) is printed beside it for reference.
        filtered = FILTERED
        pages: list[tuple[str, Any]] = [
            ("health", "/healthz/"),
            ("trivial", "/accessibility/"),
            ("overview", "/"),
            # 12 filter combinations in turn: the first request of each misses the cache.
            ("filtered", filtered),
            ("contract", f"/contracts/{probe['contract_id']}/"),
        ]
        sessions: list[tuple[str, Browser]] = [("anonymous", anonymous)]
        national = Browser(port)
        ok, why = sign_in(
            national, probe["username"], env["LOCALSAFETY_BENCH_PASSWORD"], probe["totp_key"]
        )
        print(f"[{label}] national user: {why}", flush=True)
        if ok:
            sessions.append(("national", national))
        else:
            notes.append(f"{label}: signed-in pages not measured ({why}).")
        # Issue 10's pages (plan, timetable, execution, national execution view), signed in:
        # the largest approved plan the generator made.
        plan_pages: list[tuple[str, Any]] = []
        if probe.get("plan_contract_id") is not None:
            plan_contract, plan_version = probe["plan_contract_id"], probe["plan_version_id"]
            plan_pages = [
                ("plan", f"/contracts/{plan_contract}/plan/"),
                ("gantt", f"/contracts/{plan_contract}/plan/versions/{plan_version}/timetable/"),
                ("execution", f"/contracts/{plan_contract}/activities/execution/"),
                ("nat-exec", "/activities/national/"),
            ]
            print(
                f"[{label}] plan pages: contract {plan_contract}, "
                f"{probe['plan_measures']} measures in its approved version",
                flush=True,
            )
        for who, browser in sessions:
            for page, path in pages + (plan_pages if who == "national" else []):
                result = measure(browser, path, count)
                result.update({"page": page, "user": who})
                record["pages"].append(result)
                print(
                    f"[{label}] {who:9} {page:8} {result['path']:24} "
                    f"p50 {result['p50_ms']:7.1f} ms  "
                    f"p95 {result['p95_ms']:7.1f} ms  {result['statuses']}",
                    flush=True,
                )
    finally:
        stop_server(process)
    for who in {row["user"] for row in record["pages"]}:
        rows = [row for row in record["pages"] if row["user"] == who]
        baseline = next(row["p95_ms"] for row in rows if row["page"] == "trivial")
        for row in rows:
            row["ratio"] = round(row["p95_ms"] / baseline, 2) if baseline else None
            row["pass"] = bool(
                row["p95_ms"] < PAGE_TARGET_P95_MS.get(row["page"], TARGET_P95_MS)
                and row["ratio"] is not None
                and row["ratio"] <= TARGET_RATIO
                and set(row["statuses"]) == {"200"}
            )


# --- load: many people at once ---------------------------------------------------------------


@dataclass(frozen=True)
class LoadOptions:
    users: tuple[int, ...] = (20, 50)
    seconds: int = 60
    calibration_seconds: int = 20
    workers: Workers = Workers()


def group_cpu_seconds(group: int) -> float:
    """CPU time (user + system) used so far by the live processes of a process group (the
    gunicorn master and its workers; Linux /proc, 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid pgrp session ... utime(12th) stime(13th).
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _locust(
    port: int,
    users: int,
    seconds: int,
    prefix: Path,
    plan_path: Path,
    acks_path: Path | None,
    env: dict[str, str],
    server_group: int,
) -> dict[str, Any]:
    """One bounded headless locust run; the aggregated row of its statistics."""
    locust_env = {
        **env,
        "LOCALSAFETY_LOAD_PLAN": str(plan_path),
        "LOCALSAFETY_LOAD_WRITES": "1" if acks_path else "0",
        "LOCALSAFETY_LOAD_ACKS": str(acks_path or ""),
    }
    command = [
        venv_bin("locust"),
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--host",
        f"http://{HOST}:{port}",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    load_before = os.getloadavg()[0]
    cpu_before = group_cpu_seconds(server_group)
    subprocess.run(
        command,
        env=locust_env,
        cwd=REPO,
        capture_output=True,
        timeout=seconds + 90,
        check=False,  # locust exits 1 when a request failed; the statistics say which
    )
    # How much of the machine the server actually got: on a shared machine fewer cores than
    # it has, which bounds the throughput whatever the worker model.
    server_cpu_s = group_cpu_seconds(server_group) - cpu_before
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests, rps = int(total["Request Count"]), float(total["Requests/s"])
    # Over locust's own measuring window (requests / rate), not its start-up and stop.
    server_cores = server_cpu_s * rps / requests if requests else 0.0
    failures: dict[str, int] = {}
    failures_path = Path(f"{prefix}_failures.csv")
    if failures_path.exists():
        with failures_path.open(encoding="utf-8") as failures_file:
            for row in csv.DictReader(failures_file):
                key = f"{row['Name']}: {row['Error']}"[:200]
                failures[key] = failures.get(key, 0) + int(row["Occurrences"])
    return {
        "users": users,
        "seconds": seconds,
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 2),
        "mean_ms": round(float(total["Average Response Time"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "by_kind": {
            row["Name"]: {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "mean_ms": round(float(row["Average Response Time"]), 1),
                "p95_ms": float(row["95%"]),
            }
            for row in rows
            if row["Name"] != "Aggregated"
        },
        "failures": failures,
        "server_cores_used": round(server_cores, 2),
        "server_cpu_ms_per_request": round(1000 * server_cpu_s / requests, 1) if requests else None,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
    }


def bench_load(
    label: str, env: dict[str, str], options: LoadOptions, notes: list[str]
) -> dict[str, Any]:
    """Single-client service time, then each user count for a bounded time; lost writes."""
    script = str(Path(__file__))
    people = max(options.users)
    _, plan_out = run_step("load plan", [sys.executable, script, "--load-plan", str(people)], env)
    plan = json.loads(plan_out.strip().splitlines()[-1])
    if len(plan["coordinators"]) < people or not plan["published"]:
        raise RuntimeError(
            f"the generated data has {len(plan['coordinators'])} coordinators of distinct "
            f"contracts and {len(plan['published'])} published contracts; {people} needed"
        )
    started_at = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}"
    folder = VAR / f"load-{label.lower()}"
    folder.mkdir(parents=True, exist_ok=True)
    plan_path = folder / "plan.json"
    cores = os.cpu_count() or 1
    result: dict[str, Any] = {"server": options.workers.describe(), "cores": cores, "runs": []}
    process, port = start_server(
        env, VAR / f"gunicorn-load-{label.lower()}.log", workers=options.workers
    )
    try:
        person = plan["coordinators"][0]
        check = Browser(port, cookies={plan["session_cookie"]: person["session"]})
        answer = check.get(f"/contracts/{person['contract_id']}/meetings/")
        if answer.status != 200:
            raise RuntimeError(f"a prepared session cannot read its contract ({answer.status})")
        for path in ["/", f"/contracts/{plan['published'][0]}/", *FILTERED]:
            Browser(port).get(path)  # warm the workers and the fragment cache once
        plan.update({"filtered": FILTERED, "run": f"load-{started_at}-single"})
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        single = _locust(
            port,
            1,
            options.calibration_seconds,
            folder / "single",
            plan_path,
            None,
            env,
            process.pid,
        )
        service_s = single["mean_ms"] / 1000
        result["single_client"] = single
        result["single_client_mean_ms"] = single["mean_ms"]
        capacity = round(cores / service_s, 2) if service_s else 0.0
        result["capacity_rps"] = capacity
        print(
            f"[{label}] load: {options.workers.describe()}; single client "
            f"mean {single['mean_ms']:.1f} ms over {single['requests']} requests "
            f"({single['server_cpu_ms_per_request']} ms of server CPU each) -> "
            f"{cores} cores allow {capacity} requests/s",
            flush=True,
        )
        for users in options.users:
            run_tag = f"load-{started_at}-{users}"
            plan["run"] = run_tag
            plan_path.write_text(json.dumps(plan), encoding="utf-8")
            acks = folder / f"acks-{users}.json"
            acks.unlink(missing_ok=True)
            run = _locust(
                port,
                users,
                options.seconds,
                folder / f"users-{users}",
                plan_path,
                acks,
                env,
                process.pid,
            )
            _, verify_out = run_step(
                "verify writes",
                [sys.executable, script, "--verify-writes", str(acks), "--run-tag", run_tag],
                env,
            )
            run["writes"] = json.loads(verify_out.strip().splitlines()[-1])
            run["share_of_capacity"] = round(run["rps"] / capacity, 2) if capacity else None
            run["pass"] = bool(
                run["errors"] == 0
                and run["writes"]["lost"] == 0
                and run["writes"]["acknowledged"] > 0
                and capacity
                and run["rps"] >= LOAD_TARGET_SHARE * capacity
            )
            result["runs"].append(run)
            print(
                f"[{label}] load: {users} users {options.seconds} s: {run['rps']} req/s "
                f"({run['share_of_capacity']} of capacity), p50 {run['p50_ms']:.0f} ms "
                f"p95 {run['p95_ms']:.0f} ms p99 {run['p99_ms']:.0f} ms, errors {run['errors']}, "
                f"writes {run['writes']['acknowledged']} acknowledged / {run['writes']['lost']} "
                f"lost; the server used {run['server_cores_used']} cores, "
                f"{run['server_cpu_ms_per_request']} ms of CPU per request "
                f"(single client: {single['server_cpu_ms_per_request']}); "
                f"load average {run['load_average_before']} -> "
                f"{run['load_average_after']}  {'PASS' if run['pass'] else 'FAIL'}",
                flush=True,
            )
            if run["failures"]:
                notes.append(f"{label}, {users} users: failures {run['failures']}")
    finally:
        stop_server(process)
    return result


def print_table(records: list[dict[str, Any]]) -> None:
    header = (
        f"{'database':10} {'user':9} {'page':8} {'path':24} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'x trivial':>9}  target (p95<{TARGET_P95_MS:.0f} ms; plan pages <200 ms; "
        f"<={TARGET_RATIO:.0f}x)"
    )
    print()
    print(header)
    print("-" * len(header))
    for record in records:
        for row in record["pages"]:
            statuses = "" if set(row["statuses"]) == {"200"} else f"  statuses {row['statuses']}"
            print(
                f"{record['database']:10} {row['user']:9} {row['page']:8} {row['path']:24} "
                f"{row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['ratio']:9.2f}  "
                f"{'PASS' if row['pass'] else 'FAIL'}{statuses}"
            )


def print_load_table(records: list[dict[str, Any]]) -> None:
    header = (
        f"{'database':10} {'users':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'lost':>4} {'1-client ms':>11} {'capacity':>8} {'share':>5} "
        f"{'cores used':>10}  "
        f"target (0 errors, 0 lost, >= {LOAD_TARGET_SHARE:.0%} of capacity)"
    )
    print()
    print(header)
    print("-" * len(header))
    for record in records:
        load = record.get("load")
        if not load:
            continue
        for run in load["runs"]:
            print(
                f"{record['database']:10} {run['users']:5d} {run['rps']:7.1f} "
                f"{run['p50_ms']:7.0f} {run['p95_ms']:7.0f} {run['p99_ms']:7.0f} "
                f"{run['errors']:6d} {run['writes']['lost']:4d} "
                f"{load['single_client_mean_ms']:11.1f} {load['capacity_rps']:8.1f} "
                f"{run['share_of_capacity'] or 0:5.2f} {run['server_cores_used']:10.2f}  "
                f"{'PASS' if run['pass'] else 'FAIL'}"
            )
        print(f"{'':10} server: {load['server']}; cores: {load['cores']}")


def probe() -> None:
    """Run inside a database's environment: what the benchmark needs from the ORM."""
    _setup_django()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from localsafety.contracts.models import Contract
    from localsafety.devdata.generator import BENCH_USERNAME

    contract = (
        Contract.objects.filter(is_published=True, data_origin="synthetic").order_by("pk").first()
    )
    device = TOTPDevice.objects.filter(user__username=BENCH_USERNAME, confirmed=True).first()
    from django.db.models import Count

    from localsafety.plans.models import PlanVersion

    largest = (
        PlanVersion.objects.filter(status__in=["approved", "endorsed"])
        .annotate(measure_count=Count("measures"))
        .order_by("-measure_count", "pk")
        .first()
    )
    print(
        json.dumps(
            {
                "plan_contract_id": largest.contract_id if largest else None,
                "plan_version_id": largest.pk if largest else None,
                "plan_measures": getattr(largest, "measure_count", 0),
                "contract_id": contract.pk if contract else None,
                "username": BENCH_USERNAME,
                "totp_key": device.key if device else "",
            }
        )
    )


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localsafety.settings")
    import django

    django.setup()


def load_plan(people: int) -> None:
    """Run inside a database's environment: ``people`` coordinators of distinct contracts,
    each with a fresh session and API token, and the published contracts to browse, as JSON.

    Sessions are created directly (as ``django.contrib.auth.login`` would store them) so that
    the load run does not spend its first seconds hashing passwords; the generated coordinators
    have no usable password anyway.
    """
    _setup_django()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )
    from rest_framework.authtoken.models import Token

    from localsafety.contracts.models import Contract, GovernanceBody
    from localsafety.devdata.generator.base import GENERATED_USER_PREFIX
    from localsafety.organisations.models import Membership, MembershipRole

    store = import_module(settings.SESSION_ENGINE).SessionStore
    # The backend a password sign-in records (axes' backend only guards, it loads no users).
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    chosen: list[dict[str, Any]] = []
    seen: set[int] = set()
    contracts = Contract.objects.filter(data_origin="synthetic").order_by("pk")
    for contract in contracts.iterator():
        if len(chosen) >= people:
            break
        manager = (
            Membership.objects.filter(
                organisation_id=contract.lead_organisation_id,
                role=MembershipRole.MANAGER,
                user__is_active=True,
                user__username__startswith=GENERATED_USER_PREFIX,
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        body = GovernanceBody.objects.filter(contract=contract).order_by("pk").first()
        if manager is None or body is None or manager.user_id in seen:
            continue
        seen.add(manager.user_id)
        user = manager.user
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        token, _ = Token.objects.get_or_create(user=user)
        chosen.append(
            {
                "username": user.username,
                "contract_id": contract.pk,
                "body_id": body.pk,
                "session": session.session_key,
                "token": token.key,
            }
        )
    published = list(
        Contract.objects.filter(is_published=True, data_origin="synthetic")
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
    print(
        json.dumps(
            {
                "coordinators": chosen,
                "published": published,
                "session_cookie": settings.SESSION_COOKIE_NAME,
            }
        )
    )


def verify_writes(acks_path: str, run_tag: str) -> None:
    """Run inside a database's environment: which acknowledged meetings are stored."""
    _setup_django()
    from localsafety.contracts.models import Meeting

    acknowledged = json.loads(Path(acks_path).read_text(encoding="utf-8"))
    stored = set(
        Meeting.objects.filter(pk__in=[ack["id"] for ack in acknowledged]).values_list(
            "pk", "agenda"
        )
    )
    lost = [ack for ack in acknowledged if (ack["id"], ack["agenda"]) not in stored]
    in_database = Meeting.objects.filter(agenda__startswith=f"{run_tag} ").count()
    print(
        json.dumps(
            {"acknowledged": len(acknowledged), "lost": len(lost), "in_database": in_database}
        )
    )


def bench_password(*, reuse: bool) -> str:
    """The generated national user's password: new for each generation, kept (git-ignored,
    owner-only) beside the databases so that ``--reuse`` can sign in again."""
    path = VAR / "bench-password"
    if reuse and path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(16)
    VAR.mkdir(parents=True, exist_ok=True)
    path.write_text(password, encoding="utf-8")
    path.chmod(0o600)
    return password


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page (max 1000)")
    parser.add_argument(
        "--databases", default="sqlite,postgres", help="comma-separated: sqlite, postgres"
    )
    parser.add_argument(
        "--load",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("BENCH_LOAD", "1") != "0",
        help="the load run (default on; BENCH_LOAD=0 or --no-load skips it)",
    )
    parser.add_argument(
        "--pages",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("BENCH_PAGES", "1") != "0",
        help="the sequential page timings (default on; BENCH_PAGES=0 or --no-pages skips them)",
    )
    parser.add_argument(
        "--diagnosis",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("BENCH_DIAGNOSIS", "1") != "0",
        help="the diagnosis page benchmark, benchmarks/diagnosis_page.py (default on; "
        "BENCH_DIAGNOSIS=0 or --no-diagnosis skips it)",
    )
    parser.add_argument(
        "--hotspots",
        action=argparse.BooleanOptionalAction,
        default=os.environ.get("BENCH_HOTSPOTS", "1") != "0",
        help="the hot-spot benchmark, benchmarks/hotspots.py (default on; BENCH_HOTSPOTS=0 "
        "or --no-hotspots skips it)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the databases of the previous run instead of generating them again",
    )
    parser.add_argument(
        "--users", default="20,50", help="concurrent users of the load runs (each at most 100)"
    )
    parser.add_argument(
        "--seconds", type=int, default=60, help="length of each load run (at most 300)"
    )
    parser.add_argument("--worker-model", choices=("sync", "gthread"), default=LOAD_WORKER_MODEL)
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: the chosen model's)"
    )
    parser.add_argument("--threads", type=int, default=LOAD_THREADS, help="threads (gthread)")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load-plan", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--verify-writes", default="", help=argparse.SUPPRESS)
    parser.add_argument("--run-tag", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe()
        return 0
    if args.load_plan:
        load_plan(args.load_plan)
        return 0
    if args.verify_writes:
        verify_writes(args.verify_writes, args.run_tag)
        return 0
    load = None
    if args.load:
        cores = os.cpu_count() or 1
        workers = args.workers or default_workers(args.worker_model, cores)
        load = LoadOptions(
            users=tuple(max(1, min(int(n), 100)) for n in args.users.split(",") if n.strip()),
            seconds=max(5, min(args.seconds, 300)),
            workers=Workers(args.worker_model, max(1, min(workers, 64)), max(1, args.threads)),
        )
    count = max(1, min(args.requests, 1000))
    VAR.mkdir(parents=True, exist_ok=True)
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "localsafety.settings",
        "LOCALSAFETY_DEBUG": "0",
        "LOCALSAFETY_SECRET_KEY": secrets.token_urlsafe(48),
        "LOCALSAFETY_SSL_REDIRECT": "0",
        "LOCALSAFETY_SECURE_COOKIES": "0",
        "LOCALSAFETY_HSTS_SECONDS": "0",
        "LOCALSAFETY_ALLOWED_HOSTS": f"{HOST},localhost",
        "LOCALSAFETY_VAR_DIR": str(VAR),
        "LOCALSAFETY_LOG_LEVEL": "WARNING",
        "LOCALSAFETY_BENCH_PASSWORD": bench_password(reuse=args.reuse),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    base_env.pop("DATABASE_URL", None)
    if args.reuse and (VAR / "static" / "staticfiles.json").exists():
        print(f"static files kept in {VAR.relative_to(REPO)}/static", flush=True)
    else:
        seconds, _ = run_step(
            "collectstatic", [venv_bin("localsafety"), "collectstatic", "--noinput"], base_env
        )
        print(f"collectstatic into {VAR.relative_to(REPO)}/static: {seconds:.1f} s", flush=True)

    notes: list[str] = []
    records: list[dict[str, Any]] = []
    wanted = [name.strip().lower() for name in args.databases.split(",") if name.strip()]
    for name in wanted:
        if name == "sqlite":
            url, how = prepare_sqlite() if not args.reuse else reuse_sqlite()
            label = "SQLite"
        elif name == "postgres":
            pg_url = os.environ.get("PG_BENCH_URL") or DEFAULT_PG_URL
            url, how = prepare_postgres(pg_url) if not args.reuse else (pg_url, "kept")
            label = "PostgreSQL"
        else:
            raise SystemExit(f"unknown database {name!r} (sqlite or postgres)")
        if url is None:
            notes.append(f"{label} skipped: {how}.")
            print(f"[{label}] skipped: {how}", flush=True)
            continue
        print(f"[{label}] {how}", flush=True)
        records.append(
            bench_database(
                label,
                url,
                base_env,
                count,
                notes,
                pages=args.pages,
                load=load,
                reuse=args.reuse,
                diagnosis=args.diagnosis,
            )
        )

    if args.pages:
        print_table(records)
    if load is not None:
        print_load_table(records)
    for note in notes:
        print(f"note: {note}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": {
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                },
                "requests_per_page": count,
                "targets": {
                    "p95_ms": TARGET_P95_MS,
                    "p95_ms_by_page": PAGE_TARGET_P95_MS,
                    "ratio_to_trivial": TARGET_RATIO,
                    "load_share_of_capacity": LOAD_TARGET_SHARE,
                },
                "databases": records,
                "notes": notes,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"results: {RESULTS.relative_to(REPO)}")
    if args.hotspots:
        # Its own process: no Django, and its memory (5 M incidents) is returned at exit.
        print(flush=True)
        hotspots = subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "hotspots.py")], cwd=REPO, check=False
        )
        if hotspots.returncode != 0:
            print(f"note: the hot-spot benchmark failed ({hotspots.returncode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
