"""``localsafety import-incidents FILE --source NAME [--organisation ID|NAME] [--user USERNAME]``.

Imports a police export at once with the source's remembered column and category mapping
(set on the import page the first time, or recognised from the headers). On refusal it prints
every problem (file, row, column, reason) and exits with status 1; nothing is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localsafety.core.errors import DomainError
from localsafety.diagnosis.data_services import incident_file_import
from localsafety.diagnosis.models import DatasetStatus, IncidentSource
from localsafety.organisations.models import POLICE_KINDS, Organisation, User


def print_problems(command: BaseCommand, problems: list[dict[str, str]], total: int) -> None:
    command.stderr.write("file\trow\tcolumn\treason")
    for problem in problems:
        command.stderr.write(
            "\t".join(str(problem.get(key, "")) for key in ("file", "row", "column", "reason"))
        )
    if total > len(problems):
        command.stderr.write(f"... and {total - len(problems)} more")


class Command(BaseCommand):
    help = "Import police incident records (CSV, XLSX, ODS) with a source's remembered mapping."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="The source's name (its mapping).")
        parser.add_argument(
            "--organisation",
            default="",
            help="Police organisation (id or short name); needed when the source is new or "
            "its name is used by several forces.",
        )
        parser.add_argument("--user", default="", help="Record this user as who imported.")

    def _organisation(self, options: dict[str, Any]) -> Organisation:
        police = Organisation.objects.filter(kind__in=POLICE_KINDS)
        given = options["organisation"]
        if given:
            found = (
                police.filter(pk=int(given))
                if given.isdigit()
                else police.filter(short_name=given) | police.filter(name=given)
            )
            organisation = found.first()
            if organisation is None:
                raise CommandError(f"No police organisation {given!r}.")
            return organisation
        owners = list(
            IncidentSource.objects.filter(name=options["source"]).values_list(
                "organisation_id", flat=True
            )
        )
        if len(owners) != 1:
            raise CommandError(
                "Pass --organisation: the source is new or its name is used by several forces."
            )
        return police.get(pk=owners[0])

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        organisation = self._organisation(options)
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}.")
        try:
            dataset = incident_file_import(
                path=path, organisation=organisation, source_name=options["source"], actor=actor
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if dataset.status != DatasetStatus.DONE:
            self.stderr.write(dataset.message)
            print_problems(self, dataset.problems, dataset.problems_total)
            raise CommandError(
                f"Refused: {dataset.problems_total} problem(s); nothing was stored.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS(f"Data set {dataset.pk}: {dataset.message}"))
