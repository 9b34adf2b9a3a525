"""Reading returns: encodings, delimiters, columns, hostile files, XLSX and JSON layouts."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import Workbook

from staffsafe.collection.reading import read_headcount, read_return
from staffsafe.collection.validation import validate_file
from staffsafe.datastandard.fields import COLUMNS
from tests.collection.returns import (
    CSV_ARGS,
    HEADCOUNT,
    HEADER,
    NOW,
    assault,
    csv_bytes,
    csv_text,
    incident,
    json_bytes,
    table_rows,
    variety,
    xlsx_bytes,
)


def check(data, **kwargs):
    return validate_file(data, now=NOW, **{**CSV_ARGS, **kwargs})


def rules(result):
    return {p.rule for p in result.problems}


def cannot_read(result, rule, words):
    assert not result.readable and not result.valid
    assert [p.rule for p in result.problems] == [rule]
    assert words in result.problems[0].message
    assert result.rows.height == 0


# -- files that cannot be read ----------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\n\t "])
def test_an_empty_file_is_reported_not_read(data):
    cannot_read(check(data), "empty_file", "The file is empty")


@pytest.mark.parametrize(("data", "words"), [
    (b"incident_id,sector\x00\x00\x01\x02binary", "contains NUL bytes"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old-style Office file"),
    (bytes(range(1, 32)) * 20, "control characters"),
])
def test_binary_junk_is_reported_not_read(data, words):
    cannot_read(check(data), "binary_file", words)


def test_a_zip_that_is_not_a_workbook_is_reported():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    cannot_read(check(out.getvalue()), "binary_file", "not an Excel workbook")
    cannot_read(check(b"PK\x03\x04garbage"), "unreadable", "damaged ZIP")


def test_a_workbook_sent_as_csv_is_refused_when_csv_is_insisted_on():
    cannot_read(check(xlsx_bytes(variety(2)), format="csv"), "binary_file", "ZIP archive")


def test_a_workbook_named_csv_is_read_as_a_workbook():
    result = check(xlsx_bytes(variety(2)), filename="return.csv")
    assert result.valid and result.read.format == "xlsx"


def test_text_without_a_header_of_the_standard_is_not_read():
    result = check(b"name,age\nAlice,30\n")
    cannot_read(result, "no_header", "none of the names in the first row ('name', 'age')")


def test_a_missing_file_is_reported(tmp_path):
    cannot_read(check(str(tmp_path / "nope.csv")), "unreadable", "Cannot open")


# -- encodings --------------------------------------------------------------------------------


def test_utf8_with_a_bom_is_read():
    result = check(b"\xef\xbb\xbf" + csv_bytes(variety(3)))
    assert result.valid and result.read.encoding == "UTF-8 with BOM"
    assert result.read.columns[0] == "incident_id"


def test_windows_1252_is_read_with_a_warning():
    rows = table_rows([incident(1)])
    rows[0]["incident_id"] = "INC-£1 café"
    result = check(csv_bytes([], rows=rows, encoding="cp1252"))
    assert result.valid
    assert result.read.encoding == "Windows-1252"
    assert rules(result) == {"encoding"}
    assert result.rows["incident_id"][0] == "INC-£1 café"


def test_a_file_mixing_encodings_is_read_with_located_warnings():
    rows = table_rows([incident(1), incident(2), incident(3)])
    text = csv_text([], rows=rows)
    data = (text.replace("INC-00001", "INC-é1").encode("utf-8")
            .replace(b"INC-00003", "INC-£3".encode("cp1252")))
    result = check(data)
    assert result.valid and result.read.encoding == "mixed UTF-8 and Windows-1252"
    assert [(p.row, p.rule) for p in result.problems] == [("4", "mixed_encoding")]
    assert result.problems[0].message.startswith("Line 4: some characters")
    assert result.rows["incident_id"].to_list() == ["INC-é1", "INC-00002", "INC-£3"]


def test_invalid_bytes_that_are_not_windows_1252_either_are_replaced():
    data = csv_bytes([incident(1)]).replace(b"INC-00001", b"INC-\x81\x8d1")
    result = check(data)
    assert result.readable and result.valid
    assert result.rows["incident_id"][0] == "INC-\ufffd\ufffd1"


def test_utf16_is_read():
    result = check(csv_text(variety(3)).encode("utf-16"))
    assert result.valid and result.read.encoding == "UTF-16"


# -- delimiters, names and columns ------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"),
                                                 ("\t", "tab"), ("|", "pipe")])
def test_the_delimiter_is_detected_from_the_header(delimiter, name):
    result = check(csv_bytes(variety(4), delimiter=delimiter))
    assert result.valid, [p.message for p in result.problems]
    assert result.read.delimiter == delimiter
    assert name in result.read.describe()


def test_header_names_are_trimmed_and_matched_in_any_case():
    text = csv_text(variety(2))
    header, rest = text.split("\r\n", 1)
    header = ",".join(f"  {name.upper()} " for name in header.split(","))
    result = check((header + "\r\n" + rest).encode())
    assert result.valid


def test_a_duplicated_column_is_an_error_and_the_first_is_read():
    columns = [*COLUMNS, "sector"]
    rows = table_rows([incident()])
    text = csv_text([], rows=rows, columns=columns).replace(",acute,", ",acute,", 1)
    result = check(text.encode())
    assert [(p.row, p.column, p.rule) for p in result.problems] == [
        ("1", "sector", "duplicate_column")]
    assert "column 42 ('sector') repeats column 3; only column 3 was read." in (
        result.problems[0].message)


def test_a_missing_mandatory_column_is_reported_once_not_on_every_row():
    columns = [c for c in COLUMNS if c != "sector"]
    result = check(csv_bytes(variety(8), columns=columns))
    assert [(p.column, p.rule) for p in result.problems] == [("sector", "missing_column")]
    assert result.problems[0].message == ("Column sector: the mandatory column sector is "
                                          "missing.")
    assert result.error_count == 1


def test_an_optional_column_may_be_left_out_but_conditions_still_apply():
    columns = [c for c in COLUMNS if c != "method"]
    result = check(csv_bytes([assault()], columns=columns))
    assert {(p.row, p.column, p.rule) for p in result.problems} == {
        ("2", "method", "required_for_physical_assault")}


def test_an_unknown_column_is_a_warning_and_is_not_read():
    result = check(csv_bytes(variety(2), columns=[*COLUMNS[:3], "", *COLUMNS[3:], "Notes"]))
    assert result.valid
    assert [(p.column, p.rule, p.severity) for p in result.problems] == [
        ("", "unknown_column", "warning"), ("Notes", "unknown_column", "warning")]
    assert "Notes" not in result.rows.columns


def test_the_header_alone_is_a_nil_return_with_a_warning():
    result = check(",".join(COLUMNS).encode() + b"\r\n")
    assert result.valid and result.row_count == 0
    assert rules(result) == {"no_rows"}


# -- rows -------------------------------------------------------------------------------------


def test_row_numbers_count_the_header_blank_lines_and_records():
    text = csv_text([incident(1), incident(2), incident(3)])
    lines = text.split("\r\n")
    lines.insert(2, "")
    lines.insert(3, ",,,")
    broken = "\r\n".join(lines).replace("INC-00003", "INC-00003").replace(
        "emergency_department", "bogus")
    result = check(broken.encode())
    assert [p.row for p in result.problems] == ["2", "5", "6"]
    assert result.rows["_row"].to_list() == ["2", "5", "6"]


def test_a_quoted_value_over_two_lines_is_one_record():
    rows = table_rows([incident(1), incident(2)])
    rows[0]["incident_id"] = "INC\n1"
    rows[1]["sector"] = "nope"
    result = check(csv_bytes([], rows=rows))
    assert [(p.row, p.column) for p in result.problems] == [("3", "sector")]


def test_a_row_with_too_many_values_is_located():
    text = csv_text([incident(1), incident(2)])
    lines = text.split("\r\n")
    lines[1] += ",extra,values"
    result = check("\r\n".join(lines).encode())
    assert [(p.row, p.rule) for p in result.problems] == [("2", "too_many_fields")]
    assert not result.valid


def test_a_row_with_far_too_many_values_falls_back_to_the_careful_reader():
    text = csv_text([incident(1), incident(2)])
    lines = text.split("\r\n")
    lines[2] += ",x" * 200
    result = check("\r\n".join(lines).encode())
    assert [(p.row, p.rule) for p in result.problems] == [("3", "too_many_fields")]


def test_a_short_row_leaves_its_last_fields_blank():
    text = csv_text([incident(1)])
    lines = text.split("\r\n")
    lines[1] = ",".join(lines[1].split(",")[:35])
    result = check("\r\n".join(lines).encode())
    assert ("2", "injury", "required") in {(p.row, p.column, p.rule) for p in result.problems}


def test_old_mac_line_endings_are_read():
    assert check(csv_bytes(variety(3)).replace(b"\r\n", b"\r")).valid


def test_formula_cells_in_a_csv_are_kept_as_text():
    rows = table_rows([incident()])
    rows[0]["incident_id"] = "INC=1"
    rows[0]["category"] = "=1+1"
    result = check(csv_bytes([], rows=rows))
    assert {(p.column, p.value) for p in result.problems} == {("category", "=1+1")}


# -- XLSX -------------------------------------------------------------------------------------


def test_an_xlsx_return_is_read_with_its_header_and_headcount_sheets():
    result = check(xlsx_bytes(variety(6)), organisation_ods=None, period=None,
                   generated_at=None, headcount=None)
    assert result.valid, [p.message for p in result.problems]
    assert result.read.format == "xlsx"
    assert result.header["staff_headcount"] == HEADCOUNT
    assert result.rows["_row"].to_list()[:3] == ["2", "3", "4"]


def test_an_xlsx_formula_is_text_never_evaluated():
    rows = table_rows([incident()])
    rows[0]["category"] = "=CONCATENATE(\"physical\",\"_assault\")"
    result = check(xlsx_bytes([], rows=rows))
    assert [(p.row, p.column, p.rule, p.value) for p in result.problems] == [
        ("2", "category", "code_list", "=CONCATENATE(\"physical\",\"_assault\")")]


def test_xlsx_native_cells_become_the_text_a_csv_would_hold():
    book = Workbook()
    sheet = book.active
    sheet.title = "incidents"
    sheet.append(list(COLUMNS))
    row = table_rows([incident()])[0]
    values = [row[c] or None for c in COLUMNS]
    values[COLUMNS.index("medical_factors")] = False
    values[COLUMNS.index("perpetrator_count")] = 2.0
    sheet.append(values)
    sheet.append([None] * len(COLUMNS))
    out = io.BytesIO()
    book.save(out)
    result = check(out.getvalue())
    assert result.valid, [p.message for p in result.problems]
    assert result.rows["perpetrator_count"][0] == 2
    assert result.rows["medical_factors"][0] is False
    assert rules(result) == set() or rules(result) == {"sheet"}


def test_an_xlsx_without_an_incidents_sheet_reads_its_only_sheet_with_a_warning():
    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(list(COLUMNS))
    for row in table_rows(variety(2)):
        book.active.append([row[c] or None for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    result = check(out.getvalue())
    assert result.valid and rules(result) == {"sheet"}


def test_an_xlsx_with_several_sheets_but_no_incidents_sheet_cannot_be_read():
    book = Workbook()
    book.active.title = "Data"
    book.create_sheet("Notes")
    out = io.BytesIO()
    book.save(out)
    cannot_read(check(out.getvalue()), "no_sheet", "no sheet called 'incidents'")


def test_xlsx_header_values_win_over_the_callers_and_unknown_fields_are_warned():
    header = {**HEADER, "organisation_ods": "RRP", "colour": "blue"}
    result = check(xlsx_bytes(variety(1), header=header), expected_ods="RX9")
    assert ("organisation_ods", "ods_mismatch") in {(p.column, p.rule) for p in result.problems}
    assert ("colour", "unknown_field") in {(p.column, p.rule) for p in result.problems}


# -- JSON -------------------------------------------------------------------------------------


def test_json_incidents_are_flattened_one_row_per_member_of_staff():
    read = read_return(json_bytes([assault(1), incident(2)]))
    assert read.table["_row"].to_list() == [
        "incidents[0].staff[0]", "incidents[0].staff[1]", "incidents[1].staff[0]"]
    assert read.table["incident_id"].to_list() == ["INC-00001", "INC-00001", "INC-00002"]
    assert read.table["method"][0] == "hit_punch|kick"
    assert read.header["staff_headcount"]["medical_dental"] == "100"


def test_json_problems_are_located_by_path():
    record = assault(2)
    record["staff"][1]["injury"] = "sometimes"
    result = validate_file(json_bytes([incident(1), record]), now=NOW)
    assert [(p.row, p.column, p.rule) for p in result.problems] == [
        ("incidents[1].staff[1]", "injury", "boolean")]
    assert result.problems[0].message.startswith("incidents[1].staff[1], field injury:")


@pytest.mark.parametrize(("document", "words"), [
    (b'{"incidents": [', "not valid JSON"),
    (b"[1, 2, 3]", 'an object with "header" and "incidents"'),
    (b'{"header": {}}', 'an object with "header" and "incidents"'),
    (b'{"incidents": 5}', 'an object with "header" and "incidents"'),
    ("{\"incidents\": []}".encode("utf-16"), "must be UTF-8"),
    (b"[" * 100000 + b"]" * 100000, "cannot be read"),
])
def test_broken_json_cannot_be_read(document, words):
    result = validate_file(document, now=NOW, format="json")
    assert not result.readable
    assert words in result.problems[0].message


def test_json_with_wrong_shapes_is_read_as_far_as_possible():
    document = {"header": {**HEADER, "colour": "blue"},
                "incidents": [7, {**incident(2), "staff": []},
                              {**incident(3), "method": "kick", "staff": [3, {}]},
                              {**incident(4), "notes": "free text"}]}
    result = validate_file(json.dumps(document).encode(), now=NOW)
    found = {(p.row, p.column, p.rule) for p in result.problems}
    assert ("header", "colour", "unknown_field") in found
    assert ("incidents[0]", "", "type") in found
    assert ("incidents[1]", "staff", "required") in found
    assert ("incidents[2]", "method", "type") in found
    assert ("incidents[2].staff[0]", "", "type") in found
    assert ("incidents[2].staff[1]", "staff_group", "required") in found
    assert ("incidents[3]", "notes", "unknown_field") in found
    assert not result.valid


def test_json_numbers_and_booleans_become_text():
    record = incident(1, perpetrator_count=2.0, medical_factors=True)
    result = validate_file(json_bytes([record]), now=NOW)
    assert result.valid
    assert result.rows["perpetrator_count"][0] == 2


# -- headcount files --------------------------------------------------------------------------


def test_a_headcount_csv_is_read():
    text = "staff_group;headcount\n" + "".join(f"{g};{n}\n" for g, n in HEADCOUNT.items())
    counts, problems = read_headcount(text.encode())
    assert counts == {g: str(n) for g, n in HEADCOUNT.items()} and problems == []


def test_a_headcount_csv_with_a_repeated_group_is_reported():
    text = "staff_group,headcount\nmedical_dental,4\nmedical_dental,5\n"
    counts, problems = read_headcount(text.encode())
    assert counts == {"medical_dental": "4"}
    assert problems[0].message.startswith("Header, field staff_headcount: headcount file row 3")


def test_an_unreadable_headcount_file_is_a_header_problem():
    result = check(csv_bytes(variety(1)), headcount=b"\x89PNG\r\n\x1a\n")
    found = {(p.column, p.rule) for p in result.problems}
    assert ("staff_headcount", "headcount") in found
    assert ("staff_headcount", "required") in found
