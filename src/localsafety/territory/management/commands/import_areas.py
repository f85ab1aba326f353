"""``localsafety import-areas FILE [--kind ...] [--contract ID] [--code-field X] [--name-field Y]``.

Runs the boundary import synchronously. On refusal it prints every problem (file, feature,
field, reason) and exits with status 1; nothing is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localsafety.core.errors import ImportRefused
from localsafety.territory.importer import IMPORTABLE_KINDS, import_areas
from localsafety.territory.models import Area


class Command(BaseCommand):
    help = (
        "Import municipality, parish or contract-zone boundaries "
        "(GeoPackage, zipped shapefile, GeoJSON)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--kind", default="municipality", choices=[str(kind) for kind in IMPORTABLE_KINDS]
        )
        parser.add_argument("--contract", type=int, default=None, help="Contract id (zones).")
        parser.add_argument("--code-field", default="", help="Attribute holding the code.")
        parser.add_argument("--name-field", default="", help="Attribute holding the name.")
        parser.add_argument("--layer", default="", help="Layer to read (default: all that fit).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        contract = None
        if options["contract"] is not None:
            # The model the zones' owner field points to: territory does not import contracts.
            contract_model = Area._meta.get_field("owner_contract").related_model
            assert contract_model is not None and not isinstance(contract_model, str)  # noqa: S101
            contract = contract_model._default_manager.filter(pk=options["contract"]).first()
            if contract is None:
                raise CommandError(f"No contract with id {options['contract']}")
        if options["kind"] == "zone" and contract is None:
            raise CommandError("Zones belong to a contract: pass --contract ID.")
        try:
            result = import_areas(
                path,
                kind=options["kind"],
                contract=contract,
                code_field=options["code_field"],
                name_field=options["name_field"],
                layer=options["layer"],
                progress=lambda percent, message: self.stdout.write(f"{percent:3d}% {message}"),
            )
        except ImportRefused as exc:
            self.stderr.write(exc.message)
            self.stderr.write("file\tfeature\tfield\treason")
            for problem in exc.problems:
                self.stderr.write(
                    "\t".join(
                        str(problem.get(key, "")) for key in ("file", "feature", "field", "reason")
                    )
                )
            if exc.total > len(exc.problems):
                self.stderr.write(f"... and {exc.total - len(exc.problems)} more")
            raise CommandError(
                f"Refused: {exc.total} problem(s); nothing was stored.", returncode=1
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.features} feature(s): {result.created} created, "
                f"{result.updated} updated."
            )
        )
