"""Writes of the analytics app: loading NHS Staff Survey results, whole or not at all, and
keeping the whole-trust dashboard's roll-up up to date."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import CharField, DateField, TextField
from django.db.models.functions import Cast, ExtractHour, ExtractIsoWeekDay, TruncMonth
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.analytics import rollup
from staffsafe.analytics.models import StaffSurveyResult, StaleMonth, TrustCell
from staffsafe.audit.services import Action, audit_record
from staffsafe.core import rawsql
from staffsafe.core.days import local_start
from staffsafe.core.frames import query_frame
from staffsafe.organisations.models import Trust

COLUMNS = ("organisation", "year", "rate", "base")
MAX_BYTES = 5_000_000


@dataclass
class SurveyLoad:
    problems: list[str] = field(default_factory=list)
    loaded: int = 0


def _rows(data: bytes) -> tuple[list[dict[str, str]], list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text: save it as CSV UTF-8 and try again"]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [f"Row 1: the header needs the column{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)}"]
    reader.fieldnames = header
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader], []


def _check(number: int, row: dict[str, str], trusts: dict[str, int],
           seen: set[tuple[int, int]]) -> tuple[list[str], tuple | None]:
    problems = []
    where = f"Row {number}"
    trust_id = trusts.get(row["organisation"].upper())
    if trust_id is None:
        problems.append(f"{where}, column organisation: {row['organisation'] or 'a blank'} is "
                        "not the ODS code of a trust in StaffSafe")
    year = int(row["year"]) if row["year"].isdigit() else None
    if year is None or not 2000 <= year <= 2100:
        problems.append(f"{where}, column year: enter a year like 2024")
    try:
        rate = Decimal(row["rate"].rstrip("%"))
        if not Decimal(0) <= rate <= Decimal(100) or rate != round(rate, 2):
            raise InvalidOperation
    except InvalidOperation:
        rate = None
        problems.append(f"{where}, column rate: enter a percentage from 0 to 100, like 14.3")
    base = int(row["base"]) if row["base"].isdigit() else None
    if not base:
        problems.append(f"{where}, column base: enter the number of staff who answered, "
                        "a whole number above 0")
    if trust_id is not None and year is not None:
        if (trust_id, year) in seen:
            problems.append(f"{where}: {row['organisation']} {year} appears twice")
        seen.add((trust_id, year))
    return problems, None if problems else (trust_id, year, rate, base)


def staff_survey_load(*, actor, data: bytes, file_name: str = "", request=None) -> SurveyLoad:
    """Check every row, then load all of them or none; a later year's file replaces a year."""
    if not scoping.can_load_staff_survey(actor):
        raise PermissionDenied
    if len(data) > MAX_BYTES:
        return SurveyLoad(["The file is larger than 5 MB"])
    rows, problems = _rows(data)
    if not problems and not rows:
        problems = ["The file has a header but no results"]
    trusts = {ods: pk for pk, ods in Trust.objects.values_list("pk", "ods_code")}
    seen: set[tuple[int, int]] = set()
    checked = []
    for number, row in enumerate(rows, start=2):
        row_problems, values = _check(number, row, trusts, seen)
        problems += row_problems
        checked.append(values)
    if problems:
        return SurveyLoad(problems)
    with transaction.atomic():
        for trust_id, year, rate, base in checked:
            StaffSurveyResult.objects.update_or_create(
                trust_id=trust_id, year=year,
                defaults={"rate": rate, "base": base, "loaded_by": actor})
        audit_record(actor=actor, action=Action.CREATE, object_type="staff_survey",
                     object_id=file_name[:100], request=request,
                     detail=f"Loaded {len(checked)} NHS Staff Survey results")
    return SurveyLoad(loaded=len(checked))


# --------------------------------------------------------------------------------------------
# The whole-trust dashboard's roll-up (ADR 0012)
# --------------------------------------------------------------------------------------------


