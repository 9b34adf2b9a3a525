"""The table layout: the Frictionless data package, the CSV template and the XLSX template."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from staffsafe.collection import standard_exports
from staffsafe.datastandard import fields

SINGLE_CODE_FIELDS = [f for f in fields.FIELDS if f.type == "code"]
BOOLEAN_FIELDS = [f for f in fields.FIELDS if f.type == "boolean"]


def csv_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(standard_exports.csv_template())))


@pytest.fixture(scope="module")
def workbook():
    return load_workbook(io.BytesIO(standard_exports.xlsx_template()))


def validations_by_column(sheet) -> dict[str, object]:
    """The data validation on each column of a sheet, by the column's header."""
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            letter = re.match(r"[A-Z]+", cell_range.coord).group()
            assert headers[letter] not in found, f"two validations on {headers[letter]}"
            found[headers[letter]] = (validation, cell_range.coord)
    return found


def defined_list(workbook, name: str) -> list[str]:
    """The values a defined name on the lists sheet refers to."""
    ((sheet_name, cells),) = workbook.defined_names[name].destinations
    sheet = workbook[sheet_name]
    return [row[0].value for row in sheet[cells.replace("$", "")]]


# --- Frictionless data package ---------------------------------------------------------------


def test_the_table_schema_lists_every_column_in_order_with_its_type_and_rule():
    package = standard_exports.datapackage()
    assert package["profile"] == "tabular-data-package"
    (resource,) = package["resources"]
    assert resource["path"] == standard_exports.csv_file_name()
    assert resource["profile"] == "tabular-data-resource"
    schema = resource["schema"]
    assert schema["missingValues"] == [""]
    assert [f["name"] for f in schema["fields"]] == list(fields.COLUMNS)
    expected_type = {"text": "string", "code": "string", "codes": "string", "boolean": "boolean",
                     "integer": "integer", "datetime": "datetime", "date": "date"}
    for described, field in zip(schema["fields"], fields.FIELDS, strict=True):
        constraints = described.get("constraints", {})
        assert described["type"] == expected_type[field.type]
        assert constraints.get("required", False) is field.required
        assert described["description"].startswith(field.description)
        if field.type == "code":
            assert constraints["enum"] == list(field.code_list.values)
        if field.type == "codes":
            assert "enum" not in constraints and constraints["pattern"]
        if field.minimum is not None:
            assert constraints["minimum"] == field.minimum
        if field.rule == fields.CONDITIONAL:
            assert field.condition in described["description"]


@pytest.mark.parametrize(("value", "ok"), [
    ("hit_punch", True), ("hit_punch|spit", True), ("hit_punch|spit|other", True),
    ("", False), ("hit_punch|", False), ("|spit", False), ("hit_punch,spit", False),
    ("lasso", False), ("hit_punch|lasso", False), ("hit_punch | spit", False),
])
def test_multi_code_columns_take_codes_separated_by_a_bar(value, ok):
    fields_by_name = {f["name"]: f for f in
                      standard_exports.datapackage()["resources"][0]["schema"]["fields"]}
    # Table Schema patterns are implicitly anchored (XML Schema style).
    pattern = fields_by_name["method"]["constraints"]["pattern"]
    assert (re.fullmatch(pattern, value) is not None) is ok


def _check_cell(described: dict, text: str) -> None:
    """A small Table Schema check of one CSV cell, enough for the worked example."""
    constraints = described.get("constraints", {})
    if text == "":
        assert not constraints.get("required"), described["name"]
        return
    kind = described["type"]
    if kind == "boolean":
        assert text in described["trueValues"] + described["falseValues"]
    elif kind == "integer":
        assert int(text) >= constraints.get("minimum", int(text))
    elif kind == "datetime":
        assert datetime.fromisoformat(text).tzinfo is not None
    elif kind == "date":
        date.fromisoformat(text)
    if "enum" in constraints:
        assert text in constraints["enum"]
    if "pattern" in constraints:
        assert re.fullmatch(constraints["pattern"], text)


def test_the_csv_template_fits_the_table_schema():
    _header, *rows = csv_rows()
    described = standard_exports.datapackage()["resources"][0]["schema"]["fields"]
    assert rows
    for row in rows:
        for column, text in zip(described, row, strict=True):
            _check_cell(column, text)


# --- CSV template ----------------------------------------------------------------------------


