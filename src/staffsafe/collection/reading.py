"""Read a monthly return (CSV, XLSX or JSON) into one table of strings and a submission header.

The table has one row per member of staff affected, one column per standard field found in the
file (named as in the standard, whatever the file called it when a mapping profile is given),
and a `_row` column locating each row in the file:

- CSV: the record number, counting the header as row 1 (blank records count, so the number is
  the row a spreadsheet shows; a quoted value spanning two lines is still one record);
- XLSX: the row number on the `incidents` sheet;
- JSON: the path of the member of staff, `incidents[3].staff[0]`.

Every cell is kept as text, exactly as sent (a cell starting with `=` is text; no formula is
ever evaluated). Reading never raises on the file's content: whatever is wrong becomes a located
`Problem`, and a file that cannot be read at all gives `ReadResult.table = None` with a plain
explanation. Columns that are not in the standard (names, descriptions, free text) are reported
once and dropped here, so they never reach validation or storage.

Pure Python and Polars: no Django.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import io
import json
import os
import re
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from polars.exceptions import PanicException

from staffsafe.collection.profiles import TIME_TARGETS, Profile
from staffsafe.datastandard.codes import STANDARD_VERSION
from staffsafe.datastandard.fields import FIELDS, FIELDS_BY_NAME, HEADER_FIELDS

ROW = "_row"
ERROR, WARNING = "error", "warning"
MANDATORY_COLUMNS = tuple(f.name for f in FIELDS if f.required)
_MULTI_CODES = frozenset(f.name for f in FIELDS if f.type == "codes")
HEADER_NAMES = tuple(f.name for f in HEADER_FIELDS)
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
MAX_LISTED = 1000  # problems listed one by one for the same rule and column
_SPARE_COLUMNS = 16  # room for rows with more fields than the header, so they can be located
_MAX_XLSX_UNCOMPRESSED = 4 * 1024**3
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"), (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office file (.xls or .doc): save it as .xlsx or CSV"),
    (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a return: where (row, column), what value, which rule and why.

    `row` is the source row ("14"), a JSON path ("incidents[3].staff[0]"), "header" for the
    submission header, or "" for the file as a whole. `message` is plain English and starts
    with the location, e.g. "Row 14, column category: 'punch' is not one of the codes ...".
    """

    row: str
    column: str
    value: str | None
    rule: str
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def show(value: object, limit: int = 80) -> str:
    """A value quoted for a message: shortened, with control characters made visible."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return f"'{text}'"


def location(row: str, column: str = "") -> str:
    if row.isdigit():
        where, kind = f"Row {row}", "column"
    elif row == "header":
        where, kind = "Header", "field"
    elif row:
        where, kind = row, "field"
    else:
        return f"Column {column}" if column else ""
    return f"{where}, {kind} {column}" if column else where


def problem(row: str, column: str, value: object, rule: str, detail: str,
            severity: str = ERROR, *, where: str | None = None) -> Problem:
    place = location(row, column) if where is None else where
    text = f"{place}: {detail}" if place else detail
    return Problem(row, column, None if value is None else str(value), rule, text, severity)


@dataclass
class ReadResult:
    """What was read: `table` (None when the file cannot be read at all), header, problems."""

    table: pl.DataFrame | None
    header: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    format: str = ""
    encoding: str = ""
    delimiter: str = ""
    columns: list[str] = field(default_factory=list)  # the file's own column names
    header_in_file: bool = False  # XLSX with a header sheet, JSON with a header object

    @property
    def readable(self) -> bool:
        return self.table is not None

    def describe(self) -> str:
        parts = [self.format.upper() or "unknown format"]
        if self.encoding:
            parts.append(self.encoding)
        if self.delimiter:
            parts.append(f"{DELIMITER_NAMES.get(self.delimiter, self.delimiter)}-separated")
        return ", ".join(parts)


class _Unreadable(Exception):  # an internal signal, never escapes this module
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule, self.message = rule, message


# -- entry point ------------------------------------------------------------------------------

Source = bytes | bytearray | memoryview | str | os.PathLike | BinaryIO


def read_return(source: Source, *, format: str | None = None, filename: str | None = None,
                profile: Profile | None = None, organisation_ods: str | None = None,
                period: str | date | None = None, generated_at: str | datetime | None = None,
                headcount: Mapping[str, Any] | Source | None = None,
                standard_version: str | None = None) -> ReadResult:
    """Read a return from bytes, a path or an open binary file.

    `format` is "csv", "xlsx" or "json"; without it the content decides (a ZIP is a workbook,
    `{` starts JSON, anything else is CSV), with the file name's extension as a hint.
    A CSV carries no header, so `organisation_ods`, `period` ("YYYY-MM"), `generated_at` (ISO
    8601 with offset) and `headcount` ({staff_group: n}, or a staff_group,headcount CSV) come
    from the caller; for XLSX and JSON they fill only what the file's own header leaves out.
    """
    header = _caller_header(organisation_ods, period, generated_at, standard_version)
    try:
        data, name = _load(source, filename)
        fmt = _detect_format(data, format, name)
        if fmt == "xlsx":
            result = _read_xlsx(data, profile)
        elif fmt == "json":
            result = _read_json(data, profile)
        else:
            result = _read_csv(data, profile)
    except _Unreadable as exc:
        return ReadResult(None, header, [problem("", "", None, exc.rule, exc.message)])
    _merge_header(result, header, headcount)
    return result


def _merge_header(result: ReadResult, given: dict[str, Any],
                  headcount: Mapping[str, Any] | Source | None) -> None:
    """The caller's header values fill what the file's own header leaves out."""
    for key, value in given.items():
        if key == "period" and result.header.get("period_start"):
            continue
        if result.header.get(key) in (None, ""):
            result.header[key] = value
    if not result.header_in_file:  # a CSV (or a plain sheet) is written to this version
        result.header.setdefault("standard_version", STANDARD_VERSION)
    if headcount is None or result.header.get("staff_headcount"):
        return
    if isinstance(headcount, Mapping):
        result.header["staff_headcount"] = dict(headcount)
        return
    counts, problems = read_headcount(headcount)
    result.problems[:0] = problems
    if counts:
        result.header["staff_headcount"] = counts


def _caller_header(ods: str | None, period: str | date | None,
                   generated_at: str | datetime | None, version: str | None) -> dict[str, Any]:
    if isinstance(generated_at, datetime):
        generated_at = generated_at.isoformat()
    if isinstance(period, date):
        period = f"{period:%Y-%m}"
    header: dict[str, Any] = {"standard_version": version, "organisation_ods": ods,
                              "generated_at": generated_at}
    if period is not None:
        header["period"] = period
        start_end = period_bounds(period)
        if start_end:
            header["period_start"], header["period_end"] = (d.isoformat() for d in start_end)
    return {k: v for k, v in header.items() if v is not None}


def period_bounds(period: str) -> tuple[date, date] | None:
    """'2026-03' -> (2026-03-01, 2026-03-31); None when it is not a YYYY-MM month."""
    match = re.fullmatch(r"\s*([0-9]{4})-([0-9]{2})\s*", str(period))
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and year >= 1):
        return None
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _load(source: Source, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), filename or ""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.read_bytes(), filename or path.name
        except OSError as exc:
            raise _Unreadable("unreadable", f"Cannot open {path}: {exc.strerror or exc}.") from exc
    try:
        data = source.read()
    except (OSError, ValueError) as exc:
        raise _Unreadable("unreadable", f"Cannot read the upload: {exc}.") from exc
    if isinstance(data, str):
        data = data.encode("utf-8")
    return bytes(data), filename or str(getattr(source, "name", "") or "")


def _detect_format(data: bytes, format: str | None, name: str) -> str:
    if not data or data.isspace():  # (isspace stops at the first other byte; strip would copy)
        raise _Unreadable("empty_file", "The file is empty: there is nothing to read.")
    if format:
        fmt = format.lower().lstrip(".")
        if fmt not in ("csv", "xlsx", "json"):
            raise _Unreadable("unreadable", f"Unknown format '{format}': use csv, xlsx or json.")
        if fmt != "xlsx" and data.startswith(b"PK\x03\x04"):
            raise _Unreadable("binary_file", f"This is a ZIP archive (an Excel .xlsx workbook is "
                              f"one), not {fmt.upper()}.")
        if fmt != "json":
            _refuse_known_binary(data)
        return fmt
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    _refuse_known_binary(data)
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raise _Unreadable("unreadable", "The file is named as an Excel workbook but is not one "
                          "(an .xlsx file is a ZIP archive).")
    if suffix == ".json":
        return "json"
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if suffix not in (".csv", ".tsv", ".txt") and start in (b"{", b"["):
        return "json"
    return "csv"


def _refuse_known_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _Unreadable("binary_file", f"This looks like {what}, not a return.")


# -- CSV --------------------------------------------------------------------------------------


def _read_csv(data: bytes, profile: Profile | None) -> ReadResult:
    utf8, encoding, problems = _decode(data)
    if b"\n" not in utf8 and b"\r" in utf8:
        utf8 = utf8.replace(b"\r", b"\n")  # old Mac line endings
    delimiter = _detect_delimiter(_first_line(utf8), profile)
    try:
        records = _polars_records(utf8, delimiter)
    except (Exception, PanicException):  # any parser failure: the careful way
        records = _python_records(utf8, delimiter)
    names = [_clean_name(v) for v in records.row(0)[1:]] if records.height else []
    while names and names[-1] == "":
        names.pop()
    if not names:
        raise _Unreadable("no_header", "The first row is empty: it must name the columns.")
    used, column_problems = resolve_columns(names, profile)
    if not used:
        raise _Unreadable("no_header", _no_header_message(names))
    problems += column_problems
    data_cols = records.columns[1:]
    body = records.slice(1)
    problems += _too_many_fields(body, data_cols, len(names))
    table = body.select(
        (pl.col("_i") + 1).cast(pl.String).alias(ROW),
        *[pl.col(data_cols[i]).alias(target) for i, target in used],
    )
    table = _drop_blank_rows(table, body.select(data_cols[:len(names)]))
    result = ReadResult(table, {}, problems, "csv", encoding, delimiter, names)
    _note_empty(result)
    return result


def _decode(data: bytes) -> tuple[bytes, str, list[Problem]]:
    """The bytes as UTF-8, the encoding found, and warnings for anything replaced."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        return text.lstrip("\ufeff").encode("utf-8"), "UTF-16", _replaced(text, "UTF-16")
    if b"\x00" in data[:65536]:
        if _looks_utf16(data):
            codec = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
            text = data.decode(codec, errors="replace")
            return text.encode("utf-8"), "UTF-16", _replaced(text, "UTF-16")
        raise _Unreadable("binary_file", "This is not a text file (it contains NUL bytes): save "
                          "the return as CSV, XLSX or JSON.")
    sample = data[:65536]
    controls = sum(sample.count(bytes([b])) for b in (*range(1, 9), 11, 12, *range(14, 32)))
    if controls > max(8, len(sample) // 100):
        raise _Unreadable("binary_file", "This is not a text file (it is full of control "
                          "characters): save the return as CSV, XLSX or JSON.")
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8):]
    if data.isascii():
        return data, "UTF-8 with BOM" if bom else "UTF-8", []
    if _is_utf8(data):
        return data, "UTF-8 with BOM" if bom else "UTF-8", []
    return _decode_fallback(data)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:2000]
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0), odd.count(0)) > len(sample) // 4 and min(
        even.count(0), odd.count(0)) < len(sample) // 50 + 1


