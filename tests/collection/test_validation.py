"""The validation rules, one by one, on a small valid return spoiled in one place."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import polars as pl
import pytest

from staffsafe.collection.validation import (
    MAX_LISTED,
    problems_csv,
    start_return,
    validate_file,
    validate_return,
)
from staffsafe.datastandard.fields import COLUMNS
from tests.collection.returns import (
    CSV_ARGS,
    HEADCOUNT,
    HEADER,
    NOW,
    assault,
    csv_bytes,
    incident,
    json_bytes,
    staff,
    table_rows,
    variety,
)


def run(incidents=(), rows=None, **kwargs):
    args = {**CSV_ARGS, **kwargs}
    return validate_file(csv_bytes(list(incidents), rows=rows), now=NOW, **args)


def spoil(record, **changes):
    """The table rows of one incident, with the first row's cells changed (as CSV text)."""
    rows = table_rows([record])
    rows[0].update(changes)
    return run(rows=rows)


def where(result):
    return {(p.row, p.column, p.rule) for p in result.problems}


def messages(result):
    return [p.message for p in result.problems]


def table(rows):
    return pl.DataFrame(rows, schema={c: pl.String for c in COLUMNS})


# -- a valid return ---------------------------------------------------------------------------


def test_a_varied_valid_return_is_valid_in_every_format():
    for result in (run(variety(16)), validate_file(json_bytes(variety(16)), now=NOW)):
        assert result.valid, messages(result)
        assert result.problems == []
        assert result.row_count == 20 and result.incident_count == 16
        assert result.error_count == 0 and result.warning_count == 0


def test_rows_come_back_typed_in_the_standards_columns():
    result = run([assault(1, occurred_at="2026-03-14T10:15:00+01:00")])
    rows = result.rows
    assert rows.columns == ["_row", *COLUMNS]
    assert rows.schema["occurred_at"] == pl.Datetime("us", "UTC")
    assert rows.schema["riddor_reported_on"] == pl.Date
    assert rows.schema["method"] == pl.List(pl.String)
    assert rows.schema["days_absent"] == pl.Int64
    assert rows.schema["injury"] == pl.Boolean
    first = rows.row(0, named=True)
    assert first["occurred_at"] == datetime(2026, 3, 14, 9, 15, tzinfo=UTC)
    assert first["method"] == ["hit_punch", "kick"]
    assert first["category"] == "physical_assault"
    assert first["riddor_reported_on"] == date(2026, 3, 20)
    assert rows["_row"].to_list() == ["2", "3"]
    assert result.incidents.height == 1
    assert result.staff.height == 2


def test_validate_return_takes_a_table_without_row_numbers_and_a_header():
    rows = table_rows([incident(1), incident(2)])
    rows[1]["sector"] = "hospital"
    result = validate_return(table(rows), HEADER, now=NOW)
    assert where(result) == {("3", "sector", "code_list")}


def test_the_rows_are_typed_before_the_rules_and_checked_once():
    """The loader takes the typed rows before the rules are checked; asking for the verdict
    again gives the same report, not every problem twice."""
    rows = table_rows([incident(1), incident(2)])
    rows[1]["sector"] = "hospital"
    checking = start_return(table(rows), HEADER, now=NOW)
    assert checking.rows is not None and checking.rows.height == 2
    assert checking.rows["sector"].to_list()[1] is None  # not a code: typed as missing
    first = checking.finish()
    again = checking.finish()
    assert where(again) == where(first) == {("3", "sector", "code_list")}
    assert again.error_count == first.error_count == 1


def test_now_without_a_time_zone_is_taken_as_utc():
    result = validate_return(table(table_rows([incident()])), HEADER,
                             now=datetime(2026, 4, 10, 12, 0))
    assert result.valid


# -- required fields, types and code lists ---------------------------------------------------


@pytest.mark.parametrize("column", ["incident_id", "sector", "setting", "occurred_at",
                                    "reported_at", "reporter_role", "category", "hate_motivated",
                                    "perpetrator_type", "medical_factors", "police_informed",
                                    "staff_group", "lone_working", "injury"])
def test_a_mandatory_field_left_blank_is_reported_at_its_row_and_column(column):
    result = spoil(incident(), **{column: ""})
    assert ("2", column, "required") in where(result)
    assert f"Row 2, column {column}: {column} is required." in messages(result)


