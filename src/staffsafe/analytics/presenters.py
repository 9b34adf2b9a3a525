"""Dashboards shaped for people: SPC charts with their readings, and every breakdown as a table.

One `DataTable` serves the page (an accessible table), the downloads (CSV, XLSX) and the board
report (PDF), so the three can never disagree. Numbers come from `analytics.selectors` (SQL
aggregates) and the pure core (`spc`, `rates`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from staffsafe.accounts import scoping
from staffsafe.analytics import rates, selectors, spc
from staffsafe.analytics import services as analytics_services
from staffsafe.core import spreadsheets
from staffsafe.datastandard import codes

HOTSPOT_MONTHS = 3
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A spreadsheet treats text starting with these as a formula (CSV injection).

VARIATION = {
    "common_cause": ("Common cause variation", "nhsuk-tag--grey"),
    "special_cause_concern": ("Special cause variation: concern", "nhsuk-tag--orange"),
    "special_cause_improvement": ("Special cause variation: improvement", "nhsuk-tag--blue"),
    "special_cause_neutral_high": ("Special cause variation: higher", "nhsuk-tag--purple"),
    "special_cause_neutral_low": ("Special cause variation: lower", "nhsuk-tag--purple"),
}
ASSURANCE = {
    "consistent_pass": ("Assurance: consistently meets the target", "nhsuk-tag--blue"),
    "consistent_fail": ("Assurance: consistently misses the target", "nhsuk-tag--orange"),
    "inconsistent": ("Assurance: may or may not meet the target", "nhsuk-tag--grey"),
    None: ("Assurance: no target set", "nhsuk-tag--white"),
}
POINT_TYPE_TEXT = {
    "common_cause": "Common cause",
    "special_cause_concern": "Special cause: concern",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_neutral_high": "Special cause: higher",
    "special_cause_neutral_low": "Special cause: lower",
}


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[Any, ...]
    href: str = ""
    total: bool = False


@dataclass(frozen=True)
class DataTable:
    name: str
    title: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    notes: tuple[str, ...] = ()

    def export(self) -> tuple[list[str], list[list[Any]]]:
        return ([self.row_header, *self.columns],
                [[row.label, *(_export_value(v) for v in row.cells)] for row in self.rows])


def display(value: Any) -> str:
    """Text for one cell: counts with thousands separators, rates to 1 decimal place."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _export_value(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else value


def table_csv(table: DataTable) -> bytes:
    return spreadsheets.csv_bytes(*table.export())


def table_xlsx(table: DataTable, context: str) -> bytes:
    """Values only: every text cell is stored as text, so nothing can run as a formula."""
    return spreadsheets.xlsx_bytes(table.name, *table.export(),
                                   notes=[[line] for line in [table.title, context,
                                                              *table.notes]])


# --------------------------------------------------------------------------------------------
# SPC charts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SPCChart:
    name: str
    title: str
    measure: str
    months: list[date]
    result: spc.SPCResult
    reading: str
    variation: tuple[str, str]
    assurance: tuple[str, str]
    table: DataTable

    @property
    def alt(self) -> str:
        first, last = self.months[0], self.months[-1]
        return (f"{self.title}, {first:%B %Y} to {last:%B %Y}, with its mean and process "
                f"limits. {self.reading} The table below gives every point.")


def spc_chart(name: str, title: str, measure: str, months: list[date],
              values: list[int] | list[float], *, value_label: str = "Count") -> SPCChart:
    """An SPC chart of monthly counts, or of rates when ``value_label`` says so."""
    result = spc.spc(values, months, improvement="decrease")
    counts = value_label == "Count"
    rows = tuple(
        TableRow(f"{p['x']:%B %Y}", (int(p["y"]) if counts else _round(p["y"]),
                                     _round(p["mean"]), _round(p["lpl"]),
                                     _round(p["upl"]), POINT_TYPE_TEXT[p["point_type"]]))
        for p in result.points)
    table = DataTable(name, f"{title}: values and limits by month", "Month",
                      (value_label, "Mean", "Lower process limit", "Upper process limit",
                       "Variation"), rows)
    return SPCChart(name, title, measure, months, result,
                    spc.describe(result, measure=measure, period="month"),
                    VARIATION[result.variation], ASSURANCE[result.assurance], table)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


