"""Every read behind the dashboards: SQL aggregation, always scoped by accounts.scoping.

Each function returns small aggregates (one row per month, code, unit or hour), never
incidents: the database does the counting (GROUP BY), the pure core (`spc`, `rates`, `funnel`,
`sdc`) the statistics. Who may see what is decided only by `scoping.dashboard_incident_filter`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast, ExtractHour, ExtractIsoWeekDay, TruncMonth
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.analytics.models import StaffSurveyResult, TrustCell
from staffsafe.core.days import local_start
from staffsafe.datastandard import codes
from staffsafe.incidents.models import Incident, StaffAffected
from staffsafe.organisations.models import Headcount, Site, Unit

PHYSICAL_ASSAULT = "physical_assault"


# --------------------------------------------------------------------------------------------
# Months
# --------------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def last_complete_month(today: date | None = None) -> date:
    return add_months(month_start(today or timezone.localdate()), -1)


def _as_month(value: Any) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


# --------------------------------------------------------------------------------------------
# Scope and filters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    period_from: date
    period_to: date  # the first day of the last month shown
    site_id: int | None = None
    unit_id: int | None = None
    category: str = ""
    staff_group: str = ""

    @property
    def months(self) -> list[date]:
        return months_between(self.period_from, self.period_to)

    @property
    def last_day(self) -> date:
        return add_months(self.period_to, 1) - timedelta(days=1)


def dashboard_incidents(user) -> QuerySet[Incident]:
    """Every incident the person's dashboard counts; refuses anyone without a dashboard."""
    scope = scoping.dashboard_incident_filter(user)
    if scope is None:
        raise PermissionDenied
    return Incident.objects.filter(scope)


def filter_options(user) -> dict[str, list[tuple[int, str]]]:
    """Sites and units the person's dashboard can be narrowed to."""
    dashboard_incidents(user)  # refuses anyone without a dashboard
    units = Unit.objects.filter(trust_id=user.trust_id)
    if not scoping.dashboard_covers_whole_trust(user):
        units = units.filter(pk__in=user.units.all())
    units = units.select_related("site").order_by("site__name", "name")
    sites = Site.objects.filter(units__in=units).distinct().order_by("name")
    return {"sites": [(s.pk, s.name) for s in sites],
            "units": [(u.pk, f"{u.name}, {u.site.name}") for u in units]}


def _filtered(user, f: DashboardFilters, *, period: bool = True) -> QuerySet[Incident]:
    incidents = dashboard_incidents(user)
    if period:
        incidents = incidents.filter(occurred_at__gte=local_start(f.period_from),
                                     occurred_at__lt=local_start(add_months(f.period_to, 1)))
    if f.site_id:
        incidents = incidents.filter(unit__site_id=f.site_id)
    if f.unit_id:
        incidents = incidents.filter(unit_id=f.unit_id)
    if f.category:
        incidents = incidents.filter(category=f.category)
    if f.staff_group:
        incidents = incidents.filter(pk__in=StaffAffected.objects.filter(
            staff_group=f.staff_group).values("incident_id"))
    return incidents


def _staff(user, f: DashboardFilters) -> QuerySet[StaffAffected]:
    staff = StaffAffected.objects.filter(incident__in=_filtered(user, f))
    if f.staff_group:
        staff = staff.filter(staff_group=f.staff_group)
    return staff


# --------------------------------------------------------------------------------------------
# Aggregates
# --------------------------------------------------------------------------------------------


def _live_monthly_counts(user, f: DashboardFilters) -> dict[str, list[int]]:
    """Incidents and physical assaults per month, zero-filled, in month order."""
    rows = (_filtered(user, f).annotate(month=TruncMonth("occurred_at")).values("month")
            .annotate(incidents=Count("pk"),
                      physical_assaults=Count("pk", filter=Q(category=PHYSICAL_ASSAULT)))
            .order_by())
    found = {_as_month(r["month"]): r for r in rows}
    months = f.months
    return {
        "months": months,
        "incidents": [found[m]["incidents"] if m in found else 0 for m in months],
        "physical_assaults": [found[m]["physical_assaults"] if m in found else 0 for m in months],
    }