def test_a_code_outside_the_list_names_the_value_and_the_codes():
    result = spoil(incident(), category="punch")
    assert where(result) == {("2", "category", "code_list")}
    assert messages(result) == [
        "Row 2, column category: 'punch' is not one of the codes for category "
        "(physical_assault, physical_threat_no_contact, verbal_abuse_threat, harassment_stalking, "
        "sexual_unwanted_behaviour, sexual_assault, remote_abuse, damage_theft_with_aggression)."]
    assert result.problems[0].value == "punch"
    assert not result.valid


def test_a_code_in_the_wrong_case_is_refused_with_a_suggestion():
    result = spoil(incident(), sector="Acute")
    assert where(result) == {("2", "sector", "code_list")}
    assert "did you mean 'acute'?" in messages(result)[0]


@pytest.mark.parametrize(("value", "rule", "bad"), [
    ("hit_punch|punch", "code_list", "'punch' is not one of the codes for method"),
    ("hit_punch||kick", "code_list", "empty code"),
    ("kick|kick", "duplicate_code", "lists the same code twice"),
])
def test_multi_codes_are_each_checked(value, rule, bad):
    result = spoil(assault(), method=value)
    assert ("2", "method", rule) in where(result)
    assert any(bad in m for m in messages(result))


def test_multi_codes_may_have_spaces_around_the_separator():
    assert spoil(assault(), method="hit_punch | kick").valid


@pytest.mark.parametrize("value", ["true", "false", "TRUE", "False"])
def test_booleans_are_true_or_false_in_any_case(value):
    assert spoil(incident(), medical_factors=value).valid


@pytest.mark.parametrize("value", ["yes", "Y", "1", "maybe"])
def test_other_boolean_spellings_need_a_profile(value):
    result = spoil(incident(), lone_working=value)
    assert where(result) == {("2", "lone_working", "boolean")}
    assert "is not true or false" in messages(result)[0]


@pytest.mark.parametrize(("column", "value", "rule"), [
    ("perpetrator_count", "0", "minimum"), ("perpetrator_count", "-1", "integer"),
    ("perpetrator_count", "2.5", "integer"), ("days_absent", "-3", "integer"),
    ("days_absent", "three", "integer"), ("days_absent", "1" * 30, "integer"),
])
def test_integers_are_whole_numbers_above_their_minimum(column, value, rule):
    result = spoil(incident(), **{column: value})
    assert where(result) == {("2", column, rule)}


def test_zero_days_absent_and_no_perpetrator_count_are_fine():
    assert spoil(incident(), days_absent="0", perpetrator_count="").valid


@pytest.mark.parametrize(("value", "says"), [
    ("2026-03-05 10:00", "has no time zone offset"),
    ("2026-03-05T10:00:00", "has no time zone offset"),
    ("2026-03-05", "has no time zone offset"),
    ("2026-02-30T10:00:00Z", "is not a real date and time"),
    ("2026-03-05T10:00:00+25:00", "is not a real date and time"),
    ("05/03/2026 10:00", "is not a date and time with offset"),
    ("=NOW()", "is not a date and time with offset"),
])
def test_datetimes_need_an_offset(value, says):
    result = spoil(incident(), occurred_at=value)
    assert ("2", "occurred_at", "datetime") in where(result)
    assert says in messages(result)[0]


@pytest.mark.parametrize("value", ["2026-03-05T10:00:00Z", "2026-03-05T10:00:00+00:00",
                                   "2026-03-05T10:00:00.250+01:00", "2026-03-05T05:00:00-05:00"])
def test_datetimes_with_an_offset_are_read_as_utc(value):
    result = spoil(incident(), occurred_at=value, reported_at="2026-03-05T12:00:00Z")
    assert result.valid, messages(result)
    assert result.rows["occurred_at"][0].tzinfo is not None


def test_dates_are_iso():
    result = spoil(assault(), riddor_reported_on="20/03/2026")
    assert where(result) == {("2", "riddor_reported_on", "date")}


def test_a_formula_is_data_never_run_and_is_not_a_code():
    result = spoil(incident(), sector='=HYPERLINK("http://x","y")', setting="@SUM(A1)",
                   category="+1", reporter_role="-1")
    assert where(result) == {("2", c, "code_list") for c in ("sector", "setting", "category",
                                                              "reporter_role")}
    assert result.problems[0].value == '=HYPERLINK("http://x","y")'


