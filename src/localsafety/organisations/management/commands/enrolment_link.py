"""Print a one-time two-factor enrolment link for a person whose role requires two-factor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from localsafety.core.errors import DomainError
from localsafety.organisations import services
from localsafety.organisations.models import User


class Command(BaseCommand):
    help = (
        "Print a one-time link with which USERNAME adds an authenticator app (police, "
        "national and administrator accounts enrol only this way). Give it to that person "
        "only: with their password it sets up their second factor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--base-url",
            default=settings.LOCALSAFETY_BASE_URL,
            help="The site's address (default: LOCALSAFETY_BASE_URL, %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            token = services.enrolment_link_create(actor=None, user=user)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(services.enrolment_link_url(token, base_url=options["base_url"]))
        hours = settings.LOCALSAFETY_ENROLMENT_LINK_HOURS
        self.stderr.write(f"It works once, for {username} only, within {hours} hours.")
