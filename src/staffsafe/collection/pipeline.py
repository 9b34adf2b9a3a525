"""From a stored return file to a verdict: read, map, validate (pure; no database)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from staffsafe.collection import validation
from staffsafe.collection.reading import Problem


def problem_dict(problem: Problem) -> dict[str, Any]:
    return asdict(problem)


@dataclass
class Outcome:
    valid: bool
    problems: list[Problem]
    warnings: list[Problem]
    rows: pl.DataFrame
    row_count: int
    incident_count: int
    problem_count: int
    headcounts: dict[str, int] = field(default_factory=dict)
    generated_at: datetime | None = None


def _generated_at(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _headcounts(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    counts = {}
    for group, number in value.items():
        try:
            counts[str(group)] = int(number)
        except (TypeError, ValueError):
            continue
    return counts


def start_check(content: bytes, *, file_format: str, trust_ods: str, period_start: date,
                profile: str = "", generated_at: datetime | None = None,
                headcounts: dict[str, int] | None = None) -> Check:
    """Read and type a return for a trust and month; the header it states must match both.

    The rules are checked by `Check.finish()`; until then `Check.rows` (the typed rows, None
    when the file cannot be read) may be used only in a way that is undone if it is invalid.
    """
    return Check(validation.start_file(
        content, format=file_format, profile=profile or None, organisation_ods=trust_ods,
        period=f"{period_start:%Y-%m}", generated_at=generated_at, headcount=headcounts,
        expected_ods=trust_ods,
    ), generated_at)


@dataclass
class Check:
    checking: validation.Checking
    generated_at: datetime | None = None

    @property
    def rows(self) -> pl.DataFrame | None:
        return self.checking.rows

    def finish(self) -> Outcome:
        result = self.checking.finish()
        errors = [p for p in result.problems if p.is_error]
        return Outcome(
            valid=result.valid, problems=errors,
            warnings=[p for p in result.problems if not p.is_error], rows=result.rows,
            row_count=result.row_count, incident_count=result.incident_count,
            problem_count=result.error_count,
            headcounts=_headcounts(result.header.get("staff_headcount")),
            generated_at=_generated_at(result.header.get("generated_at")) or self.generated_at,
        )

