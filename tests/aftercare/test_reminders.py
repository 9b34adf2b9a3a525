"""Reminders: due and overdue e-mails and the lead's digest, each sent once and only once.

The clock is frozen (time-machine) so "due" and "overdue" are exact. The no-duplicate guarantee
is tested against re-runs, a run that dies at each point, overlapping runs interleaved by hand
(both databases) and truly concurrent runs in threads (PostgreSQL).
"""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from staffsafe.aftercare import reminders, services
from staffsafe.aftercare.models import SentReminder
from tests.aftercare.builders import physical_incident
from tests.factories import UserFactory, make_incident

LONDON = ZoneInfo("Europe/London")
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
Status = SentReminder.Status


@pytest.fixture
def clock(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(MONDAY_9AM, tick=False)

    def at(moment: datetime) -> datetime:
        time_machine.move_to(moment, tick=False)
        return moment

    return at


def sent() -> list[tuple[str, str]]:
    return [(message.to[0], message.subject) for message in mail.outbox]


def assert_no_duplicates() -> None:
    twice = [key for key, count in Counter(sent()).items() if count > 1]
    assert not twice, f"sent twice: {twice}"


def test_due_then_overdue_then_nothing_more(emails, clock):
    world = emails
    incident = make_incident(world.reporter, world.ward)
    manager, lead = world.manager.email, world.lead.email

    # Monday 9:05: manager contact is due within 24 hours; the lead's digest goes out
    report = reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(minutes=5)))
    assert sorted(sent()) == [
        (lead, "StaffSafe daily digest, 2 March 2026: 0 overdue, 4 due soon"),
        (manager, f"Due soon: manager contact for {incident.reference}")]
    assert (report.planned, report.new, report.sent) == (2, 2, 2)

    # Running again, at once or later the same morning, sends nothing more
    for minutes in (5, 30, 120):
        again = reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(minutes=minutes)))
        assert (again.new, again.sent) == (0, 0)
    assert len(mail.outbox) == 2

    # Tuesday 9:00 exactly: still in time (the day's digest goes); a second later, overdue
    reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(hours=24)))
    assert (manager, f"Overdue: manager contact for {incident.reference}") not in sent()
    assert (lead, "StaffSafe daily digest, 3 March 2026: 0 overdue, 4 due soon") in sent()
    reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(hours=24, seconds=1)))
    assert (manager, f"Overdue: manager contact for {incident.reference}") in sent()

    # Wednesday: the debrief (due Thursday 9:00) is now due soon; the overdue contact is not
    # sent again
    reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(hours=48, minutes=1)))
    assert (manager, f"Due soon: debrief for {incident.reference}") in sent()
    assert_no_duplicates()
    assert len(mail.outbox) == 6
    assert SentReminder.objects.filter(status=Status.SENT).count() == 6


def test_a_reminder_says_what_and_when_and_holds_no_personal_details(emails, clock):
    world = emails
    incident = make_incident(world.colleague, world.ward, confidential=True,
                             description="Kicked by Mr Example in bay 3.")
    reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(minutes=5)))
    message = next(m for m in mail.outbox if m.to == [world.manager.email])
    assert "Manager contact for incident" in message.body
    assert "is due by 3 March 2026 at 09:00" in message.body
    assert f"/incidents/{incident.pk}/aftercare/manager_contact/" in message.body
    for text in (world.colleague.display_name, world.colleague.username, "Mr Example"):
        assert all(text not in m.body and text not in m.subject for m in mail.outbox)


def test_support_reminders_go_to_the_units_managers_or_the_lead_when_it_has_none(emails,
                                                                               clock):
    world = emails
    on_ward = make_incident(world.reporter, world.ward)
    no_manager = make_incident(world.reporter, world.other_ward)
    reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(minutes=5)))
    assert (world.manager.email, f"Due soon: manager contact for {on_ward.reference}") in sent()
    assert (world.lead.email, f"Due soon: manager contact for {no_manager.reference}") in sent()
    assert not any(on_ward.reference in subject for to, subject in sent()
                   if to == world.lead.email and "digest" not in subject)


def test_riddor_and_sanction_reminders_go_to_the_manager_and_the_lead(emails, clock):
    world = emails
    incident = physical_incident(world, severity="severe",
                                 occurred_at=MONDAY_9AM - timedelta(hours=1))
    services.sanction_add(actor=world.manager, incident=incident, kind="warning_letter",
                          decided_on=timezone.localdate(),
                          review_on=timezone.localdate() + timedelta(days=1))
    # Thursday 12 March is the RIDDOR deadline (10 days); the review was due Tuesday 3 March.
    reminders.reminders_run(now=clock(datetime(2026, 3, 12, 8, 0, tzinfo=LONDON)))
    for person in (world.manager, world.lead):
        assert (person.email, f"Due soon: report to hse under riddor for {incident.reference}"
                ) in sent()
        assert (person.email, f"Overdue: review the warning letter for {incident.reference}"
                ) in sent()
    reminders.reminders_run(now=clock(datetime(2026, 3, 13, 0, 0, 1, tzinfo=LONDON)))
    assert (world.lead.email, f"Overdue: report to hse under riddor for {incident.reference}"
            ) in sent()
    assert_no_duplicates()