def test_an_incident_id_that_looks_like_a_formula_or_is_too_long_is_refused():
    assert where(spoil(incident(), incident_id="=1+1")) == {("2", "incident_id", "formula_like")}
    assert where(spoil(incident(), incident_id="X" * 101)) == {("2", "incident_id", "too_long")}


def test_a_site_ods_code_is_letters_and_digits():
    assert where(spoil(incident(), site_ods="rx9 ab")) == {("2", "site_ods", "ods_code")}
    assert spoil(incident(), site_ods="").valid


def test_values_are_trimmed_before_they_are_checked():
    assert spoil(incident(), sector="  acute ", category="\tverbal_abuse_threat").valid


# -- conditional rules -----------------------------------------------------------------------


@pytest.mark.parametrize(("record", "blank", "rule"), [
    (assault(), "method", "required_for_physical_assault"),
    (incident(hate_motivated="yes", hate_characteristics=["race"]), "hate_characteristics",
     "required_when_hate_motivated"),
    (incident(police_informed=True, police_outcome="pending"), "police_outcome",
     "required_when_informed"),
    (assault(), "injury_severity", "required_with_injury"),
    (assault(), "riddor_reportable", "required_for_injury_assault"),
])
def test_conditional_fields_are_required_when_their_condition_holds(record, blank, rule):
    rows = table_rows([record])
    for row in rows:  # incident fields repeat on every row of the incident
        if blank not in ("injury_severity",):
            row[blank] = ""
    rows[0][blank] = ""
    result = run(rows=rows)
    assert ("2", blank, rule) in where(result)


def test_riddor_is_not_needed_for_an_assault_without_injury():
    record = incident(category="physical_assault", method=["push_pull"])
    assert run([record]).valid


# -- cross-field rules -----------------------------------------------------------------------


@pytest.mark.parametrize(("record", "column", "rule"), [
    (incident(method=["kick"]), "method", "method_only_with_physical_assault"),
    (incident(staff=[staff(injury=False, injury_severity="none")]), "injury_severity",
     "severity_only_with_injury"),
    (incident(hate_motivated="no", hate_characteristics=["race"]), "hate_characteristics",
     "hate_characteristics_only_with_hate"),
    (incident(police_informed=False, police_outcome="charged"), "police_outcome",
     "police_outcome_only_when_informed"),
    (incident(riddor_reportable=True), "riddor_reportable", "riddor_needs_physical_assault"),
    (assault(staff=[staff(injury=True, injury_severity="moderate", days_absent=7)]),
     "riddor_reportable", "riddor_needs_injury"),
    (assault(staff=[staff(injury=False, days_absent=30)]), "riddor_reportable",
     "riddor_needs_injury"),
])
def test_cross_field_rules(record, column, rule):
    result = run([record])
    assert where(result) == {("2", column, rule)}


def test_riddor_qualifies_by_a_specified_injury_or_more_than_seven_days():
    for member in (staff(injury=True, injury_severity="death"),
                   staff(injury=True, injury_severity="low", days_absent=8)):
        assert run([assault(staff=[member])]).valid


def test_riddor_may_qualify_by_another_member_of_staff():
    record = assault(staff=[staff(injury=True, injury_severity="low"),
                            staff(injury=True, injury_severity="severe")])
    assert run([record]).valid


def test_an_unknown_category_does_not_cascade_into_method_errors():
    rows = table_rows([assault()])
    for row in rows:
        row["category"] = "assault"
    assert {rule for _, _, rule in where(run(rows=rows))} == {"code_list"}


# -- dates and the period --------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "column", "rule"), [
    ({"occurred_at": "2026-05-01T10:00:00Z", "reported_at": "2026-05-01T11:00:00Z"},
     "occurred_at", "not_future"),
    ({"reported_at": "2026-03-02T10:00:00Z"}, "reported_at", "reported_after_occurred"),
    ({"reported_at": "2026-04-03T10:00:00Z"}, "reported_at", "reported_before_generated"),
    ({"occurred_at": "2026-02-20T10:00:00Z"}, "occurred_at", "occurred_in_period"),
    ({"occurred_at": "2026-02-20T10:00:00Z", "late": "true",
      "reported_at": "2026-04-01T10:00:00+00:00"}, "reported_at", "late_reported_in_period"),
    ({"late": "true"}, "late", "late_occurred_before_period"),
])
def test_date_rules(changes, column, rule):
    record = incident(3, occurred_at="2026-03-04T10:00:00Z", reported_at="2026-03-04T12:00:00Z")
    result = spoil(record, **changes)
    assert (("2", column, rule)) in where(result), messages(result)


