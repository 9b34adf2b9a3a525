"""Reading an indicator catalogue file (CSV or JSON) and saying exactly what is wrong with it.

A catalogue lists a Standard edition's indicators, one a row: edition, domain, indicator id,
text and evidence guidance, and, for a 2024 indicator, the 2021 indicators whose work it carries
on (`maps_from`, ids separated by ";"). Every problem is located (row and column of a CSV file,
indicator number and field of a JSON file) and the file is taken whole or not at all: this
module only reads and checks; `services.catalogue_load` saves. No Django import.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from staffsafe.standard.editions import EDITION_2021, EDITION_2024, EDITIONS

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_TEXT = 4000
REQUIRED_COLUMNS = ("edition", "domain", "indicator_id", "text", "evidence_guidance")
OPTIONAL_COLUMNS = ("maps_from",)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    row: int  # CSV: the line's row number (the header is row 1); JSON: the indicator's number
    column: str
    value: str
    message: str
    json: bool = False

    @property
    def where(self) -> str:
        if self.row == 0:
            return f"Column '{self.column}'" if self.column else "The file"
        place = f"Indicator {self.row}" if self.json else f"Row {self.row}"
        if self.column:
            place += f", {'field' if self.json else 'column'} '{self.column}'"
        return place

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class CatalogueRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the catalogue file")
        self.problems = problems


@dataclass(frozen=True)
class IndicatorRow:
    row: int
    edition: str
    domain: str  # the domain's code
    code: str
    text: str
    evidence_guidance: str
    maps_from: tuple[str, ...] = ()


def _column_name(name: Any) -> str:
    return "_".join(str(name or "").strip().lower().replace("-", " ").split())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(_text(v) for v in value)
    return str(value).strip()


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise CatalogueRejected([Problem(line, "", "", "The file is not UTF-8 text: save it as "
                                         "'CSV UTF-8' or UTF-8 JSON.")]) from None


def _is_json(file_name: str, text: str) -> bool:
    lower = file_name.lower()
    if lower.endswith(".json"):
        return True
    if lower.endswith(".csv"):
        return False
    return text.lstrip()[:1] in ("[", "{")


def _read_csv(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_column_name(h) for h in next(reader, [])]
        # Rows are numbered as a spreadsheet shows them (a value may span several lines).
        rows = list(enumerate(reader, start=2))
    except csv.Error as error:
        raise CatalogueRejected([Problem(reader.line_num, "", "", f"The CSV cannot be read: "
                                         f"{error}.")]) from None
    records = []
    for number, values in rows:
        if not any(v.strip() for v in values):
            continue  # blank lines (often at the end of a spreadsheet export) say nothing
        if len(values) > len(header):
            raise CatalogueRejected([Problem(number, "", "", f"The row has {len(values)} values "
                                             f"but the header has {len(header)} columns.")])
        records.append((number, dict(zip(header, values, strict=False))))
    return header, records


def _read_json(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueRejected([Problem(0, "", "", f"The JSON cannot be read: {error.msg} at "
                                         f"line {error.lineno}, column {error.colno}.",
                                         json=True)]) from None
    except RecursionError:
        raise CatalogueRejected([Problem(0, "", "", "The JSON is nested too deeply to be a "
                                         "catalogue.", json=True)]) from None
    items = document.get("indicators") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise CatalogueRejected([Problem(0, "", "", "The JSON must be a list of indicators, or "
                                         "an object with an 'indicators' list.", json=True)])
    records, header = [], []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise CatalogueRejected([Problem(number, "", "", "Each indicator must be an object "
                                             "with named fields.", json=True)])
        record = {_column_name(k): _text(v) for k, v in item.items()}
        header += [k for k in record if k not in header]
        records.append((number, record))
    return header, records


def _header_problems(header: Iterable[str], is_json: bool) -> list[Problem]:
    header = list(header)
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    problems = [Problem(0, name[:40], "", f"Unknown column: use {', '.join(known)}.", is_json)
                for name in header if name not in known][:20]
    problems += [Problem(0, name, "", "The file has no such column; it is required.", is_json)
                 for name in REQUIRED_COLUMNS if name not in header and not is_json]
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem(0, name, "", "The column appears twice.", is_json))
        seen.add(name)
    return problems


class _Checker:
    """Checks rows one by one, remembering what it needs for the checks across rows."""

    def __init__(self, is_json: bool, known_2021: frozenset[str]) -> None:
        self.is_json = is_json
        self.known_2021 = known_2021
        self.problems: list[Problem] = []
        self.first_row: dict[tuple[str, str], int] = {}
        self.mapped_by: dict[str, tuple[str, int]] = {}

    def problem(self, row: int, column: str, value: str, message: str) -> None:
        self.problems.append(Problem(row, column, value[:200], message, self.is_json))

    def row(self, number: int, record: dict[str, str]) -> IndicatorRow | None:
        values = {name: _text(record.get(name)) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
        before = len(self.problems)
        for name, value in values.items():
            if _CONTROL.search(value):
                self.problem(number, name, value, "The value contains a control character.")
        edition = self._edition(number, values["edition"])
        domain = self._domain(number, edition, values["domain"])
        code = self._code(number, edition, values["indicator_id"])
        self._texts(number, values)
        maps_from = self._maps_from(number, edition, code, values["maps_from"])
        if len(self.problems) > before or edition is None or domain is None:
            return None
        return IndicatorRow(number, edition, domain, code, values["text"],
                            values["evidence_guidance"], maps_from)

    def _edition(self, number: int, value: str) -> str | None:
        if value in EDITIONS:
            return value
        self.problem(number, "edition", value,
                     "Enter the edition." if not value else "Use 2021 or 2024.")
        return None

    def _domain(self, number: int, edition: str | None, value: str) -> str | None:
        if not value:
            self.problem(number, "domain", value, "Enter the domain.")
            return None
        if edition is None:
            return None
        found = EDITIONS[edition].find_domain(value)
        if found is None:
            names = "; ".join(d.name for d in EDITIONS[edition].domains)
            self.problem(number, "domain", value, f"Not a domain of the {edition} edition: use "
                         f"one of {names}.")
            return None
        return found.code

    def _code(self, number: int, edition: str | None, value: str) -> str:
        if not value:
            self.problem(number, "indicator_id", value, "Enter the indicator id.")
        elif not _ID.match(value):
            self.problem(number, "indicator_id", value, "Use up to 30 letters, digits, dots, "
                         "hyphens or underscores, starting with a letter or digit.")
        elif edition is not None:
            first = self.first_row.setdefault((edition, value.casefold()), number)
            if first != number:
                self.problem(number, "indicator_id", value, f"The {edition} edition already has "
                             f"this indicator id ({'indicator' if self.is_json else 'row'} "
                             f"{first}).")
        return value

    def _texts(self, number: int, values: dict[str, str]) -> None:
        if not values["text"]:
            self.problem(number, "text", "", "Enter the indicator's text.")
        for name in ("text", "evidence_guidance"):
            if values[name][:1] in ("=", "@"):
                self.problem(number, name, values[name], "The value starts like a spreadsheet "
                             "formula; remove the first character.")
            if len(values[name]) > MAX_TEXT:
                self.problem(number, name, values[name], f"Use {MAX_TEXT:,} characters or fewer.")

    def _maps_from(self, number: int, edition: str | None, code: str, value: str
                   ) -> tuple[str, ...]:
        codes = tuple(dict.fromkeys(c.strip() for c in value.split(";") if c.strip()))
        if codes and edition != EDITION_2024:
            self.problem(number, "maps_from", value,
                         "Only a 2024 indicator can carry on 2021 indicators.")
            return ()
        for old in codes:
            earlier = self.mapped_by.setdefault(old, (code, number))
            if earlier[1] != number:
                self.problem(number, "maps_from", old, f"2021 indicator {old} already carries "
                             f"over to {earlier[0]}: each 2021 indicator maps to one 2024 "
                             "indicator at most.")
        return codes

    def check_mapping_targets(self, rows: list[IndicatorRow]) -> None:
        in_file = {r.code for r in rows if r.edition == EDITION_2021}
        known = in_file or self.known_2021
        source = "this file" if in_file else "the current 2021 catalogue"
        for row in rows:
            for old in row.maps_from:
                if not known:
                    self.problem(row.row, "maps_from", old, "No 2021 catalogue is loaded: load "
                                 "it first, or include its rows in this file.")
                elif old not in known:
                    self.problem(row.row, "maps_from", old,
                                 f"{source.capitalize()} has no 2021 indicator {old}.")

    def check_domains_covered(self, rows: list[IndicatorRow]) -> None:
        for code in dict.fromkeys(r.edition for r in rows):
            covered = {r.domain for r in rows if r.edition == code}
            for domain in EDITIONS[code].domains:
                if domain.code not in covered:
                    self.problem(0, "domain", domain.name, f"The {code} edition has no "
                                 f"indicator in the domain '{domain.name}'.")


def read_catalogue(content: bytes, file_name: str = "catalogue.csv", *,
                   known_2021_codes: Iterable[str] = ()) -> list[IndicatorRow]:
    """Every indicator of the file, or CatalogueRejected listing every problem found."""
    if len(content) > MAX_BYTES:
        raise CatalogueRejected([Problem(0, "", "", "The file is larger than 2 MB.")])
    if not content.strip():
        raise CatalogueRejected([Problem(0, "", "", "The file is empty.")])
    text = _decode(content)
    is_json = _is_json(file_name, text)
    header, records = _read_json(text) if is_json else _read_csv(text)
    problems = _header_problems(header, is_json)
    if problems:
        raise CatalogueRejected(problems)
    if not records:
        raise CatalogueRejected([Problem(0, "", "", "The file has no indicators.", is_json)])
    if len(records) > MAX_ROWS:
        raise CatalogueRejected([Problem(0, "", "", f"The file has {len(records):,} indicators;"
                                         f" the most one file may hold is {MAX_ROWS:,}.")])
    checker = _Checker(is_json, frozenset(known_2021_codes))
    rows = [row for number, record in records if (row := checker.row(number, record))]
    if not checker.problems:
        checker.check_mapping_targets(rows)
        checker.check_domains_covered(rows)
    if checker.problems:
        raise CatalogueRejected(checker.problems)
    return rows


def write_catalogue_csv(rows: Iterable[IndicatorRow]) -> bytes:
    """A catalogue as the CSV this module reads: a template, and a round trip."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))
    for row in rows:
        writer.writerow((row.edition, row.domain, row.code, row.text, row.evidence_guidance,
                         ";".join(row.maps_from)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


STARTER_FILES = {EDITION_2021: "starter-2021.csv", EDITION_2024: "starter-2024.csv"}
