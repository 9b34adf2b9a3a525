"""The national data standard, published: JSON Schema, Frictionless data package, CSV and XLSX
templates and the data dictionary (Markdown, HTML and the `/standard/` page).

Everything is generated from `staffsafe.datastandard` at call time: change a field or a code list
there and every export changes with it. The only hand-written content is the worked example
(`example_return`), which the tests check against the generated JSON Schema and table schema, and
the few rules across fields that `datastandard` states only as code in `rules.py`.

Pure: no Django import (an import-linter contract), so `staffsafe export-standard`, the download
views and the tests call the same builders.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from staffsafe.datastandard import codes, fields, rules

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# RFC 3339 with a compulsory offset: the standard's "datetime with offset".
DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
ODS_PATTERN = r"^[A-Z0-9]{3,5}$"
# RIDDOR's over-seven-day injury: more than 7 calendar days absent (as `rules._riddor_problems`).
RIDDOR_MIN_DAYS_ABSENT = 8
BOOLEAN_LIST = "boolean"
XLSX_LAST_ROW = 1_048_576

DATAPACKAGE_FILE = "datapackage.json"
DICTIONARY_MD_FILE = "data-dictionary.md"
DICTIONARY_HTML_FILE = "data-dictionary.html"


def version() -> str:
    return codes.STANDARD_VERSION


def schema_file_name() -> str:
    return f"staffsafe-standard-{version()}.schema.json"


def csv_file_name() -> str:
    return f"staffsafe-standard-{version()}-template.csv"


def xlsx_file_name() -> str:
    return f"staffsafe-standard-{version()}-template.xlsx"


# --- Reading the standard --------------------------------------------------------------------


def _fields(level: str | None = None) -> tuple[fields.Field, ...]:
    return tuple(f for f in fields.FIELDS if level is None or f.level == level)


def _by_name() -> dict[str, fields.Field]:
    return {f.name: f for f in fields.FIELDS}


def columns() -> tuple[str, ...]:
    """The CSV and XLSX columns: one row per member of staff affected."""
    return tuple(f.name for f in fields.FIELDS)


def staff_groups() -> codes.CodeList:
    """The code list the header's headcounts are given by: the staff_group field's."""
    code_list = _by_name()["staff_group"].code_list
    assert code_list is not None
    return code_list


def code_lists() -> tuple[codes.CodeList, ...]:
    """Every code list the standard's fields use, once each, in the order the fields use them."""
    found: dict[str, codes.CodeList] = {}
    for code_list in [f.code_list for f in fields.FIELDS if f.code_list] + [staff_groups()]:
        if found.setdefault(code_list.name, code_list) != code_list:
            raise ValueError(f"Two different code lists are both called '{code_list.name}'.")
    return tuple(found.values())


def code_list_users(code_list: codes.CodeList) -> tuple[str, ...]:
    users = [f.name for f in fields.FIELDS if f.code_list and f.code_list.name == code_list.name]
    if code_list.name == staff_groups().name:  # the header's headcounts, one per staff group
        users += [f.name for f in fields.HEADER_FIELDS if f.type == "headcount"]
    return tuple(users)


@dataclass(frozen=True)
class Clause:
    """One `field = value` part of a conditional field's condition."""

    field: fields.Field
    value: str | bool


def condition_clauses(field: fields.Field) -> tuple[Clause, ...]:
    """Read a condition such as "category = physical_assault and injury = true"."""
    by_name = _by_name()
    clauses = []
    for text in field.condition.split(" and "):
        name, equals, raw = (part.strip() for part in text.partition("="))
        if not equals or name not in by_name:
            raise ValueError(f"{field.name}: cannot read the condition '{field.condition}'.")
        clauses.append(Clause(by_name[name], _condition_value(by_name[name], raw, field)))
    return tuple(clauses)


def _condition_value(subject: fields.Field, raw: str, field: fields.Field) -> str | bool:
    if subject.type == "boolean" and raw in ("true", "false"):
        return raw == "true"
    if subject.code_list is not None and raw in subject.code_list:
        return raw
    raise ValueError(f"{field.name}: '{raw}' is not a value of {subject.name}.")


