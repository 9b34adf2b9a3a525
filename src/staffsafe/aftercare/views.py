"""Support, RIDDOR, police, sanctions, the task list and the trust's targets.

Thin: forms check input, services write, selectors read, presenters shape the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from staffsafe.accounts import scoping
from staffsafe.aftercare import forms, presenters, selectors, services

CONFLICT = ("Someone else changed this record after you opened it, so your changes have not "
            "been saved. Open the page again to see the latest version")


def _posted(request: HttpRequest) -> Any:
    """The submitted data, even when empty (an empty POST must show errors, not a blank form)."""
    return request.POST if request.method == "POST" else None


def _incident(request: HttpRequest, incident_id: Any) -> Any:
    try:
        return selectors.incident_for_aftercare(request.user, incident_id, request=request)
    except selectors.IncidentNotFound:
        raise Http404 from None


def _save(form: Any, write: Callable[[dict[str, Any]], Any]) -> bool:
    """Call the service with the form's data; put any refusal beside the field it is about."""
    try:
        write(form.cleaned_data)
    except services.AftercareRejected as rejected:
        for problem in rejected.problems:
            form.add_error(problem.field if problem.field in form.fields else None,
                           problem.message)
    except services.AftercareConflict:
        form.add_error(None, CONFLICT)
    else:
        return True
    return False


def _done(request: HttpRequest, incident: Any, text: str) -> HttpResponse:
    messages.success(request, f"{incident.reference}: {text}")
    return redirect("incidents:detail", incident_id=incident.pk)


def _page(request: HttpRequest, template: str, incident: Any, form: Any, title: str,
          **context: Any) -> HttpResponse:
    return render(request, template, {"incident": incident, "form": form, "page_title": title,
                                      **context})


@login_required
def step_record(request: HttpRequest, incident_id: Any, step: str) -> HttpResponse:
    if step not in forms.STEP_VALUES:
        raise Http404
    incident = _incident(request, incident_id)
    now = timezone.localtime()
    form = forms.AftercareRecordForm(_posted(request), initial={
        "happened_on": now.date(), "happened_time": now.time().replace(second=0, microsecond=0)})
    label = forms.STEP_LABELS[step]
    if request.method == "POST" and form.is_valid() and _save(form, lambda d: (
            services.aftercare_record_create(
                actor=request.user, incident=incident, step=step, outcome=d["outcome"],
                happened_at=d["happened_at"], note=d["note"], request=request))):
        return _done(request, incident, f"{label.lower()} recorded.")
    aftercare = selectors.incident_aftercare(request.user, incident)
    return _page(request, "aftercare/step.jinja", incident, form, f"Record {label.lower()}",
                 label=label, due=presenters.step_due(aftercare, step),
                 history=presenters.step_history(aftercare, step))


@login_required
def riddor_details(request: HttpRequest, incident_id: Any) -> HttpResponse:
    incident = _incident(request, incident_id)
    aftercare = selectors.incident_aftercare(request.user, incident)
    record = aftercare.riddor_record
    form = forms.RiddorForm(_posted(request), initial={
        "version": incident.version, "record_version": record.version if record else 0,
        "reported_on": incident.riddor_reported_on,
        "hse_reference": record.hse_reference if record else ""})
    if request.method == "POST" and form.is_valid() and _save(form, lambda d: (
            services.riddor_report_save(
                actor=request.user, incident=incident, expected_version=d["version"],
                record_version=d["record_version"], reported_on=d["reported_on"],
                hse_reference=d["hse_reference"], request=request))):
        return _done(request, incident, "RIDDOR details saved.")
    return _page(request, "aftercare/riddor.jinja", incident, form, "RIDDOR",
                 riddor=presenters.riddor_panel(aftercare))


@login_required
def police_details(request: HttpRequest, incident_id: Any) -> HttpResponse:
    incident = _incident(request, incident_id)
    record = selectors.incident_aftercare(request.user, incident).police_record
    form = forms.PoliceForm(_posted(request), initial={
        "version": incident.version, "record_version": record.version if record else 0,
        "police_informed": incident.police_informed, "police_outcome": incident.police_outcome,
        "emergency_worker_act_applies": incident.emergency_worker_act_applies,
        "crime_reference": record.crime_reference if record else "",
        "court_outcome": record.court_outcome if record else ""})
    if request.method == "POST" and form.is_valid() and _save(form, lambda d: (
            services.police_record_save(
                actor=request.user, incident=incident, expected_version=d["version"],
                record_version=d["record_version"], police_informed=d["police_informed"],
                police_outcome=d["police_outcome"], crime_reference=d["crime_reference"],
                court_outcome=d["court_outcome"],
                emergency_worker_act_applies=d["emergency_worker_act_applies"],
                request=request))):
        return _done(request, incident, "police details saved.")
    return _page(request, "aftercare/police.jinja", incident, form, "Police")


@login_required
def sanction_add(request: HttpRequest, incident_id: Any) -> HttpResponse:
    incident = _incident(request, incident_id)
    form = forms.SanctionForm(_posted(request))
    if request.method == "POST" and form.is_valid() and _save(form, lambda d: (
            services.sanction_add(actor=request.user, incident=incident, request=request, **d))):
        return _done(request, incident, "sanction recorded.")
    return _page(request, "aftercare/sanction_add.jinja", incident, form, "Add a sanction")


@login_required
def sanction_review(request: HttpRequest, incident_id: Any, sanction_id: int) -> HttpResponse:
    incident = _incident(request, incident_id)
    try:
        sanction = selectors.sanction_for(request.user, incident, sanction_id)
    except selectors.IncidentNotFound:
        raise Http404 from None
    form = forms.SanctionReviewForm(_posted(request), initial={"version": sanction.version})
    if request.method == "POST" and form.is_valid() and _save(form, lambda d: (
            services.sanction_review(
                actor=request.user, sanction=sanction, expected_version=d["version"],
                reviewed_on=d["reviewed_on"], keep=d["decision"] == "keep",
                next_review_on=d["next_review_on"], request=request))):
        return _done(request, incident, "sanction review recorded.")
    return _page(request, "aftercare/sanction_review.jinja", incident, form,
                 "Review a sanction", sanction=presenters.sanction_summary(sanction))


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    if not scoping.can_see_tasks(request.user):
        raise PermissionDenied
    tasks = selectors.tasks_for(request.user)
    return render(request, "aftercare/tasks.jinja", {
        "page_title": "Your tasks", "count": len(tasks),
        "sections": presenters.task_sections(tasks, timezone.now()),
        "can_set_targets": scoping.can_set_aftercare_targets(request.user),
    })


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    if not scoping.can_set_aftercare_targets(request.user):
        raise PermissionDenied
    current = selectors.targets_for(request.user)
    form = forms.TargetsForm(_posted(request),
                             initial={f"{step}_hours": hours for step, hours in current.items()})
    if request.method == "POST" and form.is_valid() and _save(form, lambda d: (
            services.aftercare_targets_set(actor=request.user, hours=form.hours(),
                                           request=request))):
        messages.success(request, "Aftercare targets saved.")
        return redirect("aftercare:tasks")
    return render(request, "aftercare/targets.jinja", {"form": form,
                                                       "page_title": "Aftercare targets"})
