"""Reads of returns: a trust sees its own, national roles see every trust's status (no rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.collection.models import Return
from staffsafe.organisations.models import Trust

# A month's return is due by this day of the following month.
DUE_DAY = 15


def returns_visible_to(user) -> QuerySet[Return]:
    scope = scoping.return_filter(user)
    if scope is None:
        return Return.objects.none()
    return Return.objects.filter(scope).select_related("trust", "submitted_by")


def return_get(user, return_id: int) -> Return | None:
    return returns_visible_to(user).filter(pk=return_id).first()


def due_date(period_start: date) -> date:
    following = (period_start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=DUE_DAY)


@dataclass(frozen=True)
class PeriodStatus:
    trust: Trust
    period_start: date
    state: str  # accepted, processing, rejected, late, due
    latest: Return | None
    accepted: Return | None

    @property
    def label(self) -> str:
        return {"accepted": "Accepted", "processing": "Being checked", "rejected": "Rejected",
                "late": "Late: not received", "due": "Not yet due"}[self.state]


def _state(returns: list[Return], period_start: date, today: date) -> str:
    statuses = {r.status for r in returns}
    if Return.Status.ACCEPTED in statuses:
        return "accepted"
    if statuses & {Return.Status.RECEIVED, Return.Status.VALIDATING}:
        return "processing"
    if Return.Status.REJECTED in statuses:
        return "rejected"
    return "late" if today > due_date(period_start) else "due"


def recent_periods(count: int = 6, *, today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    month = today.replace(day=1)
    periods = []
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        periods.append(month)
    return periods


def submission_status(user, period_start: date, *, today: date | None = None
                      ) -> list[PeriodStatus]:
    """For one period: every trust the person may see, and where its return stands."""
    today = today or timezone.localdate()
    if scoping.is_national(user):
        trusts = list(Trust.objects.order_by("name"))
    elif scoping.can_submit_returns(user):
        trusts = [user.trust]
    else:
        return []
    by_trust: dict[int, list[Return]] = {}
    for item in returns_visible_to(user).filter(period_start=period_start).order_by(
            "-submitted_at"):
        by_trust.setdefault(item.trust_id, []).append(item)
    statuses = []
    for trust in trusts:
        received = by_trust.get(trust.pk, [])
        accepted = next((r for r in received if r.status == Return.Status.ACCEPTED), None)
        statuses.append(PeriodStatus(trust, period_start, _state(received, period_start, today),
                                     received[0] if received else None, accepted))
    return statuses