def _conditional_fields() -> tuple[fields.Field, ...]:
    return tuple(f for f in fields.FIELDS if f.rule == fields.CONDITIONAL)


def _only_when_condition(field: fields.Field) -> bool:
    """A conditional code is left empty unless its (one-part) condition holds, as in rules.py."""
    return field.type != "boolean" and len(condition_clauses(field)) == 1


# --- The worked example ----------------------------------------------------------------------


def example_return() -> dict[str, Any]:
    """A small, valid return in the JSON layout: the worked example in every template.

    Optional fields not recorded are left out. The tests check it against the JSON Schema, the
    table schema and `datastandard.rules`, so it cannot drift from the standard unnoticed.
    """
    headcounts = {"ambulance_operational": 2400, "ambulance_control_call_handling": 610,
                  "patient_transport": 350, "registered_nurse_midwife": 60,
                  "admin_clerical": 450, "estates_ancillary": 120, "general_management": 90}
    return {
        "header": {
            "standard_version": version(),
            "organisation_ods": "DEMB1",
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "generated_at": "2026-04-02T09:30:00+01:00",
            "staff_headcount": {code: headcounts.get(code, 0) for code in staff_groups().values},
        },
        "incidents": [{
            "incident_id": "INC-2026-000123", "sector": "ambulance",
            "setting": "ambulance_vehicle_roadside",
            "occurred_at": "2026-03-14T22:40:00+00:00",
            "reported_at": "2026-03-15T07:05:00+00:00", "late": False,
            "reporter_role": "victim", "category": "physical_assault",
            "method": ["hit_punch", "spit"], "hate_motivated": "no", "perpetrator_count": 1,
            "perpetrator_type": "patient_service_user", "perpetrator_age_band": "25_44",
            "mental_health_act_detained": "no", "medical_factors": False,
            "factors": ["alcohol"], "police_informed": True, "police_outcome": "charged",
            "emergency_worker_act_applies": True, "civil_admin_sanctions": ["warning_letter"],
            "body_worn_camera_footage": "yes", "restrictive_intervention_followed": False,
            "riddor_reportable": False, "debrief_offered": True,
            "wellbeing_conversation_offered": True, "occupational_health_referral": False,
            "risk_assessment_updated": True,
            "staff": [{
                "staff_group": "ambulance_operational", "employment_type": "substantive",
                "patient_facing": True, "lone_working": False, "activity": "clinical_care",
                "injury": True, "injury_severity": "low", "treatment": "first_aid",
                "psychological_impact": True, "days_absent": 2,
            }],
        }],
    }


def example_rows() -> list[dict[str, Any]]:
    """The worked example in the table layout: one row per member of staff affected."""
    rows = []
    for incident in example_return()["incidents"]:
        for member in incident["staff"]:
            values = {**incident, **member}
            rows.append({name: values.get(name) for name in columns()})
    return rows