def test_the_digest_waits_for_the_morning_and_comes_once_a_day(emails, clock):
    world = emails
    make_incident(world.reporter, world.ward)
    reminders.reminders_run(now=clock(datetime(2026, 3, 4, 6, 59, tzinfo=LONDON)))
    assert not any("digest" in subject for _, subject in sent())
    for hour in (7, 12, 23):
        reminders.reminders_run(now=clock(datetime(2026, 3, 4, hour, 0, tzinfo=LONDON)))
    digests = [m for m in mail.outbox if "digest" in m.subject]
    assert len(digests) == 1 and digests[0].to == [world.lead.email]
    assert "Overdue:" in digests[0].body and "Manager contact, due by" in digests[0].body


def test_nobody_without_an_address_and_nobody_at_another_trust_is_reminded(world, other_world,
                                                                           clock):
    other_world.lead.email = "lead@other.nhs.uk"
    other_world.lead.save(update_fields=["email"])
    make_incident(world.reporter, world.ward)
    report = reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(hours=30)))
    assert report.planned == 0 and mail.outbox == []


def test_a_moved_due_date_is_a_new_reminder_but_the_same_one_never_repeats(emails, clock):
    world = emails
    make_incident(world.reporter, world.ward)
    reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(minutes=5)))
    services.aftercare_targets_set(actor=world.lead, hours={"manager_contact": 2})
    reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(hours=3)))
    contact = [s for to, s in sent() if to == world.manager.email]
    assert [s.split(":")[0] for s in contact] == ["Due soon", "Overdue"]


# Crashes and overlapping runs ----------------------------------------------------------------

class Crash(BaseException):
    """The process dies (a kill, a power cut): nothing after it runs."""


class CrashingBackend(EmailBackend):
    """Hands mail over like locmem, but the process dies during the `crash_on`-th message."""

    crash_on = 0
    handed_over = 0
    deliver_then_die = False

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        CrashingBackend.handed_over += 1
        if CrashingBackend.handed_over == CrashingBackend.crash_on:
            if CrashingBackend.deliver_then_die:
                super().send_messages(messages)
            raise Crash
        return super().send_messages(messages)


@pytest.fixture
def crashing(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "tests.aftercare.test_reminders.CrashingBackend"
    CrashingBackend.handed_over, CrashingBackend.crash_on = 0, 0
    CrashingBackend.deliver_then_die = False
    return CrashingBackend


def _busy_ward(world, count: int = 5) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        make_incident(world.reporter, world.ward)


@pytest.mark.parametrize("deliver_then_die", [False, True])
def test_a_run_that_dies_while_sending_never_causes_a_duplicate(emails, clock, crashing,
                                                                deliver_then_die):
    world = emails
    _busy_ward(world)
    now = clock(MONDAY_9AM + timedelta(hours=25))
    crashing.crash_on, crashing.deliver_then_die = 3, deliver_then_die
    with pytest.raises(Crash):
        reminders.reminders_run(now=now)
    planned = SentReminder.objects.count()
    assert Counter(SentReminder.objects.values_list("status", flat=True)) == {
        Status.SENT: 2, Status.SENDING: 1, Status.CLAIMED: planned - 3}

    # Re-run at once: the dead run's claims are not yet known to be abandoned; nothing repeats
    crashing.crash_on = 0
    reminders.reminders_run(now=now)
    assert len(mail.outbox) == 2 + (1 if deliver_then_die else 0)

    # Ten minutes on, its untouched claims are released and sent; the one it died on is not
    report = reminders.reminders_run(now=clock(now + timedelta(minutes=11)))
    assert report.sent == planned - 3 and report.unconfirmed == 1
    assert_no_duplicates()
    assert SentReminder.objects.filter(status=Status.SENT).count() == planned - 1

    # After checking the mail log, a person can choose to send the unconfirmed one again
    call_command("reminders", "--retry-unconfirmed", "--now",
                 (now + timedelta(minutes=12)).isoformat(), stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert SentReminder.objects.filter(status=Status.SENT).count() == planned
    assert len(mail.outbox) == planned + (1 if deliver_then_die else 0)


def test_a_run_that_dies_after_planning_is_finished_by_the_next(emails, clock, monkeypatch):
    world = emails
    _busy_ward(world, 3)
    now = clock(MONDAY_9AM + timedelta(hours=25))

    def die(run_id, report):  # type: ignore[no-untyped-def]
        raise Crash

    monkeypatch.setattr(reminders, "reminders_deliver", die)
    with pytest.raises(Crash):
        reminders.reminders_run(now=now)
    planned = SentReminder.objects.filter(status=Status.PENDING).count()
    assert planned > 0 and mail.outbox == []
    monkeypatch.undo()
    report = reminders.reminders_run(now=now)
    assert (report.new, report.sent) == (0, planned)
    assert_no_duplicates()


def test_a_mail_server_that_is_down_loses_nothing(emails, clock, settings, monkeypatch):
    world = emails
    make_incident(world.reporter, world.ward)
    now = clock(MONDAY_9AM + timedelta(minutes=5))

    def refuse(self):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "open", refuse, raising=False)
    report = reminders.reminders_run(now=now)
    assert report.sent == 0 and "mail server down" in report.errors[0]
    assert set(SentReminder.objects.values_list("status", flat=True)) == {Status.PENDING}
    monkeypatch.undo()
    assert reminders.reminders_run(now=now).sent == 2


def test_a_mail_error_part_way_is_not_retried_automatically(emails, clock, monkeypatch):
    world = emails
    make_incident(world.reporter, world.ward)

    def fail(self, messages):  # type: ignore[no-untyped-def]
        raise OSError("connection reset after DATA")

    monkeypatch.setattr(EmailBackend, "send_messages", fail)
    report = reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(minutes=5)))
    assert (report.sent, report.failed, report.unconfirmed) == (0, 2, 2)
    monkeypatch.undo()
    assert reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(hours=1))).sent == 0
    assert "connection reset" in SentReminder.objects.first().error