def _live_unit_monthly_counts(user, f: DashboardFilters) -> dict[int, dict[str, Any]]:
    """Per unit: its name, site and zero-filled monthly incident counts."""
    rows = (_filtered(user, f).annotate(month=TruncMonth("occurred_at"))
            .values("unit_id", "unit__name", "unit__site__name", "month")
            .annotate(n=Count("pk")).order_by())
    months = f.months
    index = {m: i for i, m in enumerate(months)}
    units: dict[int, dict[str, Any]] = {}
    for row in rows:
        unit = units.setdefault(row["unit_id"], {
            "name": row["unit__name"], "site": row["unit__site__name"],
            "counts": [0] * len(months)})
        position = index.get(_as_month(row["month"]))
        if position is not None:
            unit["counts"][position] += row["n"]
    return units


def _live_counts_by(user, f: DashboardFilters, field: str) -> list[tuple[str, int, int]]:
    """(code, incidents, physical assaults) by one coded field of the incident."""
    rows = (_filtered(user, f).values(field)
            .annotate(n=Count("pk"), pa=Count("pk", filter=Q(category=PHYSICAL_ASSAULT)))
            .order_by())
    return [(r[field] or "", r["n"], r["pa"]) for r in rows]


def _list_counts(incidents: QuerySet[Incident], field: str, values: tuple[str, ...]
                 ) -> dict[str, int]:
    """How many incidents carry each code of a multi-valued (JSON list) field.

    The list is matched as JSON text ('"alcohol"' inside '["alcohol", "drugs"]'), which
    SQLite and PostgreSQL both do in one aggregate query.
    """
    text = incidents.annotate(_codes=Cast(field, TextField()))
    return text.aggregate(**{code: Count("pk", filter=Q(_codes__contains=f'"{code}"'))
                             for code in values})


def _live_factor_counts(user, f: DashboardFilters) -> dict[str, int]:
    incidents = _filtered(user, f)
    counts = _list_counts(incidents, "factors", codes.FACTOR.values)
    counts["medical_factors"] = incidents.filter(medical_factors=True).count()
    return counts


def _live_hour_weekday_counts(user, f: DashboardFilters) -> dict[tuple[int, int], int]:
    """Incidents by local hour (0-23) and ISO weekday (1 Monday to 7 Sunday)."""
    rows = (_filtered(user, f).annotate(hour=ExtractHour("occurred_at"),
                                         weekday=ExtractIsoWeekDay("occurred_at"))
            .values("hour", "weekday").annotate(n=Count("pk")).order_by())
    return {(r["hour"], r["weekday"]): r["n"] for r in rows}


def _live_staff_group_counts(user, f: DashboardFilters) -> list[dict[str, Any]]:
    """Staff affected, physically assaulted, injured and days lost, by staff group."""
    rows = (_staff(user, f).values("staff_group")
            .annotate(people=Count("pk"),
                      assaulted=Count("pk", filter=Q(incident__category=PHYSICAL_ASSAULT)),
                      injured=Count("pk", filter=Q(injury=True)),
                      days=Sum("days_absent"))
            .order_by())
    return [{**r, "days": r["days"] or 0} for r in rows]


def _live_injury_counts(user, f: DashboardFilters) -> dict[str, Any]:
    staff = _staff(user, f)
    totals = staff.aggregate(people=Count("pk"), injured=Count("pk", filter=Q(injury=True)),
                             absent=Count("pk", filter=Q(days_absent__gt=0)),
                             days=Sum("days_absent"))
    severity = {r["injury_severity"] or "": r["n"] for r in staff.filter(injury=True)
                .values("injury_severity").annotate(n=Count("pk")).order_by()}
    return {**totals, "days": totals["days"] or 0, "severity": severity}


def _live_police_counts(user, f: DashboardFilters) -> dict[str, Any]:
    incidents = _filtered(user, f)
    totals = incidents.aggregate(
        incidents=Count("pk"), informed=Count("pk", filter=Q(police_informed=True)),
        ewa=Count("pk", filter=Q(emergency_worker_act_applies=True)))
    outcomes = {r["police_outcome"]: r["n"] for r in incidents.filter(police_informed=True)
                .values("police_outcome").annotate(n=Count("pk")).order_by()}
    sanctions = _list_counts(incidents, "civil_admin_sanctions",
                             codes.CIVIL_ADMIN_SANCTION.values)
    return {**totals, "outcomes": outcomes, "sanctions": sanctions}


