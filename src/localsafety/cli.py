"""The ``localsafety`` command: Django's management commands with our settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localsafety.settings")
    from django.core.management import execute_from_command_line

    args = list(argv if argv is not None else sys.argv[1:])
    # Commands are spelt with hyphens on the command line (import-areas, load-demo) and
    # with underscores as Django modules.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["localsafety", *args])


if __name__ == "__main__":
    main()
