"""The review cycle: six-monthly, quarterly while the board has flagged concern, due dates that
survive short months, and the due date a trust sees with the clock frozen."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from staffsafe.standard import cycle, editions, selectors
from tests.standard.data import rate_all, sign_off, start

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 3, 24), 6, date(2026, 9, 24)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 10, 15), 3, date(2027, 1, 15)),
    (date(2026, 1, 31), -2, date(2025, 11, 30)),
])
def test_add_months_keeps_the_day_or_uses_the_months_last(day, months, expected):
    assert cycle.add_months(day, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.integers(min_value=-240, max_value=240))
def test_add_months_lands_in_the_right_month_never_later_in_it(day, months):
    result = cycle.add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day


def test_six_monthly_and_quarterly_due_dates():
    six = cycle.next_review(date(2026, 3, 24), False, today=date(2026, 9, 24))
    assert (six.due_on, six.months, six.overdue) == (date(2026, 9, 24), 6, False)
    assert six.cycle_label == "Every six months"
    three = cycle.next_review(date(2026, 3, 24), True, today=date(2026, 6, 25))
    assert (three.due_on, three.months, three.overdue) == (date(2026, 6, 24), 3, True)
    assert three.cycle_label.startswith("Quarterly")
    none = cycle.next_review(None, False, today=date(2026, 6, 25))
    assert none.due_on is None and not none.overdue


def test_the_trusts_next_review_follows_its_last_sign_off(world, catalogues):
    with time_machine.travel(datetime(2026, 3, 30, 10, tzinfo=LONDON), tick=False):
        assert selectors.next_review_for(world.lead).due_on is None
        first = start(world.lead)
        rate_all(world.lead, first)
        sign_off(world.lead, first, date(2026, 3, 24))
        due = selectors.next_review_for(world.lead)
        assert (due.due_on, due.overdue) == (date(2026, 9, 24), False)
        assert selectors.next_review_for(world.manager).due_on == date(2026, 9, 24)

    # The day after the due date, with no new sign-off, it is overdue
    with time_machine.travel(datetime(2026, 9, 25, 9, tzinfo=LONDON), tick=False):
        assert selectors.next_review_for(world.lead).overdue

        # When the board signs the next one off flagging concern, the cycle turns quarterly
        second = start(world.lead)
        rate_all(world.lead, second, editions.AMBER)
        sign_off(world.lead, second, date(2026, 9, 22), concern=True)
        due = selectors.next_review_for(world.lead)
        assert (due.due_on, due.months, due.board_concern) == (date(2026, 12, 22), 3, True)

    with time_machine.travel(datetime(2026, 12, 23, 9, tzinfo=LONDON), tick=False):
        assert selectors.next_review_for(world.lead).overdue
        # Concern lifted at the next sign-off: back to six months
        third = start(world.lead)
        rate_all(world.lead, third)
        sign_off(world.lead, third, date(2026, 12, 20))
        assert selectors.next_review_for(world.lead).due_on == date(2027, 6, 20)


def test_the_due_date_is_shown_on_the_standard_page(client_for, world, catalogues):
    with time_machine.travel(datetime(2026, 4, 1, 9, tzinfo=LONDON), tick=False):
        review = start(world.lead)
        rate_all(world.lead, review)
        sign_off(world.lead, review, date(2026, 3, 31), concern=True)
        page = client_for(world.manager).get("/self-assessment/").content.decode()
    assert "Due by 30 June 2026 (quarterly, because the board flagged concern at its last " \
           "sign-off)." in page


def test_other_roles_have_no_review_cycle(world, other_world, national_admin):
    for person in (world.reporter, world.trust_admin, national_admin):
        assert selectors.next_review_for(person) is None