# --------------------------------------------------------------------------------------------
# The trust dashboard
# --------------------------------------------------------------------------------------------


@dataclass
class TrustDashboard:
    filters: selectors.DashboardFilters
    whole_trust: bool
    total_incidents: int
    total_physical_assaults: int
    charts: list[SPCChart]
    hotspots: list[dict[str, Any]]
    tables: list[DataTable] = field(default_factory=list)
    reporting_gap: DataTable | None = None

    def table(self, name: str) -> DataTable:
        for table in [*(c.table for c in self.charts), *self.tables,
                      *([self.reporting_gap] if self.reporting_gap else [])]:
            if table.name == name:
                return table
        raise KeyError(name)

    def chart(self, name: str) -> SPCChart:
        return next(c for c in self.charts if c.name == name)


def _drill(user, f: selectors.DashboardFilters, **query: str) -> str:
    """A link to the incident list, for those who may open it."""
    if not scoping.can_triage(user):
        return ""
    params = {"occurred_from": f.period_from.isoformat(),
              "occurred_to": f.last_day.isoformat(), **query}
    return reverse("incidents:list") + "?" + urlencode(params)


def trust_dashboard(user, f: selectors.DashboardFilters) -> TrustDashboard:
    if selectors.uses_rollup(user):
        # Months whose incidents changed since the roll-up was built are added up again first.
        analytics_services.trust_cells_refresh(user.trust_id)
    monthly = selectors.monthly_counts(user, f)
    months = monthly["months"]
    charts = [
        spc_chart("incidents", "Incidents each month", "incidents", months,
                  monthly["incidents"]),
        spc_chart("physical_assaults", "Physical assaults each month", "physical assaults",
                  months, monthly["physical_assaults"]),
    ]
    charts += rate_charts(user, f, monthly)
    units = selectors.unit_monthly_counts(user, f)
    hotspots = unit_hotspots(units, months)
    dashboard = TrustDashboard(
        f, scoping.dashboard_covers_whole_trust(user), sum(monthly["incidents"]),
        sum(monthly["physical_assaults"]), charts, hotspots)
    dashboard.tables = [
        category_table(user, f),
        staff_group_table(user, f),
        site_table(units),
        unit_table(hotspots),
        coded_table(user, f, "setting", "Incidents by setting", "Setting", codes.SETTING),
        coded_table(user, f, "perpetrator_type", "Incidents by who was responsible",
                    "Person responsible", codes.PERPETRATOR_TYPE),
        factor_table(user, f, dashboard.total_incidents),
        hour_weekday_table(user, f),
        injury_table(user, f),
        police_table(user, f),
    ]
    dashboard.reporting_gap = reporting_gap_table(user)
    return dashboard


def rate_charts(user, f: selectors.DashboardFilters,
                monthly: dict[str, list[Any]]) -> list[SPCChart]:
    """Incidents and physical assaults per 1,000 staff each month, for a view of the whole
    trust (only it has a headcount), over the months that have one."""
    heads = selectors.monthly_headcount(user, f)
    months = [m for m in monthly["months"] if heads.get(m)]
    if len(months) < 2:
        return []
    index = {m: i for i, m in enumerate(monthly["months"])}

    def per_1000(series: str) -> list[float]:
        return [1000 * monthly[series][index[m]] / heads[m] for m in months]

    return [
        spc_chart("incident_rate", "Incidents per 1,000 staff each month",
                  "incidents per 1,000 staff", months, per_1000("incidents"),
                  value_label="Per 1,000 staff"),
        spc_chart("physical_assault_rate", "Physical assaults per 1,000 staff each month",
                  "physical assaults per 1,000 staff", months, per_1000("physical_assaults"),
                  value_label="Per 1,000 staff"),
    ]


