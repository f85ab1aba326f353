"""``localsafety generate --scale national|small``: synthetic data for benchmarks and demos."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localsafety.devdata.generator import (
    BENCH_PASSWORD_ENV,
    SCALES,
    GenerationError,
    generate,
)


class Command(BaseCommand):
    help = (
        "Generate synthetic data (data_origin=synthetic): every municipality and parish, "
        "contracts with their bodies, stages and decisions, organisations and people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete previously generated data first (real and entered data are kept).",
        )
        parser.add_argument(
            "--bench-password",
            default=None,
            help=f"Password of the bench_national user (default: ${BENCH_PASSWORD_ENV}, "
            "else a random one that is printed).",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the summary as one JSON line at the end."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = SCALES[options["scale"]]
        verbose = options["verbosity"] >= 1 and not options["json"]

        def log(message: str) -> None:
            if verbose:
                self.stdout.write(message)

        try:
            summary = generate(
                scale=scale,
                seed=options["seed"],
                replace=options["replace"],
                bench_password=options["bench_password"],
                log=log,
            )
        except GenerationError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            payload = {
                "scale": summary.scale,
                "seed": summary.seed,
                "seconds": round(summary.seconds, 2),
                "territory_source": summary.territory_source,
                "counts": summary.counts,
                "bench_username": summary.bench_username,
            }
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated the {summary.scale} scale (seed {summary.seed}) "
                f"in {summary.seconds:.1f} s."
            )
        )
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name}: {count}")
        if summary.bench_password_generated:
            self.stdout.write(
                f"Benchmark user {summary.bench_username} (Interministerial Commission, TOTP "
                f"device confirmed) has the password: {summary.bench_password}"
            )
        else:
            self.stdout.write(
                f"Benchmark user {summary.bench_username}: password as given "
                f"(--bench-password or ${BENCH_PASSWORD_ENV})."
            )
