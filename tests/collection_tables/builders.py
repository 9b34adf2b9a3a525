"""Small hand-made frames for the national tables: rows as the read model gives them."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

ROW_SCHEMA = {
    "trust_ods": pl.Utf8, "trust_name": pl.Utf8, "sector": pl.Utf8, "region": pl.Utf8,
    "period_start": pl.Date, "staff_index": pl.Int64, "category": pl.Utf8,
    "medical_factors": pl.Boolean, "injury": pl.Boolean, "days_absent": pl.Int64,
    "police_informed": pl.Boolean, "police_outcome": pl.Utf8, "civil_admin_sanctions": pl.Utf8,
    "staff_group": pl.Utf8,
}
HEADCOUNT_SCHEMA = {"trust_ods": pl.Utf8, "trust_name": pl.Utf8, "sector": pl.Utf8,
                    "region": pl.Utf8, "period_start": pl.Date, "staff_group": pl.Utf8,
                    "headcount": pl.Int64}
APRIL = date(2025, 4, 1)

# ods -> (name, sector, region)
TRUSTS = {
    "RAA": ("Alpha Hospitals", "acute", "london"),
    "RBB": ("Bravo Ambulance", "ambulance", "london"),
    "RCC": ("Charlie Community", "community", "midlands"),
    "RDD": ("Delta Mental Health", "mental_health_learning_disability", "north_west"),
    "REE": ("Echo Primary Care", "primary_care", "south_west"),
    "RFF": ("Foxtrot Other", "other", "east_of_england"),
}


def staff_row(trust: str = "RAA", month: date = APRIL, *, staff_index: int = 0,
              category: str = "verbal_abuse_threat", **fields: Any) -> dict[str, Any]:
    name, sector, region = TRUSTS[trust]
    row = {"trust_ods": trust, "trust_name": name, "sector": sector, "region": region,
           "period_start": month, "staff_index": staff_index, "category": category,
           "medical_factors": False, "injury": False, "days_absent": None,
           "police_informed": False, "police_outcome": "", "civil_admin_sanctions": "",
           "staff_group": "registered_nurse_midwife"}
    row.update(fields)
    return row


def incidents(count: int, trust: str = "RAA", month: date = APRIL,
              **fields: Any) -> list[dict[str, Any]]:
    """``count`` incidents with one member of staff each."""
    return [staff_row(trust, month, **fields) for _ in range(count)]


def rows_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ROW_SCHEMA)


def headcount_frame(counts: dict[tuple[str, date], dict[str, int]]) -> pl.DataFrame:
    records = []
    for (trust, month), groups in counts.items():
        name, sector, region = TRUSTS[trust]
        records += [{"trust_ods": trust, "trust_name": name, "sector": sector,
                     "region": region, "period_start": month, "staff_group": g,
                     "headcount": n} for g, n in groups.items()]
    return pl.DataFrame(records, schema=HEADCOUNT_SCHEMA)


def staff(trusts: list[str], months: list[date], n: int = 1000,
          group: str = "registered_nurse_midwife") -> dict[tuple[str, date], dict[str, int]]:
    return {(t, m): {group: n} for t in trusts for m in months}


def table(built: list, name: str):
    return next(t for t in built if t.name == name)


def row_of(table_: Any, group: str, period: str | None = None):
    return next(r for r in table_.rows if r.group == group
                and (period is None or r.period.key == period))