def local_month(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def stale_months(trust_id: int, moments: Iterable[datetime | None]) -> list[StaleMonth]:
    """The records, not yet written, that the trust's incidents changed in the local months of
    these moments: `trust_months_stale` writes them, or a service writes them with the change in
    one statement."""
    months = sorted({local_month(m) for m in moments if m is not None})
    return [StaleMonth(trust_id=trust_id, month=month) for month in months]


def trust_months_stale(trust_id: int, moments: Iterable[datetime | None]) -> None:
    """Record that the trust's incidents changed in the local months of these moments: one plain
    INSERT in the caller's transaction, so a change and its record commit together, and no lock
    is taken (this runs inside every incident change: docs/PERFORMANCE.md, API create)."""
    rawsql.insert_new(stale_months(trust_id, moments), connection)


def _month_bounds(months: list[date]) -> tuple[datetime, datetime]:
    last = max(months)
    after = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    return local_start(min(months)), local_start(after)


def _month_frames(trust_id: int, months: list[date]) -> tuple[pl.DataFrame, pl.DataFrame]:
    from staffsafe.incidents.models import Incident, StaffAffected

    start, end = _month_bounds(months)
    incidents = (Incident.objects.filter(trust_id=trust_id, occurred_at__gte=start,
                                         occurred_at__lt=end)
                 .annotate(key=Cast("id", CharField()),
                           month=TruncMonth("occurred_at", output_field=DateField()),
                           hour=ExtractHour("occurred_at"),
                           weekday=ExtractIsoWeekDay("occurred_at"),
                           factor_list=Cast("factors", TextField()),
                           sanction_list=Cast("civil_admin_sanctions", TextField()))
                 .values_list("key", "unit_id", "month", "hour", "weekday", "category",
                              "setting", "perpetrator_type", "medical_factors", "factor_list",
                              "police_informed", "emergency_worker_act_applies",
                              "police_outcome", "sanction_list").order_by())
    staff = (StaffAffected.objects.filter(incident__trust_id=trust_id,
                                          incident__occurred_at__gte=start,
                                          incident__occurred_at__lt=end)
             .annotate(key=Cast("incident_id", CharField()))
             .values_list("key", "staff_group", "injury", "injury_severity", "days_absent")
             .order_by())
    wanted = pl.col("month").is_in(months)
    return (query_frame(incidents, rollup.INCIDENT_SCHEMA).filter(wanted),
            query_frame(staff, rollup.STAFF_SCHEMA))


def trust_cells_refresh(trust_id: int) -> int:
    """Rebuild the roll-up of the months whose incidents changed (see `_refresh`). Most pages
    find nothing changed: one read, no lock, no transaction."""
    if not StaleMonth.objects.filter(trust_id=trust_id).exists():
        return 0
    return _refresh(trust_id)


@transaction.atomic
def _refresh(trust_id: int) -> int:
    """Rebuild the roll-up of the months whose incidents changed, before a dashboard reads it;
    returns how many months.

    One rebuild per trust at a time (the trust's row is locked; incident writes are not held up
    by it). The change records are read before the incidents, and only the records read are
    deleted: a record that was committed is read with its change, and one that was not yet
    committed stays for the next rebuild."""
    Trust.objects.select_for_update(no_key=True).filter(pk=trust_id).first()
    marks = list(StaleMonth.objects.filter(trust_id=trust_id).values_list("pk", "month"))
    if not marks:
        return 0
    months = sorted({month for _, month in marks})
    TrustCell.objects.filter(trust_id=trust_id, month__in=months).delete()
    found = rollup.cells(*_month_frames(trust_id, months))
    TrustCell.objects.bulk_create(
        [TrustCell(trust_id=trust_id, month=month, key=key, n=n)
         for month, key, n in found.iter_rows()], batch_size=5000)
    StaleMonth.objects.filter(pk__in=[pk for pk, _ in marks]).delete()
    return len(months)