def unit_hotspots(units: dict[int, dict[str, Any]], months: list[date]) -> list[dict[str, Any]]:
    """Units whose own monthly SPC shows special-cause concern in the last 3 months."""
    if not units or len(months) < 2:
        return [{**u, "unit_id": k, "total": sum(u["counts"]), "hotspot": False, "why": ""}
                for k, u in units.items()]
    results = spc.spc_many({k: {"values": u["counts"], "dates": months} for k, u in units.items()},
                           improvement="decrease")
    shown = []
    for unit_id, unit in units.items():
        result = results[unit_id]
        recent = list(zip(result.points[-HOTSPOT_MONTHS:],
                          result.special_cause_types[-HOTSPOT_MONTHS:], strict=True))
        concern = [(p["x"], rule) for p, rule in recent
                   if p["point_type"] == "special_cause_concern"]
        why = "; ".join(f"{x:%B %Y}: {rule}" for x, rule in concern)
        shown.append({**unit, "unit_id": unit_id, "total": sum(unit["counts"]),
                      "hotspot": bool(concern), "why": why})
    shown.sort(key=lambda u: (not u["hotspot"], -u["total"], u["site"], u["name"]))
    return shown


def category_table(user, f: selectors.DashboardFilters) -> DataTable:
    counts = {code: n for code, n, _ in selectors.counts_by(user, f, "category")}
    rows = tuple(TableRow(codes.CATEGORY.label(code), (counts[code],),
                          _drill(user, f, category=code))
                 for code in codes.CATEGORY.values if counts.get(code))
    return DataTable("category", "Incidents by category", "Category", ("Incidents",), rows)


def coded_table(user, f: selectors.DashboardFilters, name: str, title: str, header: str,
                code_list: codes.CodeList) -> DataTable:
    counts = {code: (n, pa) for code, n, pa in selectors.counts_by(user, f, name)}
    order = [c for c in code_list.values if c in counts] + sorted(
        c for c in counts if c not in code_list)
    rows = tuple(TableRow(code_list.label(c) if c else "Not recorded", counts[c])
                 for c in order)
    return DataTable(name, title, header, ("Incidents", "Physical assaults"), rows)


def staff_group_table(user, f: selectors.DashboardFilters) -> DataTable:
    found = {r["staff_group"]: r for r in selectors.staff_group_counts(user, f)}
    heads = selectors.average_headcount(user, f)
    groups = [g for g in codes.STAFF_GROUP.values if g in found or heads.get(g)]
    rows = []
    for group in groups:
        r = found.get(group, {"people": 0, "assaulted": 0, "injured": 0, "days": 0})
        head = heads.get(group)
        rate = rates.rate_ci(r["people"], head) if head else None
        rows.append(TableRow(codes.STAFF_GROUP.label(group), (
            r["people"], r["assaulted"], r["injured"], r["days"],
            round(head, 1) if head else None,
            rate[0] if rate else None, rate[1] if rate else None, rate[2] if rate else None)))
    rows.sort(key=lambda row: -(row.cells[5] if row.cells[5] is not None else row.cells[0]))
    notes = ("Rates are staff affected per 1,000 staff of the group over the period, with 95% "
             "confidence limits (exact Poisson below 10, Byar's method from 10), using the "
             "trust's average monthly headcount.",)
    if not scoping.dashboard_covers_whole_trust(user):
        notes = ("Rates need the whole trust's headcount, so they are shown on the trust "
                 "lead's dashboard only; your view covers your units.",)
    return DataTable("staff_group", "Staff affected by staff group", "Staff group", (
        "Staff affected", "Physically assaulted", "Injured", "Days lost",
        "Staff (average headcount)", "Affected per 1,000 staff", "Lower 95% limit",
        "Upper 95% limit"), tuple(rows), notes)


