"""``localsafety import-statistics FILE [--indicator KIND] [--title T] [--series S]``.

Imports a published statistics table (DGPJ/INE style; see ``diagnosis.importing.statistics``).
On refusal it prints every problem (file, row, column, reason) and exits with status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localsafety.core.errors import ImportRefused
from localsafety.diagnosis.data_services import statistics_import
from localsafety.diagnosis.management.commands.import_incidents import print_problems
from localsafety.diagnosis.models import IndicatorKind


class Command(BaseCommand):
    help = "Import published statistics (crimes by category, population, socio-economic)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--indicator",
            default="",
            choices=["", *IndicatorKind.values],
            help="The indicator, when the file has no indicator column.",
        )
        parser.add_argument("--title", default="")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--series", default="", help="A newer import of a series replaces it.")
        parser.add_argument("--source-note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            dataset, _result = statistics_import(
                actor=None,
                source=path,
                name=path.name,
                title=options["title"] or path.stem,
                publisher=options["publisher"],
                series=options["series"],
                indicator=options["indicator"],
                source_note=options["source_note"],
            )
        except ImportRefused as exc:
            self.stderr.write(exc.message)
            print_problems(self, exc.problems, exc.total)
            raise CommandError(
                f"Refused: {exc.total} problem(s); nothing was stored.", returncode=1
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Statistics data set {dataset.pk}: {dataset.message}")
        )
