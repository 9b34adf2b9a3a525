"""Build valid monthly returns (CSV, JSON, XLSX) for the collection tests, then spoil them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook

from staffsafe.datastandard import codes
from staffsafe.datastandard.fields import COLUMNS, FIELDS_BY_NAME, LIST_SEPARATOR

NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
ODS = "RX9"
PERIOD = "2026-03"
HEADCOUNT = {group: 100 for group in codes.STAFF_GROUP.values}
HEADER = {
    "standard_version": "1.0",
    "organisation_ods": ODS,
    "period_start": "2026-03-01",
    "period_end": "2026-03-31",
    "generated_at": "2026-04-02T09:30:00+01:00",
    "staff_headcount": HEADCOUNT,
}
CSV_ARGS = {"organisation_ods": ODS, "period": PERIOD, "generated_at": HEADER["generated_at"],
            "headcount": HEADCOUNT}


def staff(**overrides: Any) -> dict[str, Any]:
    member = {"staff_group": "registered_nurse_midwife", "employment_type": "substantive",
              "patient_facing": True, "lone_working": False, "activity": "clinical_care",
              "injury": False, "psychological_impact": True}
    member.update(overrides)
    return {k: v for k, v in member.items() if v is not None}


def incident(number: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid verbal abuse incident with one member of staff; override any field."""
    record = {
        "incident_id": f"INC-{number:05d}", "site_ods": "RX9AB", "sector": "acute",
        "setting": "emergency_department",
        "occurred_at": f"2026-03-{1 + number % 28:02d}T10:15:00+00:00",
        "reported_at": f"2026-03-{1 + number % 28:02d}T11:00:00+00:00", "late": False,
        "reporter_role": "victim", "category": "verbal_abuse_threat", "hate_motivated": "no",
        "perpetrator_type": "patient_service_user", "perpetrator_age_band": "25_44",
        "medical_factors": False, "factors": ["waiting_time_dissatisfaction"],
        "police_informed": False, "debrief_offered": True,
        "staff": [staff()],
    }
    record.update(overrides)
    return {k: v for k, v in record.items() if v is not None}


def assault(number: int = 1, **overrides: Any) -> dict[str, Any]:
    """A physical assault with an injury, reported to the police and to RIDDOR."""
    values = {
        "category": "physical_assault", "method": ["hit_punch", "kick"],
        "police_informed": True, "police_outcome": "charged",
        "emergency_worker_act_applies": True, "riddor_reportable": True,
        "riddor_reported_on": "2026-03-20", "perpetrator_count": 2,
        "staff": [staff(injury=True, injury_severity="severe", treatment="emergency_department",
                        days_absent=10),
                  staff(staff_group="nursing_healthcare_assistant", injury=False)],
    }
    values.update(overrides)
    return incident(number, **values)


def variety(count: int = 12) -> list[dict[str, Any]]:
    """A mix of valid incidents touching every conditional rule."""
    out = []
    for n in range(1, count + 1):
        kind = n % 4
        if kind == 0:
            out.append(assault(n))
        elif kind == 1:
            out.append(incident(n))
        elif kind == 2:
            out.append(incident(n, hate_motivated="yes", hate_characteristics=["race", "sex"],
                                police_informed=True, police_outcome="pending"))
        else:
            out.append(incident(n, category="physical_assault", method=["spit"],
                                riddor_reportable=False,
                                staff=[staff(injury=True, injury_severity="low", days_absent=1)]))
    return out


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(value)
    return str(value)


def table_rows(incidents: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """One row per member of staff, every column of the standard, as the CSV writes it."""
    rows = []
    for record in incidents:
        for member in record["staff"]:
            values = {**record, **member}
            rows.append({name: cell(values.get(name)) for name in COLUMNS})
    return rows


def csv_text(incidents: Iterable[dict[str, Any]], *, delimiter: str = ",",
             columns: Iterable[str] = COLUMNS, rows: list[dict[str, str]] | None = None) -> str:
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows if rows is not None else table_rows(incidents):
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def csv_bytes(incidents: Iterable[dict[str, Any]], *, encoding: str = "utf-8",
              **kwargs: Any) -> bytes:
    return csv_text(incidents, **kwargs).encode(encoding)


def json_bytes(incidents: list[dict[str, Any]], header: dict[str, Any] | None = None) -> bytes:
    return json.dumps({"header": header or HEADER, "incidents": incidents}).encode()


def xlsx_bytes(incidents: Iterable[dict[str, Any]], header: dict[str, Any] | None = None,
               rows: list[dict[str, str]] | None = None) -> bytes:
    header = header or HEADER
    book = Workbook()
    sheet = book.active
    sheet.title = "incidents"
    sheet.append(list(COLUMNS))
    for row in rows if rows is not None else table_rows(incidents):
        sheet.append([_xlsx_cell(name, row.get(name, "")) for name in COLUMNS])
    head = book.create_sheet("header")
    head.append(["field", "value", "explanation"])
    for name, value in header.items():
        if name != "staff_headcount":
            head.append([name, value, ""])
    counts = book.create_sheet("headcount")
    counts.append(["staff_group", "headcount", "label"])
    for group, n in header.get("staff_headcount", {}).items():
        counts.append([group, n, codes.STAFF_GROUP.label(group)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(name: str, text: str) -> Any:
    if text == "":
        return None
    if FIELDS_BY_NAME[name].type == "integer" and text.isdigit():
        return int(text)
    return text
