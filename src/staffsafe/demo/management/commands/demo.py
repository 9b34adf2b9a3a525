"""staffsafe demo: load made-up trusts, people and a year of incidents (idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from staffsafe.demo.seed import load_demo, sign_in_help


class Command(BaseCommand):
    help = "Load demo data (three made-up trusts, a persona for every role, a year of incidents)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--seed", type=int, default=2017)

    def handle(self, *args, seed: int, **options):  # type: ignore[no-untyped-def]
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is loaded only with STAFFSAFE_DEMO_MODE=true.")
        result = load_demo(seed=seed)
        self.stdout.write(f"Demo ready: {result['trusts']} trusts, "
                          f"{result['incidents_created']} incidents added this time.")
        for line in sign_in_help():
            self.stdout.write(line)