def test_overlapping_runs_interleaved_never_send_the_same_row(emails, clock):
    world = emails
    _busy_ward(world, 4)
    now = clock(MONDAY_9AM + timedelta(hours=25))
    reminders._record_plans(reminders.reminders_plan(now), "run-a")
    claimed_by_a = reminders._claim("run-a")  # run A claims a batch, then stalls
    assert claimed_by_a
    # Run B plans the same reminders (nothing new) and finds nothing left to claim
    report_b = reminders.reminders_run(now=now)
    assert (report_b.new, report_b.sent) == (0, 0)
    # A stalls for more than ten minutes: its claims are released and run C sends them
    clock(now + timedelta(minutes=11))
    report_c = reminders.reminders_run(now=now)
    assert report_c.sent == len(claimed_by_a)
    # A wakes up: it no longer holds the claims, so it sends nothing
    assert not any(reminders._start_sending(row, "run-a") for row in claimed_by_a)
    assert_no_duplicates()


class SlowBackend(EmailBackend):
    """A mail server that takes a moment per message, so that runs overlap."""

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        time.sleep(0.005)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_reminder_exactly_once(emails, clock, settings, monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is shared between threads through one "
                    "shared cache, where a second writer fails at once ('database table is "
                    "locked') instead of waiting; the same guarantee on SQLite rests on its "
                    "write lock and is tested by the interleaved runs above.")
    world = emails
    for unit in (world.ward, world.other_ward):
        for _ in range(10):
            make_incident(world.reporter, unit)
    physical_incident(world, severity="severe", occurred_at=MONDAY_9AM - timedelta(hours=1))
    now = clock(MONDAY_9AM + timedelta(hours=73))
    expected = len(reminders.reminders_plan(now))
    settings.EMAIL_BACKEND = "tests.aftercare.test_reminders.SlowBackend"
    monkeypatch.setattr(reminders, "CLAIM_BATCH", 3)  # small batches: runs take turns
    threads, reports, errors = 8, [], []
    start = threading.Barrier(threads)

    def run() -> None:
        try:
            start.wait()
            reports.append(reminders.reminders_run(now=now))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors
    assert expected > 40 and len(mail.outbox) == expected
    assert sum(r.sent for r in reports) == expected
    assert sum(r.new for r in reports) == expected
    assert_no_duplicates()
    runs_that_sent = set(SentReminder.objects.values_list("claimed_by", flat=True))
    assert len(runs_that_sent) > 1, "the runs did not overlap, so this proved little"


# The command ---------------------------------------------------------------------------------

def test_the_command_reports_what_it_did(emails, clock, capsys):
    make_incident(emails.reporter, emails.ward)
    call_command("reminders", "--now", "2026-03-02T09:05")
    out = capsys.readouterr().out
    assert "2 reminder(s) due now; 2 newly planned" in out and "Sent 2;" in out
    call_command("reminders", "--now", "2026-03-02T09:05+00:00")
    assert "0 newly planned" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [["--now", "tomorrow"], ["--every", "-1"]])
def test_the_command_refuses_bad_options_plainly(db, bad):
    with pytest.raises(CommandError):
        call_command("reminders", *bad)


def test_a_person_with_no_trust_role_is_never_a_recipient(emails, clock):
    UserFactory(username="nurse-with-email", trust=emails.trust, units=[emails.ward],
                email="nurse@example.nhs.uk")
    make_incident(emails.reporter, emails.ward)
    reminders.reminders_run(now=clock(MONDAY_9AM + timedelta(hours=30)))
    assert "nurse@example.nhs.uk" not in {to for to, _ in sent()}
