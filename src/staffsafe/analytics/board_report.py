"""The board report: one PDF for a period, built from the same tables as the dashboard.

reportlab draws the pages; the SPC charts are the dashboard's matplotlib charts as PNG images,
each followed by its plain-English reading. Page compression is off so the text can be found
(and tested) in the file; the report is small either way.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from staffsafe.analytics import charts, presenters, selectors

MAX_ROWS = 15


def _para(text: str, style: Any) -> Paragraph:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def _table(table: presenters.DataTable, styles: Any, limit: int = MAX_ROWS) -> list[Any]:
    header = [table.row_header, *table.columns]
    body = [[_para(r.label, styles["BodyText"]), *(presenters.display(c) for c in r.cells)]
            for r in table.rows[:limit]]
    if not body:
        return [_para("No incidents match.", styles["BodyText"])]
    drawn = Table([[_para(h, styles["BodyText"]) for h in header], *body], repeatRows=1,
                  hAlign="LEFT")
    drawn.setStyle(TableStyle([
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    extra = [_para(n, styles["Italic"]) for n in table.notes]
    if len(table.rows) > limit:
        extra.append(_para(f"First {limit} of {len(table.rows)} rows; the dashboard has all.",
                           styles["Italic"]))
    return [drawn, *extra]


def _chart(chart: presenters.SPCChart) -> Image:
    png = charts.render(charts.spc_figure(chart.result, chart.title, chart.measure), "png",
                        chart.title, chart.alt)
    return Image(io.BytesIO(png), width=170 * mm, height=76.5 * mm)


def _actions(user, styles: Any) -> list[Any]:
    overdue = selectors.overdue_actions(user)
    if not overdue:
        return [_para("No action of the trust's Violence Prevention and Reduction Standard "
                      "action plan is overdue.", styles["BodyText"])]
    rows = [["Indicator", "Action", "Due", "Owner"]] + [
        [a["assessment__indicator__code"], _para(a["description"], styles["BodyText"]),
         f"{a['due_on']:%d %b %Y}",
         f"{a['owner__first_name'] or ''} {a['owner__last_name'] or ''}".strip() or "None"]
        for a in overdue]
    drawn = Table(rows, colWidths=[20 * mm, 95 * mm, 25 * mm, 30 * mm], hAlign="LEFT")
    drawn.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 8),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black)]))
    return [_para(f"{len(overdue)} overdue action(s) of the Standard's action plan:",
                  styles["BodyText"]), drawn]


def build(user, dashboard: presenters.TrustDashboard, *, today: date | None = None) -> bytes:
    styles = getSampleStyleSheet()
    f = dashboard.filters
    trust = user.trust
    period = f"{f.period_from:%B %Y} to {f.period_to:%B %Y}"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Board report: {trust.name}",
                            author="StaffSafe", subject=f"Violence against staff, {period}",
                            leftMargin=18 * mm, rightMargin=18 * mm, pageCompression=0)
    story: list[Any] = [
        _para(f"{trust.name} ({trust.ods_code})", styles["Title"]),
        _para(f"Violence and aggression against staff: board report, {period}", styles["h2"]),
        _para(f"Produced by StaffSafe on {(today or timezone.localdate()):%d %B %Y}.",
              styles["Italic"]),
        _para("Key figures", styles["h2"]),
        _para(f"Incidents: {dashboard.total_incidents:,}. Physical assaults: "
              f"{dashboard.total_physical_assaults:,}.", styles["BodyText"]),
    ]
    injuries = dashboard.table("injuries")
    story += [_para("; ".join(f"{r.label}: {presenters.display(r.cells[0])}"
                              for r in injuries.rows) + ".", styles["BodyText"])]
    for chart in dashboard.charts:
        story += [_para(chart.title, styles["h2"]), _chart(chart),
                  _para(f"{chart.variation[0]}. {chart.assurance[0]}. {chart.reading}",
                        styles["BodyText"])]
    hot = [u for u in dashboard.hotspots if u["hotspot"]]
    story += [_para("Hotspots", styles["h2"]),
              _para(f"Units whose own monthly chart shows special cause variation of concern "
                    f"in the last {presenters.HOTSPOT_MONTHS} months: "
                    + ("; ".join(f"{u['name']}, {u['site']} ({u['why']})" for u in hot)
                       if hot else "none") + ".", styles["BodyText"]),
              _para("Staff groups", styles["h2"]), *_table(dashboard.table("staff_group"), styles),
              _para("Contributing factors", styles["h2"]),
              *_table(dashboard.table("factors"), styles),
              _para("Police and sanctions", styles["h2"]),
              *_table(dashboard.table("police"), styles),
              _para("Actions", styles["h2"]), *_actions(user, styles),
              Spacer(1, 6 * mm)]
    if dashboard.reporting_gap and dashboard.reporting_gap.rows:
        story += [_para("Reporting gap (NHS Staff Survey)", styles["h2"]),
                  *_table(dashboard.reporting_gap, styles)]
    doc.build(story)
    return buffer.getvalue()
