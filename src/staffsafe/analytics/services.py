"""Writes of the analytics app: loading NHS Staff Survey results, whole or not at all."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from staffsafe.accounts import scoping
from staffsafe.analytics.models import StaffSurveyResult
from staffsafe.audit.services import Action, audit_record
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