def average_headcount(user, f: DashboardFilters) -> dict[str, float]:
    """The trust's average monthly headcount by staff group over the period ("" = all staff).

    Only for a view of the whole trust: a manager's units have no headcount of their own.
    """
    if not scoping.dashboard_covers_whole_trust(user):
        return {}
    rows = (Headcount.objects.filter(trust_id=user.trust_id, month__gte=f.period_from,
                                     month__lte=f.period_to)
            .values("staff_group", "month").annotate(total=Sum("headcount")).order_by())
    by_group: dict[str, list[int]] = defaultdict(list)
    by_month: dict[date, int] = defaultdict(int)
    for row in rows:
        by_group[row["staff_group"]].append(row["total"])
        by_month[row["month"]] += row["total"]
    averages = {group: sum(v) / len(v) for group, v in by_group.items()}
    if by_month:
        averages[""] = sum(by_month.values()) / len(by_month)
    return averages


def _live_yearly_assaulted_staff(user) -> dict[int, dict[str, float]]:
    """Per calendar year, for the lead's whole trust: staff recorded as physically assaulted
    and the average monthly headcount (all staff), for the reporting gap."""
    if not scoping.dashboard_covers_whole_trust(user):
        return {}
    people = (StaffAffected.objects.filter(incident__in=dashboard_incidents(user),
                                           incident__category=PHYSICAL_ASSAULT)
              .values("incident__occurred_at__year").annotate(n=Count("pk")).order_by())
    heads = (Headcount.objects.filter(trust_id=user.trust_id).values("month")
             .annotate(total=Sum("headcount")).order_by())
    by_year: dict[int, list[int]] = defaultdict(list)
    for row in heads:
        by_year[row["month"].year].append(row["total"])
    counts = {r["incident__occurred_at__year"]: r["n"] for r in people}
    return {year: {"assaulted": counts.get(year, 0), "headcount": sum(v) / len(v),
                   "months": len(v)} for year, v in by_year.items()}


def _yearly_heads(user) -> dict[int, list[int]]:
    heads = (Headcount.objects.filter(trust_id=user.trust_id).values("month")
             .annotate(total=Sum("headcount")).order_by())
    by_year: dict[int, list[int]] = defaultdict(list)
    for row in heads:
        by_year[row["month"].year].append(row["total"])
    return by_year


def staff_survey_for(user) -> list[StaffSurveyResult]:
    if not scoping.dashboard_covers_whole_trust(user):
        return []
    return list(StaffSurveyResult.objects.filter(trust_id=user.trust_id).order_by("year"))


def staff_survey_summary() -> list[dict[str, Any]]:
    """Results loaded so far, by year: national reference data, no incident in it."""
    return list(StaffSurveyResult.objects.values("year").annotate(trusts=Count("pk"))
                .order_by("-year"))


def overdue_actions(user, *, today: date | None = None) -> list[dict[str, Any]]:
    """Open actions of the trust's Standard action plans that are past their due date."""
    from staffsafe.standard.models import Action
    from staffsafe.standard.selectors import reviews_for

    today = today or timezone.localdate()
    return list(Action.objects.filter(assessment__review__in=reviews_for(user),
                                      status__in=Action.OPEN, due_on__lt=today)
                .values("description", "due_on", "assessment__indicator__code",
                        "owner__first_name", "owner__last_name")
                .order_by("due_on", "id")[:50])


# --------------------------------------------------------------------------------------------
# The same aggregates from the roll-up (ADR 0012): the lead's whole-trust view
# --------------------------------------------------------------------------------------------


def uses_rollup(user, f: DashboardFilters | None = None) -> bool:
    """The lead's view of the whole trust reads the roll-up (`analytics.rollup`, refreshed by
    `services.trust_cells_refresh` before each page); a manager's units, or a view narrowed to
    a site, unit, category or staff group, is counted from the incidents."""
    if not scoping.dashboard_covers_whole_trust(user):
        return False
    return f is None or not (f.site_id or f.unit_id or f.category or f.staff_group)