def site_table(units: dict[int, dict[str, Any]]) -> DataTable:
    by_site: dict[str, int] = {}
    for unit in units.values():
        by_site[unit["site"]] = by_site.get(unit["site"], 0) + sum(unit["counts"])
    rows = tuple(TableRow(site, (n,)) for site, n in sorted(by_site.items(),
                                                           key=lambda s: (-s[1], s[0])))
    return DataTable("site", "Incidents by site", "Site", ("Incidents",), rows)


def unit_table(hotspots: list[dict[str, Any]]) -> DataTable:
    rows = tuple(TableRow(u["name"], (u["site"], u["total"], u["hotspot"], u["why"]))
                 for u in hotspots)
    return DataTable("unit", "Incidents by unit, hotspots first", "Unit",
                     ("Site", "Incidents", "Hotspot", "Special cause of concern"), rows, (
                         f"A hotspot is a unit whose own monthly SPC chart shows special cause "
                         f"variation of concern in the last {HOTSPOT_MONTHS} months.",))


def factor_table(user, f: selectors.DashboardFilters, total: int) -> DataTable:
    counts = selectors.factor_counts(user, f)
    items = [("medical_factors", "Medical factors (the person's clinical condition)"),
             *codes.FACTOR.items]
    rows = tuple(TableRow(label, (counts[code], round(100 * counts[code] / total, 1)
                                  if total else None))
                 for code, label in items)
    return DataTable("factors", "Contributing factors", "Factor",
                     ("Incidents", "Share of incidents (%)"), rows,
                     ("An incident can have several factors, so shares add up to more than "
                      "100%.",))


def hour_weekday_table(user, f: selectors.DashboardFilters) -> DataTable:
    counts = selectors.hour_weekday_counts(user, f)
    rows = tuple(
        TableRow(f"{hour:02d}:00 to {hour:02d}:59",
                 (*(counts.get((hour, day), 0) for day in range(1, 8)),
                  sum(counts.get((hour, day), 0) for day in range(1, 8))))
        for hour in range(24))
    totals = TableRow("All hours", (*(sum(counts.get((h, d), 0) for h in range(24))
                                      for d in range(1, 8)), sum(counts.values())), total=True)
    return DataTable("hour_weekday", "Incidents by hour of day and day of the week",
                     "Hour (UK time)", (*WEEKDAYS, "All days"), (*rows, totals))


def injury_table(user, f: selectors.DashboardFilters) -> DataTable:
    data = selectors.injury_counts(user, f)
    rows = [TableRow("Staff affected", (data["people"],)),
            TableRow("Staff injured", (data["injured"],)),
            *(TableRow(f"Injured: {codes.INJURY_SEVERITY.label(s).lower()} severity"
                       if s else "Injured: severity not recorded", (n,))
              for s, n in sorted(data["severity"].items())),
            TableRow("Staff who took time off", (data["absent"],)),
            TableRow("Days lost (staff absence)", (data["days"],))]
    return DataTable("injuries", "Injuries and days lost", "Measure", ("Number",), tuple(rows))


def police_table(user, f: selectors.DashboardFilters) -> DataTable:
    data = selectors.police_counts(user, f)
    rows = [TableRow("Incidents", (data["incidents"],)),
            TableRow("Police informed", (data["informed"],)),
            TableRow("Assaults on Emergency Workers (Offences) Act applies", (data["ewa"],)),
            *(TableRow(f"Police outcome: {codes.POLICE_OUTCOME.label(c)}"
                       if c else "Police outcome: not recorded", (data["outcomes"][c],))
              for c in [*codes.POLICE_OUTCOME.values, ""] if data["outcomes"].get(c)),
            *(TableRow(f"Sanction: {label}", (data["sanctions"][c],))
              for c, label in codes.CIVIL_ADMIN_SANCTION.items if data["sanctions"][c])]
    return DataTable("police", "Police and sanction outcomes", "Measure", ("Incidents",),
                     tuple(rows))


