"""The national tables, exact: periods, counts, denominators and intervals (no Django)."""

from __future__ import annotations

from datetime import date

import pytest

from staffsafe.analytics import rates
from staffsafe.collection import tables
from tests.collection_tables.builders import (
    APRIL,
    headcount_frame,
    incidents,
    row_of,
    rows_frame,
    staff,
    staff_row,
    table,
)

MAY, JUNE, JULY = date(2025, 5, 1), date(2025, 6, 1), date(2025, 7, 1)
MARCH = date(2025, 3, 1)


def build(rows, counts, granularity="month", **kwargs):
    return tables.build_tables(rows_frame(rows), headcount_frame(counts), granularity, **kwargs)


# ---- periods --------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "quarter", "year"), [
    (date(2025, 3, 1), "2024-25 Q4", "2024-25"),
    (date(2025, 4, 1), "2025-26 Q1", "2025-26"),
    (date(2025, 6, 30), "2025-26 Q1", "2025-26"),
    (date(2025, 7, 1), "2025-26 Q2", "2025-26"),
    (date(2025, 12, 31), "2025-26 Q3", "2025-26"),
    (date(2026, 1, 1), "2025-26 Q4", "2025-26"),
    (date(2026, 3, 31), "2025-26 Q4", "2025-26"),
    (date(2026, 4, 1), "2026-27 Q1", "2026-27"),
    (date(1999, 12, 1), "1999-00 Q3", "1999-00"),
])
def test_financial_year_quarters_and_years(day, quarter, year):
    assert tables.period_of(day, "quarter").key == quarter
    assert tables.period_of(day, "year").key == year
    assert tables.period_of(day, "month").key == f"{day:%Y-%m}"


def test_period_starts_ends_and_lengths():
    q4 = tables.period_of(date(2026, 2, 14), "quarter")
    assert (q4.start, q4.end, q4.months) == (date(2026, 1, 1), date(2026, 3, 1), 3)
    year = tables.period_of(date(2026, 2, 14), "year")
    assert (year.start, year.end, year.months) == (date(2025, 4, 1), date(2026, 3, 1), 12)
    assert tables.period_of(date(2025, 7, 9), "month").label == "July 2025"
    with pytest.raises(ValueError, match="granularity"):
        tables.period_of(APRIL, "week")


def test_rows_either_side_of_the_financial_year_boundary_fall_in_different_years():
    rows = incidents(3, month=MARCH) + incidents(4, month=APRIL)
    built = build(rows, staff(["RAA"], [MARCH, APRIL]), "year")
    england = [r for r in table(built, "category").rows if r.level == "england"]
    assert {r.period.key: r.values["incidents"] for r in england} == {"2024-25": 3,
                                                                     "2025-26": 4}


def test_quarters_group_april_to_june():
    rows = incidents(2, month=MARCH) + incidents(3, month=APRIL) + incidents(5, month=JUNE) \
        + incidents(7, month=JULY)
    built = build(rows, staff(["RAA"], [MARCH, APRIL, JUNE, JULY]), "quarter")
    england = {r.period.key: r.values["incidents"]
               for r in table(built, "category").rows if r.level == "england"}
    assert england == {"2024-25 Q4": 2, "2025-26 Q1": 8, "2025-26 Q2": 7}


def test_the_range_selects_whole_periods():
    rows = incidents(3, month=APRIL) + incidents(4, month=JULY)
    built = build(rows, staff(["RAA"], [APRIL, JULY]), "quarter",
                  period_from=date(2025, 5, 1), period_to=date(2025, 5, 1))
    keys = {r.period.key for r in table(built, "sector").rows}
    assert keys == {"2025-26 Q1"}
    assert row_of(table(built, "sector"), "england").values["incidents"] == 3


# ---- counts ---------------------------------------------------------------------------------


def test_incidents_are_rows_with_staff_index_0_and_staff_are_people():
    rows = [
        staff_row(category="physical_assault", injury=True, days_absent=4,
                  medical_factors=True, staff_group="registered_nurse_midwife"),
        staff_row(category="physical_assault", staff_index=1, injury=True, days_absent=2,
                  medical_factors=True, staff_group="nursing_healthcare_assistant"),
        staff_row(category="verbal_abuse_threat", police_informed=True,
                  police_outcome="charged", civil_admin_sanctions="warning_letter|record_flag"),
        staff_row(category="physical_assault", police_informed=True, police_outcome="pending",
                  civil_admin_sanctions="record_flag"),
    ]
    built = build(rows, staff(["RAA"], [APRIL]))
    england = row_of(table(built, "sector"), "england").values
    assert england["incidents"] == 3
    assert england["physical_assaults"] == 2
    assert england["medical_factors"] == 1
    assert england["staff_injured"] == 2
    assert england["days_lost"] == 6
    assert england["police_informed"] == 2
    assert (england["police_charged"], england["police_pending"]) == (1, 1)
    assert england["police_no_further_action"] == 0
    assert (england["sanction_record_flag"], england["sanction_warning_letter"]) == (2, 1)
    people = table(built, "staff_group")
    assert row_of(people, "england").values["staff_affected"] == 4
    assert row_of(people, "nursing_healthcare_assistant").values[
        "staff_affected_physical_assault"] == 1