def test_a_late_incident_goes_in_the_month_it_was_reported():
    record = incident(occurred_at="2026-02-27T22:00:00Z", reported_at="2026-03-01T09:00:00Z",
                      late=True)
    assert run([record]).valid


def test_the_period_is_a_month_of_uk_time():
    # 23:30 GMT on 28 February is in February; 23:30 UTC on 31 March is 00:30 BST on 1 April.
    inside = incident(occurred_at="2026-02-28T23:30:00-01:00",
                      reported_at="2026-03-01T09:00:00Z")
    outside = incident(2, occurred_at="2026-03-31T23:30:00Z", reported_at="2026-04-01T09:00:00Z")
    assert run([inside]).valid
    assert where(run([outside])) == {("2", "occurred_at", "occurred_in_period")}


def test_riddor_reported_on_is_not_before_the_incident_nor_in_the_future():
    assert ("2", "riddor_reported_on", "riddor_reported_on_after_occurred") in where(
        spoil(assault(), riddor_reported_on="2026-03-01"))
    assert ("2", "riddor_reported_on", "not_future") in where(
        spoil(assault(), riddor_reported_on="2026-06-01"))


# -- one incident, several rows ---------------------------------------------------------------


def test_two_staff_of_one_incident_are_one_incident_not_a_duplicate():
    result = run([assault()])
    assert result.valid and result.incident_count == 1 and result.row_count == 2


def test_rows_of_an_incident_need_not_be_next_to_each_other():
    rows = table_rows([assault(1), incident(2)])
    result = run(rows=[rows[0], rows[2], rows[1]])
    assert result.valid and result.incident_count == 2


def test_the_same_incident_id_with_different_details_is_an_error_at_the_odd_row():
    record = assault(staff=[staff(injury=True, injury_severity="severe"), staff(), staff()])
    rows = table_rows([record])
    rows[1]["setting"] = "inpatient_ward"
    result = run(rows=rows)
    assert where(result) == {("3", "setting", "duplicate_incident_id")}
    message = messages(result)[0]
    assert message.startswith("Row 3, column setting: duplicate incident_id with different "
                              "details: incident_id 'INC-00001' is also on row 2, where setting "
                              "is 'emergency_department'; here it is 'inpatient_ward'.")


def test_two_different_incidents_under_one_id_are_one_problem_per_row():
    first, second = table_rows([incident(1)]), table_rows([assault(2)])
    for row in second:
        row["incident_id"] = "INC-00001"
    result = run(rows=first + second[:1])
    assert where(result) == {("3", "incident_id", "duplicate_incident_id")}
    assert "with different occurred_at, reported_at, category" in messages(result)[0]


def test_the_same_instant_written_with_another_offset_is_the_same_detail():
    rows = table_rows([assault()])
    rows[1]["occurred_at"] = "2026-03-02T11:15:00+01:00"
    assert rows[0]["occurred_at"] == "2026-03-02T10:15:00+00:00"
    assert run(rows=rows).valid


def test_an_invalid_value_is_reported_once_not_again_as_a_disagreement():
    rows = table_rows([assault()])
    rows[1]["setting"] = "ward"
    assert where(run(rows=rows)) == {("3", "setting", "code_list")}


def test_in_json_the_same_incident_id_in_two_incidents_is_a_duplicate():
    data = json_bytes([incident(1), incident(1)])
    result = validate_file(data, now=NOW)
    assert where(result) == {("incidents[1].staff[0]", "incident_id", "duplicate_incident_id")}


# -- the header -------------------------------------------------------------------------------


def header_problems(**changes):
    header = {**HEADER, **changes}
    header = {k: v for k, v in header.items() if v is not None}
    result = validate_return(table(table_rows([incident()])), header, now=NOW,
                             expected_ods="RX9")
    return {(p.column, p.rule) for p in result.problems}, result


