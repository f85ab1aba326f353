from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from localsafety.devdata.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo: the real contracts of FACTS.md with synthetic people; prints logins."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {result.contracts} contracts."))
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write(f"\nDemo logins (password for all: {result.logins[0][2]})\n")
        width = max(len(label) for label, *_rest in result.logins)
        for label, username, _password, needs_code in result.logins:
            extra = f"  (2FA: localsafety totp {username})" if needs_code else ""
            self.stdout.write(f"  {label.ljust(width)}  {username}{extra}")
        self.stdout.write(
            "\nCitizens need no login: the public pages show published contracts.\n"
            "Police and national roles must enter a 6-digit code after the password; "
            "print it with `.venv/bin/localsafety totp USERNAME`.\n"
        )
