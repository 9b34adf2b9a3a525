"""staffsafe validate FILE: check a monthly return against the national data standard.

Exit status: 0 the return is valid, 1 it is not (the problems are printed), 2 the file (or the
profile, or the headcount file) cannot be read at all. Never a traceback.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from staffsafe.collection.profiles import ProfileError, load_profile
from staffsafe.collection.reading import read_return, show
from staffsafe.collection.validation import ValidationResult, problems_csv, validate_read

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Validate a monthly return (CSV, XLSX or JSON) against the national data standard and "
        "print what is wrong, row by row. Exit status 0: valid; 1: not valid; 2: cannot be read."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", metavar="FILE", help="The return: .csv, .xlsx or .json.")
        parser.add_argument("--profile", metavar="P",
                            help="A mapping profile for a local export: a built-in name (datix) "
                                 "or the path of a profile JSON file.")
        parser.add_argument("--trust", metavar="ODS",
                            help="The trust's ODS code: the CSV's organisation, and the "
                                 "organisation an XLSX or JSON return must be for.")
        parser.add_argument("--period", metavar="YYYY-MM",
                            help="The month a CSV covers (XLSX and JSON carry their own).")
        parser.add_argument("--generated-at", metavar="ISO",
                            help="When a CSV was made, with offset (default: now).")
        parser.add_argument("--headcount", metavar="FILE",
                            help="A CSV of staff_group,headcount for a CSV return.")
        parser.add_argument("--report", metavar="OUT.csv",
                            help="Write every problem listed to this CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self._validate(options)
        except CommandError:
            raise
        except Exception as error:  # never a traceback: say what failed, exit 2
            raise CommandError(f"The return could not be checked: {type(error).__name__}: "
                               f"{error}", returncode=2) from error
        self._print(result)
        if options.get("report"):
            self._write_report(result, options["report"])
        if not result.readable:
            raise CommandError(f"{options['file']} cannot be read.", returncode=2)
        if not result.valid:
            errors = result.error_count
            raise CommandError(f"The return is not valid: {errors:,} error"
                               f"{'' if errors == 1 else 's'}.", returncode=1)

    def _validate(self, options: dict[str, Any]) -> ValidationResult:
        profile = None
        if options.get("profile"):
            try:
                profile = load_profile(options["profile"])
            except ProfileError as error:
                raise CommandError(f"Cannot use the profile: {error}", returncode=2) from error
        path = options["file"]
        if not os.path.isfile(path):
            raise CommandError(f"No such file: {path}", returncode=2)
        read = read_return(path, profile=profile, organisation_ods=options.get("trust"),
                           period=options.get("period"),
                           generated_at=options.get("generated_at"),
                           headcount=options.get("headcount"))
        if read.format == "csv" and not read.header.get("generated_at"):
            read.header["generated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            self.stdout.write("generated_at not given: the time of this check was used.")
        return validate_read(read, profile=profile, expected_ods=options.get("trust"))

    def _print(self, result: ValidationResult) -> None:
        write = self.stdout.write
        if result.read is not None and result.readable:
            write(f"Read as {result.read.describe()}.")
        write(result.summary())
        if not result.readable:
            for item in result.problems:
                self.stderr.write(item.message)
            return
        for severity, rule, column, count in result.by_rule()[:12]:
            write(f"  {count:>9,}  {severity:<7}  {rule}" + (f" ({column})" if column else ""))
        if result.problems:
            shown = min(SHOWN, len(result.problems))
            write(f"\nThe first {shown} of {len(result.problems):,} problems listed:")
            write(f"{'row':<10} {'column':<24} {'value':<22} {'rule':<30} message")
            for item in result.problems[:SHOWN]:
                value = show(item.value, 20) if item.value is not None else ""
                write(f"{item.row or '-':<10} {item.column or '-':<24} {value:<22} "
                      f"{item.rule:<30} {item.message}")

    def _write_report(self, result: ValidationResult, out: str) -> None:
        try:
            Path(out).write_text(problems_csv(result.problems), encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot write the report to {out}: "
                               f"{error.strerror or error}.", returncode=2) from error
        self.stdout.write(f"Report of {len(result.problems):,} problems written to {out}.")
