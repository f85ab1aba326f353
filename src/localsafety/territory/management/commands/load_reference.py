"""``localsafety load-reference [--dir DIR]``: load the official territory (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from localsafety.core.errors import DomainError
from localsafety.territory.reference import load_reference


class Command(BaseCommand):
    help = (
        "Load country, NUTS II, districts, municipalities and parishes from the reference folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            dest="directory",
            default=None,
            help="Reference folder (default: settings.LOCALSAFETY_REFERENCE_DIR).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"] or settings.LOCALSAFETY_REFERENCE_DIR)
        try:
            result = load_reference(directory)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        counts = ", ".join(f"{kind}: {count}" for kind, count in result["counts"].items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference loaded from {directory} ({counts}); created {result['created']}, "
                f"updated {result['updated']}, unchanged {result['unchanged']}."
            )
        )