def test_category_table_counts_incidents_and_staff_affected():
    rows = [*incidents(2, category="remote_abuse"), staff_row(category="sexual_assault"),
            staff_row(category="sexual_assault", staff_index=1)]
    built = build(rows, staff(["RAA"], [APRIL]))
    categories = table(built, "category")
    assert row_of(categories, "sexual_assault").values["incidents"] == 1
    assert row_of(categories, "sexual_assault").values["staff_affected"] == 2
    assert row_of(categories, "remote_abuse").values["incidents"] == 2
    assert row_of(categories, "harassment_stalking").values["incidents"] == 0
    assert row_of(categories, "england").values["incidents"] == 3


# ---- rates and their intervals --------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 3, 9, 10, 57])
def test_rate_is_count_per_1000_staff_with_the_phe_interval(count):
    rows = incidents(count, category="physical_assault")
    built = build(rows, staff(["RAA"], [APRIL], n=2500))
    england = row_of(table(built, "sector"), "england").values
    assert england["incident_rate"] == pytest.approx(count / 2500 * 1000)
    expected = rates.rate_ci(count, 2500)  # exact Poisson below 10, Byar from 10
    got = (england["incident_rate"], england["incident_rate_lower"],
           england["incident_rate_upper"])
    assert got == pytest.approx(expected)
    assert england["physical_assault_rate"] == pytest.approx(count / 2.5)


def test_a_quarter_uses_the_average_monthly_headcount():
    rows = incidents(30, month=APRIL) + incidents(30, month=MAY) + incidents(30, month=JUNE)
    counts = {("RAA", APRIL): {"admin_clerical": 900}, ("RAA", MAY): {"admin_clerical": 1200},
              ("RAA", JUNE): {"admin_clerical": 900}}
    england = row_of(table(build(rows, counts, "quarter"), "sector"), "england").values
    assert england["headcount"] == pytest.approx(1000)
    assert england["incident_rate"] == pytest.approx(90 / 1000 * 1000)


def test_a_trusts_staff_are_averaged_over_the_months_it_returned():
    rows = incidents(12, "RAA", APRIL) + incidents(12, "RAA", MAY) + incidents(6, "RFF", APRIL)
    counts = {**staff(["RAA"], [APRIL, MAY], n=1200),  # no June return yet
              **staff(["RFF"], [APRIL, MAY, JUNE], n=300)}
    built = build(rows, counts, "quarter")
    england = row_of(table(built, "sector"), "england").values
    assert england["headcount"] == pytest.approx(1500)
    assert england["incident_rate"] == pytest.approx(30 / 1500 * 1000)
    assert table(built, "sector").notes == ()


def test_a_period_still_in_progress_is_noted():
    built = build(incidents(3, month=APRIL), staff(["RAA"], [APRIL]), "quarter")
    assert table(built, "sector").notes == (
        "2025-26 Q1: returns for 1 of its 3 months so far; its figures and rates cover those "
        "months.",)
    assert row_of(table(built, "sector"), "england").values["headcount"] == 1000
    assert tables.publish(table(built, "category")).notes == table(built, "category").notes


def test_a_year_averages_twelve_months():
    months = [date(2025 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(4, 16)]
    rows = [r for m in months for r in incidents(1, month=m)]
    england = row_of(table(build(rows, staff(["RAA"], months, n=600), "year"), "sector"),
                     "england").values
    assert england["headcount"] == pytest.approx(600)
    assert england["incident_rate"] == pytest.approx(12 / 600 * 1000)


def test_staff_group_rates_use_that_groups_headcount():
    rows = incidents(4, staff_group="medical_dental", category="physical_assault") + \
        incidents(6, staff_group="admin_clerical")
    counts = {("RAA", APRIL): {"medical_dental": 200, "admin_clerical": 800}}
    people = table(build(rows, counts), "staff_group")
    doctors = row_of(people, "medical_dental").values
    assert doctors["headcount"] == 200
    assert doctors["staff_affected_rate"] == pytest.approx(4 / 200 * 1000)
    assert doctors["physical_assault_rate"] == pytest.approx(4 / 200 * 1000)
    lower, upper = rates.rate_ci(4, 200)[1:]
    assert (doctors["staff_affected_rate_lower"], doctors["staff_affected_rate_upper"]) == \
        pytest.approx((lower, upper))
    assert row_of(people, "england").values["staff_affected_rate"] == pytest.approx(10.0)


def test_a_rate_without_staff_is_not_available_rather_than_an_error():
    rows = incidents(3, staff_group="other")
    people = table(build(rows, staff(["RAA"], [APRIL], group="admin_clerical")), "staff_group")
    assert row_of(people, "other").values["staff_affected_rate"] is None


def test_share_with_medical_factors_uses_the_wilson_interval():
    rows = incidents(30, category="physical_assault", medical_factors=True) + \
        incidents(10, category="physical_assault", medical_factors=False)
    england = row_of(table(build(rows, staff(["RAA"], [APRIL])), "sector"), "england").values
    expected = rates.proportion_ci(30, 40)
    assert (england["medical_factors_share"], england["medical_factors_share_lower"],
            england["medical_factors_share_upper"]) == pytest.approx(expected)


def test_frames_missing_columns_are_refused():
    frame = rows_frame([staff_row()]).drop("police_outcome")
    with pytest.raises(ValueError, match="police_outcome"):
        tables.build_tables(frame, headcount_frame(staff(["RAA"], [APRIL])), "month")


def test_no_data_gives_empty_tables():
    built = build([], {})
    assert [t.name for t in built] == list(tables.TABLE_NAMES)
    assert all(len(t.rows) == 0 for t in built)
    assert all(tables.check_published(tables.publish(t)) == [] for t in built)
