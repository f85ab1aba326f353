"""Make sure the PostgreSQL server for the test suite is reachable (start it if we can).

Used by ``make test``: on a machine where we are root and Debian's PostgreSQL is installed,
start the cluster and create the test role; otherwise only check and explain.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from urllib.parse import urlparse


def can_connect(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


def as_postgres(sql: str) -> None:
    subprocess.run(  # noqa: S603
        ["su", "postgres", "-c", f'psql -v ON_ERROR_STOP=1 -q -c "{sql}"'],  # noqa: S607
        check=False,
    )


def main() -> int:
    url = sys.argv[1]
    if can_connect(url):
        return 0
    if os.geteuid() == 0 and shutil.which("pg_ctlcluster"):
        clusters = subprocess.run(
            ["pg_lsclusters", "-h"],
            capture_output=True,
            text=True,
            check=False,  # noqa: S607
        ).stdout.split()
        if len(clusters) >= 2:
            subprocess.run(["pg_ctlcluster", clusters[0], clusters[1], "start"], check=False)  # noqa: S607
        parsed = urlparse(url)
        user, password = parsed.username or "localsafety", parsed.password or "localsafety"
        for _attempt in range(20):
            if subprocess.run(["pg_isready", "-q"], check=False).returncode == 0:  # noqa: S607
                break
            time.sleep(0.5)
        as_postgres(f"CREATE ROLE {user} LOGIN CREATEDB PASSWORD '{password}'")
        as_postgres(f"ALTER ROLE {user} CREATEDB PASSWORD '{password}'")
        as_postgres(f"CREATE DATABASE {parsed.path.lstrip('/') or user} OWNER {user}")
        if can_connect(url):
            return 0
    print(
        f"PostgreSQL is not reachable at {url}.\n"
        "Install and start it (Debian: apt-get install postgresql; pg_ctlcluster 15 main start),\n"
        "create a role with CREATEDB, or set PG_TEST_URL to a server you have.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
