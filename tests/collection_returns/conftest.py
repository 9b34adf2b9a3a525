import json
from datetime import date, datetime

import pytest

from staffsafe.collection import synthetic


@pytest.fixture
def return_file(tmp_path):
    """A valid synthetic return for trust RAA, March 2026: (CSV bytes, header dict)."""

    def make(rows: int = 40, *, seed: int = 1, ods: str = "RAA", period: str = "2026-03"):
        path = tmp_path / f"{ods}-{period}-{seed}.csv"
        synthetic.write_single_return(path, rows=rows, seed=seed, period=period, ods=ods)
        header = json.loads(path.with_suffix(".header.json").read_text())
        return path.read_bytes(), header

    return make


def headcounts(header) -> dict[str, int]:
    return {k: int(v) for k, v in header["staff_headcount"].items()}


def generated_at(header) -> datetime:
    return datetime.fromisoformat(header["generated_at"])


MARCH = date(2026, 3, 1)


def as_json(content: bytes, header: dict, **header_overrides) -> bytes:
    """The same return in the standard's JSON layout, its header inside the file."""
    import csv
    import io

    from staffsafe.datastandard import fields

    incidents: dict[str, dict] = {}
    for row in csv.DictReader(io.StringIO(content.decode())):
        incident = incidents.setdefault(row["incident_id"], {
            name: _json_value(name, row[name]) for name in fields.INCIDENT_COLUMNS})
        incident.setdefault("staff", []).append(
            {name: _json_value(name, row[name]) for name in fields.STAFF_COLUMNS})
    document = {"header": {**header, **header_overrides}, "incidents": list(incidents.values())}
    return json.dumps(document).encode()


def _json_value(name: str, text: str):
    from staffsafe.datastandard import fields

    kind = fields.FIELDS_BY_NAME[name].type
    if text == "":
        return [] if kind == "codes" else None
    if kind == "boolean":
        return text == "true"
    if kind == "integer":
        return int(text)
    if kind == "codes":
        return text.split(fields.LIST_SEPARATOR)
    return text
