"""Pages of the national collection."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from staffsafe.accounts import scoping
from staffsafe.audit.services import Action, audit_record
from staffsafe.collection import forms, presenters, selectors, services, standard_exports
from staffsafe.collection.validation import problems_csv
from staffsafe.core.downloads import attachment
from staffsafe.organisations.selectors import headcounts_for_month

Return = services.Return

# --- The published data standard: public documentation, open to everyone ---------------------


@require_safe
def dictionary(request: HttpRequest) -> HttpResponse:
    """The data dictionary, with links to the generated schemas and templates."""
    downloads = [{"title": export.title, "file_name": name,
                  "url": reverse("collection:standard-download", args=[name])}
                 for name, export in standard_exports.exports().items()]
    return render(request, "collection/dictionary.jinja", {
        "page_title": f"Data dictionary: national data standard {standard_exports.version()}",
        "version": standard_exports.version(),
        "legend": standard_exports.LEGEND,
        "sections": standard_exports.dictionary_sections(),
        "rules": standard_exports.cross_field_rules(),
        "code_lists": [(code_list, standard_exports.code_list_users(code_list))
                       for code_list in standard_exports.code_lists()],
        "downloads": downloads,
    })


@require_safe
def standard_download(request: HttpRequest, name: str) -> HttpResponse:
    """One published file of the standard, generated now from the standard in code."""
    export = standard_exports.exports().get(name)
    if export is None:
        raise Http404
    return attachment(export.content(), export.media_type, export.file_name)


# --- Monthly returns: trust submission, progress, reports; national submission status ---

def _submitter(request: HttpRequest) -> None:
    if not scoping.can_submit_returns(request.user):
        raise PermissionDenied


def _return_or_404(request: HttpRequest, return_id: int) -> Any:
    submission = selectors.return_get(request.user, return_id)
    if submission is None:
        raise Http404
    return submission


@login_required
def returns(request: HttpRequest) -> HttpResponse:
    if scoping.is_national(request.user):
        return redirect("collection:national-returns")
    _submitter(request)
    periods = [selectors.submission_status(request.user, p)[0]
               for p in selectors.recent_periods(6)]
    return render(request, "collection/returns.jinja", {
        "page_title": "Monthly returns", "periods": periods,
        "returns": selectors.returns_visible_to(request.user)[:50],
        "build_form": forms.BuildReturnForm(), "due_day": selectors.DUE_DAY,
        "state_tag": presenters.state_tag,
    })


@login_required
def return_upload(request: HttpRequest) -> HttpResponse:
    _submitter(request)
    form = forms.ReturnUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.return_submit(
                actor=request.user, trust=request.user.trust, period_start=data["period"],
                file_name=data["file"].name, content=data["file"].read(),
                source=Return.Source.UPLOAD, profile=data["profile"],
                headcounts=headcounts_for_month(request.user.trust, data["period"]),
                request=request)
        except services.ReturnRefused as refused:
            form.add_error("file", str(refused))
        else:
            if not result.created:
                messages.info(request, "This file was already received for this month.")
            return redirect("collection:return", return_id=result.submission.pk)
    return render(request, "collection/upload.jinja", {"form": form,
                                                       "page_title": "Upload a return"})


@login_required
@require_POST
def return_build(request: HttpRequest) -> HttpResponse:
    _submitter(request)
    form = forms.BuildReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Select the month to build the return for.")
        return redirect("collection:returns")
    result = services.return_build_from_incidents(actor=request.user, trust=request.user.trust,
                                                  period_start=form.cleaned_data["period"],
                                                  request=request)
    return redirect("collection:return", return_id=result.submission.pk)


@login_required
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    submission = _return_or_404(request, return_id)
    return render(request, "collection/return.jinja", {
        "page_title": f"Return for {submission.period_start:%B %Y}", "submission": submission,
        "processing": submission.status in (Return.Status.RECEIVED, Return.Status.VALIDATING),
        "state_tag": presenters.state_tag,
    })


@login_required
def return_progress(request: HttpRequest, return_id: int) -> JsonResponse:
    submission = _return_or_404(request, return_id)
    return JsonResponse({"status": submission.status, "label": submission.get_status_display(),
                         "progress": submission.progress})


@login_required
def return_report(request: HttpRequest, return_id: int) -> HttpResponse:
    submission = _return_or_404(request, return_id)
    audit_record(actor=request.user, action=Action.EXPORT, object_type="return",
                 object_id=submission.pk, trust=submission.trust, request=request,
                 detail="validation report")
    return attachment(problems_csv(presenters.problems_of(submission)),
                      "text/csv; charset=utf-8",
                      f"{submission.trust.ods_code}-{submission.period_start:%Y-%m}-report.csv")


@login_required
def national_returns(request: HttpRequest) -> HttpResponse:
    if not scoping.is_national(request.user):
        raise PermissionDenied
    form = forms.NationalPeriodForm(request.GET or None)
    period = (form.cleaned_data.get("period") if form.is_valid() else None) \
        or selectors.recent_periods(1)[0]
    rows = selectors.submission_status(request.user, period)
    counts = {state: sum(1 for r in rows if r.state == state)
              for state in ("accepted", "processing", "rejected", "late", "due")}
    return render(request, "collection/national_returns.jinja", {
        "page_title": "Returns by trust", "form": form, "rows": rows, "period": period,
        "counts": counts, "due": selectors.due_date(period), "state_tag": presenters.state_tag})