@pytest.mark.parametrize(("changes", "expected"), [
    ({"standard_version": "2.0"}, ("standard_version", "standard_version")),
    ({"standard_version": None}, ("standard_version", "required")),
    ({"organisation_ods": "rx9"}, ("organisation_ods", "ods_code")),
    ({"organisation_ods": "RX-9"}, ("organisation_ods", "ods_code")),
    ({"organisation_ods": "RX123X"}, ("organisation_ods", "ods_code")),
    ({"organisation_ods": "RRP"}, ("organisation_ods", "ods_mismatch")),
    ({"period_start": "2026-03-02"}, ("period_start", "period")),
    ({"period_end": "2026-04-30"}, ("period_end", "period")),
    ({"period_end": "31/03/2026"}, ("period_end", "period")),
    ({"period_start": None, "period_end": None}, ("period_start", "required")),
    ({"generated_at": "2026-04-02 09:30"}, ("generated_at", "datetime")),
    ({"generated_at": "2026-05-02T09:30:00Z"}, ("generated_at", "not_future")),
    ({"staff_headcount": None}, ("staff_headcount", "required")),
    ({"staff_headcount": {**HEADCOUNT, "medical_dental": -1}},
     ("staff_headcount.medical_dental", "headcount")),
    ({"staff_headcount": {**HEADCOUNT, "medical_dental": "12.5"}},
     ("staff_headcount.medical_dental", "headcount")),
    ({"staff_headcount": {**HEADCOUNT, "doctors": 3}},
     ("staff_headcount.doctors", "headcount_unknown_group")),
    ({"staff_headcount": {"medical_dental": 3}}, ("staff_headcount", "headcount_missing_group")),
])
def test_header_rules(changes, expected):
    found, result = header_problems(**changes)
    assert expected in found
    assert not result.valid


def test_a_header_may_give_the_period_as_a_month():
    found, result = header_problems(period_start=None, period_end=None, period="2026-03")
    assert found == set() and result.valid
    assert result.header["period_end"] == date(2026, 3, 31)


def test_a_return_made_before_its_month_ended_is_a_warning():
    found, result = header_problems(generated_at="2026-03-31T12:00:00+01:00")
    assert found == {("generated_at", "generated_before_period_end")}
    assert result.valid and result.warning_count == 1


def test_header_problems_are_located_in_the_header():
    _, result = header_problems(organisation_ods="rx9")
    assert result.problems[0].row == "header"
    assert result.problems[0].message.startswith("Header, field organisation_ods: 'rx9' is not")
    assert "ODS codes are written in capitals: 'RX9'." in result.problems[0].message


# -- counting, capping and the report ---------------------------------------------------------


def test_every_failure_is_counted_but_only_the_first_thousand_listed():
    incidents = [incident(n, sector="hospital") for n in range(1, MAX_LISTED + 501)]
    result = run(incidents)
    assert result.counts[("error", "code_list", "sector")] == MAX_LISTED + 500
    assert result.error_count == MAX_LISTED + 500
    listed = [p for p in result.problems if p.rule == "code_list"]
    assert len(listed) == MAX_LISTED + 1
    assert listed[-1].row == ""
    assert listed[-1].message == ("Column sector: A further 500 rows break the same rule "
                                  "(code_list); only the first 1,000 are listed.")
    assert result.by_rule()[0] == ("error", "code_list", "sector", MAX_LISTED + 500)


def test_problems_are_listed_in_row_order():
    rows = table_rows([incident(n) for n in range(1, 5)])
    rows[2]["sector"] = "x"
    rows[0]["setting"] = "y"
    rows[0]["category"] = "z"
    result = run(rows=rows)
    assert [(p.row, p.column) for p in result.problems] == [
        ("2", "setting"), ("2", "category"), ("4", "sector")]


def test_the_report_csv_defuses_formulas():
    result = spoil(incident(), sector="=cmd|' /C calc'!A0", setting="+1", category="@x",
                   reporter_role="-2")
    text = problems_csv(result.problems)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["row", "column", "value", "rule", "severity", "message"]
    values = [r[2] for r in rows[1:]]
    assert sorted(values) == sorted(["'=cmd|' /C calc'!A0", "'+1", "'@x", "'-2"])
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
               for row in rows for cell in row)


def test_summary_reads_plainly():
    assert run(variety(4)).summary() == ("5 rows (staff affected) in 4 incidents: valid, "
                                         "0 errors, 0 warnings.")


def test_the_engine_does_not_import_django():
    import subprocess
    import sys

    code = ("import sys; import staffsafe.collection.validation, staffsafe.collection.reading, "
            "staffsafe.collection.profiles; print(any(m == 'django' or m.startswith('django.') "
            "for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                          check=True, timeout=60)
    assert done.stdout.strip() == "False"
