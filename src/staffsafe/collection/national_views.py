"""National tables: the published tables (disclosure control applied) on a page and as files.

For national roles and trusts' submitters. Only aggregate, protected tables reach these views
(`collection.national.published_tables`); downloads are audited as exports.

URLs (wired in `collection/urls.py`):
    path("national/tables/", national_views.national_tables, name="national-tables"),
    path("national/tables/<slug:table>.<slug:fmt>", national_views.national_table_download,
         name="national-tables-download"),
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from staffsafe.audit.services import Action, audit_record
from staffsafe.collection import national, tables
from staffsafe.collection.selectors import recent_periods
from staffsafe.core import spreadsheets
from staffsafe.core.downloads import attachment
from staffsafe.core.forms import MonthRangeForm

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
GRANULARITY_CHOICES = [
    ("month", "Month"),
    ("quarter", "Financial-year quarter (Q1 is April to June)"),
    ("year", "Financial year (April to March)"),
]
MONTHS_OFFERED = 60
MONTHS_AT_ONCE = 36  # each financial year is protected whole: keep a page to a few
ROWS_ON_PAGE = 400  # larger tables are offered as downloads only
# A spreadsheet treats text starting with these as a formula (CSV injection).
DISCLOSURE_NOTE = (
    "Figures below England level are protected: 0 is shown as 0, counts of 1 to 7 are shown "
    "as *, and other counts are rounded to the nearest 5. A rate or percentage is shown as * "
    "when its count is, and is worked out from the rounded count. Some other figures are also "
    "shown as * (secondary suppression) so that no small count can be worked out from the "
    "totals, including England's, which are exact.")


class NationalTablesForm(MonthRangeForm):
    months_offered = MONTHS_OFFERED
    max_months = MONTHS_AT_ONCE
    granularity = forms.ChoiceField(
        label="Show figures by", choices=GRANULARITY_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "Select month, quarter or year",
                        "invalid_choice": "Select month, quarter or year"})


def _defaults() -> dict[str, str]:
    """Last complete month, back to the start of its financial year, by month."""
    last = recent_periods(1)[0]
    first = date(tables.financial_year_start(last), 4, 1)
    return {"period_from": first.isoformat(), "period_to": last.isoformat(),
            "granularity": "month"}


def _form(request: HttpRequest) -> NationalTablesForm:
    data = _defaults()
    data.update({k: v for k, v in request.GET.items() if k in data})
    return NationalTablesForm(data)


def _allowed(request: HttpRequest) -> None:
    if not national.may_see_published_tables(request.user):
        raise PermissionDenied


def _present(table: tables.PublishedTable, query: str) -> dict[str, Any]:
    """A published table as the page draws it."""
    too_big = len(table.rows) > ROWS_ON_PAGE
    return {
        "name": table.name, "title": table.title, "notes": table.notes,
        "group_label": table.group_label, "row_count": len(table.rows), "too_big": too_big,
        "columns": [c.label + (" (95% confidence interval)" if c.kind in ("rate", "share") else "")
                    for c in tables.display_columns(table)],
        "rows": [] if too_big else [
            {"period": r.period.label, "group": r.group_label, "total": r.level == tables.ENGLAND,
             "cells": tables.display_row(table, r)} for r in table.rows],
        "query": query,
    }


WITHHELD = ("These tables cannot be published for this range without risking a small count "
            "being worked out, so they are withheld. Try a longer period or a coarser grouping.")


@login_required
def national_tables(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = _form(request)
    shown: list[dict[str, Any]] = []
    if form.is_valid():
        query = urlencode(form.data)
        try:
            shown = [_present(t, query) for t in national.published_tables(
                request.user, **form.cleaned_data)]
        except tables.DisclosureError:
            # Fail closed, but say so: nothing is shown that could give a small count away.
            messages.error(request, WITHHELD)
    return render(request, "collection/national_tables.jinja", {
        "page_title": "National tables", "form": form, "tables": shown,
        "disclosure_note": DISCLOSURE_NOTE, "rows_on_page": ROWS_ON_PAGE})


@login_required
def national_table_download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    _allowed(request)
    if fmt not in FORMATS or table not in tables.TABLE_NAMES:
        raise Http404
    form = _form(request)
    if not form.is_valid():
        raise BadRequest("period or granularity not valid")
    criteria = form.cleaned_data
    try:
        published = {t.name: t for t in national.published_tables(request.user,
                                                                  **criteria)}[table]
        if tables.check_published(published):  # an export never goes out unchecked
            raise tables.DisclosureError(tables.check_published(published))
    except tables.DisclosureError:
        messages.error(request, WITHHELD)
        return redirect(f"{reverse('collection:national-tables')}?{urlencode(form.data)}")
    audit_record(actor=request.user, action=Action.EXPORT, object_type="national_table",
                 object_id=table, request=request,
                 detail=f"{fmt} by {criteria['granularity']}, {criteria['period_from']:%Y-%m} "
                        f"to {criteria['period_to']:%Y-%m}")
    name = (f"staffsafe-{table}-{criteria['granularity']}-{criteria['period_from']:%Y-%m}-"
            f"{criteria['period_to']:%Y-%m}.{fmt}")
    content = _csv(published) if fmt == "csv" else _xlsx(published, criteria)
    return attachment(content, FORMATS[fmt], name)


def _csv(table: tables.PublishedTable) -> bytes:
    return spreadsheets.csv_bytes(*tables.export_rows(table))


def _xlsx(table: tables.PublishedTable, criteria: dict[str, Any]) -> bytes:
    """Values only: every text cell is stored as text, so nothing can run as a formula."""
    return spreadsheets.xlsx_bytes(table.name, *tables.export_rows(table),
                                   notes=_notes(table, criteria))


def _notes(table: tables.PublishedTable, criteria: dict[str, Any]) -> list[list[str]]:
    lines = [
        [table.title],
        [f"By {criteria['granularity']}, {criteria['period_from']:%B %Y} to "
         f"{criteria['period_to']:%B %Y} (quarters and years shown whole)"],
        [f"Produced by StaffSafe on {timezone.localdate():%d %B %Y}"],
        [DISCLOSURE_NOTE if table.level == tables.SUBNATIONAL
         else "England-wide figures: published exact."],
        ["Rates are per 1,000 staff over the period (average monthly headcount), with 95% "
         "confidence intervals: exact Poisson below 10 events, Byar's method from 10; shares "
         "use Wilson score intervals."],
        *([note] for note in table.notes),
        [],
        ["Column", "Meaning"],
        *([name, label] for name, label in [
            ("period", "Month, financial-year quarter or financial year"),
            ("group_level", "trust, sector, region, category, staff_group or england"),
            ("group_code", "Code of the group (ODS code for a trust)"),
            ("group", "Name of the group")]),
        *([c.name, c.label] for c in table.columns),
    ]
    return lines