def _replaced(text: str, encoding: str) -> list[Problem]:
    if "\ufffd" not in text:
        return []
    return [problem("", "", None, "encoding", f"Some bytes are not valid {encoding} and were "
                    "replaced by '\ufffd': check the values that contain it.", WARNING)]


def _is_utf8(data: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    view = memoryview(data)
    step = 1 << 23
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start:start + step], final=start + step >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def _decode_fallback(data: bytes) -> tuple[bytes, str, list[Problem]]:
    """Not UTF-8: Windows-1252 throughout, or (mixed files) for the bytes that are not UTF-8."""
    text = data.decode("utf-8", errors="surrogateescape")
    bad = re.compile("[\udc80-\udcff]+")
    non_ascii = len(data) - len(data.translate(None, bytes(range(128, 256))))
    invalid = 0
    lines: list[int] = []
    line, last = 1, 0
    for match in bad.finditer(text):
        invalid += len(match.group())
        line += text.count("\n", last, match.start())
        last = match.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    fixed = bad.sub(lambda m: bytes(ord(c) - 0xDC00 for c in m.group()).decode(
        "cp1252", errors="replace"), text)
    problems = []
    if non_ascii == invalid:
        problems.append(problem("", "", None, "encoding", "The file is not UTF-8; it was read as "
                                "Windows-1252 (what Excel calls plain 'CSV'). To be sure of every "
                                "character, save it as 'CSV UTF-8'.", WARNING))
        encoding = "Windows-1252"
    else:
        encoding = "mixed UTF-8 and Windows-1252"
        for number in lines[:MAX_LISTED]:
            problems.append(problem(str(number), "", None, "mixed_encoding", "some characters "
                                    "on this line are not valid UTF-8 although the rest of the "
                                    "file is; they were read as Windows-1252. Check the values "
                                    "on this line.", WARNING, where=f"Line {number}"))
        if len(lines) > MAX_LISTED:
            problems.append(problem("", "", None, "mixed_encoding", f"A further "
                                    f"{len(lines) - MAX_LISTED:,} lines mix encodings.", WARNING))
    return fixed.encode("utf-8", errors="replace"), encoding, problems