def cell_text(value: object) -> str:
    """A value as the CSV (and the XLSX's text cells) write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return fields.LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


# --- JSON Schema (draft 2020-12) -------------------------------------------------------------


def _json_type(field: fields.Field) -> dict[str, Any]:
    values = list(field.code_list.values) if field.code_list else []
    minimum = {} if field.minimum is None else {"minimum": field.minimum}
    build: dict[str, Callable[[], dict[str, Any]]] = {
        "text": lambda: {"type": "string", "minLength": 1},
        "code": lambda: {"type": "string", "enum": values},
        "codes": lambda: {"type": "array", "items": {"type": "string", "enum": values},
                          "uniqueItems": True},
        "boolean": lambda: {"type": "boolean"},
        "integer": lambda: {"type": "integer", **minimum},
        "datetime": lambda: {"type": "string", "format": "date-time",
                             "pattern": DATETIME_PATTERN},
        "date": lambda: {"type": "string", "format": "date", "pattern": DATE_PATTERN},
    }
    return build[field.type]()


def _description(field: fields.Field) -> str:
    if field.rule == fields.CONDITIONAL:
        return f"{field.description} Required when {field.condition}."
    return field.description


def _json_property(field: fields.Field) -> dict[str, Any]:
    schema = {"description": _description(field), **_json_type(field)}
    if not field.required:  # optional and conditional values may also be given as null
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def _json_object(level: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    level_fields = _fields(level)
    properties = {f.name: _json_property(f) for f in level_fields} | (extra or {})
    required = [f.name for f in level_fields if f.required] + list(extra or {})
    schema = {"type": "object", "additionalProperties": False, "required": required,
              "properties": properties}
    rules_here = _json_conditional_rules(level)
    return schema | ({"allOf": rules_here} if rules_here else {})


def _rule_level(field: fields.Field) -> str:
    at_staff = field.level == fields.STF and all(
        c.field.level == fields.STF for c in condition_clauses(field))
    return fields.STF if at_staff else fields.INC


def _clause_schema(clause: Clause, at: str, negate: bool = False) -> dict[str, Any]:
    value: dict[str, Any] = {"const": clause.value}
    if negate:
        code_list = clause.field.code_list
        value = ({"enum": [c for c in code_list.values if c != clause.value]} if code_list
                 else {"const": not clause.value})
    test = {"properties": {clause.field.name: value}, "required": [clause.field.name]}
    if at == fields.INC and clause.field.level == fields.STF:  # some member of staff
        return {"properties": {"staff": {"contains": test}}, "required": ["staff"]}
    return test


def _when(clauses: Iterable[Clause], at: str) -> dict[str, Any]:
    parts = [_clause_schema(c, at) for c in clauses]
    return parts[0] if len(parts) == 1 else {"allOf": parts}


def _for_each(field: fields.Field, at: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A schema about `field`, applied from level `at` (to every member of staff if need be)."""
    if at == fields.INC and field.level == fields.STF:
        return {"properties": {"staff": {"items": schema}}}
    return schema


def _given(field: fields.Field) -> dict[str, Any]:
    value: dict[str, Any] = {"not": {"type": "null"}}
    if field.type == "codes":
        value["minItems"] = 1
    return {"required": [field.name], "properties": {field.name: value}}


def _left_empty(field: fields.Field) -> dict[str, Any]:
    value = {"maxItems": 0} if field.type == "codes" else {"type": "null"}
    return {"properties": {field.name: value}}


def _json_conditional_rules(level: str) -> list[dict[str, Any]]:
    """The C fields' conditions as if/then, each at the level where it can be stated."""
    found = []
    for field in _conditional_fields():
        if _rule_level(field) != level:
            continue
        clauses = condition_clauses(field)
        found.append({"$comment": f"{field.name}: required when {field.condition}.",
                      "if": _when(clauses, level),
                      "then": _for_each(field, level, _given(field))})
        if field.type == "boolean":
            true = {"properties": {field.name: {"const": True}}, "required": [field.name]}
            found.append({"$comment": f"{field.name} = true only when {field.condition}.",
                          "if": _for_each(field, level, true), "then": _when(clauses, level)})
        elif _only_when_condition(field):
            found.append({"$comment": f"{field.name}: left empty unless {field.condition}.",
                          "if": _clause_schema(clauses[0], level, negate=True),
                          "then": _for_each(field, level, _left_empty(field))})
    if level == fields.INC and "riddor_reportable" in _by_name():
        found.append(_riddor_rule())
    return found


def _riddor_rule() -> dict[str, Any]:
    specified = sorted(rules.SPECIFIED_INJURY_SEVERITIES)
    injured = {
        "properties": {"injury": {"const": True}}, "required": ["injury"],
        "anyOf": [
            {"properties": {"injury_severity": {"enum": specified}},
             "required": ["injury_severity"]},
            {"properties": {"days_absent": {"type": "integer",
                                            "minimum": RIDDOR_MIN_DAYS_ABSENT}},
             "required": ["days_absent"]},
        ],
    }
    return {
        "$comment": "riddor_reportable = true needs an injured member of staff with a specified "
                    "injury or more than 7 days absent.",
        "if": {"properties": {"riddor_reportable": {"const": True}},
               "required": ["riddor_reportable"]},
        "then": {"properties": {"staff": {"contains": injured}}},
    }


