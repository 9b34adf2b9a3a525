"""Every export carries every field and every code list, and is generated from the standard in
code: change a code list or a field there and every export changes with it.
"""

from __future__ import annotations

import html
import io
import json
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from staffsafe.collection import standard_exports
from staffsafe.datastandard import codes, fields

ALL_FIELDS = (*fields.FIELDS, *fields.HEADER_FIELDS)


def xlsx_text() -> str:
    """Every cell value of the workbook, as one text."""
    workbook = load_workbook(io.BytesIO(standard_exports.xlsx_template()))
    return "\n".join(str(cell.value) for sheet in workbook.worksheets
                     for row in sheet.iter_rows() for cell in row if cell.value is not None)


def export_texts() -> dict[str, str]:
    """Each export (bar the CSV, which holds no code lists) as text."""
    return {
        "schema": json.dumps(standard_exports.json_schema()),
        "datapackage": json.dumps(standard_exports.datapackage()),
        "xlsx": xlsx_text(),
        "markdown": standard_exports.dictionary_markdown(),
        "html": html.unescape(standard_exports.dictionary_html()),
    }


def test_the_code_lists_are_the_ones_the_fields_use():
    used = {f.code_list.name for f in fields.FIELDS if f.code_list}
    assert {cl.name for cl in standard_exports.code_lists()} == used
    assert set(codes.ALL_CODE_LISTS) - set(standard_exports.code_lists()) == {codes.REGION}


@pytest.mark.parametrize("export", ["schema", "datapackage", "xlsx", "markdown", "html"])
def test_every_field_and_every_code_appears_in_every_export(export):
    text = export_texts()[export]
    table_only = export == "datapackage"  # the CSV layout has no header fields
    for field in fields.FIELDS if table_only else ALL_FIELDS:
        assert field.name in text, field.name
    for code_list in standard_exports.code_lists():
        for code, label in code_list.items:
            assert f'"{code}"' in text if export == "schema" else code in text
            if export in ("xlsx", "markdown", "html"):  # the dictionaries carry the labels
                assert label in text, (code_list.name, label)


def test_every_column_is_in_the_csv_template_header():
    assert tuple(standard_exports.csv_template().splitlines()[0].split(",")) == fields.COLUMNS


def test_every_field_is_in_every_dictionary_with_its_level_type_rule_and_description():
    entries = {e.name: e for s in standard_exports.dictionary_sections() for e in s.entries}
    assert list(entries) == [f.name for f in (*fields.HEADER_FIELDS, *fields.FIELDS)]
    markdown = standard_exports.dictionary_markdown()
    page = html.unescape(standard_exports.dictionary_html())
    for field in ALL_FIELDS:
        entry = entries[field.name]
        assert (entry.level, entry.rule, entry.description) == (
            field.level, field.rule, field.description)
        row = f"| `{field.name}` | {entry.type_text}"
        assert row in markdown.replace("\\|", "|"), row
        assert f"<td><code>{field.name}</code></td><td>{entry.type_text}" in page
        if field.rule == fields.CONDITIONAL:
            assert f"C: when {field.condition}" in markdown and f"C: when {field.condition}" in page


def test_a_new_code_reaches_every_export(patch_code_list):
    patch_code_list(codes.SETTING, ("prison_custody", "Prison or police custody"))
    texts = export_texts()
    schema = standard_exports.json_schema()
    assert "prison_custody" in schema["$defs"]["incident"]["properties"]["setting"]["enum"]
    package = standard_exports.datapackage()["resources"][0]["schema"]["fields"]
    assert "prison_custody" in next(f for f in package if f["name"] == "setting")[
        "constraints"]["enum"]
    for name, text in texts.items():
        assert "prison_custody" in text, name
    for name in ("xlsx", "markdown", "html"):
        assert "Prison or police custody" in texts[name], name
    workbook = load_workbook(io.BytesIO(standard_exports.xlsx_template()))
    lists = {col[0].value: [c.value for c in col[1:]] for col in workbook["lists"].iter_cols()}
    assert "prison_custody" in lists["setting"]


def test_a_new_multi_code_changes_the_csv_pattern_and_the_schema_items(patch_code_list):
    patch_code_list(codes.METHOD, ("lasso", "Lasso"))
    package = standard_exports.datapackage()["resources"][0]["schema"]["fields"]
    assert "lasso" in next(f for f in package if f["name"] == "method")["constraints"]["pattern"]
    method = standard_exports.json_schema()["$defs"]["incident"]["properties"]["method"]
    assert "lasso" in method["items"]["enum"]


def test_a_new_staff_group_needs_a_headcount(patch_code_list):
    patch_code_list(codes.STAFF_GROUP, ("paramedic_student", "Student paramedic"))
    headcount = standard_exports.json_schema()["$defs"]["header"]["properties"]["staff_headcount"]
    assert "paramedic_student" in headcount["required"]
    workbook = load_workbook(io.BytesIO(standard_exports.xlsx_template()))
    assert "paramedic_student" in [c.value for c in workbook["headcount"]["A"]]


def test_a_new_field_and_a_new_condition_reach_the_exports(monkeypatch):
    new = fields.Field("spit_hood_used", fields.INC, "boolean", fields.CONDITIONAL,
                       "A spit hood was used.", condition="category = physical_assault")
    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, new))
    assert standard_exports.columns()[-1] == "spit_hood_used"
    assert standard_exports.csv_template().splitlines()[0].endswith(",spit_hood_used")
    incident = standard_exports.json_schema()["$defs"]["incident"]
    assert "spit_hood_used" in incident["properties"]
    assert any(rule.get("then", {}).get("required") == ["spit_hood_used"]
               for rule in incident["allOf"])
    assert "`spit_hood_used`" in standard_exports.dictionary_markdown()


def test_a_condition_that_names_no_field_is_an_error(monkeypatch):
    broken = replace(fields.FIELDS_BY_NAME["method"], condition="catgory = physical_assault")
    monkeypatch.setattr(fields, "FIELDS", tuple(
        broken if f.name == "method" else f for f in fields.FIELDS))
    with pytest.raises(ValueError, match="cannot read the condition"):
        standard_exports.json_schema()


def test_a_new_version_renames_the_files(monkeypatch):
    monkeypatch.setattr(codes, "STANDARD_VERSION", "1.1")
    assert "staffsafe-standard-1.1.schema.json" in standard_exports.exports()
    assert standard_exports.json_schema()["$defs"]["header"]["properties"][
        "standard_version"]["const"] == "1.1"
    assert standard_exports.datapackage()["resources"][0]["path"] == (
        "staffsafe-standard-1.1-template.csv")
