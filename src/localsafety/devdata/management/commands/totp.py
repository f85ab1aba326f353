"""Print the current two-factor code of a person's authenticator (for the demo)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from localsafety.organisations.models import User
from localsafety.organisations.two_factor import current_code


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of USERNAME's confirmed device."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{username!r} has no confirmed two-factor device.")
        self.stdout.write(current_code(device))
