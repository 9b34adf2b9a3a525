"""Returns and national rows written straight to the database, for the read-model tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from staffsafe.collection import rollups
from staffsafe.collection.models import NationalRow, Return

_sequence = itertools.count(1)


def make_return(trust, period: date, status: str = Return.Status.ACCEPTED,
                headcounts: dict[str, int] | None = None, **fields: Any) -> Return:
    return Return.objects.create(
        trust=trust, period_start=period, status=status, source=Return.Source.UPLOAD,
        file_name="return.csv", file_format="csv", file_sha256=f"{next(_sequence):064x}",
        headcounts={"registered_nurse_midwife": 1000} if headcounts is None else headcounts,
        **fields)


def add_rows(submission: Return, count: int, *, current: bool = True, prefix: str = "INC",
             staff: int = 1, **fields: Any) -> list[NationalRow]:
    """``count`` incidents in the return, each with ``staff`` members of staff."""
    occurred = timezone.make_aware(datetime.combine(submission.period_start, time(10)))
    rows = []
    for _ in range(count):
        incident_id = f"{prefix}-{next(_sequence):06d}"
        for index in range(staff):
            values = {"category": "verbal_abuse_threat", "staff_group": "admin_clerical",
                      "sector": submission.trust.sector, "setting": "inpatient_ward",
                      "reporter_role": "victim", "hate_motivated": "no",
                      "perpetrator_type": "patient_service_user", "medical_factors": False,
                      "police_informed": False, "lone_working": False, "injury": False}
            values.update(fields)
            rows.append(NationalRow(
                submission=submission, trust=submission.trust,
                period_start=submission.period_start, current=current,
                incident_id=incident_id, staff_index=index, occurred_at=occurred,
                reported_at=occurred + timedelta(hours=1), **values))
    created = NationalRow.objects.bulk_create(rows)
    rollups.cells_rebuild([submission.pk])  # as accepting a return does
    return created
