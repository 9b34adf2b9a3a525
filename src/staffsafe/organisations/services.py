"""Writes of organisation data: trusts, sites, units and headcounts, singly or from CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from staffsafe.audit.services import Action, audit_record
from staffsafe.datastandard import codes
from staffsafe.organisations.models import Headcount, Site, Trust, Unit

MAX_CSV_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    value: str
    message: str


class OrganisationCsvRejected(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _audit(actor, obj, trust, detail: str) -> None:
    audit_record(actor=actor, action=Action.CREATE, object_type=type(obj).__name__.lower(),
                 object_id=obj.pk, trust=trust, detail=detail)


@transaction.atomic
def trust_create(*, actor, ods_code: str, name: str, sector: str, region: str) -> Trust:
    trust = Trust(ods_code=ods_code.strip().upper(), name=name.strip(), sector=sector,
                  region=region)
    trust.full_clean()
    trust.save()
    _audit(actor, trust, trust, f"Trust {trust.ods_code}")
    return trust


@transaction.atomic
def site_create(*, actor, trust: Trust, name: str, ods_code: str = "") -> Site:
    site = Site(trust=trust, name=name.strip(), ods_code=ods_code.strip().upper())
    site.full_clean()
    site.save()
    _audit(actor, site, trust, f"Site {site.name}")
    return site


@transaction.atomic
def unit_create(*, actor, site: Site, name: str, kind: str, default_setting: str) -> Unit:
    unit = Unit(trust_id=site.trust_id, site=site, name=name.strip(), kind=kind,
                default_setting=default_setting)
    unit.full_clean()
    unit.save()
    _audit(actor, unit, site.trust, f"Unit {unit.name}")
    return unit


@transaction.atomic
def headcount_set(*, actor, trust: Trust, staff_group: str, month: date, headcount: int
                  ) -> Headcount:
    row, _ = Headcount.objects.update_or_create(
        trust=trust, staff_group=staff_group, month=month.replace(day=1),
        defaults={"headcount": headcount},
    )
    audit_record(actor=actor, action=Action.CHANGE, object_type="headcount", object_id=row.pk,
                 trust=trust, changes={"headcount": [None, headcount]},
                 detail=f"{staff_group} {month:%Y-%m}")
    return row


# CSV loading: each kind names its columns and how to check a row.
CSV_COLUMNS = {
    "sites": ("name", "ods_code"),
    "units": ("site", "name", "kind", "default_setting"),
    "headcounts": ("staff_group", "month", "headcount"),
}


def _read_csv(content: bytes, kind: str) -> list[dict[str, str]]:
    if len(content) > MAX_CSV_BYTES:
        raise OrganisationCsvRejected([RowProblem(0, "", "", "The file is larger than 5 MB.")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[kind] if c not in header and c != "ods_code"]
    if missing:
        raise OrganisationCsvRejected([RowProblem(1, c, "", f"The file has no '{c}' column.")
                                       for c in missing])
    rows = [{(k or "").strip(): (v or "").strip() if isinstance(v, str) else ""
             for k, v in row.items()} for row in reader]
    if not rows:
        raise OrganisationCsvRejected([RowProblem(2, "", "", "The file has no rows.")])
    return rows


def _month(value: str) -> date:
    year, month = value.split("-")[:2]
    return date(int(year), int(month), 1)


def _check_row(kind: str, row: dict[str, str], sites: dict[str, Site]) -> list[tuple[str, str]]:
    """(column, message) pairs for what is wrong with one row."""
    problems: list[tuple[str, str]] = []
    if kind in ("sites", "units") and not row.get("name"):
        problems.append(("name", "Enter a name."))
    if kind == "units":
        if row.get("site") not in sites:
            problems.append(("site", "No site of this trust has this name."))
        if row.get("kind") not in Unit.Kind.values:
            problems.append(("kind", f"Use one of: {', '.join(Unit.Kind.values)}."))
        if row.get("default_setting") not in codes.SETTING:
            problems.append(("default_setting", f"Use one of: {', '.join(codes.SETTING.values)}."))
    if kind == "headcounts":
        if row.get("staff_group") not in codes.STAFF_GROUP:
            problems.append(("staff_group", "Not a staff group code of the data standard."))
        try:
            _month(row.get("month", ""))
        except (ValueError, IndexError):
            problems.append(("month", "Enter the month as YYYY-MM, like 2026-03."))
        if not row.get("headcount", "").isdigit():
            problems.append(("headcount", "Enter a whole number of 0 or more."))
    return problems


def _save_row(kind: str, row: dict[str, str], actor, trust: Trust,
              sites: dict[str, Site]) -> None:
    if kind == "sites":
        sites[row["name"]] = site_create(actor=actor, trust=trust, name=row["name"],
                                         ods_code=row.get("ods_code", ""))
    elif kind == "units":
        unit_create(actor=actor, site=sites[row["site"]], name=row["name"], kind=row["kind"],
                    default_setting=row["default_setting"])
    else:
        headcount_set(actor=actor, trust=trust, staff_group=row["staff_group"],
                      month=_month(row["month"]), headcount=int(row["headcount"]))


def organisation_csv_load(*, actor, trust: Trust, kind: str, content: bytes) -> int:
    """Load sites, units or headcounts from CSV: every row or none, with located errors."""
    if kind not in CSV_COLUMNS:
        raise OrganisationCsvRejected([RowProblem(0, "", kind, "Unknown kind of file.")])
    rows = _read_csv(content, kind)
    sites = {s.name: s for s in Site.objects.filter(trust=trust)}
    problems = [RowProblem(number, column, row.get(column, ""), message)
                for number, row in enumerate(rows, start=2)
                for column, message in _check_row(kind, row, sites)]
    if problems:
        raise OrganisationCsvRejected(problems)
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=2):
                try:
                    _save_row(kind, row, actor, trust, sites)
                except ValidationError as error:
                    raise OrganisationCsvRejected([
                        RowProblem(number, column, row.get(column, ""), "; ".join(messages))
                        for column, messages in error_dict(error).items()
                    ]) from None
    except OrganisationCsvRejected:
        raise
    return len(rows)


def error_dict(error: ValidationError) -> dict[str, Any]:
    if hasattr(error, "error_dict"):
        return {("" if k == "__all__" else k): [str(m) for e in v for m in e.messages]
                for k, v in error.error_dict.items()}
    return {"": error.messages}
