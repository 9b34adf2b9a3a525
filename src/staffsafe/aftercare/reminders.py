"""E-mail reminders for tasks becoming due and overdue, and the lead's daily digest.

`staffsafe reminders` calls `reminders_run`. Any number of runs may overlap, and a run may be
repeated after a crash: no reminder is ever sent twice (docs/adr/0010-reminders-no-duplicates.md).

1. Plan: work out, from the tasks, every reminder due now and insert one `SentReminder` row per
   reminder ("pending"), ignoring rows that already exist. The unique key (kind, item, recipient,
   stage, due time) makes a reminder something that can exist only once.
2. Claim: in a short transaction take a batch of pending rows (`SELECT ... FOR UPDATE SKIP
   LOCKED` on PostgreSQL; SQLite takes the database's write lock) and mark them "claimed" with
   this run's id, only where they are still pending; a row is claimed by exactly one run.
3. Send: for each claimed row, first commit "sending" (only if this run still holds the claim),
   then hand the mail to the mail server, then mark it "sent". A claim a dead run never acted on
   goes back to pending after ten minutes. A row that is "sending" when its run dies, or
   "failed" because the mail server raised, is never sent again automatically: at most once.
   The task list shows every task whatever happened to its e-mail, the lead's digest lists every
   overdue one, and `--retry-unconfirmed` lets a person who has checked the mail log send such
   rows again on purpose.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.aftercare import selectors
from staffsafe.aftercare.models import SentReminder
from staffsafe.aftercare.presenters import task_path
from staffsafe.core.days import local_start
from staffsafe.core.presenters import date_uk, datetime_uk

STAGE_DUE, STAGE_OVERDUE, STAGE_DIGEST = "due", "overdue", "digest"
KIND_DIGEST = "digest"
DIGEST_HORIZON = timedelta(days=7)
CLAIM_BATCH = 50
# A claim older than this, never marked sent, belongs to a run that did not finish.
UNCONFIRMED_AFTER = timedelta(minutes=10)
Status = SentReminder.Status


@dataclass(frozen=True)
class PlannedReminder:
    kind: str
    subject_key: str
    recipient_id: int
    stage: str
    due_at: datetime
    trust_id: int
    to_address: str
    subject: str
    body: str

    @property
    def key(self) -> tuple:
        return (self.kind, self.subject_key, self.recipient_id, self.stage, self.due_at)


@dataclass
class RunReport:
    planned: int = 0
    new: int = 0
    sent: int = 0
    failed: int = 0
    expired: int = 0
    unconfirmed: int = 0
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{self.planned} reminder(s) due now; {self.new} newly planned, "
            f"{self.planned - self.new} planned before (sent or being sent: skipped).",
            f"Sent {self.sent}; failed while sending {self.failed}; expired unsent "
            f"{self.expired}.",
        ]


# Planning ------------------------------------------------------------------------------------

def _due_text(task: selectors.Task) -> str:
    return date_uk(task.due_at) if task.all_day else datetime_uk(task.due_at)


def _stage(task: selectors.Task, now: datetime) -> str | None:
    if task.overdue(now):
        return STAGE_OVERDUE
    if now >= task.due_at - timedelta(hours=settings.REMINDERS_DUE_SOON_HOURS):
        return STAGE_DUE
    return None


def _task_message(task: selectors.Task, stage: str, name: str) -> tuple[str, str]:
    when = _due_text(task)
    state = f"is overdue: it was due by {when}" if stage == STAGE_OVERDUE else f"is due by {when}"
    subject = (f"{'Overdue' if stage == STAGE_OVERDUE else 'Due soon'}: "
               f"{task.title.lower()} for {task.reference}")
    body = (
        f"Hello {name},\n\n"
        f"{task.title} for incident {task.reference} ({task.place}) {state}.\n\n"
        f"Record it: {settings.SITE_URL}{task_path(task)}\n"
        f"Your tasks: {settings.SITE_URL}/tasks/\n\n"
        "This e-mail holds no personal details. Sign in to StaffSafe to see more.\n"
    )
    return subject, body


def _recipients(task: selectors.Task, managers: dict[int, list], leads: list) -> list:
    unit_managers = managers.get(task.unit_id, [])
    if task.kind == selectors.TASK_AFTERCARE:
        people = unit_managers or leads
    else:
        people = [*unit_managers, *leads]
    unique = {person.pk: person for person in people}
    # The decision stays in one place: only people who manage the incident hear of it.
    return [p for p in unique.values() if scoping.can_manage_aftercare(p, task)]


def _digest(trust, lead, tasks: list[selectors.Task], now: datetime) -> PlannedReminder | None:
    overdue = [t for t in tasks if t.overdue(now)]
    soon = [t for t in tasks if not t.overdue(now) and t.due_at <= now + DIGEST_HORIZON]
    if not overdue and not soon:
        return None
    lines = [f"Hello {lead.get_short_name() or lead.get_username()},", "",
             f"Tasks at {trust.name}: {len(overdue)} overdue, {len(soon)} due in the next "
             "7 days.", ""]
    for heading, group in (("Overdue", overdue), ("Due in the next 7 days", soon)):
        if group:
            lines += [f"{heading}:"] + [
                f"- {t.reference} ({t.place}): {t.title}, due by {_due_text(t)}" for t in group
            ] + [""]
    lines += [f"Your tasks: {settings.SITE_URL}/tasks/", "",
              "This e-mail holds no personal details."]
    day = timezone.localtime(now).date()
    return PlannedReminder(
        kind=KIND_DIGEST, subject_key=f"trust:{trust.pk}", recipient_id=lead.pk,
        stage=STAGE_DIGEST, due_at=local_start(day),
        trust_id=trust.pk, to_address=lead.email,
        subject=f"StaffSafe daily digest, {date_uk(day)}: {len(overdue)} overdue, "
                f"{len(soon)} due soon", body="\n".join(lines))


def _trust_plans(trust, now: datetime) -> list[PlannedReminder]:
    tasks = selectors.trust_tasks(trust.pk)
    if not tasks:
        return []
    managers, leads = selectors.reminder_people(trust.pk)
    plans = []
    for task in tasks:
        stage = _stage(task, now)
        if stage is None:
            continue
        for person in _recipients(task, managers, leads):
            subject, body = _task_message(task, stage, person.get_short_name()
                                          or person.get_username())
            plans.append(PlannedReminder(
                kind=task.kind, subject_key=task.key, recipient_id=person.pk, stage=stage,
                due_at=task.due_at, trust_id=trust.pk, to_address=person.email,
                subject=subject, body=body))
    if timezone.localtime(now).hour >= settings.REMINDERS_DIGEST_HOUR:
        for lead in leads:
            digest = _digest(trust, lead, tasks, now)
            if digest:
                plans.append(digest)
    return plans


def reminders_plan(now: datetime) -> list[PlannedReminder]:
    """Every reminder that should have gone by `now`, sent or not: a pure function of the data."""
    plans = [plan for trust in selectors.trusts_with_people() for plan in _trust_plans(trust, now)]
    return sorted(plans, key=lambda p: (p.kind, p.subject_key, p.recipient_id, p.stage,
                                        p.due_at))


def _record_plans(plans: list[PlannedReminder], run_id: str) -> int:
    """Insert the plans not already there; the unique key skips the rest, even concurrently."""
    planned_at = timezone.now()
    rows = [SentReminder(kind=p.kind, subject_key=p.subject_key, recipient_id=p.recipient_id,
                         stage=p.stage, due_at=p.due_at, trust_id=p.trust_id,
                         to_address=p.to_address, subject=p.subject[:200], body=p.body,
                         planned_at=planned_at, planned_by=run_id) for p in plans]
    with transaction.atomic():
        SentReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return SentReminder.objects.filter(planned_by=run_id).count()


# Delivering ----------------------------------------------------------------------------------

def _release_abandoned_claims() -> int:
    """Claims a run took but never acted on (it died first): safe to send, so back to pending.

    A slow run that still holds such a row cannot send it any more: marking a row `sending`
    needs it to be still claimed by that run.
    """
    cutoff = timezone.now() - UNCONFIRMED_AFTER
    return SentReminder.objects.filter(status=Status.CLAIMED, claimed_at__lt=cutoff).update(
        status=Status.PENDING, claimed_by="", claimed_at=None)


def _claim(run_id: str) -> list[SentReminder]:
    with transaction.atomic():
        ids = list(SentReminder.objects.select_for_update(skip_locked=True)
                   .filter(status=Status.PENDING).order_by("id")
                   .values_list("id", flat=True)[:CLAIM_BATCH])
        SentReminder.objects.filter(id__in=ids, status=Status.PENDING).update(
            status=Status.CLAIMED, claimed_by=run_id, claimed_at=timezone.now())
    return list(SentReminder.objects.filter(id__in=ids, claimed_by=run_id,
                                            status=Status.CLAIMED).order_by("id"))


def _start_sending(row: SentReminder, run_id: str) -> bool:
    """The last step before the mail leaves, committed first: only one run ever gets past it."""
    return bool(SentReminder.objects.filter(pk=row.pk, status=Status.CLAIMED,
                                            claimed_by=run_id).update(
        status=Status.SENDING, sending_at=timezone.now()))


def _send_one(connection, row: SentReminder) -> bool:
    message = EmailMessage(subject=row.subject, body=row.body, to=[row.to_address],
                           from_email=settings.DEFAULT_FROM_EMAIL, connection=connection)
    try:
        accepted = connection.send_messages([message])
    except Exception as error:  # whatever went wrong, the mail may have left
        accepted, problem = 0, f"{type(error).__name__}: {error}"
    else:
        problem = "" if accepted else "The mail server did not accept the message."
    if not accepted:
        SentReminder.objects.filter(pk=row.pk).update(status=Status.FAILED, error=problem[:300])
        return False
    SentReminder.objects.filter(pk=row.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now())
    return True


def _expire_stale() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.REMINDERS_PENDING_EXPIRY_HOURS)
    return SentReminder.objects.filter(status=Status.PENDING, planned_at__lt=cutoff).update(
        status=Status.EXPIRED)


def reminders_deliver(run_id: str, report: RunReport) -> None:
    """Send every pending reminder this run manages to claim."""
    _release_abandoned_claims()
    report.expired += _expire_stale()
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # nothing was claimed: the next run tries again
        report.errors.append(f"Could not reach the mail server: {error}")
        return
    try:
        while claimed := _claim(run_id):
            for row in claimed:
                if not _start_sending(row, run_id):
                    continue
                if _send_one(connection, row):
                    report.sent += 1
                else:
                    report.failed += 1
    finally:
        connection.close()


def _unconfirmed() -> QuerySet[SentReminder]:
    cutoff = timezone.now() - UNCONFIRMED_AFTER
    return SentReminder.objects.filter(
        Q(status=Status.SENDING, sending_at__lt=cutoff) | Q(status=Status.FAILED))


def unconfirmed_count() -> int:
    """Reminders that may or may not have gone: a run died while handing them to the mail
    server, or the mail server failed part-way. Never sent again without a person's say-so."""
    return _unconfirmed().count()


def reminders_retry_unconfirmed() -> int:
    """A person has checked the mail log: let the unconfirmed reminders be sent again."""
    return SentReminder.objects.filter(pk__in=_unconfirmed().values("pk")).update(
        status=Status.PENDING, claimed_by="", claimed_at=None, sending_at=None,
        planned_at=timezone.now(), error="")


def reminders_run(*, now: datetime | None = None) -> RunReport:
    """Plan and send what is due at `now` (the clock when not given)."""
    now = now or timezone.now()
    run_id = uuid.uuid4().hex
    plans = reminders_plan(now)
    report = RunReport(planned=len(plans))
    report.new = _record_plans(plans, run_id)
    reminders_deliver(run_id, report)
    report.unconfirmed = unconfirmed_count()
    return report