def test_the_csv_template_is_the_columns_and_one_worked_example():
    header, *rows = csv_rows()
    assert tuple(header) == fields.COLUMNS
    assert len(rows) == 1
    example = standard_exports.example_return()["incidents"][0]
    row = dict(zip(header, rows[0], strict=True))
    assert row["incident_id"] == example["incident_id"]
    assert row["method"] == "|".join(example["method"])
    assert row["police_informed"] == "true" and row["medical_factors"] == "false"
    assert row["staff_group"] == example["staff"][0]["staff_group"]
    assert row["site_ods"] == ""
    assert standard_exports.csv_template().endswith("\r\n")


# --- XLSX template ---------------------------------------------------------------------------


def test_the_workbook_has_its_sheets_with_lists_hidden(workbook):
    assert workbook.sheetnames == ["incidents", "header", "headcount", "dictionary", "lists"]
    assert workbook["lists"].sheet_state == "hidden"
    assert all(workbook[name].sheet_state == "visible" for name in workbook.sheetnames[:-1])


def test_the_incidents_sheet_has_a_frozen_bold_header_widths_and_the_example(workbook):
    sheet = workbook["incidents"]
    assert tuple(cell.value for cell in sheet[1]) == fields.COLUMNS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert all(sheet.column_dimensions[cell.column_letter].width > 8 for cell in sheet[1])
    csv_example = dict(zip(*csv_rows(), strict=True))
    xlsx_example = {h.value: c.value for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert {k: "" if v is None else str(v) for k, v in xlsx_example.items()} == csv_example
    assert isinstance(xlsx_example["perpetrator_count"], int)
    assert sheet.max_row == 2


def test_every_single_code_column_has_a_drop_down_of_its_own_code_list(workbook):
    found = validations_by_column(workbook["incidents"])
    for field in SINGLE_CODE_FIELDS:
        validation, cells = found[field.name]
        assert validation.type == "list", field.name
        assert validation.showErrorMessage and validation.allow_blank
        assert cells.endswith("2:" + cells[: len(cells.split("2:")[0])] + "1048576")
        assert defined_list(workbook, validation.formula1) == list(field.code_list.values)


def test_boolean_columns_drop_down_true_or_false_and_integers_are_whole(workbook):
    found = validations_by_column(workbook["incidents"])
    for field in BOOLEAN_FIELDS:
        validation, _ = found[field.name]
        assert validation.type == "list"
        assert defined_list(workbook, validation.formula1) == ["true", "false"]
    for field in (f for f in fields.FIELDS if f.type == "integer"):
        validation, _ = found[field.name]
        assert (validation.type, validation.operator) == ("whole", "greaterThanOrEqual")
        assert validation.formula1 == str(field.minimum)


def test_the_lists_sheet_holds_every_code_list(workbook):
    sheet = workbook["lists"]
    columns = {col[0].value: [c.value for c in col[1:] if c.value is not None]
               for col in sheet.iter_cols()}
    for code_list in standard_exports.code_lists():
        assert columns[code_list.name] == list(code_list.values)
        assert defined_list(workbook, standard_exports.list_name(code_list.name)) == list(
            code_list.values)


def test_the_header_and_headcount_sheets(workbook):
    header = workbook["header"]
    rows = [[c.value for c in row] for row in header.iter_rows()]
    assert rows[0] == ["field", "value", "explanation"]
    assert [r[0] for r in rows[1:]] == [f.name for f in fields.HEADER_FIELDS]
    values = {r[0]: r[1] for r in rows[1:]}
    assert values["standard_version"] == "1.0"  # text, not the number 1
    assert all(r[2] for r in rows[1:])
    headcount = workbook["headcount"]
    rows = [[c.value for c in row] for row in headcount.iter_rows()]
    assert rows[0] == ["staff_group", "headcount", "label"]
    staff_groups = standard_exports.staff_groups()
    assert [r[0] for r in rows[1:]] == list(staff_groups.values)
    assert all(isinstance(r[1], int) and r[1] >= 0 for r in rows[1:])
    found = validations_by_column(headcount)
    validation, cells = found["headcount"]
    assert (validation.type, validation.operator, validation.formula1) == (
        "whole", "greaterThanOrEqual", "0")
    assert cells == f"B2:B{len(staff_groups.values) + 1}"
    assert defined_list(workbook, found["staff_group"][0].formula1) == list(staff_groups.values)


def test_no_cell_anywhere_is_a_formula():
    workbook = load_workbook(io.BytesIO(standard_exports.xlsx_template()))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
                assert not (isinstance(cell.value, str) and cell.value.startswith("=")), (
                    f"{sheet.title}!{cell.coordinate}")
