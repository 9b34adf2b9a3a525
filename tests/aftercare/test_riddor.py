"""RIDDOR rule tables: `riddor.assess` is pure, so every boundary is a row in a table."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffsafe.aftercare import riddor

MONDAY = date(2026, 3, 2)  # a Monday: day 5 is Saturday 7 March, day 6 Sunday 8 March
PHYSICAL = {"category": "physical_assault", "occurred_on": MONDAY, "injured": True,
            "perpetrator_type": "patient_service_user"}


def assess(**facts):
    return riddor.assess(**{**PHYSICAL, **facts})


@pytest.mark.parametrize(("days", "kind", "reportable", "deadline"), [
    (0, riddor.NOT_REPORTABLE, False, None),
    (1, riddor.NOT_REPORTABLE, False, None),
    (3, riddor.NOT_REPORTABLE, False, None),          # not more than 3: nothing to do
    (4, riddor.OVER_THREE_DAY, False, None),          # more than 3: record only
    (7, riddor.OVER_THREE_DAY, False, None),          # not more than 7: still record only
    (8, riddor.OVER_SEVEN_DAY, True, date(2026, 3, 17)),  # more than 7: within 15 days
    (30, riddor.OVER_SEVEN_DAY, True, date(2026, 3, 17)),
])
def test_days_off_normal_duties_boundaries(days, kind, reportable, deadline):
    result = assess(injury_severity="moderate", days_off_normal_duties=days)
    assert (result.kind, result.reportable, result.deadline) == (kind, reportable, deadline)
    assert result.days_off == days


@pytest.mark.parametrize(("last_day_off", "days", "kind"), [
    # Not counting the incident day (Monday); counting Saturday and Sunday inside the absence.
    (date(2026, 3, 5), 3, riddor.NOT_REPORTABLE),   # Tue-Thu
    (date(2026, 3, 6), 4, riddor.OVER_THREE_DAY),   # Tue-Fri
    (date(2026, 3, 9), 7, riddor.OVER_THREE_DAY),   # Tue to the next Mon, weekend counted
    (date(2026, 3, 10), 8, riddor.OVER_SEVEN_DAY),  # Tue to the next Tue: 8 days, reportable
    (MONDAY, 0, riddor.NOT_REPORTABLE),             # back the same day
])
def test_days_are_counted_from_the_dates_with_weekends_and_rest_days(last_day_off, days, kind):
    result = assess(last_day_off_normal_duties=last_day_off)
    assert (result.days_off, result.kind) == (days, kind)


def test_an_absence_over_a_weekend_only_reaches_eight_days_because_weekends_count():
    # Friday incident; off Sat 7 to Sat 14 March: 8 days, two weekends inside the absence.
    friday = date(2026, 3, 6)
    result = assess(occurred_on=friday, last_day_off_normal_duties=date(2026, 3, 14))
    assert result.days_off == 8 and result.reportable
    assert result.deadline == date(2026, 3, 21)


@pytest.mark.parametrize(("facts", "deadline"), [
    ({"injury_severity": "severe"}, date(2026, 3, 12)),
    ({"injury_severity": "death"}, date(2026, 3, 12)),
    ({"injury_severity": "low", "specified_injury": True}, date(2026, 3, 12)),
    ({"injury_severity": "severe", "days_off_normal_duties": 2}, date(2026, 3, 12)),
    ({"injury_severity": "severe", "days_off_normal_duties": 20}, date(2026, 3, 12)),
])
def test_a_specified_injury_is_notified_without_delay_and_reported_within_ten_days(facts,
                                                                                   deadline):
    result = assess(**facts)
    assert result.kind == riddor.SPECIFIED_INJURY and result.reportable
    assert result.notify_without_delay and result.deadline == deadline
    assert "without delay" in result.reason and "10 days" in result.reason


def test_a_death_says_so():
    assert assess(injury_severity="death").reason.startswith("A death")


@pytest.mark.parametrize("category", ["verbal_abuse_threat", "physical_threat_no_contact",
                                      "remote_abuse", "harassment_stalking"])
@pytest.mark.parametrize("facts", [
    {"injury_severity": "severe"}, {"specified_injury": True}, {"days_off_normal_duties": 30}])
def test_verbal_abuse_and_threats_are_never_reportable(category, facts):
    result = assess(category=category, **facts)
    assert (result.kind, result.reportable, result.deadline) == (riddor.NOT_REPORTABLE, False,
                                                                 None)
    assert "Only physical violence counts" in result.reason


@pytest.mark.parametrize("perpetrator", ["patient_service_user", "relative_carer_visitor",
                                         "member_of_public", "colleague", "manager", "unknown"])
def test_violence_by_anyone_other_than_the_worker_counts_a_colleague_too(perpetrator):
    result = assess(perpetrator_type=perpetrator, days_off_normal_duties=8)
    assert result.reportable and result.kind == riddor.OVER_SEVEN_DAY
    assert riddor.PERPETRATOR_WORDS[perpetrator] in result.reason


def test_an_injury_the_worker_did_to_themselves_is_not_violence():
    result = assess(perpetrator_is_worker=True, injury_severity="severe")
    assert not result.reportable and result.kind == riddor.NOT_REPORTABLE


def test_no_injury_is_not_reportable_whatever_the_absence():
    result = assess(injured=False, days_off_normal_duties=20)
    assert not result.reportable and "No one was physically injured" in result.reason


def test_unknown_days_off_is_not_yet_reportable_and_says_what_would_make_it_so():
    result = assess(injury_severity="moderate")
    assert not result.reportable and result.days_off is None
    assert "more than 7 consecutive days" in result.reason


@pytest.mark.parametrize("bad", [{"days_off_normal_duties": -1},
                                 {"days_off_normal_duties": True},
                                 {"last_day_off_normal_duties": date(2026, 3, 1)}])
def test_impossible_facts_are_refused(bad):
    with pytest.raises(ValueError, match=r"."):
        assess(**bad)


def test_the_most_serious_person_decides_for_the_incident():
    over_three = assess(days_off_normal_duties=5)
    over_seven = assess(days_off_normal_duties=9)
    specified = assess(injury_severity="severe")
    assert riddor.most_serious([over_three, over_seven, specified]) is specified
    assert riddor.most_serious([over_three, over_seven]) is over_seven
    assert riddor.most_serious([]) is None


def test_the_pure_module_has_no_django():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(riddor))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name and name.startswith("django") for name in imported)


@given(days=st.integers(min_value=0, max_value=400), more=st.integers(min_value=0, max_value=30),
       severity=st.sampled_from(["", "none", "low", "moderate", "severe", "death"]),
       occurred_on=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_more_days_off_is_never_less_serious_and_deadlines_stay_in_the_rules(
        days, more, severity, occurred_on):
    fewer = assess(occurred_on=occurred_on, injury_severity=severity,
                   days_off_normal_duties=days)
    longer = assess(occurred_on=occurred_on, injury_severity=severity,
                    days_off_normal_duties=days + more)
    assert riddor.KINDS.index(longer.kind) <= riddor.KINDS.index(fewer.kind)
    assert fewer.reportable == (fewer.deadline is not None)
    assert fewer.reportable == (severity in ("severe", "death") or days > 7)
    if fewer.reportable:
        assert (fewer.deadline - occurred_on).days in (10, 15)
