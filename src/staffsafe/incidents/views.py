"""Reporting, my reports and triage. Thin: forms check input, services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from staffsafe.accounts import scoping
from staffsafe.aftercare import presenters as aftercare_presenters
from staffsafe.incidents import forms, presenters, selectors, services
from staffsafe.organisations import selectors as organisation_selectors

PAGE_NAMES = [name for name, _, _ in forms.REPORT_PAGES]


def _reporter_required(request: HttpRequest) -> None:
    if not scoping.can_report(request.user):
        raise PermissionDenied


def _page_form(request: HttpRequest, page: str, data: Any = None) -> Any:
    _, form_class, _ = forms.REPORT_PAGES[PAGE_NAMES.index(page)]
    kwargs: dict[str, Any] = {}
    if form_class is forms.WhatHappenedForm:
        kwargs["units"] = organisation_selectors.unit_choices_for(request.user)
    draft = selectors.report_draft_for(request.user)
    answers = (draft.answers.get(page) if draft else None) if data is None else data
    if answers is not None:
        return form_class(data=answers, **kwargs)
    return form_class(initial=_initial(request, form_class), **kwargs)


def _initial(request: HttpRequest, form_class: type) -> dict[str, Any]:
    user = request.user
    if form_class is forms.WhatHappenedForm:
        home_unit = organisation_selectors.home_unit_for(user)
        return {"occurred_date": timezone.localdate(), "unit": home_unit.pk if home_unit else ""}
    if form_class is forms.WhoWasAffectedForm:
        return {"staff_group": user.staff_group, "reporter_role": "victim"}
    return {}


def _first_unfinished(request: HttpRequest) -> str | None:
    draft = selectors.report_draft_for(request.user)
    done = draft.answers if draft else {}
    for page in PAGE_NAMES:
        if page not in done or not _page_form(request, page).is_valid():
            return page
    return None


@login_required
def report_start(request: HttpRequest) -> HttpResponse:
    _reporter_required(request)
    page = _first_unfinished(request) or PAGE_NAMES[-1]
    return redirect("incidents:report-page", page=page)


@login_required
def report_page(request: HttpRequest, page: str) -> HttpResponse:
    _reporter_required(request)
    if page not in PAGE_NAMES:
        raise Http404
    index = PAGE_NAMES.index(page)
    if request.method == "POST":
        form = _page_form(request, page, data=request.POST)
        if form.is_valid():
            services.report_draft_save(user=request.user,
                                       answers={page: forms.raw_answers(form)})
            if index + 1 < len(PAGE_NAMES):
                return redirect("incidents:report-page", page=PAGE_NAMES[index + 1])
            return _submit_report(request)
    else:
        form = _page_form(request, page)
    return _render_page(request, page, form)


def _render_page(request: HttpRequest, page: str, form: Any, extra_errors=None) -> HttpResponse:
    index = PAGE_NAMES.index(page)
    return render(request, f"incidents/report/{page}.jinja", {
        "form": form, "page_title": forms.REPORT_PAGES[index][2], "step": index + 1,
        "steps": len(PAGE_NAMES), "extra_errors": extra_errors,
        "back_href": reverse("incidents:report-page", kwargs={"page": PAGE_NAMES[index - 1]})
        if index else reverse("core:home"),
    })


def _submit_report(request: HttpRequest) -> HttpResponse:
    pages = {page: _page_form(request, page) for page in PAGE_NAMES}
    for page, form in pages.items():
        if not form.is_valid():
            messages.error(request, "Please check your answers on this page.")
            return redirect("incidents:report-page", page=page)
    what, who, involved = (pages[p].cleaned_data for p in PAGE_NAMES)
    draft = selectors.report_draft_for(request.user)
    values = {
        "category": what["category"], "occurred_at": what["occurred_at"],
        "description": what["description"], "reporter_role": who["reporter_role"],
        "on_behalf_of_colleague": who["reporter_role"] != "victim",
        "perpetrator_type": involved["perpetrator_type"], "factors": involved["factors"],
        "police_informed": involved["police_informed"],
        "confidential": involved["confidential"],
    }
    staff = [{"staff_group": who["staff_group"], "injury": who["injury"],
              "injury_severity": who["injury_severity"] or ("none" if who["injury"] else ""),
              "lone_working": who["lone_working"]}]
    try:
        result = services.incident_create(actor=request.user, unit_id=what["unit"], values=values,
                                          staff=staff, incident_id=draft.draft_id,
                                          request=request)
    except services.IncidentRejected as rejected:
        errors = [{"text": p.message, "href": "#form"} for p in rejected.problems]
        return _render_page(request, PAGE_NAMES[-1], pages[PAGE_NAMES[-1]], extra_errors=errors)
    services.report_draft_discard(user=request.user)
    return redirect("incidents:report-done", incident_id=result.incident.pk)


@login_required
@require_POST
def report_discard(request: HttpRequest) -> HttpResponse:
    _reporter_required(request)
    services.report_draft_discard(user=request.user)
    messages.success(request, "Your unfinished report has been deleted.")
    return redirect("core:home")


def _get_or_404(request: HttpRequest, incident_id: Any) -> Any:
    try:
        return selectors.incident_get(request.user, incident_id, request=request)
    except selectors.IncidentNotFound:
        raise Http404 from None


@login_required
def report_done(request: HttpRequest, incident_id: Any) -> HttpResponse:
    incident = _get_or_404(request, incident_id)
    if incident.reported_by_id != request.user.pk:
        raise Http404
    return render(request, "incidents/report/done.jinja",
                  {"incident": incident, "page_title": "Report submitted"})


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    _reporter_required(request)
    rows = [presenters.incident_row(request.user, i) for i in selectors.my_reports(request.user)]
    return render(request, "incidents/my_reports.jinja", {"rows": rows, "page_title": "My reports",
                                                          "status_tag": presenters.status_tag})


@login_required
def my_report(request: HttpRequest, incident_id: Any) -> HttpResponse:
    incident = _get_or_404(request, incident_id)
    if incident.reported_by_id != request.user.pk:
        raise Http404
    return render(request, "incidents/my_report.jinja", {
        "incident": incident, "page_title": f"Report {incident.reference}",
        "status_tag": presenters.status_tag,
    })


@login_required
def triage_queue(request: HttpRequest) -> HttpResponse:
    if not scoping.can_triage(request.user):
        raise PermissionDenied
    rows = [presenters.incident_row(request.user, i) for i in selectors.triage_queue(request.user)]
    return render(request, "incidents/triage_queue.jinja", {
        "rows": rows, "page_title": "Triage", "status_tag": presenters.status_tag})


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    if not scoping.can_triage(request.user):
        raise PermissionDenied
    filter_form = forms.IncidentFilterForm(request.GET or None)
    filters = selectors.IncidentFilters()
    if filter_form.is_bound and filter_form.is_valid():
        filters = selectors.IncidentFilters(**filter_form.cleaned_data)
    page = Paginator(selectors.incident_list(request.user, filters), 25).get_page(
        request.GET.get("page"))
    rows = [presenters.incident_row(request.user, i) for i in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "incidents/incident_list.jinja", {
        "rows": rows, "page": page, "filter_form": filter_form, "page_title": "Incidents",
        "status_tag": presenters.status_tag, "query": query.urlencode(),
    })


def _triage_initial(incident: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    values, staff = services.incident_record(incident)
    values["version"] = incident.version
    return values, staff


@login_required
def incident_detail(request: HttpRequest, incident_id: Any) -> HttpResponse:
    incident = _get_or_404(request, incident_id)
    can_manage = scoping.can_manage_incident(request.user, incident)
    if incident.reported_by_id == request.user.pk and not can_manage:
        return redirect("incidents:my-report", incident_id=incident.pk)
    if not can_manage:
        raise Http404
    initial, staff_initial = _triage_initial(incident)
    form = forms.TriageForm(request.POST or None, initial=initial)
    staff_forms = forms.StaffAffectedFormSet(request.POST or None, initial=staff_initial,
                                             prefix="staff")
    conflict = False
    if request.method == "POST" and form.is_valid() and staff_forms.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "status")}
        try:
            services.incident_update(
                actor=request.user, incident=incident,
                expected_version=form.cleaned_data["version"], changes=changes,
                staff=[f.cleaned_data for f in staff_forms], status=form.cleaned_data["status"],
                request=request)
        except services.IncidentEditConflict:
            conflict = True
        except services.IncidentRejected as rejected:
            _attach_problems(form, staff_forms, rejected.problems)
        else:
            messages.success(request, f"{incident.reference} has been saved.")
            return redirect("incidents:detail", incident_id=incident.pk)
    return render(request, "incidents/incident_detail.jinja", {
        "incident": incident, "form": form, "staff_forms": staff_forms, "conflict": conflict,
        "page_title": f"Incident {incident.reference}",
        "reporter": presenters.reporter_name(request.user, incident),
        "extra_errors": _staff_errors(staff_forms) + (
            [{"text": "Someone else changed this incident: your changes have not been saved",
              "href": "#conflict"}] if conflict else []),
        "status_tag": presenters.status_tag,
        "aftercare": aftercare_presenters.incident_panel(request.user, incident),
    })


def _staff_errors(staff_forms: Any) -> list[dict[str, str]]:
    if not staff_forms.is_bound:
        return []
    errors = [{"text": e, "href": "#form"} for e in staff_forms.non_form_errors()]
    for staff_form in staff_forms:
        errors += [{"text": e, "href": f"#{bf.auto_id}"} for bf in staff_form for e in bf.errors]
        errors += [{"text": e, "href": "#form"} for e in staff_form.non_field_errors()]
    return errors


def _attach_problems(form: Any, staff_forms: Any, problems: list[Any]) -> None:
    for problem in problems:
        name = problem.field
        if name.startswith("staff["):
            index, _, field_name = name[len("staff["):].partition("].")
            target = staff_forms.forms[int(index)]
            target.add_error(field_name if field_name in target.fields else None, problem.message)
        else:
            form.add_error(name if name in form.fields else None, problem.message)