def _json_header() -> dict[str, Any]:
    groups = list(staff_groups().values)
    special: dict[str, dict[str, Any]] = {
        "standard_version": {"type": "string", "const": version()},
        "organisation_ods": {"type": "string", "pattern": ODS_PATTERN},
        "staff_headcount": {"type": "object", "required": groups,
                            "propertyNames": {"enum": groups},
                            "additionalProperties": {"type": "integer", "minimum": 0}},
    }
    properties = {f.name: {"description": f.description,
                           **(special.get(f.name) or _json_type(f))}
                  for f in fields.HEADER_FIELDS}
    return {"type": "object", "additionalProperties": False,
            "required": [f.name for f in fields.HEADER_FIELDS if f.required],
            "properties": properties}


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for a whole return in the JSON layout."""
    staff = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/staff"},
             "description": "The members of staff affected: one or more."}
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"National staff violence incident return, data standard {version()}",
        "description": (
            "One monthly return from one organisation: the submission header and its "
            "incidents, each with the members of staff affected. No names, NHS numbers or free "
            "text. An optional value may be left out or given as null."),
        "$comment": ("Generated from staffsafe.datastandard; do not edit. Checked by the "
                     "validator, not by this schema: " + " ".join(rules_beyond_schema())),
        "type": "object",
        "additionalProperties": False,
        "required": ["header", "incidents"],
        "properties": {
            "header": {"$ref": "#/$defs/header"},
            "incidents": {"type": "array", "items": {"$ref": "#/$defs/incident"},
                          "description": "The incidents of the period: none or more."},
        },
        "$defs": {
            "header": _json_header(),
            "incident": _json_object(fields.INC, {"staff": staff}),
            "staff": _json_object(fields.STF),
        },
    }


# --- Frictionless data package (Table Schema) ------------------------------------------------


def codes_pattern(code_list: codes.CodeList) -> str:
    """Codes separated by "|": a Table Schema pattern (implicitly anchored, XML Schema style)."""
    one = "(" + "|".join(re.escape(c) for c in code_list.values) + ")"
    return f"{one}({re.escape(fields.LIST_SEPARATOR)}{one})*"


def _table_field(field: fields.Field) -> dict[str, Any]:
    table_type = {"text": "string", "code": "string", "codes": "string", "boolean": "boolean",
                  "integer": "integer", "datetime": "datetime", "date": "date"}[field.type]
    described = {"name": field.name, "description": _description(field), "type": table_type}
    constraints: dict[str, Any] = {"required": True} if field.required else {}
    if field.type == "code" and field.code_list:
        constraints["enum"] = list(field.code_list.values)
    if field.type == "codes" and field.code_list:
        constraints["pattern"] = codes_pattern(field.code_list)
    if field.minimum is not None:
        constraints["minimum"] = field.minimum
    if field.type == "boolean":
        described |= {"trueValues": ["true"], "falseValues": ["false"]}
    return described | ({"constraints": constraints} if constraints else {})


def datapackage() -> dict[str, Any]:
    """A Frictionless tabular data package describing the CSV layout."""
    return {
        "profile": "tabular-data-package",
        "name": f"staffsafe-standard-{version()}",
        "title": f"National staff violence incident data standard {version()}: CSV layout",
        "description": (
            "One row per member of staff affected: the incident's fields repeat on each of its "
            "rows and must agree. The submission header (organisation, period, generation time, "
            "headcounts) travels beside the file. Multi-valued codes are separated by "
            f"'{fields.LIST_SEPARATOR}'. Generated from staffsafe.datastandard."),
        "version": version(),
        "resources": [{
            "profile": "tabular-data-resource",
            "name": "incidents",
            "title": "Incidents, one row per member of staff affected",
            "path": csv_file_name(),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True,
                        "lineTerminator": "\r\n", "header": True},
            "schema": {"fields": [_table_field(f) for f in fields.FIELDS],
                       "missingValues": [""]},
        }],
    }


# --- CSV template ----------------------------------------------------------------------------


def csv_template() -> str:
    """The header row and the worked example."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns())
    for row in example_rows():
        writer.writerow([cell_text(row[name]) for name in columns()])
    return buffer.getvalue()


# --- XLSX template ---------------------------------------------------------------------------


def list_name(code_list_name: str) -> str:
    """The workbook's defined name for a list on the `lists` sheet."""
    return f"list_{code_list_name}"


