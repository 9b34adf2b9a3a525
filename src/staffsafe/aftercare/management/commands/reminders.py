"""staffsafe reminders: e-mail what is due and overdue, and the leads' daily digests.

Run it every few minutes (cron, a systemd timer, or `--every 300`). Runs may overlap and may be
repeated after a crash: no reminder is ever sent twice (docs/adr/0010-reminders-no-duplicates.md).
"""

from __future__ import annotations

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from staffsafe.aftercare import reminders


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now must be an ISO 8601 date and time, like "
                           f"2026-03-27T09:00 or 2026-03-27T09:00+01:00 (not '{text}').") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = ("Send e-mail reminders for aftercare steps, RIDDOR deadlines and sanction reviews "
            "becoming due and overdue, and each trust lead's daily digest. Safe to run "
            "concurrently or again after a crash: nothing is sent twice.")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--now", type=_moment, default=None,
                            help="Act as if it were this time (ISO 8601; local time if no "
                                 "offset). Default: the clock.")
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS",
                            help="Keep running, once every SECONDS (for a demo without cron).")
        parser.add_argument("--retry-unconfirmed", action="store_true",
                            help="First let reminders whose sending was never confirmed (a "
                                 "crash or a mail error part-way) be sent again. Only after "
                                 "checking the mail log: this may send a second copy.")

    def handle(self, *args, now: datetime | None, every: int, retry_unconfirmed: bool,
               **options):  # type: ignore[no-untyped-def]
        if every < 0:
            raise CommandError("--every must be 0 or more seconds.")
        if retry_unconfirmed:
            count = reminders.reminders_retry_unconfirmed()
            self.stdout.write(f"{count} unconfirmed reminder(s) will be sent again.")
        while True:
            self._run_once(now)
            if not every:
                return
            time.sleep(every)

    def _run_once(self, now: datetime | None) -> None:
        report = reminders.reminders_run(now=now)
        for line in report.lines():
            self.stdout.write(line)
        for error in report.errors:
            self.stderr.write(error)
        if report.unconfirmed:
            self.stderr.write(
                f"{report.unconfirmed} reminder(s) were claimed by a run that did not finish or "
                "failed while sending. They are not sent again automatically, so that nobody "
                "gets two. Check the mail log; `staffsafe reminders --retry-unconfirmed` sends "
                "them again.")