def reporting_gap_table(user) -> DataTable | None:
    """Survey prevalence beside recorded assaults, per year, for the lead's whole trust."""
    if not scoping.dashboard_covers_whole_trust(user):
        return None
    survey = selectors.staff_survey_for(user)
    recorded = selectors.yearly_assaulted_staff(user)
    rows = []
    for result in survey:
        said = float(result.rate) * 10  # per cent of staff -> per 1,000 staff
        year = recorded.get(result.year)
        per_1000 = (1000 * year["assaulted"] / year["headcount"]
                    if year and year["headcount"] else None)
        gap = round(said - per_1000, 1) if per_1000 is not None else None
        rows.append(TableRow(str(result.year), (
            round(said, 1), result.base, year["assaulted"] if year else None,
            round(per_1000, 1) if per_1000 is not None else None, gap)))
    return DataTable("reporting_gap", "Reporting gap: NHS Staff Survey and recorded assaults",
                     "Year", ("Survey: staff attacked per 1,000 staff", "Survey base (staff)",
                              "Staff recorded as physically assaulted",
                              "Recorded per 1,000 staff", "Gap per 1,000 staff"), tuple(rows))


# --------------------------------------------------------------------------------------------
# The national dashboard: published tables only (disclosure control below England level)
# --------------------------------------------------------------------------------------------

AREA_COLUMNS = ("incidents", "physical_assaults", "headcount", "physical_assault_rate")
GROUP_COLUMNS = ("staff_affected", "staff_affected_physical_assault", "headcount",
                 "physical_assault_rate")


@dataclass
class NationalDashboard:
    period_from: date
    period_to: date
    charts: list[SPCChart]
    tables: list[DataTable]
    funnel: dict[str, Any] | None
    returns: DataTable
    notes: list[str]

    def chart(self, name: str) -> SPCChart:
        return next(c for c in self.charts if c.name == name)


def _published_table(table: Any, wanted: tuple[str, ...], name: str, title: str,
                     level: str | None = None) -> DataTable:
    from staffsafe.collection import tables as national_tables

    columns = national_tables.display_columns(table)
    keep = [i for i, c in enumerate(columns) if c.name in wanted]
    rows = []
    for row in table.rows:
        if level is not None and row.level != level:
            continue
        cells = national_tables.display_row(table, row)
        rows.append(TableRow(row.group_label, (row.period.label, *(cells[i] for i in keep)),
                             total=row.level == national_tables.ENGLAND))
    return DataTable(name, title, table.group_label,
                     ("Period", *(columns[i].label for i in keep)), tuple(rows), table.notes)


def national_dashboard(user, period_from: date, period_to: date) -> NationalDashboard:
    from staffsafe.collection import national
    from staffsafe.collection import tables as national_tables

    both = national.published_tables_by_granularity(user, period_from, period_to,
                                                    ("month", "year"))
    monthly = {t.name: t for t in both["month"]}
    yearly = {t.name: t for t in both["year"]}
    england = [r for r in monthly["sector"].rows if r.level == national_tables.ENGLAND]
    months = [r.period.start for r in england]
    charts_ = []
    if months:
        charts_ = [
            spc_chart("trend", "England: incidents each month", "incidents", months,
                      [int(r.values["incidents"] or 0) for r in england]),
            spc_chart("assault_trend", "England: physical assaults each month",
                      "physical assaults", months,
                      [int(r.values["physical_assaults"] or 0) for r in england])]
    shown = [
        _published_table(yearly["sector"], AREA_COLUMNS, "sector", "Incidents by sector"),
        _published_table(yearly["region"], AREA_COLUMNS, "region", "Incidents by region"),
        _staff_groups(yearly["staff_group"]),
    ]
    return NationalDashboard(period_from, period_to, charts_, shown,
                             _funnel(yearly["trust"]), _late_returns(user),
                             [national_tables_note()])


def national_tables_note() -> str:
    return ("Figures below England level are protected: 0 is shown as 0, counts of 1 to 7 as *, "
            "other counts are rounded to the nearest 5, and some further figures are shown as * "
            "so that no small count can be worked out. Sectors, regions and trusts are shown "
            "for whole financial years (April to March).")


