"""Every write of returns: receive a file, process it in the background, accept or reject whole.

The same file twice for the same trust and period is one return. A corrected return for a period
replaces the accepted one (which is kept, marked superseded), and an incident id seen again in a
later return replaces its earlier version in the national tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from staffsafe.audit.services import Action, audit_record
from staffsafe.collection import loading, pipeline, rollups
from staffsafe.collection.models import NationalRow, Return
from staffsafe.organisations.models import Trust

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
MAX_PROBLEMS_KEPT = 500
ProgressCallback = Callable[[int], None]


class ReturnRefused(Exception):
    """The submission cannot be taken (wrong kind of file, another trust's return...)."""


@dataclass(frozen=True)
class Submitted:
    submission: Return
    created: bool


def _stored_path(submission: Return) -> Path:
    folder = Path(settings.RETURNS_DIR) / submission.trust.ods_code
    name = f"{submission.file_sha256}.{submission.file_format}"
    return folder / f"{submission.period_start:%Y-%m}" / name


def file_format_for(file_name: str) -> str:
    fmt = FORMATS.get(Path(file_name).suffix.lower())
    if fmt is None:
        raise ReturnRefused("The file must be a CSV, XLSX or JSON file.")
    return fmt


def return_submit(
    *, actor, trust: Trust, period_start: date, file_name: str, content: bytes, source: str,
    profile: str = "", generated_at: datetime | None = None,
    headcounts: dict[str, int] | None = None, enqueue: bool = True, request=None,
) -> Submitted:
    """Receive a return. Processing happens in the background (or at once when not enqueued)."""
    period_start = period_start.replace(day=1)
    digest = hashlib.sha256(content).hexdigest()
    existing = Return.objects.filter(trust=trust, period_start=period_start,
                                     file_sha256=digest).first()
    if existing is not None:
        return Submitted(existing, created=False)
    with transaction.atomic():
        submission = Return.objects.create(
            trust=trust, period_start=period_start, source=source, file_name=file_name[:255],
            file_format=file_format_for(file_name), profile=profile, file_sha256=digest,
            submitted_by=actor if getattr(actor, "pk", None) else None,
            # A CSV has no header of its own: it was made no later than it was received.
            generated_at=generated_at or timezone.now(), headcounts=headcounts or {},
        )
        path = _stored_path(submission)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        audit_record(actor=actor, action=Action.CREATE, object_type="return",
                     object_id=submission.pk, trust=trust, request=request,
                     detail=f"{period_start:%Y-%m} {file_name}"[:300])
        if enqueue:
            from staffsafe.collection.tasks import process_return

            transaction.on_commit(lambda: process_return.enqueue(submission.pk))
    return Submitted(submission, created=True)


def _set_progress(submission: Return, percent: int) -> None:
    Return.objects.filter(pk=submission.pk).update(progress=percent)


def return_process(return_id: int, *, progress: ProgressCallback | None = None) -> Return:
    """Validate a received return and accept it whole or reject it whole."""
    submission = Return.objects.select_related("trust").get(pk=return_id)
    if submission.status not in (Return.Status.RECEIVED, Return.Status.VALIDATING):
        return submission

    def report(percent: int) -> None:
        _set_progress(submission, percent)
        if progress:
            progress(percent)

    Return.objects.filter(pk=submission.pk).update(status=Return.Status.VALIDATING)
    report(5)
    check = pipeline.start_check(
        _stored_path(submission).read_bytes(), file_format=submission.file_format,
        trust_ods=submission.trust.ods_code, period_start=submission.period_start,
        profile=submission.profile, generated_at=submission.generated_at,
        headcounts=submission.headcounts or None,
    )
    # Read and typed. The rules are checked while the rows load, in one transaction that is
    # rolled back if a rule fails; what it writes is seen by others only if it commits, so the
    # progress moves from here to the end in one step.
    report(40)
    if check.rows is None:
        return _reject(submission, check.finish())
    try:
        _accept(submission, check)
    except _Invalid as invalid:
        return _reject(submission, invalid.outcome)
    report(100)
    return Return.objects.get(pk=submission.pk)


class _Invalid(Exception):
    """The return broke a rule: its transaction is rolled back."""

    def __init__(self, outcome: pipeline.Outcome) -> None:
        super().__init__("invalid return")
        self.outcome = outcome


def _reject(submission: Return, outcome: pipeline.Outcome) -> Return:
    Return.objects.filter(pk=submission.pk).update(
        status=Return.Status.REJECTED, processed_at=timezone.now(), progress=100,
        problem_count=outcome.problem_count, row_count=outcome.row_count,
        problems=[pipeline.problem_dict(p) for p in outcome.problems[:MAX_PROBLEMS_KEPT]],
    )
    audit_record(actor=None, actor_label="StaffSafe", action=Action.CHANGE,
                 object_type="return", object_id=submission.pk, trust=submission.trust,
                 changes={"status": [submission.status, Return.Status.REJECTED]},
                 detail=f"{outcome.problem_count} problem(s)")
    return Return.objects.get(pk=submission.pk)


@transaction.atomic
def _accept(submission: Return, check: pipeline.Check) -> None:
    """Load the rows while the rules are checked; keep them only if every rule holds
    (`_Invalid` otherwise, which rolls the transaction back)."""
    locked = Return.objects.select_for_update().get(pk=submission.pk)
    if locked.status == Return.Status.ACCEPTED:
        return
    previous = list(Return.objects.select_for_update().filter(
        trust_id=submission.trust_id, period_start=submission.period_start,
        status=Return.Status.ACCEPTED).exclude(pk=submission.pk))
    national = {"submission_id": submission.pk, "trust_id": submission.trust_id,
                "period_start": submission.period_start}
    # The return's roll-up (ADR 0012) is made from each part as it is loaded.
    outcome, cells = loading.load_rows_while(
        lambda: loading.national_parts(check.rows, **national), check.finish,
        keep=lambda outcome: outcome.valid, each=rollups.cells_of_frame)
    if not outcome.valid:
        raise _Invalid(outcome)
    retired = _retire_rows(submission, previous)
    Return.objects.filter(pk__in=[p.pk for p in previous]).update(
        status=Return.Status.SUPERSEDED)
    # The roll-ups move with the rows (ADR 0012): this return's cells, and those of the returns
    # it replaced or took incidents from.
    rollups.cells_store(rollups.cells_added(cells))
    rollups.cells_rebuild([*retired, *(p.pk for p in previous)])
    periods = {submission.period_start, *Return.objects.filter(pk__in=retired).values_list(
        "period_start", flat=True)}
    years = rollups.touched_years(periods)
    transaction.on_commit(lambda: _refresh_publications_later(years))
    Return.objects.filter(pk=submission.pk).update(
        status=Return.Status.ACCEPTED, processed_at=timezone.now(),
        row_count=outcome.row_count, incident_count=outcome.incident_count, problem_count=0,
        problems=[pipeline.problem_dict(p) for p in outcome.warnings[:MAX_PROBLEMS_KEPT]],
        headcounts=outcome.headcounts, generated_at=outcome.generated_at,
        supersedes=previous[-1] if previous else None,
    )
    audit_record(actor=None, actor_label="StaffSafe", action=Action.CHANGE,
                 object_type="return", object_id=submission.pk, trust=submission.trust,
                 changes={"status": [submission.status, Return.Status.ACCEPTED]},
                 detail=f"{outcome.incident_count} incident(s)")


def _retire_rows(submission: Return, previous: list[Return]) -> list[int]:
    """Earlier versions stop counting: the replaced return's rows, and re-sent incidents.
    Returns the ids of the returns that lost rows."""
    # Through the trust's accepted returns, so the database reads only their rows (an index on
    # the return), not the whole national table.
    counted = Return.objects.filter(trust_id=submission.trust_id, status=Return.Status.ACCEPTED
                                    ).exclude(pk=submission.pk).values_list("pk", flat=True)
    earlier = NationalRow.objects.filter(submission_id__in=list(counted), current=True)
    if not earlier.exists():  # a trust's first return replaces nothing
        return []
    resent = NationalRow.objects.filter(submission=submission).values("incident_id")
    retiring = earlier.filter(Q(submission__in=previous) | Q(incident_id__in=resent))
    losing = list(retiring.order_by().values_list("submission_id", flat=True).distinct())
    retiring.update(current=False)
    return losing


def _refresh_publications_later(years: list[int]) -> None:
    from staffsafe.collection import tasks

    tasks.refresh_publications.enqueue(years)


def return_build_from_incidents(*, actor, trust: Trust, period_start: date,
                                request=None) -> Submitted:
    """Build the month's return from the trust's StaffSafe incidents and submit it."""
    from staffsafe.collection.build import return_csv

    content, headcounts, _ = return_csv(trust, period_start)
    return return_submit(
        actor=actor, trust=trust, period_start=period_start, content=content,
        file_name=f"{trust.ods_code}-{period_start:%Y-%m}-staffsafe.csv",
        source=Return.Source.STAFFSAFE, generated_at=timezone.now(), headcounts=headcounts,
        request=request,
    )
