"""StaffSafe's own figures as evidence for the Standard: reporting volumes, SPC, feedback,
aftercare and returns for one trust, as counts and shares only, never a row.

Not scoped to a person: the selectors (for pages, after accounts.scoping has allowed the review)
and the sign-off service (to keep the figures in the frozen review) both call it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from staffsafe.analytics import spc as spc_core
from staffsafe.collection.models import Return
from staffsafe.core.days import local_start
from staffsafe.incidents.models import Incident
from staffsafe.standard import editions
from staffsafe.standard.cycle import add_months

LIVE_MONTHS = 12
SPC_MONTHS = 24
SPC_MIN_MONTHS = 6


def _month_starts(today: date, count: int) -> list[date]:
    """The first days of the `count` complete months before today's month, oldest first."""
    this_month = today.replace(day=1)
    return [add_months(this_month, -n) for n in range(count, 0, -1)]


def _monthly_counts(trust_id: int, months: list[date]) -> list[int]:
    start, end = local_start(months[0]), local_start(add_months(months[-1], 1))
    rows = (Incident.objects.filter(trust_id=trust_id, reported_at__gte=start, reported_at__lt=end)
            .annotate(month=TruncMonth("reported_at")).values("month")
            .annotate(n=Count("id")).values_list("month", "n"))
    by_month: dict[date, int] = {}
    for month, n in rows:
        key = timezone.localtime(month).date() if isinstance(month, datetime) else month
        by_month[key.replace(day=1)] = by_month.get(key.replace(day=1), 0) + n
    return [by_month.get(m, 0) for m in months]


_VARIATION = {
    "common_cause": "Common cause variation",
    "special_cause_concern": "Special cause variation of concern",
    "special_cause_improvement": "Special cause variation of improvement",
    "special_cause_neutral_high": "Special cause variation (higher)",
    "special_cause_neutral_low": "Special cause variation (lower)",
}
_ASSURANCE = {
    "consistent_pass": "The target will consistently be met",
    "consistent_fail": "The target will consistently be missed",
    "inconsistent": "The target will be met in some months and missed in others",
}


def _spc_reading(trust_id: int, today: date, target: int | None) -> dict[str, Any]:
    months = _month_starts(today, SPC_MONTHS)
    counts = _monthly_counts(trust_id, months)
    first = next((i for i, n in enumerate(counts) if n), len(counts))
    months, counts = months[first:], counts[first:]
    reading: dict[str, Any] = {"months": len(counts), "target": target}
    if len(counts) < SPC_MIN_MONTHS:
        return {**reading, "available": False,
                "reason": f"Fewer than {SPC_MIN_MONTHS} months of reports: too few to read "
                          "variation from."}
    result = spc_core.spc(counts, [m.isoformat() for m in months],
                          target=float(target) if target is not None else None)
    return {**reading, "available": True, "from": f"{months[0]:%Y-%m}",
            "to": f"{months[-1]:%Y-%m}", "variation": result.variation,
            "variation_label": _VARIATION[result.variation],
            "assurance": result.assurance,
            "assurance_label": _ASSURANCE.get(result.assurance or "", "No target set"),
            "sentence": spc_core.describe(result, measure="reports", period="month"),
            "mean": round(result.points[-1]["mean"], 1)}


def live_evidence(trust_id: int, *, today: date | None = None,
                  spc_target: int | None = None) -> dict[str, Any]:
    """StaffSafe's own figures for a trust, as the Standard's evidence: counts and shares only,
    never a row. JSON-ready, because it is kept in the review when the board signs it off."""
    today = today or timezone.localdate()
    months = _month_starts(today, LIVE_MONTHS)
    counts = _monthly_counts(trust_id, months)
    window = Incident.objects.filter(trust_id=trust_id, reported_at__gte=local_start(months[0]),
                                     reported_at__lt=local_start(add_months(months[-1], 1)))
    assaults = window.filter(category="physical_assault").aggregate(
        total=Count("id"), debrief=Count("id", filter=Q(debrief_offered=True)),
        wellbeing=Count("id", filter=Q(wellbeing_conversation_offered=True)))
    accepted = (Return.objects.filter(trust_id=trust_id, status=Return.Status.ACCEPTED,
                                      period_start__in=months)
                .values("period_start").distinct().count())
    return {
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "period": {"from": f"{months[0]:%Y-%m}", "to": f"{months[-1]:%Y-%m}"},
        editions.VOLUMES: {"months": [{"month": f"{m:%Y-%m}", "label": f"{m:%B %Y}", "count": n}
                                      for m, n in zip(months, counts, strict=True)],
                           "total": sum(counts)},
        editions.SPC: _spc_reading(trust_id, today, spc_target),
        editions.FEEDBACK: {"total": window.count(),
                            "given": window.exclude(feedback="").count()},
        editions.AFTERCARE: {"assaults": assaults["total"], "debrief": assaults["debrief"],
                             "wellbeing": assaults["wellbeing"]},
        editions.RETURNS: {"accepted": accepted, "months": LIVE_MONTHS},
    }
