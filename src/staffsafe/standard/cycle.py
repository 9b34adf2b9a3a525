"""The review cycle: a board signs off the self-assessment every six months, or every three
months while it has flagged concern. Pure date arithmetic, no Django."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

SIX_MONTHLY = 6
QUARTERLY = 3


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day
    (31 August + 6 months is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class NextReview:
    due_on: date | None  # None: no review has been signed off, so one is due now
    months: int
    board_concern: bool
    overdue: bool

    @property
    def cycle_label(self) -> str:
        if self.board_concern:
            return "Quarterly, because the board flagged concern at its last sign-off"
        return "Every six months"


def next_review(last_signed_off_on: date | None, board_concern: bool, today: date) -> NextReview:
    """When the next board sign-off is due, from the last one's board meeting date."""
    months = QUARTERLY if board_concern else SIX_MONTHLY
    if last_signed_off_on is None:
        return NextReview(None, months, board_concern, overdue=False)
    due = add_months(last_signed_off_on, months)
    return NextReview(due, months, board_concern, overdue=today > due)
