"""staffsafe export-standard DIR: write the national data standard's published files."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from staffsafe.collection import standard_exports


class Command(BaseCommand):
    help = (
        "Write the national data standard's JSON Schema, Frictionless data package, CSV and "
        "XLSX templates and data dictionary (Markdown and HTML) into DIR, all generated from "
        "the standard in code (staffsafe.datastandard)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("directory", metavar="DIR",
                            help="Where to write; created if missing. Files of the same names "
                                 "are replaced.")

    def handle(self, *args, directory: str, **options):  # type: ignore[no-untyped-def]
        try:
            paths = standard_exports.write_all(directory)
        except OSError as error:
            reason = error.strerror or error
            raise CommandError(f"Cannot write to {directory}: {reason}.") from error
        for path in paths:
            self.stdout.write(str(path))
