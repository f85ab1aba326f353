"""Serve the demo: a task worker in the background and the web server on 127.0.0.1:8000."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def main() -> int:
    env = {**os.environ, "LOCALSAFETY_DEBUG": os.environ.get("LOCALSAFETY_DEBUG", "1")}
    worker = subprocess.Popen([str(BIN / "localsafety"), "db_worker"], env=env)  # noqa: S603
    print(f"Task worker started (pid {worker.pid}).", flush=True)
    print("Serving LocalSafety at http://127.0.0.1:8000 — press Ctrl+C to stop.", flush=True)
    try:
        return subprocess.call(  # noqa: S603
            [str(BIN / "localsafety"), "runserver", "127.0.0.1:8000", "--noreload"], env=env
        )
    except KeyboardInterrupt:
        return 0
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
