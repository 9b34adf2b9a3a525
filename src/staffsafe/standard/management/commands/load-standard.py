"""staffsafe load-standard FILE: load an indicator catalogue of the Violence Prevention and
Reduction Standard (national reference data), or StaffSafe's starter catalogues.

Exit status: 0 loaded; 1 the file has problems (each printed with its row and column, and
nothing loaded); 2 the file cannot be opened. Never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from staffsafe.standard import services
from staffsafe.standard.presenters import catalogue_label

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Load an indicator catalogue (CSV or JSON: edition, domain, indicator_id, text, "
        "evidence_guidance, and maps_from for 2024 rows) of the Violence Prevention and "
        "Reduction Standard. Every row or none. Exit status 0: loaded; 1: problems; 2: "
        "unreadable. --starter loads StaffSafe's own catalogues (not the official text)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", metavar="FILE", nargs="?",
                            help="The catalogue file: .csv or .json.")
        parser.add_argument("--official", action="store_true",
                            help="The file is NHS England's official indicator text. Without "
                                 "this, every page showing it says it is not the official text.")
        parser.add_argument("--title", default="", help="A name for the catalogue.")
        parser.add_argument("--starter", action="store_true",
                            help="Load StaffSafe's starter catalogues for both editions "
                                 "instead of a file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["starter"] == bool(options["file"]):
            raise CommandError("Give a FILE, or --starter (not both).", returncode=2)
        label = "staffsafe load-standard"
        try:
            if options["starter"]:
                loaded = services.starter_catalogues_load(actor=None, actor_label=label)
            else:
                path = Path(options["file"])
                try:
                    content = path.read_bytes()
                except OSError as error:
                    raise CommandError(f"{path} cannot be read: {error.strerror}.",
                                       returncode=2) from None
                loaded = services.catalogue_load(
                    actor=None, actor_label=label, content=content, file_name=path.name,
                    official=options["official"], title=options["title"])
        except services.CatalogueRejected as rejected:
            for problem in rejected.problems[:SHOWN]:
                self.stderr.write(str(problem))
            if len(rejected.problems) > SHOWN:
                self.stderr.write(f"... and {len(rejected.problems) - SHOWN} more.")
            raise CommandError(f"Nothing was loaded: {len(rejected.problems)} problem(s).",
                               returncode=1) from None
        for catalogue in loaded:
            self.stdout.write(f"{catalogue.edition}: {catalogue_label(catalogue)}, "
                              f"{catalogue.indicators.count()} indicators, current for new "
                              "reviews.")
