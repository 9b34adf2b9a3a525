"""Turn a return's text rows back into the record dicts the standard's rules judge."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl

from staffsafe.datastandard import fields

_CONVERT = {
    "boolean": lambda v: {"true": True, "false": False}[v],
    "integer": int,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "codes": lambda v: v.split(fields.LIST_SEPARATOR),
}


def _value(field: fields.Field, text: str | None) -> Any:
    if text is None or text == "":
        return None
    return _CONVERT.get(field.type, lambda v: v)(text)


def records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """One record per incident, with `staff` the list of its rows' staff fields."""
    out: dict[str, dict[str, Any]] = {}
    for row in frame.iter_rows(named=True):
        record = out.get(row["incident_id"])
        if record is None:
            record = {name: _value(fields.FIELDS_BY_NAME[name], row[name])
                      for name in fields.INCIDENT_COLUMNS}
            record["staff"] = []
            out[row["incident_id"]] = record
        record["staff"].append({name: _value(fields.FIELDS_BY_NAME[name], row[name])
                                for name in fields.STAFF_COLUMNS})
    return list(out.values())


def read_return(path) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    """A return as text, exactly as written (no type inference, empty cells as None)."""
    return pl.read_csv(path, infer_schema=False)