def _detect_delimiter(first_line: str, profile: Profile | None) -> str:
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            names = next(csv.reader([first_line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        known = sum(1 for n in names if _target(_clean_name(n), profile) is not None)
        score = (known, len(names))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_line(utf8: bytes) -> str:
    end = utf8.find(b"\n")
    return utf8[:end if end >= 0 else len(utf8)].rstrip(b"\r").decode("utf-8", "replace")


def _polars_records(utf8: bytes, delimiter: str) -> pl.DataFrame:
    """The fast parser: as many columns as the header, or (when some rows have more) a few
    spare columns so that those rows can be located."""
    width = len(next(csv.reader([_first_line(utf8)], delimiter=delimiter), []))
    try:
        return _polars_read(utf8, delimiter, width)
    except (Exception, PanicException):  # rows longer than the header, most likely
        return _polars_read(utf8, delimiter, width + _SPARE_COLUMNS)


def _polars_read(utf8: bytes, delimiter: str, width: int) -> pl.DataFrame:
    schema = {f"c{i}": pl.String for i in range(max(width, 1))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pl.read_csv(utf8, has_header=False, infer_schema=False, schema=schema,
                           separator=delimiter, quote_char='"', row_index_name="_i",
                           missing_columns="insert", raise_if_empty=False, encoding="utf8")


def _python_records(utf8: bytes, delimiter: str) -> pl.DataFrame:
    """The slow, forgiving way, for files the fast parser refuses; locates what it cannot read."""
    text = utf8.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as exc:
        raise _Unreadable("unreadable", f"Line {reader.line_num}: the CSV cannot be read past "
                          f"this point ({exc}).") from exc
    width = max((len(r) for r in rows[:1]), default=0) + _SPARE_COLUMNS
    width = max(width, max((len(r) for r in rows), default=0))
    columns: dict[str, list[Any]] = {"_i": list(range(len(rows)))}
    for i in range(width):
        columns[f"c{i}"] = [r[i] if i < len(r) else None for r in rows]
    schema = {"_i": pl.UInt32, **{f"c{i}": pl.String for i in range(width)}}
    return pl.DataFrame(columns, schema=schema)


def _clean_name(value: object) -> str:
    return "" if value is None else str(value).replace("\ufeff", "").strip()


def _target(name: str, profile: Profile | None) -> str | None:
    if profile is not None:
        return profile.target(name)
    key = " ".join(name.split()).lower()
    return key if key in FIELDS_BY_NAME else None


def resolve_columns(names: list[str], profile: Profile | None = None
                    ) -> tuple[list[tuple[int, str]], list[Problem]]:
    """Which file column feeds which standard column; duplicates, unknowns and missing ones.

    Returns (position, standard name) pairs for the columns to read (the first of duplicates)
    and the problems: a duplicated column is an error, an unknown one a warning (it is not
    read), a missing mandatory column an error.
    """
    used: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for index, name in enumerate(names):
        target = _target(name, profile)
        if target is None:
            if profile is not None and profile.ignores(name):
                continue
            if name == "":
                problems.append(problem("1", "", None, "unknown_column", f"column {index + 1} "
                                        "has no name; it was not read.", WARNING))
            else:
                problems.append(problem("1", name, name, "unknown_column", f"{show(name)} is "
                                        "not a column of the standard" + (
                                            f" or of profile '{profile.name}'" if profile
                                            else "") + "; it was not read.", WARNING))
            continue
        if target in seen:
            first = seen[target]
            what = (f"repeats column {first + 1}" if names[first] == name else
                    f"and column {first + 1} ({show(names[first])}) both give {target}")
            problems.append(problem("1", target, name, "duplicate_column",
                                    f"column {index + 1} ({show(name)}) {what}; only column "
                                    f"{first + 1} was read.", where=f"Row 1, column {name}"))
            continue
        seen[target] = index
        used.append((index, target))
    defaults = profile.defaults if profile is not None else {}
    for name in MANDATORY_COLUMNS:
        if name not in seen and name not in defaults and used:
            problems.append(missing_column_problem(name, profile))
    return used, problems


def missing_column_problem(name: str, profile: Profile | None = None) -> Problem:
    local = profile.local_names(name) if profile is not None else []
    also = f" (or, for profile '{profile.name}', one of: {', '.join(local)})" if local else ""
    return problem("", name, None, "missing_column", f"the mandatory column {name}{also} is "
                   "missing.", where=f"Column {name}")


def _no_header_message(names: list[str]) -> str:
    shown = ", ".join(show(n, 30) for n in names[:5]) + (", ..." if len(names) > 5 else "")
    return ("This does not look like a return: none of the names in the first row (" + shown +
            ") is a column of the national data standard. The first row must name the columns "
            "(incident_id, sector, setting, ...); use a mapping profile for a local export.")


def _too_many_fields(body: pl.DataFrame, data_cols: list[str], width: int) -> list[Problem]:
    spare = data_cols[width:]
    if not spare or body.height == 0:
        return []
    present = body.filter(pl.any_horizontal([pl.col(c).is_not_null() for c in spare]))
    extra = pl.any_horizontal([pl.col(c).str.strip_chars().fill_null("") != "" for c in spare])
    rows = present.filter(extra).select("_i")
    problems = [problem(str(i + 1), "", None, "too_many_fields", f"this row has more values "
                        f"than the header has columns ({width}); a delimiter inside a value may "
                        "need quoting. The extra values were not read.")
                for i in rows["_i"].head(MAX_LISTED).to_list()]
    if rows.height > MAX_LISTED:
        problems.append(problem("", "", None, "too_many_fields", f"A further "
                                f"{rows.height - MAX_LISTED:,} rows have too many values."))
    return problems


def _drop_blank_rows(table: pl.DataFrame, original: pl.DataFrame) -> pl.DataFrame:
    """Rows with no value at all are skipped (their numbers still count). Rows of nothing but
    spaces are skipped by validation, which trims every value anyway."""
    if original.width == 0:
        return table
    keep = original.select(pl.any_horizontal([pl.col(c).is_not_null() & (pl.col(c) != "")
                                              for c in original.columns]).alias("k"))["k"]
    return table.filter(keep)


def _note_empty(result: ReadResult) -> None:
    if result.table is not None and result.table.height == 0:
        result.problems.append(problem("", "", None, "no_rows", "The return has a header but no "
                                       "incident rows. If the organisation had no incidents in "
                                       "the month this is a nil return; otherwise check the "
                                       "export.", WARNING))


# -- headcount CSV ----------------------------------------------------------------------------


def read_headcount(source: Source) -> tuple[dict[str, str], list[Problem]]:
    """A `staff_group,headcount` CSV to {staff_group: "n"}; problems say what was wrong."""
    try:
        data, _ = _load(source, None)
        if not data.strip():
            raise _Unreadable("empty_file", "The headcount file is empty.")
        _refuse_known_binary(data)
        utf8, _, _ = _decode(data)
    except _Unreadable as exc:
        return {}, [problem("header", "staff_headcount", None, "headcount",
                            f"cannot read the headcount file: {exc.message}")]
    text = utf8.decode("utf-8", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        return {}, [problem("header", "staff_headcount", None, "headcount",
                            f"cannot read the headcount file ({exc}).")]
    return _headcount_rows(enumerate(rows, 1), "headcount file")


def _headcount_rows(rows: Any, what: str) -> tuple[dict[str, str], list[Problem]]:
    counts: dict[str, str] = {}
    problems: list[Problem] = []
    for number, row in rows:
        cells = [_clean_name(c) for c in row]
        if not any(cells):
            continue
        group = cells[0]
        if group.lower() in ("staff_group", "staff group", "group"):
            continue
        value = cells[1] if len(cells) > 1 else ""
        if group in counts:
            problems.append(problem("header", f"staff_headcount.{group}", value, "headcount",
                                    f"{what} row {number}: {show(group)} is given twice; the "
                                    "first figure was used.",
                                    where="Header, field staff_headcount"))
            continue
        counts[group] = value
    return counts, problems


# -- XLSX -------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, profile: Profile | None) -> ReadResult:
    _check_zip(data)
    import openpyxl  # only needed for workbooks

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                return _read_workbook(workbook, profile)
            finally:
                workbook.close()
    except _Unreadable:
        raise
    except (Exception, PanicException) as exc:  # a damaged workbook
        raise _Unreadable("unreadable", "The Excel workbook cannot be read (it may be damaged "
                          f"or not really .xlsx): {type(exc).__name__}.") from exc


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _Unreadable("unreadable", "The file is a damaged ZIP archive: it cannot be read "
                          "as an Excel workbook.") from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise _Unreadable("binary_file", "This is a ZIP archive but not an Excel workbook: "
                          "save the return as .xlsx, CSV or JSON.")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > _MAX_XLSX_UNCOMPRESSED or total / packed > 1000:
        raise _Unreadable("unreadable", "The workbook expands to far more data than a return "
                          "holds; it was not opened.")


def _read_workbook(workbook: Any, profile: Profile | None) -> ReadResult:
    sheets = {name.strip().lower(): name for name in workbook.sheetnames}
    problems: list[Problem] = []
    if "incidents" in sheets:
        sheet = workbook[sheets["incidents"]]
    elif len(workbook.sheetnames) == 1:
        sheet = workbook[workbook.sheetnames[0]]
        problems.append(problem("", "", None, "sheet", f"There is no sheet called 'incidents'; "
                                f"the only sheet, {show(sheet.title)}, was read.", WARNING))
    else:
        raise _Unreadable("no_sheet", "The workbook has no sheet called 'incidents' (it has: "
                          + ", ".join(show(s) for s in workbook.sheetnames) + ").")
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    names = [_clean_name(_cell_text(v)) for v in next(rows, ())]
    while names and names[-1] == "":
        names.pop()
    if not names:
        raise _Unreadable("no_header", "Row 1 of the incidents sheet is empty: it must name the "
                          "columns.")
    used, column_problems = resolve_columns(names, profile)
    if not used:
        raise _Unreadable("no_header", _no_header_message(names))
    problems += column_problems
    kinds = [_kind(target) for _, target in used]
    columns: dict[str, list[str | None]] = {ROW: [], **{t: [] for _, t in used}}
    extra: list[int] = []
    for number, row in enumerate(rows, 2):
        if not row or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        if len(row) > len(names) and any(v not in (None, "") for v in row[len(names):]):
            extra.append(number)
        columns[ROW].append(str(number))
        for (index, target), kind in zip(used, kinds, strict=True):
            columns[target].append(_cell_text(row[index], kind) if index < len(row) else None)
    problems += [problem(str(n), "", None, "too_many_fields", "this row has values beyond the "
                         "last named column; they were not read.", WARNING)
                 for n in extra[:MAX_LISTED]]
    table = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    header, header_problems = _xlsx_header(workbook, sheets)
    result = ReadResult(table, header, problems + header_problems, "xlsx", "", "", names,
                        header_in_file="header" in sheets)
    _note_empty(result)
    return result


def _kind(target: str) -> str:
    spec = FIELDS_BY_NAME.get(target)
    return spec.type if spec is not None else ("time" if target in TIME_TARGETS else "text")


def _cell_text(value: Any, kind: str = "text") -> str | None:
    """A cell's value as the text a CSV would have held. Formulas stay text ('=...')."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, datetime):
        if kind == "date" or (kind != "datetime" and value.time() == dtime(0)):
            return value.date().isoformat()
        if kind == "time":
            return value.time().isoformat()
        return value.isoformat()
    if isinstance(value, date | dtime):
        return value.isoformat()
    return str(value)


def _xlsx_header(workbook: Any, sheets: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    header: dict[str, Any] = {}
    problems: list[Problem] = []
    if "header" in sheets:
        sheet = workbook[sheets["header"]]
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            cells = [*row, None, None]
            key = _clean_name(_cell_text(cells[0])).lower()
            if not key or key in ("field", "name"):
                continue
            kind = "date" if key in ("period_start", "period_end") else "datetime"
            value = _cell_text(cells[1], kind)
            if key not in HEADER_NAMES or key == "staff_headcount":
                problems.append(problem("header", key, value, "unknown_field", f"header sheet "
                                        f"row {number}: {show(key)} is not a header field "
                                        f"({', '.join(HEADER_NAMES[:-1])}); it was not read.",
                                        WARNING))
            else:
                header[key] = value
    if "headcount" in sheets:
        sheet = workbook[sheets["headcount"]]
        sheet.reset_dimensions()
        rows = ((n, [_cell_text(c) for c in row])
                for n, row in enumerate(sheet.iter_rows(values_only=True), 1))
        counts, count_problems = _headcount_rows(rows, "headcount sheet")
        problems += count_problems
        if counts:
            header["staff_headcount"] = counts
    return header, problems


# -- JSON -------------------------------------------------------------------------------------


def _read_json(data: bytes, profile: Profile | None) -> ReadResult:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _Unreadable("encoding", "A JSON return must be UTF-8; this file is not.") from exc
    except json.JSONDecodeError as exc:
        raise _Unreadable("unreadable", f"The file is not valid JSON: line {exc.lineno}, column "
                          f"{exc.colno}: {exc.msg}.") from exc
    except (ValueError, RecursionError) as exc:
        raise _Unreadable("unreadable", f"The JSON cannot be read: {exc}.") from exc
    if not isinstance(document, dict) or not isinstance(document.get("incidents"), list):
        raise _Unreadable("unreadable", 'A JSON return is an object with "header" and '
                          '"incidents" (a list): {"header": {...}, "incidents": [...]}.')
    problems: list[Problem] = []
    header = _json_header(document.get("header"), problems)
    flattener = _JsonFlattener(profile)
    for i, incident in enumerate(document["incidents"]):
        flattener.add_incident(i, incident)
    problems += flattener.problems
    table = flattener.table()
    result = ReadResult(table, header, problems, "json", "UTF-8", "",
                        sorted(flattener.targets), header_in_file=True)
    _note_empty(result)
    return result


def _json_header(raw: Any, problems: list[Problem]) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(problem("header", "", None, "type", '"header" must be an object.'))
        return {}
    header: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in HEADER_NAMES:
            problems.append(problem("header", str(key), None, "unknown_field",
                                    f"{show(key)} is not a header field; it was not read.",
                                    WARNING))
        elif key == "staff_headcount":
            if isinstance(value, dict):
                header[key] = {str(k): _json_text(v) for k, v in value.items()}
            else:
                problems.append(problem("header", key, _json_text(value), "headcount",
                                        "staff_headcount must be an object: "
                                        '{"registered_nurse_midwife": 1200, ...}.'))
        else:
            header[key] = _json_text(value)
    return header


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


class _JsonFlattener:
    """Incidents with nested staff to one row per member of staff, every value as text."""

    def __init__(self, profile: Profile | None) -> None:
        self.profile = profile
        self.rows: list[dict[str, str | None]] = []
        self.problems: list[Problem] = []
        self.unknown: set[str] = set()
        self.targets: dict[str, str | None] = {}
        self.seen: set[str] = set()

    def add_incident(self, i: int, incident: Any) -> None:
        where = f"incidents[{i}]"
        if not isinstance(incident, dict):
            self.problems.append(problem(where, "", None, "type", "each incident must be an "
                                         "object; this one was not read."))
            return
        staff = incident.get("staff")
        values = self._values(incident, where, skip="staff")
        if not isinstance(staff, list) or not staff:
            self.problems.append(problem(where, "staff", None, "required", "record at least "
                                         'one member of staff affected ("staff": [{...}]).'))
            self.rows.append({**values, ROW: where})
            return
        for j, member in enumerate(staff):
            path = f"{where}.staff[{j}]"
            if not isinstance(member, dict):
                self.problems.append(problem(path, "", None, "type", "each member of staff must "
                                             "be an object; this one was not read."))
                continue
            self.rows.append({**values, **self._values(member, path), ROW: path})

    def _target(self, key: str) -> str | None:
        if key not in self.targets:
            self.targets[key] = _target(key, self.profile)
            if self.targets[key] is not None:
                self.seen.add(self.targets[key])  # type: ignore[arg-type]
        return self.targets[key]

    def _values(self, record: dict[str, Any], where: str, skip: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in record.items():
            if key == skip:
                continue
            target = self._target(key)
            if target is None:
                self._unknown(key, where)
                continue
            if value.__class__ is str and target not in _MULTI_CODES:
                out[target] = value
                continue
            spec = FIELDS_BY_NAME.get(target)
            if spec is not None and spec.type == "codes":
                if isinstance(value, list):
                    value = "|".join("" if v is None else str(_json_text(v)) for v in value)
                elif value is not None:
                    self.problems.append(problem(where, target, _json_text(value), "type",
                                                 f"{target} must be a list of codes, "
                                                 f'e.g. ["{spec.code_list.values[0]}"].'))
            out[target] = _json_text(value)
        return out

    def _unknown(self, key: str, where: str) -> None:
        if key in self.unknown or (self.profile is not None and self.profile.ignores(key)):
            return
        self.unknown.add(key)
        self.problems.append(problem(where, key, None, "unknown_field", f"{show(key)} is not a "
                                     "field of the standard; it was not read (nor anywhere "
                                     "else).", WARNING))

    def table(self) -> pl.DataFrame:
        """Every field of the standard is a column: a key missing from every object is blank
        in every row (a required error per row), not a missing column."""
        names = [ROW, *(f.name for f in FIELDS), *(t for t in TIME_TARGETS if t in self.seen)]
        schema = {name: pl.String for name in names}
        if not self.rows:
            return pl.DataFrame(schema=schema)
        return pl.from_dicts(self.rows, schema=schema)
