"""The data standard's rules, judged without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from staffsafe.datastandard import codes, rules

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def record(**overrides):
    base = {
        "sector": "acute", "setting": "inpatient_ward", "occurred_at": NOW - timedelta(hours=2),
        "reported_at": NOW - timedelta(hours=1), "reporter_role": "victim",
        "category": "physical_assault", "method": ["hit_punch"], "hate_motivated": "no",
        "perpetrator_type": "patient_service_user", "medical_factors": True,
        "police_informed": False,
        "staff": [{"staff_group": "registered_nurse_midwife", "lone_working": False,
                   "injury": True, "injury_severity": "low", "days_absent": 2}],
        "riddor_reportable": False,
    }
    base.update(overrides)
    return base


def fields(problems):
    return sorted(p.field for p in problems)


def test_a_complete_record_has_no_problems():
    assert rules.incident_problems(record(), now=NOW) == []
    assert rules.completeness_problems(record()) == []


def test_every_code_list_is_closed_and_unique():
    for code_list in codes.ALL_CODE_LISTS:
        assert len(set(code_list.values)) == len(code_list.values), code_list.name
        assert "not-a-code" not in code_list


@pytest.mark.parametrize(("field", "value"), [
    ("category", "punching"), ("setting", "ward"), ("sector", "hospital"),
    ("perpetrator_type", "visitor"), ("hate_motivated", "maybe"),
])
def test_unknown_codes_are_named(field, value):
    problems = rules.incident_problems(record(**{field: value}), now=NOW)
    assert [(p.field, p.rule, p.value) for p in problems] == [(field, "code_list", value)]
    assert value in problems[0].message


def test_unknown_code_in_a_list_field_is_named():
    problems = rules.incident_problems(record(factors=["alcohol", "moon"]), now=NOW)
    assert [(p.field, p.value) for p in problems] == [("factors", "moon")]


def test_the_future_is_refused():
    problems = rules.incident_problems(
        record(occurred_at=NOW + timedelta(minutes=5), reported_at=NOW + timedelta(minutes=6)),
        now=NOW)
    assert {p.rule for p in problems} == {"not_future"}
    assert fields(problems) == ["occurred_at", "reported_at"]


def test_reported_before_it_happened_is_refused():
    problems = rules.incident_problems(
        record(occurred_at=NOW - timedelta(hours=1), reported_at=NOW - timedelta(hours=2)),
        now=NOW)
    assert [p.rule for p in problems] == ["reported_after_occurred"]


def test_method_only_with_physical_assault():
    problems = rules.incident_problems(
        record(category="verbal_abuse_threat", riddor_reportable=None), now=NOW)
    assert [p.field for p in problems] == ["method"]


def test_injury_severity_only_with_injury():
    staff = [{"staff_group": "admin_clerical", "injury": False, "injury_severity": "low"}]
    problems = rules.incident_problems(record(staff=staff), now=NOW)
    assert [p.field for p in problems] == ["staff[0].injury_severity"]


@pytest.mark.parametrize(("category", "severity", "days", "ok"), [
    ("physical_assault", "severe", 0, True),      # a specified injury
    ("physical_assault", "low", 8, True),         # more than 7 days off
    ("physical_assault", "low", 7, False),        # exactly 7 is not enough
    ("verbal_abuse_threat", "severe", 30, False),  # verbal abuse never is
])
def test_riddor_reportable_needs_the_facts(category, severity, days, ok):
    staff = [{"staff_group": "admin_clerical", "injury": True, "injury_severity": severity,
              "days_absent": days}]
    problems = rules.incident_problems(
        record(category=category, method=[] if category != "physical_assault" else ["kick"],
               staff=staff, riddor_reportable=True), now=NOW)
    assert (problems == []) is ok, problems


def test_closing_needs_the_mandatory_fields():
    incomplete = record(medical_factors=None, police_informed=True, police_outcome="",
                        riddor_reportable=None,
                        staff=[{"staff_group": "admin_clerical", "injury": True}])
    assert fields(rules.completeness_problems(incomplete)) == [
        "medical_factors", "police_outcome", "riddor_reportable", "staff[0].injury_severity",
        "staff[0].lone_working",
    ]


def test_a_record_needs_someone_affected():
    assert [p.field for p in rules.incident_problems(record(staff=[]), now=NOW)] == ["staff"]