def _write_table(sheet: Worksheet, header: list[str], rows: Iterable[list[Any]],
                 start_row: int = 1) -> int:
    """Write a bold header row and rows of values; return the next free row."""
    for col, title in enumerate(header, 1):
        sheet.cell(start_row, col, title).font = Font(bold=True)
    row_number = start_row
    for values in rows:
        row_number += 1
        for col, value in enumerate(values, 1):
            cell = sheet.cell(row_number, col, value)
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str)
                                       and len(value) > 60)
            if isinstance(value, str):
                cell.number_format = "@"
    return row_number + 1


def _set_widths(sheet: Worksheet, widths: Iterable[int]) -> None:
    for col, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width


def _validation(kind: str | None, prompt: str, *, formula: str | None = None,
                error: str = "") -> DataValidation:
    validation = DataValidation(
        type=kind, formula1=formula, operator="greaterThanOrEqual" if kind == "whole" else None,
        allow_blank=True, showInputMessage=True, prompt=prompt[:255],
        showErrorMessage=bool(error), errorTitle="Not allowed" if error else None,
        error=error[:255] or None)
    return validation


def _column_validation(field: fields.Field) -> DataValidation:
    rule = {"M": "Mandatory.", "C": f"Required when {field.condition}.", "O": "Optional."}
    prompt = f"{rule[field.rule]} {field.description}"
    code_list = field.code_list
    if field.type == "code" and code_list:
        return _validation("list", prompt, formula=list_name(code_list.name),
                           error=f"Choose a code from the {code_list.name} list.")
    if field.type == "boolean":
        return _validation("list", prompt, formula=list_name(BOOLEAN_LIST),
                           error="Choose true or false.")
    if field.type == "integer":
        minimum = field.minimum or 0
        return _validation("whole", prompt, formula=str(minimum),
                           error=f"Enter a whole number of {minimum} or more.")
    hints = {"codes": f" Codes from the {code_list.name if code_list else ''} list, separated "
                      f"by {fields.LIST_SEPARATOR}.",
             "datetime": " As 2026-03-14T22:40:00+00:00.", "date": " As 2026-03-14."}
    return _validation(None, prompt + hints.get(field.type, ""))


def _xlsx_value(field: fields.Field, value: object) -> object:
    """Whole numbers as numbers; everything else as the text the CSV has; blanks left empty."""
    if value is None or value == []:
        return None
    return value if field.type == "integer" else cell_text(value)


def _incidents_sheet(sheet: Worksheet) -> None:
    example = example_rows()
    _write_table(sheet, list(columns()), (
        [_xlsx_value(f, row[f.name]) for f in fields.FIELDS] for row in example))
    sheet.freeze_panes = "A2"
    for col, field in enumerate(fields.FIELDS, 1):
        letter = get_column_letter(col)
        longest = max([len(field.name)] + [len(cell_text(r[field.name])) for r in example])
        sheet.column_dimensions[letter].width = max(min(longest + 3, 45), 10)
        if field.type != "integer":  # typed codes, booleans and dates stay as written
            sheet.column_dimensions[letter].number_format = "@"
        validation = _column_validation(field)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{XLSX_LAST_ROW}")


def _header_sheet(sheet: Worksheet) -> None:
    example = example_return()["header"]
    hints = {"date": " As 2026-03-01.", "datetime": " As 2026-04-02T09:30:00+01:00.",
             "headcount": " Give them on the headcount sheet, not here."}
    rows = [[f.name, None if f.type == "headcount" else example.get(f.name),
             f.description + hints.get(f.type, "")] for f in fields.HEADER_FIELDS]
    _write_table(sheet, ["field", "value", "explanation"], rows)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].number_format = "@"
    _set_widths(sheet, [20, 28, 90])
    ods = _validation("textLength", "ODS code of the trust: 3 to 5 letters or digits.",
                      formula="3", error="An ODS code has 3 to 5 letters or digits.")
    ods.operator, ods.formula2 = "between", "5"
    sheet.add_data_validation(ods)
    for row, field in enumerate(fields.HEADER_FIELDS, 2):
        if field.name == "organisation_ods":
            ods.add(f"B{row}")