def _summed(user, f: DashboardFilters | None, prefix: str, *by: str) -> list[dict[str, Any]]:
    """Roll-up counts whose key starts with ``prefix`` (ending in a colon) or is ``prefix``,
    added up by key and ``by`` over the period (or every month)."""
    cells = TrustCell.objects.filter(trust_id=user.trust_id)
    if f is not None:
        cells = cells.filter(month__gte=f.period_from, month__lte=f.period_to)
    cells = (cells.filter(key__startswith=prefix) if prefix.endswith(":")
             else cells.filter(key=prefix))
    return list(cells.values("key", *by).annotate(total=Sum("n")).order_by())


def _totals(user, f: DashboardFilters | None, prefix: str) -> dict[str, int]:
    """``prefix`` "family:" -> {code: count}; a plain key -> {key: count}."""
    totals: dict[str, int] = defaultdict(int)
    for row in _summed(user, f, prefix):
        totals[row["key"].split(":", 1)[1] if prefix.endswith(":") else row["key"]] += (
            row["total"])
    return totals


def _rolled_monthly_counts(user, f: DashboardFilters) -> dict[str, list[int]]:
    incidents = {r["month"]: r["total"] for r in _summed(user, f, "incidents", "month")}
    physical = {r["month"]: r["total"]
                for r in _summed(user, f, f"category:{PHYSICAL_ASSAULT}", "month")}
    months = f.months
    return {"months": months, "incidents": [incidents.get(m, 0) for m in months],
            "physical_assaults": [physical.get(m, 0) for m in months]}


def _rolled_unit_monthly_counts(user, f: DashboardFilters) -> dict[int, dict[str, Any]]:
    rows = _summed(user, f, "unit:", "month")
    ids = {int(r["key"][5:]) for r in rows}
    names = {u["pk"]: u for u in Unit.objects.filter(pk__in=ids).values("pk", "name",
                                                                         "site__name")}
    months = f.months
    index = {m: i for i, m in enumerate(months)}
    units: dict[int, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: int(r["key"][5:])):
        unit_id = int(row["key"][5:])
        unit = units.setdefault(unit_id, {"name": names[unit_id]["name"],
                                          "site": names[unit_id]["site__name"],
                                          "counts": [0] * len(months)})
        if row["month"] in index:
            unit["counts"][index[row["month"]]] += row["total"]
    return units


def _rolled_counts_by(user, f: DashboardFilters, field: str) -> list[tuple[str, int, int]]:
    if field == "category":
        return [(code, n, n if code == PHYSICAL_ASSAULT else 0)
                for code, n in _totals(user, f, "category:").items()]
    physical = _totals(user, f, f"{field}_pa:")
    return [(code, n, physical.get(code, 0)) for code, n in _totals(user, f, f"{field}:").items()]


def _rolled_factor_counts(user, f: DashboardFilters) -> dict[str, int]:
    factors = _totals(user, f, "factor:")
    counts = {code: factors.get(code, 0) for code in codes.FACTOR.values}
    counts["medical_factors"] = _totals(user, f, "medical").get("medical", 0)
    return counts


def _rolled_hour_weekday_counts(user, f: DashboardFilters) -> dict[tuple[int, int], int]:
    counts = {}
    for key, n in _totals(user, f, "hour:").items():
        hour, weekday = key.split(":")
        counts[(int(hour), int(weekday))] = n
    return counts


def _rolled_staff_group_counts(user, f: DashboardFilters) -> list[dict[str, Any]]:
    people = _totals(user, f, "people:")
    assaulted, injured = _totals(user, f, "people_pa:"), _totals(user, f, "injured:")
    days = _totals(user, f, "days:")
    return [{"staff_group": g, "people": n, "assaulted": assaulted.get(g, 0),
             "injured": injured.get(g, 0), "days": days.get(g, 0)}
            for g, n in people.items() if n]


def _rolled_injury_counts(user, f: DashboardFilters) -> dict[str, Any]:
    totals = {key: _totals(user, f, key).get(key, 0)
              for key in ("people", "injured", "absent", "days")}
    return {**totals, "severity": dict(_totals(user, f, "severity:"))}


