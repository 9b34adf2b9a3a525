"""Dashboards, their charts and downloads, the board report and the Staff Survey upload.

Thin: check who may see the page (accounts.scoping), read the filter form, call a presenter.
Bad filter input is answered with the page and a located error, never a 500.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.analytics import board_report, charts, forms, presenters, selectors
from staffsafe.analytics import services as analytics_services
from staffsafe.audit.services import Action, audit_record
from staffsafe.core.downloads import attachment

DATA_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILTER_NAMES = ("period_from", "period_to", "site", "unit", "category", "staff_group")


def _filter_form(request: HttpRequest) -> forms.DashboardFilterForm:
    data: dict[str, Any] = forms.default_period()
    data.update({k: v for k, v in request.GET.items() if k in FILTER_NAMES})
    return forms.DashboardFilterForm(data, options=selectors.filter_options(request.user))


def _dashboard_or_400(request: HttpRequest) -> presenters.TrustDashboard:
    if not scoping.can_see_trust_dashboard(request.user):
        raise PermissionDenied
    form = _filter_form(request)
    if not form.is_valid():
        raise BadRequest("filters not valid")
    return presenters.trust_dashboard(request.user, form.filters())


def _query(form: Any) -> str:
    return urlencode({k: v for k, v in form.data.items() if v not in ("", None)})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not scoping.can_see_trust_dashboard(request.user):
        raise PermissionDenied
    form = _filter_form(request)
    shown = presenters.trust_dashboard(request.user, form.filters()) if form.is_valid() else None
    return render(request, "analytics/dashboard.jinja", {
        "page_title": "Violence and aggression dashboard", "form": form, "dashboard": shown,
        "query": _query(form), "display": presenters.display,
        "trust": request.user.trust,
        "board_report": scoping.can_download_board_report(request.user)})


@login_required
def dashboard_chart(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if fmt not in charts.FORMATS:
        raise Http404
    shown = _dashboard_or_400(request)
    try:
        chart = shown.chart(name)
    except StopIteration:
        raise Http404 from None
    figure = charts.spc_figure(chart.result, chart.title, chart.measure)
    image = charts.render(figure, fmt, chart.title, chart.alt)
    if request.GET.get("download"):
        return attachment(image, charts.FORMATS[fmt], f"staffsafe-{name}.{fmt}")
    return HttpResponse(image, content_type=charts.FORMATS[fmt])


@login_required
def dashboard_data(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if fmt not in DATA_FORMATS:
        raise Http404
    shown = _dashboard_or_400(request)
    try:
        table = shown.table(name)
    except KeyError:
        raise Http404 from None
    f = shown.filters
    context = (f"{request.user.trust.name}, {f.period_from:%B %Y} to {f.period_to:%B %Y}; "
               f"produced by StaffSafe on {timezone.localdate():%d %B %Y}")
    audit_record(actor=request.user, action=Action.EXPORT, object_type="dashboard_table",
                 object_id=name, trust=request.user.trust, request=request,
                 detail=f"{fmt}, {f.period_from:%Y-%m} to {f.period_to:%Y-%m}")
    content = (presenters.table_csv(table) if fmt == "csv"
               else presenters.table_xlsx(table, context))
    return attachment(content, DATA_FORMATS[fmt],
                      f"staffsafe-{name}-{f.period_from:%Y-%m}-{f.period_to:%Y-%m}.{fmt}")


@login_required
def board_report_pdf(request: HttpRequest) -> HttpResponse:
    if not scoping.can_download_board_report(request.user):
        raise PermissionDenied
    shown = _dashboard_or_400(request)
    f = shown.filters
    pdf = board_report.build(request.user, shown)
    audit_record(actor=request.user, action=Action.EXPORT, object_type="board_report",
                 object_id=f"{f.period_from:%Y-%m}..{f.period_to:%Y-%m}",
                 trust=request.user.trust, request=request,
                 detail=f"Board report, {f.period_from:%B %Y} to {f.period_to:%B %Y}")
    return attachment(pdf, "application/pdf",
                      f"staffsafe-board-report-{f.period_from:%Y-%m}-{f.period_to:%Y-%m}.pdf")


@login_required
def staff_survey_upload(request: HttpRequest) -> HttpResponse:
    if not scoping.can_load_staff_survey(request.user):
        raise PermissionDenied
    form = forms.StaffSurveyUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = analytics_services.staff_survey_load(
            actor=request.user, data=upload.read(analytics_services.MAX_BYTES + 1),
            file_name=upload.name, request=request)
        if not result.problems:
            messages.success(request, f"{result.loaded} NHS Staff Survey results loaded.")
            return redirect("analytics:staff-survey")
        problems = result.problems
    return render(request, "analytics/staff_survey.jinja", {
        "page_title": "NHS Staff Survey results", "form": form, "problems": problems[:100],
        "problem_count": len(problems), "results": selectors.staff_survey_summary()},
        status=400 if problems else 200)


@login_required
def national_dashboard(request: HttpRequest) -> HttpResponse:
    if not scoping.can_see_national_dashboard(request.user):
        raise PermissionDenied
    data = forms.default_period()
    data.update({k: v for k, v in request.GET.items() if k in data})
    form = forms.PeriodForm(data)
    shown = presenters.national_dashboard(request.user, **form.cleaned_data) \
        if form.is_valid() else None
    return render(request, "analytics/national_dashboard.jinja", {
        "page_title": "National dashboard", "form": form, "dashboard": shown,
        "query": _query(form), "display": presenters.display})


@login_required
def national_chart(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if not scoping.can_see_national_dashboard(request.user):
        raise PermissionDenied
    if fmt not in charts.FORMATS or name not in ("trend", "assault_trend", "funnel"):
        raise Http404
    data = forms.default_period()
    data.update({k: v for k, v in request.GET.items() if k in data})
    form = forms.PeriodForm(data)
    if not form.is_valid():
        raise BadRequest("period not valid")
    shown = presenters.national_dashboard(request.user, **form.cleaned_data)
    figure, title, alt = presenters.national_figure(shown, name)
    if figure is None:
        raise Http404
    image = charts.render(figure, fmt, title, alt)
    if request.GET.get("download"):
        return attachment(image, charts.FORMATS[fmt], f"staffsafe-national-{name}.{fmt}")
    return HttpResponse(image, content_type=charts.FORMATS[fmt])