def _headcount_sheet(sheet: Worksheet) -> None:
    example = example_return()["header"]["staff_headcount"]
    groups = staff_groups()
    _write_table(sheet, ["staff_group", "headcount", "label"],
                 [[code, example.get(code), label] for code, label in groups.items])
    sheet.freeze_panes = "A2"
    _set_widths(sheet, [max(len(c) for c in groups.values) + 3, 12, 40])
    last = len(groups.values) + 1
    headcount = _validation("whole", "Headcount of this staff group: a whole number of 0 or "
                            "more.", formula="0", error="Enter a whole number of 0 or more.")
    group = _validation("list", "A staff group code.", formula=list_name(groups.name),
                        error="Choose a staff group code.")
    for validation, cells in ((headcount, f"B2:B{last}"), (group, f"A2:A{last}")):
        sheet.add_data_validation(validation)
        validation.add(cells)


def _dictionary_sheet(sheet: Worksheet) -> None:
    entries = [e for section in dictionary_sections() for e in section.entries]
    next_row = _write_table(
        sheet, ["field", "level", "type", "rule", "condition", "description", "code_list"],
        [[e.name, e.level, e.type_text, e.rule, e.condition or None, e.description,
          e.code_list or None] for e in entries])
    _write_table(sheet, ["code_list", "code", "label"],
                 [[cl.name, code, label] for cl in code_lists() for code, label in cl.items],
                 start_row=next_row + 1)
    sheet.freeze_panes = "A2"
    _set_widths(sheet, [34, 10, 40, 6, 45, 90, 26])


def _lists_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("lists")
    lists = [(cl.name, list(cl.values)) for cl in code_lists()]
    lists.append((BOOLEAN_LIST, ["true", "false"]))
    for col, (name, values) in enumerate(lists, 1):
        letter = get_column_letter(col)
        sheet.cell(1, col, name).font = Font(bold=True)
        for row, value in enumerate(values, 2):
            sheet.cell(row, col, value).number_format = "@"
        sheet.column_dimensions[letter].width = max(len(v) for v in [name, *values]) + 3
        reference = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
        workbook.defined_names[list_name(name)] = DefinedName(list_name(name),
                                                              attr_text=reference)
    sheet.sheet_state = "hidden"


