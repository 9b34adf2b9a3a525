"""staffsafe import FILE --trust ODS --period YYYY-MM: submit a return and load it now."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from staffsafe.collection import services
from staffsafe.collection.models import Return
from staffsafe.organisations.models import Trust
from staffsafe.organisations.selectors import headcounts_for_month


def _period(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(f"--period must be YYYY-MM, like 2026-03 (got '{text}').") from None


class Command(BaseCommand):
    help = ("Submit a monthly return (CSV, XLSX or JSON) for a trust and check and load it "
            "now, with a progress bar. Exits 0 when accepted, 1 when rejected.")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)
        parser.add_argument("--trust", required=True, help="The trust's ODS code.")
        parser.add_argument("--period", required=True, help="The month, as YYYY-MM.")
        parser.add_argument("--profile", default="", help="A mapping profile: a built-in name "
                            "(e.g. datix) or the path of a profile file.")

    def handle(self, *args, file: Path, trust: str, period: str, profile: str, **options):  # type: ignore[no-untyped-def]
        organisation = Trust.objects.filter(ods_code=trust.upper()).first()
        if organisation is None:
            raise CommandError(f"No trust with ODS code '{trust}'.")
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        month = _period(period)
        try:
            submitted = services.return_submit(
                actor=None, trust=organisation, period_start=month, file_name=file.name,
                content=file.read_bytes(), source=Return.Source.CLI, profile=profile,
                headcounts=headcounts_for_month(organisation, month), enqueue=False)
        except services.ReturnRefused as refused:
            raise CommandError(str(refused)) from None
        submission = submitted.submission
        if submitted.created:
            with tqdm(total=100, unit="%", desc="Checking and loading", file=self.stderr) as bar:
                def advance(percent: int) -> None:
                    bar.update(max(0, percent - bar.n))

                submission = services.return_process(submission.pk, progress=advance)
        else:
            self.stdout.write("This file was already received for this trust and month.")
        self._summarise(submission)

    def _summarise(self, submission: Return) -> None:
        self.stdout.write(f"Return {submission.pk}: {submission.get_status_display()}, "
                          f"{submission.row_count:,} rows, {submission.incident_count:,} "
                          f"incidents.")
        for item in submission.problems[:20]:
            self.stdout.write(f"  {item['message']}")
        if submission.status == Return.Status.REJECTED:
            if submission.problem_count > 20:
                self.stdout.write(f"  ... and {submission.problem_count - 20:,} more.")
            raise SystemExit(1)