def _staff_groups(table: Any) -> DataTable:
    shown = _published_table(table, GROUP_COLUMNS, "staff_group",
                             "Staff groups most at risk, England")
    rate_at = len(shown.columns) - 1

    def rate(row: TableRow) -> float:
        text = str(row.cells[rate_at]).split(" ")[0].replace(",", "")
        try:
            return float(text)
        except ValueError:
            return -1.0

    ordered = sorted(shown.rows, key=lambda r: (r.cells[0], r.total, -rate(r)))
    return DataTable(shown.name, shown.title, shown.row_header, shown.columns, tuple(ordered),
                     ("Sorted by the rate of staff physically assaulted per 1,000 staff of "
                      "the group, highest first.", *shown.notes))


def _funnel(table: Any) -> dict[str, Any] | None:
    """Trusts' published physical assault rates against their staff, latest year in range."""
    from staffsafe.analytics import funnel
    from staffsafe.collection import tables as national_tables

    if not table.rows:
        return None
    latest = max(r.period.start for r in table.rows)
    rows = [r for r in table.rows if r.period.start == latest]
    england = next((r for r in rows if r.level == national_tables.ENGLAND), None)
    trusts = [r for r in rows if r.level != national_tables.ENGLAND
              and r.values.get("physical_assaults") is not None
              and (r.values.get("headcount") or 0) > 0]
    if england is None or not trusts or not england.values.get("headcount"):
        return None
    target = 1000 * england.values["physical_assaults"] / england.values["headcount"]
    counts = [int(r.values["physical_assaults"]) for r in trusts]
    heads = [float(r.values["headcount"]) for r in trusts]
    labels = funnel.classify(counts, heads, target) if target > 0 else ["within"] * len(trusts)
    outside = [
        TableRow(r.group, (round(1000 * c / h, 1), round(h), _funnel_text(label)))
        for r, c, h, label in zip(trusts, counts, heads, labels, strict=True)
        if label != "within"]
    return {
        "period": rows[0].period.label, "target": target, "names": [r.group for r in trusts],
        "counts": counts, "heads": heads, "labels": labels, "trust_count": len(trusts),
        "table": DataTable("funnel", f"Trusts outside the 95% limits, {rows[0].period.label}",
                           "Trust (ODS code)", ("Physical assaults per 1,000 staff",
                                                "Staff (average headcount)", "Where"),
                           tuple(outside))}


def _funnel_text(label: str) -> str:
    side, _, level = label.partition("_")
    return f"{'Above' if side == 'above' else 'Below'} the {level}% limit"


def national_figure(dashboard: NationalDashboard, name: str) -> tuple[Any, str, str]:
    from staffsafe.analytics import charts

    if name == "funnel":
        data = dashboard.funnel
        if data is None:
            return None, "", ""
        title = f"Physical assaults per 1,000 staff by trust, {data['period']}"
        alt = (f"Funnel plot of {data['trust_count']} trusts' physical assault rate per 1,000 "
               f"staff against their staff headcount, with 95% and 99.8% limits around the "
               f"England rate of {data['target']:.1f}. {len(data['table'].rows)} trust(s) lie "
               "outside the 95% limits; they are listed in the table below.")
        return (charts.funnel_figure(data["names"], data["counts"], data["heads"],
                                     data["target"], data["labels"], title), title, alt)
    try:
        chart = dashboard.chart(name)
    except StopIteration:
        return None, "", ""
    return charts.spc_figure(chart.result, chart.title, chart.measure), chart.title, chart.alt


def _late_returns(user) -> DataTable:
    from staffsafe.collection.selectors import recent_periods, submission_status

    rows = []
    for period in recent_periods(3):
        for status in submission_status(user, period):
            if status.state in ("late", "rejected"):
                rows.append(TableRow(f"{status.trust.name} ({status.trust.ods_code})",
                                     (f"{period:%B %Y}", status.label)))
    return DataTable("late_returns", "Late or missing returns, last 3 months", "Trust",
                     ("Month", "State"), tuple(rows))
