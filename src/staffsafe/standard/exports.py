"""A review as files: an XLSX workbook (values only, never formulas) and a PDF for the board.

Both are built from a presenters.ReviewReport, so the page, the workbook and the PDF say the
same thing. Text typed by people is written as text: a note starting with "=" stays words in
the workbook, and is escaped before reportlab reads its mark-up.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from staffsafe.core.presenters import date_uk
from staffsafe.standard import editions
from staffsafe.standard.presenters import (
    NOT_OFFICIAL,
    ReviewReport,
    catalogue_label,
    person,
    rating_label,
)

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RATING_ORDER = (editions.GREEN, editions.AMBER, editions.RED)
PDF_COLOURS = {editions.GREEN: colors.HexColor("#007f3b"), editions.AMBER:
               colors.HexColor("#ffb81c"), editions.RED: colors.HexColor("#d5281b")}
NHS_BLUE = colors.HexColor("#005eb8")


def file_stem(report: ReviewReport) -> str:
    review = report.review
    return f"vpr-standard-{review.trust.ods_code}-review-{review.pk}"


# XLSX --------------------------------------------------------------------------------------------


def _append(sheet: Any, values: Iterable[Any], *, bold: bool = False) -> None:
    # Control characters typed into a note cannot be stored in a workbook: drop them.
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                  for v in values])
    for cell in sheet[sheet.max_row]:
        # openpyxl would store a string starting with "=" as a formula: keep it as text.
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
        if isinstance(cell.value, date):
            cell.number_format = "dd/mm/yyyy"
        if bold:
            cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet: Any, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _summary_sheet(book: Workbook, report: ReviewReport) -> None:
    sheet = book.active
    sheet.title = "Summary"
    review, labels = report.review, [rating_label(report.edition.code, r) for r in RATING_ORDER]
    _append(sheet, ["Violence Prevention and Reduction Standard: self-assessment"], bold=True)
    for key, value in [("Trust", report.trust_name), ("Review", review.title),
                       ("Edition", report.edition.name),
                       ("Catalogue", catalogue_label(review.catalogue)),
                       ("Status", report.status), *report.sign_off_lines,
                       ("Next review", report.next_review_text),
                       ("Live evidence period", report.live_period or "Not available")]:
        _append(sheet, [key, value])
    if not review.catalogue.official:
        _append(sheet, ["Not the official text", NOT_OFFICIAL], bold=True)
    _append(sheet, [])
    _append(sheet, ["Domain", *labels, "Not rated", "Indicators"], bold=True)
    for summary in report.summaries:
        name = f"{summary.phase}: {summary.name}" if summary.phase else summary.name
        _append(sheet, [name, *(summary.count(r) for r in RATING_ORDER), summary.unrated,
                        len(summary.assessments)])
    _append(sheet, ["All domains", *(report.totals[r] for r in RATING_ORDER),
                    report.totals[""], len(report.assessments)], bold=True)
    _widths(sheet, [34, 60, 14, 14, 12, 12])


def _indicator_sheet(book: Workbook, report: ReviewReport) -> None:
    sheet = book.create_sheet("Indicators")
    _append(sheet, ["Domain", "Indicator", "Text", "Rating", "Owner", "Why this rating",
                    "Evidence links", "Evidence files", "Open actions"], bold=True)
    for item in report.assessments:
        _append(sheet, [
            report.edition.domain_name(item.indicator.domain), item.indicator.code,
            item.indicator.text, rating_label(report.edition.code, item.rating),
            person(item.owner), item.note, len(item.links.all()), len(item.files.all()),
            sum(1 for a in item.actions.all() if a.is_open)])
    sheet.freeze_panes = "C2"
    _widths(sheet, [28, 11, 60, 18, 24, 50, 10, 10, 10])


def _action_sheet(book: Workbook, report: ReviewReport) -> None:
    sheet = book.create_sheet("Action plan")
    _append(sheet, ["Indicator", "Action", "Owner", "Due by", "Status", "Overdue",
                    "Completed on"], bold=True)
    overdue = {a.pk for a in report.overdue}
    for action in report.actions:
        _append(sheet, [action.assessment.indicator.code, action.description,
                        person(action.owner), action.due_on, action.get_status_display(),
                        "Yes" if action.pk in overdue else "No", action.completed_on])
    sheet.freeze_panes = "B2"
    _widths(sheet, [11, 60, 24, 12, 14, 9, 13])


def _evidence_sheets(book: Workbook, report: ReviewReport) -> None:
    sheet = book.create_sheet("Evidence")
    _append(sheet, ["Indicator", "Kind", "What it shows", "Address or file"], bold=True)
    for item in report.assessments:
        for link in item.links.all():
            _append(sheet, [item.indicator.code, "Link", link.title, link.url])
        for evidence in item.files.all():
            _append(sheet, [item.indicator.code, "File", evidence.title, evidence.file_name])
    _widths(sheet, [11, 8, 50, 60])
    live = book.create_sheet("Live evidence")
    _append(live, ["Live evidence from StaffSafe", report.live_period], bold=True)
    for item in report.live:
        _append(live, [item.title, item.summary])
    for item in report.live:
        if item.months:
            _append(live, [])
            _append(live, ["Month", "Reports received"], bold=True)
            for month in item.months:
                _append(live, [month["label"], month["count"]])
    _widths(live, [44, 90])


def review_xlsx(report: ReviewReport) -> bytes:
    book = Workbook()
    _summary_sheet(book, report)
    _indicator_sheet(book, report)
    _action_sheet(book, report)
    _evidence_sheets(book, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# PDF ---------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], textColor=NHS_BLUE, fontSize=20,
                                leading=24, alignment=0),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], textColor=colors.black,
                             spaceBefore=10),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontSize=8.5, leading=10.5),
        "warning": ParagraphStyle("warning", parent=base["BodyText"], fontSize=9.5, leading=12.5,
                                  backColor=colors.HexColor("#fff9c4"), borderPadding=6,
                                  borderColor=colors.HexColor("#ffeb3b"), borderWidth=1,
                                  spaceBefore=6, spaceAfter=10),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list[Any]], widths: list[float], *, header: bool = True,
           extra: list[tuple] | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#aeb7bd")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("FONTSIZE", (0, 0), (-1, -1), 8.5)]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edee")),
                  ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold")]
    table.setStyle(TableStyle(style + (extra or [])))
    return table


def _summary_table(report: ReviewReport, st: dict[str, ParagraphStyle]) -> Table:
    labels = [rating_label(report.edition.code, r) for r in RATING_ORDER]
    rows: list[list[Any]] = [["Domain", *labels, "Not rated"]]
    for summary in report.summaries:
        name = f"{summary.phase}: {summary.name}" if summary.phase else summary.name
        rows.append([_p(name, st["small"]), *(summary.count(r) for r in RATING_ORDER),
                     summary.unrated])
    rows.append(["All domains", *(report.totals[r] for r in RATING_ORDER), report.totals[""]])
    extra = [("FONTNAME", (0, len(rows) - 1), (-1, len(rows) - 1), "Helvetica-Bold"),
             ("ALIGN", (1, 0), (-1, -1), "CENTER")]
    for column, rating in enumerate(RATING_ORDER, start=1):
        extra += [("BACKGROUND", (column, 0), (column, 0), PDF_COLOURS[rating]),
                  ("TEXTCOLOR", (column, 0), (column, 0),
                   colors.black if rating == editions.AMBER else colors.white)]
    return _table(rows, [74 * mm, 24 * mm, 30 * mm, 24 * mm, 22 * mm], extra=extra)


def _volume_chart(months: list[dict[str, Any]]) -> Drawing:
    drawing = Drawing(170 * mm, 55 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, 150 * mm, 40 * mm
    chart.data = [[m["count"] for m in months]]
    chart.categoryAxis.categoryNames = [m["label"][:3] + m["label"][-2:] for m in months]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    highest = max((m["count"] for m in months), default=0)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(4, math.ceil(highest * 1.1))
    chart.valueAxis.valueStep = max(1, math.ceil(chart.valueAxis.valueMax / 5))
    chart.bars[0].fillColor = NHS_BLUE
    drawing.add(chart)
    return drawing


def _live_section(report: ReviewReport, st: dict[str, ParagraphStyle]) -> list[Any]:
    when = ("as they stood at sign-off" if report.review.frozen else "as they stand today")
    story: list[Any] = [_p("Live evidence from StaffSafe", st["h2"]),
                        _p(f"{report.live_period}, {when}.", st["body"])]
    for item in report.live:
        story.append(_p(f"{item.title}: {item.summary}", st["body"]))
        if item.months:
            story += [Spacer(1, 2 * mm), _volume_chart(item.months)]
    return story


def _overdue_section(report: ReviewReport, st: dict[str, ParagraphStyle]) -> list[Any]:
    story: list[Any] = [_p(f"Overdue actions ({len(report.overdue)})", st["h2"])]
    if not report.overdue:
        return [*story, _p("No action is overdue.", st["body"])]
    rows: list[list[Any]] = [["Indicator", "Action", "Owner", "Due by", "Status"]]
    rows += [[a.assessment.indicator.code, _p(a.description, st["small"]),
              _p(person(a.owner), st["small"]), date_uk(a.due_on), a.get_status_display()]
             for a in report.overdue]
    return [*story, _table(rows, [18 * mm, 76 * mm, 32 * mm, 26 * mm, 22 * mm])]


def _indicator_section(report: ReviewReport, st: dict[str, ParagraphStyle]) -> list[Any]:
    rows: list[list[Any]] = [["Indicator", "Rating", "Owner", "Open actions"]]
    extra = []
    for number, item in enumerate(report.assessments, start=1):
        domain = report.edition.domain_name(item.indicator.domain)
        rows.append([_p(f"{item.indicator.code} ({domain}): {item.indicator.text}", st["small"]),
                     rating_label(report.edition.code, item.rating),
                     _p(person(item.owner), st["small"]),
                     sum(1 for a in item.actions.all() if a.is_open)])
        if item.rating:
            extra += [("BACKGROUND", (1, number), (1, number), PDF_COLOURS[item.rating]),
                      ("TEXTCOLOR", (1, number), (1, number),
                       colors.black if item.rating == editions.AMBER else colors.white)]
    return [_p("Indicators", st["h2"]),
            _table(rows, [106 * mm, 26 * mm, 30 * mm, 12 * mm], extra=extra)]


def review_pdf(report: ReviewReport) -> bytes:
    """The board's report: summary by domain, overdue actions, live evidence and sign-off."""
    st = _styles()
    review = report.review
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, title=f"{report.trust_name}: Violence Prevention and Reduction "
                                    "Standard self-assessment",
        author="StaffSafe", subject=review.title)
    facts = [["Review", review.title], ["Edition", report.edition.name],
             ["Catalogue", catalogue_label(review.catalogue)], ["Status", report.status],
             ["Next review", report.next_review_text]]
    story: list[Any] = [
        _p(report.trust_name, st["title"]),
        _p("Violence Prevention and Reduction Standard: self-assessment for the board",
           st["h2"]),
        _table([[k, _p(v, st["body"])] for k, v in facts], [34 * mm, 140 * mm], header=False),
    ]
    if not review.catalogue.official:
        story.append(_p(f"Not the official text. {NOT_OFFICIAL}", st["warning"]))
    story += [_p("Summary by domain", st["h2"]), _summary_table(report, st)]
    story += _overdue_section(report, st)
    story += _live_section(report, st)
    story += [KeepTogether([_p("Sign-off", st["h2"]),
                            _table([[k, _p(v, st["body"])] for k, v in report.sign_off_lines],
                                   [44 * mm, 130 * mm], header=False)]),
              PageBreak(), *_indicator_section(report, st)]

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        flag = "" if review.catalogue.official else "  ·  Catalogue: not the official text"
        canvas.drawString(18 * mm, 10 * mm, f"{report.trust_name}  ·  {review.title}  ·  "
                                            f"Printed {date_uk(report.today)}{flag}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
