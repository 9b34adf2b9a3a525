"""Mapping profiles: loading them, what they translate, and a Datix-style export end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl
import pytest

from staffsafe.collection.profiles import Profile, ProfileError, builtin_profiles, load_profile
from staffsafe.collection.validation import validate_file
from staffsafe.datastandard import codes
from staffsafe.datastandard.fields import FIELDS_BY_NAME
from tests.collection.returns import CSV_ARGS, NOW

DATIX_HEADER = (
    "Incident Ref,Incident Date,Incident Time,Reported Date,Reported Time,Care Sector,"
    "Location (exact),Type,Sub-type,Hate crime?,Hate crime category,No. of perpetrators,"
    "Perpetrator,Perpetrator age,Detained under MHA?,Clinical factors?,Contributory factors,"
    "Police informed?,Police outcome,RIDDOR?,Date reported to HSE,Staff group,Employment type,"
    "Lone working?,Injury?,Severity of injury,Days absent,Description,Staff name"
)
DATIX_ROWS = [
    # Two members of staff in one assault: the incident's fields repeat on both rows.
    'DW-1001,14/03/2026,09:30,14/03/2026,11:05,Acute,A&E,Physical assault - staff,'
    'Punched; Kicked,N,,1,Patient,25-44,N/A,N,Alcohol; Waiting times,Y,Charged,N,,'
    'Registered Nurse,Permanent,N,Y,Minor,2,"Patient punched, kicked nurse",A Nurse',
    'DW-1001,14/03/2026,09:30,14/03/2026,11:05,Acute,A&E,Physical assault - staff,'
    'Punched; Kicked,N,,1,Patient,25-44,N/A,N,Alcohol; Waiting times,Y,Charged,N,,'
    'HCA,Bank,N,N,,,"Patient punched, kicked nurse",B Assistant',
    # After the clocks went forward: 14:00 BST is 13:00 UTC.
    "DW-1002,29/03/2026,14:00,30/03/2026,09:00,Acute,Reception,Verbal abuse,,Y,"
    "Racial; Religious,Unknown,Relative,Unknown,,N,Waiting times,N,,,,Admin and Clerical,"
    "Substantive,Y,N,,,Shouted abuse,C Clerk",
    # Happened in February, reported in March: late is derived.
    "DW-1003,27/02/2026,22:15,02/03/2026,08:00,Mental health,Seclusion room,"
    "Threatening behaviour,,Not known,,2,Service user,18-24,Y,Y,Mental health crisis,N,,,,"
    "Nurse,Agency,N,N,,,Threatened staff,D Nurse",
    "DW-1004,20/03/2026,03:10,20/03/2026,,Acute,Ward,Physical assault,Bitten,n,,1,patient,"
    "65+,N,yes,Dementia,no,,Y,23/03/2026,Healthcare Assistant,Substantive,N,Y,Major,10,"
    "Bitten on arm,E HCA",
]


def datix_csv(rows=DATIX_ROWS, header=DATIX_HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def check(data, **kwargs):
    return validate_file(data, profile="datix", now=NOW, **{**CSV_ARGS, **kwargs})


def where(result):
    return {(p.row, p.column, p.rule) for p in result.problems}


# -- loading ----------------------------------------------------------------------------------


def test_the_datix_profile_is_built_in():
    assert "datix" in builtin_profiles()
    profile = load_profile("datix")
    assert profile.name == "datix"
    assert profile.target("  incident   REF ") == "incident_id"
    assert profile.target("Incident Time") == "occurred_at.time"
    assert profile.target("sector") == "sector"  # standard names always work
    assert profile.target("Description") is None and profile.ignores("description")


def test_every_code_in_the_datix_profile_is_a_code_of_the_standard():
    profile = load_profile("datix")
    for column, mapping in profile.codes.items():
        spec = FIELDS_BY_NAME[column]
        for code in mapping.values():
            for part in filter(None, code.split("|")):
                assert spec.code_list is None or part in spec.code_list, (column, code)


def test_a_trusts_own_profile_is_loaded_by_path_and_may_extend_a_built_in_one(tmp_path):
    path = tmp_path / "ours.json"
    path.write_text(json.dumps({
        "profile": "rx9", "extends": "datix",
        "columns": {"Inc No": "incident_id"},
        "codes": {"setting": {"Ward 7": "inpatient_ward"}},
        "defaults": {"sector": "acute"},
    }))
    profile = load_profile(str(path))
    assert profile.name == "rx9"
    assert profile.target("Inc No") == "incident_id"
    assert profile.target("Incident Ref") == "incident_id"
    assert profile.codes["setting"]["ward 7"] == "inpatient_ward"
    assert profile.codes["setting"]["a&e"] == "emergency_department"
    assert profile.defaults == {"reporter_role": "other", "sector": "acute"}


@pytest.mark.parametrize(("content", "words"), [
    ({"columns": {"Ref": "reference"}}, "not a field of the standard"),
    ({"codes": {"category": {"Punch": "punching"}}}, "not a valid value for category"),
    ({"codes": {"colour": {}}}, "not a field of the standard"),
    ({"datetimes": {"formats": ["dd/mm/yyyy"]}}, "not a date format"),
    ({"datetimes": {"timezone": "Mars/Olympus"}}, "not a known time zone"),
    ({"separators": {"category": ";"}}, "only multi-code fields"),
    ({"defaults": {"sector": "hospital"}}, "not a valid value"),
    ({"standard_version": "2.0"}, "not supported"),
    ({"colums": {}}, "unknown key(s) colums"),
    ({"extends": "nope"}, "No profile 'nope'"),
    ([1, 2], "must be a JSON object"),
])
def test_a_broken_profile_is_refused_with_a_reason(tmp_path, content, words):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(content))
    with pytest.raises(ProfileError, match=None) as caught:
        load_profile(str(path))
    assert words in str(caught.value)


def test_an_unknown_profile_or_bad_json_is_refused(tmp_path):
    with pytest.raises(ProfileError, match="No profile 'nope'"):
        load_profile("nope")
    path = tmp_path / "bad.json"
    path.write_text("{nope")
    with pytest.raises(ProfileError, match="not valid JSON"):
        load_profile(str(path))


def test_apply_translates_values_and_leaves_what_it_cannot():
    profile = Profile.from_dict({
        "profile": "t", "codes": {"category": {"Assault": "physical_assault"}},
        "list_separator": ",", "booleans": {"true": ["Y"], "false": ["N"]},
        "datetimes": {"formats": ["%d/%m/%Y %H:%M"]},
    })
    table = pl.DataFrame({
        "category": [" ASSAULT ", "Physical_Assault", "Punch"],
        "method": ["Kick, hit_punch", "", "bite,,spit"],
        "injury": ["y", "n", "maybe"],
        "occurred_at": ["14/03/2026 09:30", "2026-03-14T09:30:00Z", "31/02/2026 10:00"],
    })
    out = profile.apply(table)
    assert out["category"].to_list() == ["physical_assault", "physical_assault", "Punch"]
    assert out["method"].to_list() == ["kick|hit_punch", None, "bite|spit"]
    assert out["injury"].to_list() == ["true", "false", "maybe"]
    assert out["occurred_at"].to_list() == ["2026-03-14T09:30:00+00:00",
                                            "2026-03-14T09:30:00Z", "31/02/2026 10:00"]


def test_uk_local_times_become_utc_across_the_clock_changes():
    profile = load_profile("datix")
    table = pl.DataFrame({"occurred_at": ["29/03/2026", "29/03/2026", "25/10/2026",
                                          "14/07/2026"],
                          "occurred_at.time": ["00:30", "01:30", "01:30", "12:00"]})
    out = profile.apply(table)
    assert out.columns == ["occurred_at", "reporter_role"]
    assert out["occurred_at"].to_list() == [
        "2026-03-29T00:30:00+00:00",  # still GMT
        "2026-03-29T01:30:00+00:00",  # does not exist: read as 02:30 BST
        "2026-10-25T00:30:00+00:00",  # happens twice: the first (BST)
        "2026-07-14T11:00:00+00:00",
    ]


# -- a Datix-style export end to end ----------------------------------------------------------


def test_a_datix_export_with_uk_dates_and_local_codes_validates_clean():
    result = check(datix_csv())
    assert result.valid, [p.message for p in result.problems]
    assert result.problems == []
    assert result.row_count == 5 and result.incident_count == 4
    rows = result.rows
    first = rows.row(0, named=True)
    assert first["incident_id"] == "DW-1001"
    assert first["occurred_at"] == datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    assert first["category"] == "physical_assault"
    assert first["method"] == ["hit_punch", "kick"]
    assert first["factors"] == ["alcohol", "waiting_time_dissatisfaction"]
    assert first["reporter_role"] == "other"  # the profile's default
    assert first["mental_health_act_detained"] is None  # "N/A" means blank
    assert rows["staff_group"].to_list()[:2] == ["registered_nurse_midwife",
                                                 "nursing_healthcare_assistant"]
    assert rows["occurred_at"][2] == datetime(2026, 3, 29, 13, 0, tzinfo=UTC)
    assert rows["hate_characteristics"].to_list()[2] == ["race", "religion"]
    assert rows["perpetrator_count"][2] is None
    assert rows["late"].to_list() == [False, False, False, True, False]
    last = rows.row(4, named=True)
    assert last["reported_at"] == datetime(2026, 3, 20, 23, 59, tzinfo=UTC)  # no time: 23:59
    assert last["injury_severity"] == "severe" and last["riddor_reportable"] is True
    assert "Description" not in rows.columns and "Staff name" not in rows.columns


def test_a_datix_export_with_mistakes_gives_located_problems_with_the_values_sent():
    rows = list(DATIX_ROWS)
    rows[0] = rows[0].replace("Physical assault - staff", "Punch-up")
    rows[1] = rows[1].replace("HCA,Bank,N,N", "HCA,Bank,N,Maybe")
    rows[2] = rows[2].replace("29/03/2026,14:00", "31/02/2026,14:00")
    rows[3] = rows[3].replace("Threatening behaviour,,", "Threatening behaviour,Kicked,")
    rows[4] = rows[4].replace("20/03/2026,03:10", "20/04/2026,03:10")
    result = check(datix_csv(rows))
    assert where(result) == {
        ("2", "category", "code_list"),  # not also a disagreement with row 3: reported once
        ("3", "injury", "boolean"),
        ("4", "occurred_at", "datetime"),
        ("5", "method", "method_only_with_physical_assault"),
        ("6", "occurred_at", "not_future"),
        ("6", "occurred_at", "occurred_in_period"),
        ("6", "reported_at", "reported_after_occurred"),
        ("6", "riddor_reported_on", "riddor_reported_on_after_occurred"),
    }
    by_place = {(p.row, p.column, p.rule): p for p in result.problems}
    category = by_place[("2", "category", "code_list")]
    assert category.value == "Punch-up"
    assert category.message.startswith("Row 2, column category: 'Punch-up' is not one of the "
                                       "codes for category (physical_assault,")
    assert category.message.endswith("Nor is it a local value that profile 'datix' maps to "
                                    "category.")
    assert by_place[("3", "injury", "boolean")].message == (
        "Row 3, column injury: 'Maybe' is not true or false. Profile 'datix' accepts: 0, 1, f, "
        "false, n, no, t, true, y, yes.")
    occurred = by_place[("4", "occurred_at", "datetime")]
    assert occurred.value == "31/02/2026 14:00"
    assert "%d/%m/%Y %H:%M" in occurred.message


def test_a_datix_export_missing_a_mandatory_column_names_the_local_names():
    header = DATIX_HEADER.replace("Type,", "Kind,")
    result = check(datix_csv(header=header))
    missing = [p for p in result.problems if p.rule == "missing_column"]
    assert [p.column for p in missing] == ["category"]
    assert "one of: type" in missing[0].message
    assert ("1", "Kind", "unknown_column") in where(result)


def test_two_local_columns_for_one_field_are_a_duplicate():
    header = DATIX_HEADER.replace("Staff name", "Ref")
    result = check(datix_csv(header=header))
    dupes = [p for p in result.problems if p.rule == "duplicate_column"]
    assert [(p.column, p.value) for p in dupes] == [("incident_id", "Ref")]
    assert "and column 1 ('Incident Ref') both give incident_id" in dupes[0].message


def test_a_profile_default_fills_a_blank_or_missing_column():
    profile = load_profile("datix")
    out = profile.apply(pl.DataFrame({"reporter_role": ["", "Witness", None]}))
    assert out["reporter_role"].to_list() == ["other", "witness", "other"]


def test_profiles_accept_the_standards_own_values_too():
    profile = load_profile("datix")
    table = pl.DataFrame({"category": ["physical_assault"], "injury": ["true"],
                          "occurred_at": ["2026-03-14T09:30:00+00:00"]})
    out = profile.apply(table)
    assert out.row(0) == ("physical_assault", "true", "2026-03-14T09:30:00+00:00", "other")


def test_every_standard_code_list_is_reachable_from_the_datix_profile():
    profile = load_profile("datix")
    for column in ("category", "setting", "staff_group", "perpetrator_type"):
        mapped = set(profile.codes[column].values())
        assert mapped == set(FIELDS_BY_NAME[column].code_list.values) | (
            {""} & mapped), column
    assert set(codes.STAFF_GROUP.values) <= set(profile.codes["staff_group"].values())