def _rolled_police_counts(user, f: DashboardFilters) -> dict[str, Any]:
    sanctions = _totals(user, f, "sanction:")
    return {"incidents": _totals(user, f, "incidents").get("incidents", 0),
            "informed": _totals(user, f, "police").get("police", 0),
            "ewa": _totals(user, f, "ewa").get("ewa", 0),
            "outcomes": dict(_totals(user, f, "outcome:")),
            "sanctions": {c: sanctions.get(c, 0) for c in codes.CIVIL_ADMIN_SANCTION.values}}


def _rolled_yearly_assaulted_staff(user) -> dict[int, dict[str, float]]:
    counts: dict[int, int] = defaultdict(int)
    for row in _summed(user, None, "people_pa", "month"):
        counts[row["month"].year] += row["total"]
    return {year: {"assaulted": counts.get(year, 0), "headcount": sum(v) / len(v),
                   "months": len(v)} for year, v in _yearly_heads(user).items()}


def _rolled(user, f: DashboardFilters) -> bool:
    """Whether this person's view is counted from the roll-up (else from the incidents)."""
    dashboard_incidents(user)  # refuses anyone without a dashboard
    return uses_rollup(user, f)


def monthly_counts(user, f: DashboardFilters) -> dict[str, list[Any]]:
    """Incidents and physical assaults per month, zero-filled, in month order."""
    return (_rolled_monthly_counts(user, f) if _rolled(user, f)
            else _live_monthly_counts(user, f))


def unit_monthly_counts(user, f: DashboardFilters) -> dict[int, dict[str, Any]]:
    """Per unit: its name, site and zero-filled monthly incident counts."""
    return (_rolled_unit_monthly_counts(user, f) if _rolled(user, f)
            else _live_unit_monthly_counts(user, f))


def counts_by(user, f: DashboardFilters, field: str) -> list[tuple[str, int, int]]:
    """(code, incidents, physical assaults) by one coded field of the incident."""
    return (_rolled_counts_by(user, f, field) if _rolled(user, f)
            else _live_counts_by(user, f, field))


def factor_counts(user, f: DashboardFilters) -> dict[str, int]:
    return (_rolled_factor_counts(user, f) if _rolled(user, f)
            else _live_factor_counts(user, f))


def hour_weekday_counts(user, f: DashboardFilters) -> dict[tuple[int, int], int]:
    """Incidents by local hour (0-23) and ISO weekday (1 Monday to 7 Sunday)."""
    return (_rolled_hour_weekday_counts(user, f) if _rolled(user, f)
            else _live_hour_weekday_counts(user, f))


def staff_group_counts(user, f: DashboardFilters) -> list[dict[str, Any]]:
    """Staff affected, physically assaulted, injured and days lost, by staff group."""
    return (_rolled_staff_group_counts(user, f) if _rolled(user, f)
            else _live_staff_group_counts(user, f))


def injury_counts(user, f: DashboardFilters) -> dict[str, Any]:
    return (_rolled_injury_counts(user, f) if _rolled(user, f)
            else _live_injury_counts(user, f))


def police_counts(user, f: DashboardFilters) -> dict[str, Any]:
    return (_rolled_police_counts(user, f) if _rolled(user, f)
            else _live_police_counts(user, f))


def monthly_headcount(user, f: DashboardFilters) -> dict[date, int]:
    """The trust's headcount (all staff groups) in each month of the period: the denominator
    of the monthly rates, for a view of the whole trust (a staff-group filter narrows it to that
    group); empty otherwise."""
    if not scoping.dashboard_covers_whole_trust(user) or f.site_id or f.unit_id:
        return {}
    heads = Headcount.objects.filter(trust_id=user.trust_id, month__gte=f.period_from,
                                     month__lte=f.period_to)
    if f.staff_group:
        heads = heads.filter(staff_group=f.staff_group)
    return {r["month"]: r["total"] for r in heads.values("month").annotate(
        total=Sum("headcount")).order_by()}


def yearly_assaulted_staff(user) -> dict[int, dict[str, float]]:
    """Per calendar year, for the lead's whole trust: staff recorded as physically assaulted
    and the average monthly headcount (all staff), for the reporting gap."""
    if not scoping.dashboard_covers_whole_trust(user):
        return {}
    return _rolled_yearly_assaulted_staff(user)
