"""A trust that reports in StaffSafe gets its monthly return built from its incidents."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from staffsafe.datastandard import fields
from staffsafe.incidents.selectors import incidents_reported_between
from staffsafe.organisations.selectors import headcounts_for_month

LONDON = ZoneInfo("Europe/London")


def period_bounds(period_start: date) -> tuple[datetime, datetime]:
    """The month as local (UK) time, the way trusts count their months."""
    start = datetime(period_start.year, period_start.month, 1, tzinfo=LONDON)
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, following


def _cell(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return timezone.localtime(value, LONDON).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return fields.LIST_SEPARATOR.join(value)
    return str(value)


def _rows(incident: Any, period_start: datetime) -> list[dict[str, str]]:
    shared = {name: getattr(incident, name, None) for name in fields.INCIDENT_COLUMNS
              if hasattr(incident, name)}
    shared.update(incident_id=incident.reference, site_ods=incident.unit.site.ods_code,
                  late=incident.occurred_at < period_start)
    return [{name: _cell({**shared, **{s: getattr(member, s) for s in fields.STAFF_COLUMNS}}
                         .get(name)) for name in fields.COLUMNS}
            for member in incident.staff.all()]


def return_csv(trust: Any, period_start: date) -> tuple[bytes, dict[str, int], int]:
    """The return as CSV bytes in the standard's layout, its headcounts and incident count."""
    start, end = period_bounds(period_start)
    incidents = list(incidents_reported_between(trust.pk, start, end))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields.COLUMNS, lineterminator="\n")
    writer.writeheader()
    for incident in incidents:
        writer.writerows(_rows(incident, start))
    return buffer.getvalue().encode("utf-8"), headcounts_for_month(trust, period_start), \
        len(incidents)