def xlsx_template() -> bytes:
    """The Excel template: incidents, header, headcount, dictionary and the hidden lists."""
    workbook = Workbook()
    workbook.properties.creator = "StaffSafe"
    workbook.properties.title = f"National staff violence incident return, standard {version()}"
    incidents = workbook.active
    assert incidents is not None
    incidents.title = "incidents"
    builders = (("header", _header_sheet), ("headcount", _headcount_sheet),
                ("dictionary", _dictionary_sheet))
    _incidents_sheet(incidents)
    for title, build in builders:
        build(workbook.create_sheet(title))
    _lists_sheet(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- The data dictionary ---------------------------------------------------------------------

_TYPE_TEXT = {
    "text": "text",
    "code": "one code",
    "codes": "several codes",
    "boolean": "true or false",
    "integer": "whole number",
    "datetime": "date and time with offset, as 2026-03-14T22:40:00+00:00",
    "date": "date, as 2026-03-14",
    "headcount": "whole numbers of 0 or more, one for each code",
}


LEGEND = (
    "Code lists are closed: any other value is an error. A field of several codes is a list in "
    f"JSON; in CSV and XLSX its codes share one cell, separated by {fields.LIST_SEPARATOR}, as "
    f"hit_punch{fields.LIST_SEPARATOR}spit. An optional value not recorded is left empty (in "
    "JSON: left out, or null)."
)


@dataclass(frozen=True)
class DictionaryEntry:
    name: str
    level: str
    type_text: str
    rule: str
    condition: str
    description: str
    code_list: str

    @property
    def rule_text(self) -> str:
        return f"C: when {self.condition}" if self.condition else self.rule


@dataclass(frozen=True)
class DictionarySection:
    level: str
    title: str
    intro: str
    entries: tuple[DictionaryEntry, ...]


def _entry(field: fields.Field) -> DictionaryEntry:
    type_text = _TYPE_TEXT[field.type]
    if field.minimum is not None:
        type_text += f" of {field.minimum} or more"
    if field.name == "standard_version":
        type_text += f": {version()}"
    if field.name == "organisation_ods":
        type_text += ": 3 to 5 capital letters or digits"
    return DictionaryEntry(
        name=field.name, level=field.level, type_text=type_text, rule=field.rule,
        condition=field.condition if field.rule == fields.CONDITIONAL else "",
        description=field.description,
        code_list=field.code_list.name if field.code_list
        else staff_groups().name if field.type == "headcount" else "")


def dictionary_sections() -> tuple[DictionarySection, ...]:
    """Every field, by level: the submission header, the incident, the staff affected."""
    return (
        DictionarySection(
            "header", "Submission header",
            "One per return: the header object in JSON; the header and headcount sheets in "
            "XLSX; with a CSV file, given beside it (the upload form or the command's options).",
            tuple(_entry(f) for f in fields.HEADER_FIELDS)),
        DictionarySection(
            fields.INC, "Incident",
            "One per incident. In CSV and XLSX the incident's fields repeat on each row of a "
            "member of staff affected, and must agree.",
            tuple(_entry(f) for f in _fields(fields.INC))),
        DictionarySection(
            fields.STF, "Staff affected",
            "One or more per incident: one row each in CSV and XLSX; the incident's staff list "
            "in JSON.",
            tuple(_entry(f) for f in _fields(fields.STF))),
    )


def cross_field_rules() -> tuple[str, ...]:
    """The rules across fields, in words: the conditions of the C fields and the rest."""
    found = []
    for field in _conditional_fields():
        text = f"{field.name} is required when {field.condition}"
        if field.type == "boolean":
            text += f", and can be true only when {field.condition}"
        elif _only_when_condition(field):
            text += ", and is left empty otherwise"
        found.append(text + ".")
    specified = " or ".join(sorted(rules.SPECIFIED_INJURY_SEVERITIES))
    found.append(f"riddor_reportable = true also needs a member of staff with injury = true "
                 f"and an injury_severity of {specified}, or days_absent over "
                 f"{RIDDOR_MIN_DAYS_ABSENT - 1}.")
    return (*found, *rules_beyond_schema())


def rules_beyond_schema() -> tuple[str, ...]:
    """Rules the validator checks that the JSON Schema and the table schema cannot state."""
    return (
        "occurred_at is not after reported_at, and reported_at is not after generated_at.",
        "occurred_at is inside the period, except a late-reported incident (late = true), "
        "which goes in the period it was reported.",
        "period_start is the first day of a calendar month and period_end the last day of the "
        "same month.",
        "An incident_id appears once in a return (in CSV and XLSX: on each of its staff rows, "
        "which agree); the same incident_id in a later return replaces the earlier version.",
    )


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    yield "| " + " | ".join(header) + " |"
    yield "|" + "---|" * len(header)
    for row in rows:
        yield "| " + " | ".join(_md(cell) for cell in row) + " |"


def _entry_type(entry: DictionaryEntry) -> str:
    return entry.type_text + (f" from `{entry.code_list}`" if entry.code_list else "")


def dictionary_markdown() -> str:
    """The data dictionary as Markdown."""
    lines = [
        f"# Data dictionary: national staff violence incident data standard {version()}", "",
        "Generated from `staffsafe.datastandard`; do not edit by hand.", "",
        "Rules: `M` mandatory in every return; `C` mandatory when its condition holds; "
        "`O` optional. " + LEGEND, "",
    ]
    for section in dictionary_sections():
        lines += [f"## {section.title}", "", section.intro, ""]
        lines += _md_table(["Field", "Type", "Rule", "Description"], (
            [f"`{e.name}`", _entry_type(e), e.rule_text, e.description]
            for e in section.entries))
        lines.append("")
    lines += ["## Rules across fields", ""] + [f"- {_md(r)}" for r in cross_field_rules()]
    lines += ["", "## Code lists", ""]
    for code_list in code_lists():
        users = ", ".join(f"`{name}`" for name in code_list_users(code_list))
        lines += [f"### `{code_list.name}`", "", f"Used by {users}.", ""]
        lines += _md_table(["Code", "Label"], ([f"`{c}`", label] for c, label in code_list.items))
        lines.append("")
    return "\n".join(lines)


_HTML_STYLE = (
    "body{font-family:Arial,sans-serif;line-height:1.5;color:#212b32;max-width:72rem;"
    "margin:0 auto;padding:1rem}table{border-collapse:collapse;width:100%;margin:0 0 2rem}"
    "th,td{border-bottom:1px solid #d8dde0;padding:.5rem;text-align:left;vertical-align:top}"
    "caption{text-align:left;font-weight:bold;padding:.5rem 0}"
    ".wrap{overflow-x:auto}code{font-size:.95em}"
)


def _html_table(caption: str, header: list[str], rows: Iterable[list[str]],
                code_columns: int = 1) -> str:
    """A table of escaped text; the first `code_columns` cells of each row shown as code."""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(
            f"<td><code>{html.escape(cell)}</code></td>" if i < code_columns
            else f"<td>{html.escape(cell)}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows)
    return (f'<div class="wrap"><table><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def dictionary_html() -> str:
    """The data dictionary as a standalone HTML page."""
    title = f"Data dictionary: national staff violence incident data standard {version()}"
    parts = [f"<h1>{html.escape(title)}</h1>",
             "<p>Generated from <code>staffsafe.datastandard</code>. Rules: M mandatory in "
             "every return; C mandatory when its condition holds; O optional. "
             f"{html.escape(LEGEND)}</p>"]
    for section in dictionary_sections():
        parts += [f'<h2 id="{section.level}">{html.escape(section.title)}</h2>',
                  f"<p>{html.escape(section.intro)}</p>",
                  _html_table(f"{section.title} fields", ["Field", "Type", "Rule", "Description"],
                              ([e.name, _entry_type(e), e.rule_text, e.description]
                               for e in section.entries))]
    parts += ['<h2 id="rules">Rules across fields</h2><ul>',
              *(f"<li>{html.escape(rule)}</li>" for rule in cross_field_rules()), "</ul>",
              '<h2 id="code-lists">Code lists</h2>']
    for code_list in code_lists():
        users = ", ".join(code_list_users(code_list))
        parts += [f'<h3 id="codes-{code_list.name}"><code>{html.escape(code_list.name)}'
                  "</code></h3>", f"<p>Used by {html.escape(users)}.</p>",
                  _html_table(f"Codes for {code_list.name}", ["Code", "Label"],
                              ([c, label] for c, label in code_list.items))]
    return ('<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_HTML_STYLE}</style></head>"
            f"<body><main>{''.join(parts)}</main></body></html>\n")


# --- Every export, by file name --------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    file_name: str
    title: str
    media_type: str
    build: Callable[[], str | bytes]

    def content(self) -> bytes:
        value = self.build()
        return value.encode("utf-8") if isinstance(value, str) else value


def _json_text(build: Callable[[], dict[str, Any]]) -> Callable[[], str]:
    return lambda: json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def exports() -> dict[str, Export]:
    """Every published file of the standard, by file name."""
    found = (
        Export(schema_file_name(), "JSON Schema for a JSON return (draft 2020-12)",
               "application/schema+json", _json_text(json_schema)),
        Export(DATAPACKAGE_FILE, "Frictionless data package for the CSV layout (JSON)",
               "application/json", _json_text(datapackage)),
        Export(csv_file_name(), "CSV template with a worked example", "text/csv; charset=utf-8",
               csv_template),
        Export(xlsx_file_name(), "Excel template with drop-down lists (XLSX)",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               xlsx_template),
        Export(DICTIONARY_MD_FILE, "Data dictionary (Markdown)", "text/markdown; charset=utf-8",
               dictionary_markdown),
        Export(DICTIONARY_HTML_FILE, "Data dictionary (HTML)", "text/html; charset=utf-8",
               dictionary_html),
    )
    return {export.file_name: export for export in found}


def write_all(directory: Path | str) -> list[Path]:
    """Write every export into `directory` (created if need be); return the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for export in exports().values():
        path = directory / export.file_name
        path.write_bytes(export.content())
        written.append(path)
    return written
