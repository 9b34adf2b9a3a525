"""Validate a monthly return against the national data standard, vectorised with Polars.

`validate_return(table, header)` takes what `reading.read_return` gives (a table of strings, one
row per member of staff affected, and the submission header) and returns a `ValidationResult`:
every problem located by row and column with a plain-English message, the rows typed in the
standard's columns (booleans, UTC datetimes, dates, integers, code lists as `list[str]`), and
counts. `validate_file` reads and validates in one call.

Each rule is a Polars expression that is true where a row breaks it; all of them are evaluated
in one pass over the table. Python builds messages only for the rows that fail, at most
`MAX_LISTED` per rule and column; every failure is counted.

Interpretations of the standard made here (see also the report in the collection issue):

- datetimes are RFC 3339 with a compulsory offset (`2026-03-14T09:30:00+00:00` or `...Z`), the
  pattern the published JSON Schema uses; booleans are `true`/`false` in any case;
- the period is a calendar month of UK local time (Europe/London);
- "not in the future" allows five minutes of clock difference between systems;
- rows of one incident need not be next to each other: rows with the same incident_id and the same
  incident details are one incident with several staff affected; the same incident_id with
  different details is an error, and in JSON the same incident_id in two incident objects is one;
- `late = true` means the incident happened before the period and was reported in it, so it is
  an error for an incident that happened in (or after) the period;
- riddor_reported_on may not be in the future or before the incident.

Pure Python and Polars: no Django.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from staffsafe.collection.profiles import TIME_SUFFIX, Profile, load_profile
from staffsafe.collection.reading import (
    ERROR,
    MAX_LISTED,
    ROW,
    WARNING,
    Problem,
    ReadResult,
    Source,
    missing_column_problem,
    period_bounds,
    problem,
    read_return,
    show,
)
from staffsafe.core.spreadsheets import formula_safe
from staffsafe.datastandard import codes
from staffsafe.datastandard.codes import STANDARD_VERSION
from staffsafe.datastandard.fields import (
    FIELDS,
    FIELDS_BY_NAME,
    INCIDENT_COLUMNS,
    LIST_SEPARATOR,
    Field,
)
from staffsafe.datastandard.rules import SPECIFIED_INJURY_SEVERITIES

__all__ = ["MAX_LISTED", "Checking", "Problem", "ValidationResult", "problems_csv",
           "start_file", "start_read", "start_return", "validate_file", "validate_read",
           "validate_return"]

# The patterns of the published JSON Schema (standard_exports.DATETIME_PATTERN, ...), with ASCII
# digits as JSON Schema means them.
DATETIME_PATTERN = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
                    r"(Z|[+-][0-9]{2}:[0-9]{2})$")
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
ODS_PATTERN = r"^[A-Z0-9]{3,5}$"
SITE_ODS_PATTERN = r"^[A-Z0-9]{3,10}$"
INTEGER_PATTERN = r"^[0-9]{1,18}$"
INCIDENT_ID_MAX = 100
CLOCK_SKEW = timedelta(minutes=5)
UK = ZoneInfo("Europe/London")
RIDDOR_DAYS = 7  # more than 7 days absent: RIDDOR's over-seven-day injury
_PARSE_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%:z"
_INC = "_inc"
_I = "_i"
_COLUMN_ORDER = {f.name: i for i, f in enumerate(FIELDS)}
_INCIDENT_LEVEL = frozenset(INCIDENT_COLUMNS)
_TYPES: dict[str, pl.DataType] = {
    "text": pl.String(), "codes": pl.List(pl.String()),
    "boolean": pl.Boolean(), "integer": pl.Int64(),
    "datetime": pl.Datetime("us", "UTC"), "date": pl.Date(),
}


def _t(name: str) -> str:
    return f"t.{name}"


@dataclass
class ValidationResult:
    """Everything found in a return, and the rows typed in the standard's columns."""

    problems: list[Problem]
    rows: pl.DataFrame
    header: dict[str, Any] = field(default_factory=dict)
    counts: dict[tuple[str, str, str], int] = field(default_factory=dict)  # severity, rule, col
    row_count: int = 0
    incident_count: int = 0
    readable: bool = True
    read: ReadResult | None = None

    @property
    def error_count(self) -> int:
        return sum(n for (severity, _, _), n in self.counts.items() if severity == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(n for (severity, _, _), n in self.counts.items() if severity == WARNING)

    @property
    def valid(self) -> bool:
        return self.readable and self.error_count == 0

    @property
    def incidents(self) -> pl.DataFrame:
        """One row per incident: the incident columns of its first row."""
        columns = [ROW, *INCIDENT_COLUMNS]
        if self.rows.height == 0:
            return self.rows.select(columns)
        return self.rows.unique("incident_id", keep="first", maintain_order=True).select(columns)

    @property
    def staff(self) -> pl.DataFrame:
        return self.rows.select(ROW, "incident_id",
                                *[f.name for f in FIELDS if f.level == "staff"])

    def summary(self) -> str:
        if not self.readable:
            return "The file cannot be read: " + "; ".join(p.message for p in self.problems)
        verdict = "valid" if self.valid else "NOT valid"
        return (f"{_n(self.row_count, 'row')} (staff affected) in "
                f"{_n(self.incident_count, 'incident')}: {verdict}, "
                f"{_n(self.error_count, 'error')}, {_n(self.warning_count, 'warning')}.")

    def by_rule(self) -> list[tuple[str, str, str, int]]:
        """(severity, rule, column, count), most frequent first."""
        return sorted(((s, r, c, n) for (s, r, c), n in self.counts.items()),
                      key=lambda item: (item[0] != ERROR, -item[3], item[1], item[2]))


# -- entry points -----------------------------------------------------------------------------


def validate_file(source: Source, *, format: str | None = None, filename: str | None = None,
                  profile: Profile | str | Path | None = None,
                  organisation_ods: str | None = None, period: str | date | None = None,
                  generated_at: str | datetime | None = None,
                  headcount: Mapping[str, Any] | Source | None = None,
                  expected_ods: str | None = None, now: datetime | None = None
                  ) -> ValidationResult:
    """Read and validate a return; a file that cannot be read gives `readable = False`.

    A `ProfileError` (a broken profile file) is raised, not reported: it is the caller's setup,
    not the return, that is wrong.
    """
    return start_file(source, format=format, filename=filename, profile=profile,
                      organisation_ods=organisation_ods, period=period,
                      generated_at=generated_at, headcount=headcount,
                      expected_ods=expected_ods, now=now).finish()


def start_file(source: Source, *, format: str | None = None, filename: str | None = None,
               profile: Profile | str | Path | None = None,
               organisation_ods: str | None = None, period: str | date | None = None,
               generated_at: str | datetime | None = None,
               headcount: Mapping[str, Any] | Source | None = None,
               expected_ods: str | None = None, now: datetime | None = None) -> Checking:
    """`validate_file` in two steps: the rows typed first (`Checking.rows`), the rules after
    (`Checking.finish()`), so that a caller can start on the rows while the rules run."""
    profile = load_profile(profile) if isinstance(profile, str | Path) else profile
    read = read_return(source, format=format, filename=filename, profile=profile,
                       organisation_ods=organisation_ods, period=period,
                       generated_at=generated_at, headcount=headcount)
    return start_read(read, now=now, profile=profile, expected_ods=expected_ods)


def validate_read(read: ReadResult, *, now: datetime | None = None,
                  profile: Profile | None = None, expected_ods: str | None = None
                  ) -> ValidationResult:
    """Validate what `read_return` read, with the reading problems first in the result."""
    return start_read(read, now=now, profile=profile, expected_ods=expected_ods).finish()


def start_read(read: ReadResult, *, now: datetime | None = None,
               profile: Profile | None = None, expected_ods: str | None = None) -> Checking:
    if read.table is None:
        return Checking(read=read)
    checking = start_return(read.table, read.header, now=now, profile=profile,
                            expected_ods=expected_ods)
    checking.read = read
    return checking


def validate_return(table: pl.DataFrame, header: Mapping[str, Any] | None, *,
                    now: datetime | None = None, profile: Profile | str | Path | None = None,
                    expected_ods: str | None = None) -> ValidationResult:
    """Check a return's rows and header against every rule of the standard.

    `table`: strings, one row per member of staff, columns named as in the standard (or as the
    profile's local names) and `_row` locating each row in the file. `header`: the submission
    header (`period` "YYYY-MM" may stand for period_start and period_end). `expected_ods`: the
    organisation the return must be for.
    """
    return start_return(table, header, now=now, profile=profile,
                        expected_ods=expected_ods).finish()


def start_return(table: pl.DataFrame, header: Mapping[str, Any] | None, *,
                 now: datetime | None = None, profile: Profile | str | Path | None = None,
                 expected_ods: str | None = None) -> Checking:
    """`validate_return` up to the typed rows; `finish()` checks the rules."""
    now = _aware(now or datetime.now(UTC))
    profile = load_profile(profile) if isinstance(profile, str | Path) else profile
    found = _Found()
    head = _check_header(dict(header or {}), now, expected_ods, found)
    source = _prepare(table, profile)
    standard = _normalise(profile.apply(source)) if profile is not None else source
    missing = [f.name for f in FIELDS if f.required and f.name not in standard.columns]
    for name in missing:
        found.add(missing_column_problem(name, profile), -1)
    standard = standard.with_columns([pl.lit(None, pl.String).alias(f.name) for f in FIELDS
                                      if f.name not in standard.columns])
    work = _typed(standard, head, profile)
    return Checking(work=work, head=head, found=found, display=_Display(source),
                    checks=_checks(work, head, now, set(missing), profile))


@dataclass
class Checking:
    """A return read and typed, its rules not yet checked.

    `rows` are the typed rows `finish()` will give as `ValidationResult.rows` (None when the
    file could not be read); they mean nothing until `finish()` says the return is valid.
    Pure: no database, no files.
    """

    read: ReadResult | None = None
    work: pl.DataFrame | None = None
    head: dict[str, Any] = field(default_factory=dict)
    found: _Found | None = None
    display: _Display | None = None
    checks: list[_Check] = field(default_factory=list)
    _result: ValidationResult | None = field(default=None, repr=False)

    @property
    def rows(self) -> pl.DataFrame | None:
        if self.work is None:
            return None
        return self.work.select(ROW, *[pl.col(_t(f.name)).alias(f.name) for f in FIELDS])

    def finish(self) -> ValidationResult:
        """Check every rule (once: a second call gives the same result)."""
        if self._result is None:
            self._result = self._finish()
        return self._result

    def _finish(self) -> ValidationResult:
        if self.work is None or self.found is None:
            problems = self.read.problems if self.read is not None else []
            return ValidationResult(problems, _empty_rows(), counts=_count(problems),
                                    readable=False, read=self.read)
        work, found = self.work, self.found
        _run_checks(work, self.checks, self.display, found)
        _check_incidents(work, self.display, found)
        result = ValidationResult(
            problems=found.sorted(), rows=self.rows, header=self.head,
            counts=dict(found.counts), row_count=work.height,
            incident_count=work[_INC].n_unique() if work.height else 0)
        return result if self.read is None else _with_read_problems(self.read, result)


def _with_read_problems(read: ReadResult, result: ValidationResult) -> ValidationResult:
    """The reading problems first; a missing column found by both is reported once."""
    missing = {p.column for p in read.problems if p.rule == "missing_column"}
    twice = {p.column for p in result.problems
             if p.rule == "missing_column" and p.column in missing}
    own = [p for p in result.problems if not (p.rule == "missing_column" and p.column in twice)]
    result.problems = read.problems + own
    counts = Counter(_count(read.problems))
    counts.update(result.counts)
    for column in twice:
        counts[(ERROR, "missing_column", column)] -= 1
    result.counts = {k: n for k, n in counts.items() if n > 0}
    result.read = read
    return result


def problems_csv(problems: Iterable[Problem]) -> str:
    """The downloadable report. Cells that a spreadsheet would run as a formula are defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["row", "column", "value", "rule", "severity", "message"])
    for p in problems:
        writer.writerow([_safe_cell(v) for v in (p.row, p.column, p.value or "", p.rule,
                                                 p.severity, p.message)])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    return formula_safe(value)


# -- collecting problems ----------------------------------------------------------------------


class _Found:
    def __init__(self) -> None:
        self.items: list[tuple[tuple[int, int], Problem]] = []
        self.counts: Counter[tuple[str, str, str]] = Counter()

    def add(self, item: Problem, position: int, count: int = 1) -> None:
        """`position`: the row's place in the table (-1 for the header and whole columns);
        `count`: how many failures the problem stands for (0 for a "further rows" summary)."""
        order = _COLUMN_ORDER.get(item.column.split(".")[0], len(_COLUMN_ORDER))
        self.items.append(((position, order), item))
        self.counts[(item.severity, item.rule, item.column)] += count

    def sorted(self) -> list[Problem]:
        return [p for _, p in sorted(self.items, key=lambda pair: pair[0])]


def _count(problems: Iterable[Problem]) -> dict[tuple[str, str, str], int]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for p in problems:
        if p.row or not p.message.startswith("A further"):
            counts[(p.severity, p.rule, p.column)] += 1
    return dict(counts)


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _empty_rows() -> pl.DataFrame:
    return pl.DataFrame(schema={ROW: pl.String, **{f.name: _dtype(f) for f in FIELDS}})


# -- header -----------------------------------------------------------------------------------


def _check_header(header: dict[str, Any], now: datetime, expected_ods: str | None,
                  found: _Found) -> dict[str, Any]:
    def bad(column: str, value: object, rule: str, detail: str, severity: str = ERROR) -> None:
        found.add(problem("header", column, value, rule, detail, severity), -1)

    head: dict[str, Any] = {}
    version = _text(header.get("standard_version"))
    if version is None:
        bad("standard_version", None, "required", "standard_version is required "
            f"({STANDARD_VERSION}).")
    elif version != STANDARD_VERSION:
        bad("standard_version", version, "standard_version", f"{show(version)} is not a version "
            f"this validator checks: the return must follow version {STANDARD_VERSION}.")
    head["standard_version"] = version
    head["organisation_ods"] = _check_ods(_text(header.get("organisation_ods")), expected_ods,
                                          bad)
    head["period_start"], head["period_end"] = _check_period(header, bad)
    head["generated_at"] = _check_generated(_text(header.get("generated_at")), now,
                                            head["period_end"], bad)
    head["staff_headcount"] = _check_headcount(header.get("staff_headcount"), bad)
    return head


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _check_ods(ods: str | None, expected: str | None, bad: Callable[..., None]) -> str | None:
    if ods is None:
        bad("organisation_ods", None, "required", "organisation_ods (the trust's ODS code) is "
            "required.")
        return None
    if not re.fullmatch(ODS_PATTERN, ods):
        hint = (f" ODS codes are written in capitals: {show(ods.upper())}."
                if re.fullmatch(ODS_PATTERN, ods.upper()) else "")
        bad("organisation_ods", ods, "ods_code", f"{show(ods)} is not an ODS code (3 to 5 "
            f"capital letters or digits, e.g. RX9).{hint}")
        return None
    if expected and ods.upper() != expected.strip().upper():
        bad("organisation_ods", ods, "ods_mismatch", f"the return is for {show(ods)}, but it "
            f"was sent for {show(expected.strip().upper())}.")
    return ods


def _check_period(header: dict[str, Any], bad: Callable[..., None]
                  ) -> tuple[date | None, date | None]:
    start_text, end_text = _text(header.get("period_start")), _text(header.get("period_end"))
    if start_text is None and end_text is None:
        period = _text(header.get("period"))
        if period is None:
            bad("period_start", None, "required", "the period is required (period_start and "
                "period_end, or a month such as 2026-03).")
            return None, None
        bounds = period_bounds(period)
        if bounds is None:
            bad("period_start", period, "period", f"{show(period)} is not a month: write it "
                "as YYYY-MM, e.g. 2026-03.")
            return None, None
        return bounds
    start, end = _date(start_text), _date(end_text)
    for name, text, value in (("period_start", start_text, start), ("period_end", end_text, end)):
        if text is None:
            bad(name, None, "required", f"{name} is required.")
        elif value is None:
            bad(name, text, "period", f"{show(text)} is not a date like 2026-03-01.")
    if start is None or end is None:
        return None, None
    month = period_bounds(f"{start:%Y-%m}")
    if start.day != 1 or month is None or end != month[1]:
        bad("period_end" if start.day == 1 else "period_start", f"{start} to {end}", "period",
            f"the period {start} to {end} is not a calendar month: it must run from the first "
            "to the last day of one month.")
        return None, None
    return start, end


def _date(text: str | None) -> date | None:
    if text is None or not re.fullmatch(DATE_PATTERN, text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _datetime(text: str | None) -> datetime | None:
    if text is None or not re.fullmatch(DATETIME_PATTERN, text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _check_generated(text: str | None, now: datetime, period_end: date | None,
                     bad: Callable[..., None]) -> datetime | None:
    if text is None:
        bad("generated_at", None, "required", "generated_at (when the return was made, with "
            "offset) is required.")
        return None
    moment = _datetime(text)
    if moment is None:
        bad("generated_at", text, "datetime", _datetime_detail(text, "generated_at"))
        return None
    if moment > now + CLOCK_SKEW:
        bad("generated_at", text, "not_future", "the return cannot have been made in the future.")
    elif period_end is not None and moment < _uk_midnight(period_end + timedelta(days=1)):
        bad("generated_at", text, "generated_before_period_end", "the return was made before "
            "the end of its month, so it may not hold every incident of the month.", WARNING)
    return moment


def _check_headcount(raw: Any, bad: Callable[..., None]) -> dict[str, int]:
    if not raw:
        bad("staff_headcount", None, "required", "staff_headcount is required: the headcount of "
            "every staff group, 0 where there are none (the headcount sheet in XLSX, "
            "header.staff_headcount in JSON, a headcount file for CSV).")
        return {}
    if not isinstance(raw, Mapping):
        bad("staff_headcount", str(raw), "headcount", "staff_headcount must give a number for "
            "each staff group.")
        return {}
    counts: dict[str, int] = {}
    for group, value in raw.items():
        column = f"staff_headcount.{group}"
        text = None if value is None or isinstance(value, bool) else str(value).strip()
        if group not in codes.STAFF_GROUP:
            bad(column, group, "headcount_unknown_group", f"{show(group)} is not a staff group "
                f"({', '.join(codes.STAFF_GROUP.values)}).")
        elif not text or not re.fullmatch(INTEGER_PATTERN, text):
            bad(column, value, "headcount", f"the headcount of {group} must be a whole number of "
                f"0 or more, not {show(value if value is not None else '')}.")
        else:
            counts[group] = int(text)
    missing = [g for g in codes.STAFF_GROUP.values if g not in raw]
    if missing:
        bad("staff_headcount", None, "headcount_missing_group", "staff_headcount has no figure "
            f"for {', '.join(missing)}: give every staff group, 0 where there are none.")
    return counts


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), UK).astimezone(UTC)


# -- preparing the table ----------------------------------------------------------------------


def _clean(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.strip_chars().replace("", None)


def _prepare(table: pl.DataFrame, profile: Profile | None) -> pl.DataFrame:
    """Standard column names, trimmed text, blanks as null, `_row` and the position `_i`."""
    sources: dict[str, str] = {}
    for name in table.columns:
        if name in (ROW, _I):
            continue
        target = (profile.target(name) if profile is not None
                  else name if name in FIELDS_BY_NAME else None)
        if target is not None and target not in sources:
            sources[target] = name
    if ROW in table.columns:
        row = pl.col(ROW).cast(pl.String)
    else:
        row = (pl.int_range(pl.len()) + 2).cast(pl.String)
    dirty = _needing_cleaning(table, list(sources.values()))
    cleaned = table.select(row.alias(ROW), *[
        (_clean(pl.col(src)) if src in dirty else pl.col(src)).alias(target)
        for target, src in sources.items()])
    if sources:  # a row of nothing but spaces is a blank row: skipped
        cleaned = cleaned.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in sources]))
    return cleaned.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias(_I))


def _needing_cleaning(table: pl.DataFrame, names: list[str]) -> set[str]:
    """The columns with a value to trim or a blank to make null; the others are left as they
    are (no copy). One pass over all the columns at once."""
    text = [n for n in names if table.schema[n] == pl.String]
    dirty = set(names) - set(text)
    if text:
        flags = table.select([
            ((pl.col(n).str.len_bytes() != pl.col(n).str.strip_chars().str.len_bytes())
             | (pl.col(n).str.len_bytes() == 0)).any().alias(n) for n in text]).row(0)
        dirty |= {n for n, flag in zip(text, flags, strict=True) if flag}
    return dirty


def _normalise(table: pl.DataFrame) -> pl.DataFrame:
    names = [c for c in table.columns if c not in (ROW, _I)]
    dirty = _needing_cleaning(table, names)
    return table.with_columns([_clean(pl.col(c)).alias(c) for c in names if c in dirty])


def _dtype(spec: Field) -> pl.DataType:
    if spec.type == "code":
        return pl.Enum(list(spec.code_list.values))
    return _TYPES[spec.type]


def _typed_expr(spec: Field, fractions: bool = True) -> pl.Expr:
    raw = pl.col(spec.name)
    if spec.type == "code":
        return raw.cast(_dtype(spec), strict=False)
    if spec.type == "codes":
        parts = raw.str.split(LIST_SEPARATOR).list.eval(pl.element().str.strip_chars())
        valid = parts.list.eval(pl.element().is_in(list(spec.code_list.values))).list.all()
        return pl.when(valid).then(parts)
    if spec.type == "boolean":
        low = raw.str.to_lowercase()  # only for the rare TRUE / False spellings
        return (pl.when(raw == "true").then(True).when(raw == "false").then(False)
                .when(raw.str.len_bytes().is_between(4, 5))
                .then(pl.when(low == "true").then(True).when(low == "false").then(False)))
    if spec.type == "integer":
        return pl.when(raw.str.contains(INTEGER_PATTERN)).then(raw.cast(pl.Int64, strict=False))
    if spec.type == "datetime":
        return pl.when(raw.str.contains(DATETIME_PATTERN)).then(
            _parse_datetime(raw) if fractions else _parse_datetime_fast(raw))
    if spec.type == "date":
        return pl.when(raw.str.contains(DATE_PATTERN)).then(
            raw.str.to_date("%Y-%m-%d", strict=False))
    return raw


def _parse_datetime(raw: pl.Expr) -> pl.Expr:
    iso = raw.str.replace(r"Z$", "+00:00")
    return iso.str.to_datetime(_PARSE_FORMAT, strict=False, time_zone="UTC", time_unit="us")


def _parse_datetime_fast(raw: pl.Expr) -> pl.Expr:
    """Twice as fast as the general parse, for values without fractions of a second."""
    naive = raw.str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us",
                                                 strict=False)
    tail = raw.str.slice(19)
    hours = tail.str.slice(1, 2).cast(pl.Int32, strict=False)
    minutes = tail.str.slice(4, 2).cast(pl.Int32, strict=False)
    sign = pl.when(tail.str.starts_with("-")).then(-1).otherwise(1)
    offset = (pl.when(tail == "Z").then(0)
              .when((hours < 24) & (minutes < 60)).then(sign * (hours * 60 + minutes)))
    return (naive - pl.duration(minutes=offset)).dt.replace_time_zone("UTC")


def _has_fractions(table: pl.DataFrame, name: str) -> bool:
    return bool(table[name].str.contains(r"T[0-9]{2}:[0-9]{2}:[0-9]{2}\.").any())


def _typed(table: pl.DataFrame, head: dict[str, Any], profile: Profile | None) -> pl.DataFrame:
    exprs = [_typed_expr(f, f.type == "datetime" and _has_fractions(table, f.name))
             .cast(_dtype(f)).alias(_t(f.name)) for f in FIELDS]
    incident = pl.col("incident_id")
    key = pl.coalesce(incident, pl.lit("\x00row ") + pl.col(ROW)).alias(_INC)
    work = table.with_columns(*exprs, key)
    if profile is not None and profile.derive_late and head.get("period_start") is not None:
        start = _uk_midnight(head["period_start"])
        derived = pl.col(_t("occurred_at")) < pl.lit(start)
        work = work.with_columns(pl.when(pl.col("late").is_null())
                                 .then(derived).otherwise(pl.col(_t("late"))).alias(_t("late")))
    return work


# -- row rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Check:
    rule: str
    column: str
    mask: pl.Expr
    detail: Callable[[str | None, dict[str, Any]], str]
    severity: str = ERROR
    context: tuple[str, ...] = ()  # columns of the working table the message needs


def _given(name: str) -> pl.Expr:
    return pl.col(name).is_not_null()


def _invalid(name: str) -> pl.Expr:
    return pl.col(name).is_not_null() & pl.col(_t(name)).is_null()


def _is(name: str, value: object) -> pl.Expr:
    return pl.col(_t(name)) == value


def _checks(work: pl.DataFrame, head: dict[str, Any], now: datetime, missing: set[str],
            profile: Profile | None) -> list[_Check]:
    checks: list[_Check] = []
    for spec in FIELDS:
        if spec.required and spec.name not in missing:
            checks.append(_Check("required", spec.name, pl.col(spec.name).is_null(),
                                 _const(f"{spec.name} is required.")))
        checks += _type_checks(spec, profile)
    checks += _conditional_checks()
    checks += _cross_field_checks()
    checks += _date_checks(head, now)
    return checks


def _const(text: str) -> Callable[[str | None, dict[str, Any]], str]:
    return lambda value, row: text


def _type_checks(spec: Field, profile: Profile | None) -> list[_Check]:
    name = spec.name
    hint = profile.hint(name) if profile is not None else ""
    if spec.type == "code":
        return [_Check("code_list", name, _invalid(name),
                       lambda v, row: _code_detail(spec, [v or ""], hint))]
    if spec.type == "codes":
        parts = pl.col(_t(name))
        return [
            _Check("code_list", name, _invalid(name),
                   lambda v, row: _code_detail(spec, _bad_parts(spec, row[name]), hint),
                   context=(name,)),
            _Check("duplicate_code", name, parts.list.n_unique() < parts.list.len(),
                   lambda v, row: f"{name} lists the same code twice ({show(v)}).",),
        ]
    if spec.type == "boolean":
        return [_Check("boolean", name, _invalid(name),
                       lambda v, row: f"{show(v)} is not true or false.{hint}")]
    if spec.type == "integer":
        least = spec.minimum or 0
        unknown = ", or left empty when not known" if least >= 1 else ""
        text = f"must be a whole number of {least} or more{unknown}"
        return [
            _Check("integer", name, _invalid(name), lambda v, row: f"{show(v)} {text}."),
            _Check("minimum", name, pl.col(_t(name)) < least,
                   lambda v, row: f"{show(v)} is too small: {name} {text}."),
        ]
    if spec.type == "datetime":
        return [_Check("datetime", name, _invalid(name),
                       lambda v, row: _datetime_detail(v, name) + hint)]
    if spec.type == "date":
        return [_Check("date", name, _invalid(name),
                       lambda v, row: f"{show(v)} is not a date like 2026-03-14.{hint}")]
    if name == "incident_id":
        raw = pl.col(name)
        return [
            _Check("formula_like", name, raw.str.contains(r"^[=+\-@\t\r]"),
                   _const("an incident_id cannot start with =, +, - or @ (a spreadsheet would "
                          "take it for a formula).")),
            _Check("too_long", name, raw.str.len_chars() > INCIDENT_ID_MAX,
                   _const(f"an incident_id has at most {INCIDENT_ID_MAX} characters.")),
        ]
    if name == "site_ods":
        return [_Check("ods_code", name, ~pl.col(name).str.contains(SITE_ODS_PATTERN),
                       lambda v, row: f"{show(v)} is not an ODS site code (3 to 10 capital "
                       "letters or digits).")]
    return []


def _code_detail(spec: Field, bad: list[str], hint: str) -> str:
    values = spec.code_list.values
    listed = ", ".join(values)
    if not bad:
        return f"not a list of codes for {spec.name} ({listed}).{hint}"
    if "" in bad:
        return (f"has an empty code between two '{LIST_SEPARATOR}' ({listed}).{hint}")
    suggestions = [f"'{b.lower()}'" for b in bad if b.lower() in values]
    did_you_mean = (f" Codes are in lower case: did you mean {', '.join(suggestions)}?"
                    if suggestions else "")
    shown = ", ".join(show(b) for b in bad)
    verb = "is not one of the codes" if len(bad) == 1 else "are not codes"
    return f"{shown} {verb} for {spec.name} ({listed}).{did_you_mean}{hint}"


def _bad_parts(spec: Field, value: str | None) -> list[str]:
    if value is None:
        return []
    return [p.strip() for p in value.split(LIST_SEPARATOR) if p.strip() not in spec.code_list]


def _datetime_detail(value: str | None, name: str) -> str:
    text = (value or "").strip()
    example = "2026-03-14T09:30:00+00:00"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", text):
        return (f"{show(text)} has no time zone offset: {name} must be a date and time with "
                f"offset, like {example} (Z or +01:00 after the time).")
    if re.fullmatch(DATETIME_PATTERN, text):
        return f"{show(text)} is not a real date and time."
    return f"{show(text)} is not a date and time with offset like {example}."


def _conditional_checks() -> list[_Check]:
    assault = _is("category", "physical_assault")
    injured = _is("injury", True)
    return [
        _Check("required_for_physical_assault", "method",
               assault & ~_given("method"),
               _const("method is required for a physical assault.")),
        _Check("required_when_hate_motivated", "hate_characteristics",
               _is("hate_motivated", "yes") & ~_given("hate_characteristics"),
               _const("say which characteristics the hate was about (hate_motivated is yes).")),
        _Check("required_when_informed", "police_outcome",
               _is("police_informed", True) & ~_given("police_outcome"),
               _const("police_outcome is required when the police were informed (it can be "
                      "pending).")),
        _Check("required_with_injury", "injury_severity",
               injured & ~_given("injury_severity"),
               _const("injury_severity is required when the person was injured.")),
        _Check("required_for_injury_assault", "riddor_reportable",
               assault & injured & ~_given("riddor_reportable"),
               _const("say whether this physical assault with an injury is RIDDOR-reportable.")),
    ]


def _cross_field_checks() -> list[_Check]:
    category = pl.col(_t("category"))
    assault = category == "physical_assault"
    riddor = _is("riddor_reportable", True)
    qualifies = _is("injury", True) & (
        pl.col(_t("injury_severity")).is_in(list(SPECIFIED_INJURY_SEVERITIES))
        | (pl.col(_t("days_absent")) > RIDDOR_DAYS))
    unsure = _invalid("injury") | _invalid("injury_severity") | _invalid("days_absent")
    return [
        _Check("method_only_with_physical_assault", "method",
               _given("method") & category.is_not_null() & ~assault,
               lambda v, row: "method is recorded only for a physical assault (category is "
               f"{row[_t('category')]}).", context=(_t("category"),)),
        _Check("severity_only_with_injury", "injury_severity",
               _given("injury_severity") & _is("injury", False),
               _const("injury_severity is recorded only when the person was injured "
                      "(injury is false).")),
        _Check("hate_characteristics_only_with_hate", "hate_characteristics",
               _given("hate_characteristics") & pl.col(_t("hate_motivated")).is_not_null()
               & ~_is("hate_motivated", "yes"),
               _const("hate_characteristics are recorded only when hate_motivated is yes.")),
        _Check("police_outcome_only_when_informed", "police_outcome",
               _given("police_outcome") & _is("police_informed", False),
               _const("police_outcome is recorded only when the police were informed "
                      "(police_informed is false).")),
        _Check("riddor_needs_physical_assault", "riddor_reportable",
               riddor & category.is_not_null() & ~assault,
               _const("only a physical assault can be RIDDOR-reportable; verbal abuse and "
                      "threats never are.")),
        _Check("riddor_needs_injury", "riddor_reportable",
               riddor & assault & ~qualifies.fill_null(False).any().over(_INC)
               & ~unsure.any().over(_INC),
               _const("RIDDOR-reportable needs an injured member of staff with a specified "
                      f"injury (severe or death) or more than {RIDDOR_DAYS} days absent.")),
    ]


def _date_checks(head: dict[str, Any], now: datetime) -> list[_Check]:
    occurred, reported = pl.col(_t("occurred_at")), pl.col(_t("reported_at"))
    limit = now + CLOCK_SKEW
    checks = [
        _Check("not_future", "occurred_at", occurred > limit,
               _const("the incident cannot have happened in the future.")),
        _Check("not_future", "reported_at", reported > limit,
               _const("the report cannot be dated in the future.")),
        _Check("reported_after_occurred", "reported_at", reported < occurred,
               lambda v, row: "the report cannot be before the incident happened "
               f"(occurred_at is {row['occurred_at']}).", context=("occurred_at",)),
        _Check("not_future", "riddor_reported_on",
               pl.col(_t("riddor_reported_on")) > now.astimezone(UK).date(),
               _const("riddor_reported_on cannot be in the future.")),
        _Check("riddor_reported_on_after_occurred", "riddor_reported_on",
               pl.col(_t("riddor_reported_on"))
               < occurred.dt.convert_time_zone("Europe/London").dt.date(),
               _const("riddor_reported_on cannot be before the incident happened.")),
    ]
    generated = head.get("generated_at")
    if generated is not None:
        checks.append(_Check("reported_before_generated", "reported_at",
                             reported > pl.lit(generated),
                             _const("the report cannot be after the return was made "
                                    f"(generated_at {generated:%Y-%m-%dT%H:%M:%SZ}).")))
    if head.get("period_start") is not None:
        checks += _period_checks(head["period_start"], head["period_end"])
    return checks


def _period_checks(start_day: date, end_day: date) -> list[_Check]:
    start, end = _uk_midnight(start_day), _uk_midnight(end_day + timedelta(days=1))
    occurred, reported = pl.col(_t("occurred_at")), pl.col(_t("reported_at"))
    late_known = ~_invalid("late")
    late = pl.col(_t("late")).fill_null(False)
    period = f"{start_day} to {end_day}"

    def outside(expr: pl.Expr) -> pl.Expr:
        return (expr < pl.lit(start)) | (expr >= pl.lit(end))

    def when(value: Any) -> str:
        return "before" if value is not None and value < start else "after"

    return [
        _Check("occurred_in_period", "occurred_at", late_known & ~late & outside(occurred),
               lambda v, row: f"the incident happened {when(row[_t('occurred_at')])} the "
               f"period ({period}). An incident reported late goes in the month it was "
               "reported, with late = true.", context=(_t("occurred_at"),)),
        _Check("late_reported_in_period", "reported_at", late_known & late & outside(reported),
               lambda v, row: f"late is true, so the incident must have been reported in the "
               f"period ({period}); this report is dated "
               f"{when(row[_t('reported_at')])} it.", context=(_t("reported_at"),)),
        _Check("late_occurred_before_period", "late",
               late_known & late & (occurred >= pl.lit(start)),
               _const(f"late is true, but the incident did not happen before the period "
                      f"({period}): late is only for incidents that happened before the "
                      "month and were reported in it.")),
    ]


# -- evaluating rules -------------------------------------------------------------------------


class _Display:
    """The values as the trust sent them (before a profile translated them), for messages."""

    def __init__(self, source: pl.DataFrame) -> None:
        self.source = source

    def values(self, column: str, positions: list[int]) -> list[str | None]:
        if column not in self.source.columns:
            return [None] * len(positions)
        values = self.source[column].gather(positions).to_list()
        clock = column + TIME_SUFFIX
        if clock in self.source.columns:
            times = self.source[clock].gather(positions).to_list()
            values = [" ".join(x for x in (v, t) if x) or None
                      for v, t in zip(values, times, strict=True)]
        return values


def _run_checks(work: pl.DataFrame, checks: list[_Check], display: _Display,
                found: _Found) -> None:
    """Every rule in one pass; messages only for the failing rows, at most MAX_LISTED each.

    A problem with an incident field is reported once per incident (at the first row with the
    same value), not again on every row of the same incident.
    """
    if work.height == 0 or not checks:
        return
    masks = work.select([c.mask.fill_null(False).alias(f"m{i}") for i, c in enumerate(checks)])
    totals = masks.sum().row(0)
    for index, (check, total) in enumerate(zip(checks, totals, strict=True)):
        if not total:
            continue
        failing = masks[f"m{index}"].arg_true()
        if check.column in _INCIDENT_LEVEL:
            pairs = work.select(_INC, check.column)[failing]
            failing = failing.filter(pairs.select(pl.struct(pl.all()).is_first_distinct())
                                     .to_series())
            total = failing.len()
        positions = failing.head(MAX_LISTED).to_list()
        rows = work.select(ROW, *check.context)[positions].to_dicts()
        values = display.values(check.column, positions)
        for position, row, value in zip(positions, rows, values, strict=True):
            found.add(problem(row[ROW], check.column, value, check.rule,
                              check.detail(value, row), check.severity), position)
        found.counts[(check.severity, check.rule, check.column)] += total - len(positions)
        if total > len(positions):
            found.add(_more(check.column, check.rule, total, check.severity), 1 << 40, 0)


def _more(column: str, rule: str, total: int, severity: str) -> Problem:
    return problem("", column, None, rule, f"A further {total - MAX_LISTED:,} rows break the "
                   f"same rule ({rule}); only the first {MAX_LISTED:,} are listed.", severity)


# -- one incident, several rows ---------------------------------------------------------------


def _compare_key(spec: Field) -> pl.Expr:
    """What must agree across an incident's rows: the text as sent (trimmed), except that
    datetimes compare as instants when valid (10:00+01:00 is 09:00Z) and code lists ignore
    spaces around their separators."""
    if spec.type == "datetime":
        typed = pl.col(_t(spec.name))
        return pl.when(typed.is_not_null()).then(typed.dt.epoch("us").cast(pl.String)).otherwise(
            pl.col(spec.name))
    if spec.type == "codes":
        return pl.col(spec.name).str.replace_all(" ", "", literal=True)
    return pl.col(spec.name)


def _check_incidents(work: pl.DataFrame, display: _Display, found: _Found) -> None:
    """Rows of one incident must agree; one incident_id is one incident."""
    if work.height == 0:
        return
    specs = [FIELDS_BY_NAME[c] for c in INCIDENT_COLUMNS if c != "incident_id"]
    # Only an incident_id on several rows can disagree with itself.
    several = pl.col("incident_id").is_not_null() & pl.col("incident_id").is_duplicated()
    keyed = work.lazy().filter(several).select(
        _INC, pl.struct([_compare_key(s).alias(s.name) for s in specs]).hash().alias("_h")
    ).collect()
    conflicting = (keyed.group_by(_INC).agg(pl.col("_h").n_unique().alias("n"))
                   .filter(pl.col("n") > 1)[_INC])
    if conflicting.len():
        sub = work.filter(pl.col(_INC).is_in(conflicting.implode())).select(
            _I, ROW, _INC, *[_compare_key(s).alias(s.name) for s in specs],
            *[_invalid(s.name).alias(f"_bad.{s.name}") for s in specs])
        odd = [frame for s in specs if (frame := _disagreeing(sub, s.name)).height]
        if odd:
            _report_disagreements(pl.concat(odd), display, found)
    if work[ROW].str.starts_with("incidents[").any():
        _json_duplicates(work, found)


def _disagreeing(sub: pl.DataFrame, name: str) -> pl.DataFrame:
    """Rows whose value of `name` differs from the incident's usual one (its most common valid
    value; on a tie, the first row's). A value already reported as invalid is not compared."""
    bad = f"_bad.{name}"
    reference = (sub.group_by([_INC, name], maintain_order=True)
                 .agg(pl.len().alias("_n"), pl.col(_I).min().alias("_first"),
                      pl.col(bad).first().alias("_refbad"))
                 .sort([_INC, "_refbad", "_n", "_first"],
                       descending=[False, False, True, False], nulls_last=True)
                 .group_by(_INC, maintain_order=True).first()
                 .select(_INC, pl.col(name).alias("_ref"), "_first", "_refbad"))
    return (sub.join(reference, on=_INC, how="left")
            .filter(pl.col(name).ne_missing(pl.col("_ref")) & ~pl.col(bad) & ~pl.col("_refbad"))
            .select(_I, ROW, "_first", pl.lit(name).alias("_column")))


def _report_disagreements(odd: pl.DataFrame, display: _Display, found: _Found) -> None:
    """Up to 3 fields differing on a row: one problem per field; more: one for the row."""
    odd = odd.with_columns(pl.len().over(_I).alias("_fields")).sort(_I)
    few = odd.filter(pl.col("_fields") <= 3)
    for (column,), part in few.group_by("_column", maintain_order=True):
        listed = part.head(MAX_LISTED)
        positions, firsts = listed[_I].to_list(), listed["_first"].to_list()
        values = display.values(str(column), positions)
        refs = display.values(str(column), firsts)
        ids = display.values("incident_id", positions)
        rows, first_rows = display.values(ROW, positions), display.values(ROW, firsts)
        for position, row, first_row, value, ref, incident in zip(
                positions, rows, first_rows, values, refs, ids, strict=True):
            detail = (f"duplicate incident_id with different details: incident_id "
                      f"{show(incident)} is also on row {first_row}, where {column} is "
                      f"{_shown(ref)}; here it is {_shown(value)}. The rows of one incident "
                      "must repeat the same incident details; different incidents need "
                      "different incident_ids.")
            found.add(problem(str(row), str(column), value, "duplicate_incident_id", detail),
                      position)
        _count_rest(found, str(column), part.height)
    many = (odd.filter(pl.col("_fields") > 3)
            .group_by(_I, maintain_order=True)
            .agg(pl.col("_column"), pl.col("_first").first()))
    listed = many.head(MAX_LISTED)
    ids = display.values("incident_id", listed[_I].to_list())
    rows = display.values(ROW, listed[_I].to_list())
    first_rows = display.values(ROW, listed["_first"].to_list())
    for (position, columns, _), incident, row, first_row in zip(
            listed.rows(), ids, rows, first_rows, strict=True):
        detail = (f"duplicate incident_id with different details: incident_id {show(incident)} "
                  f"is also on row {first_row}, with different {', '.join(columns)}. Two "
                  "different incidents need different incident_ids; the rows of one incident "
                  "must repeat the same incident details.")
        found.add(problem(str(row), "incident_id", incident, "duplicate_incident_id", detail),
                  position)
    _count_rest(found, "incident_id", many.height)


def _shown(value: str | None) -> str:
    return "empty" if value is None else show(value)


def _count_rest(found: _Found, column: str, total: int) -> None:
    if total > MAX_LISTED:
        found.counts[(ERROR, "duplicate_incident_id", column)] += total - MAX_LISTED
        found.add(_more(column, "duplicate_incident_id", total, ERROR), 1 << 40, 0)


def _json_duplicates(work: pl.DataFrame, found: _Found) -> None:
    """In JSON each incident is one object: the same incident_id in two objects is a duplicate."""
    index = pl.col(ROW).str.extract(r"^incidents\[(\d+)\]", 1).cast(pl.Int64, strict=False)
    first = index.min().over("incident_id")
    dupes = (work.filter(pl.col("incident_id").is_not_null())
             .select(_I, ROW, "incident_id", index.alias("_k"), first.alias("_f"))
             .filter(pl.col("_k") != pl.col("_f"))
             .unique("_k", keep="first", maintain_order=True))
    for position, row, incident, _, first_index in dupes.head(MAX_LISTED).rows():
        found.add(problem(row, "incident_id", incident, "duplicate_incident_id",
                          f"incident_id {show(incident)} is already used by incidents"
                          f"[{first_index}]: the same incident_id twice in one return is an "
                          "error (put every member of staff affected in the one incident's "
                          "staff list)."), position)
    found.counts[(ERROR, "duplicate_incident_id", "incident_id")] += max(
        0, dupes.height - MAX_LISTED)
