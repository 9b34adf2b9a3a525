"""How aftercare, RIDDOR, police, sanctions and tasks read on a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from staffsafe.aftercare import selectors
from staffsafe.aftercare.models import CourtOutcome, Outcome, Step
from staffsafe.core.presenters import code_label, date_uk, datetime_uk, yes_no

SOON = timedelta(hours=24)
TASK_HORIZON = timedelta(days=7)
OUTCOME_SHORT = {Outcome.OFFERED: "Offered", Outcome.ACCEPTED: "Accepted",
                 Outcome.DECLINED: "Declined", Outcome.NOT_POSSIBLE: "Could not be offered"}
STEP_LABELS = dict(Step.choices)


def tag(text: str, colour: str) -> dict[str, str]:
    return {"text": text, "classes": f"nhsuk-tag--{colour}"}


def _due_tag(due_at: datetime, now: datetime) -> dict[str, str]:
    if now > due_at:
        return tag("Overdue", "red")
    if due_at - now <= SOON:
        return tag("Due soon", "orange")
    return tag("To do", "blue")


def task_path(task: selectors.Task) -> str:
    if task.kind == selectors.TASK_AFTERCARE:
        return reverse("aftercare:step", kwargs={"incident_id": task.incident_id,
                                                 "step": task.step})
    if task.kind == selectors.TASK_RIDDOR:
        return reverse("aftercare:riddor", kwargs={"incident_id": task.incident_id})
    return reverse("aftercare:sanction-review", kwargs={"incident_id": task.incident_id,
                                                        "sanction_id": task.sanction_id})


def due_text(due_at: datetime, all_day: bool) -> str:
    return date_uk(due_at) if all_day else datetime_uk(due_at)


# The task list -------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskRow:
    title: str
    href: str
    reference: str
    incident_href: str
    place: str
    due: str
    tag: dict[str, str]


@dataclass(frozen=True)
class TaskSection:
    heading: str
    caption: str
    rows: list[TaskRow]


def task_sections(tasks: list[selectors.Task], now: datetime) -> list[TaskSection]:
    rows: dict[str, list[TaskRow]] = {"overdue": [], "soon": [], "later": []}
    for task in tasks:
        group = ("overdue" if task.overdue(now)
                 else "soon" if task.due_at <= now + TASK_HORIZON else "later")
        rows[group].append(TaskRow(
            title=task.title, href=task_path(task), reference=task.reference,
            incident_href=reverse("incidents:detail", kwargs={"incident_id": task.incident_id}),
            place=task.place, due=due_text(task.due_at, task.all_day),
            tag=_due_tag(task.due_at, now)))
    return [
        TaskSection("Overdue", "Tasks past their due date, oldest first", rows["overdue"]),
        TaskSection("Due in the next 7 days", "Tasks due in the next 7 days", rows["soon"]),
        TaskSection("Later", "Tasks due later", rows["later"]),
    ]


# One incident's panel ------------------------------------------------------------------------

@dataclass(frozen=True)
class StepRow:
    step: str
    label: str
    due: str
    tag: dict[str, str]
    detail: str
    href: str


@dataclass(frozen=True)
class RiddorPanel:
    label: str
    reportable: bool
    reason: str
    deadline: str
    tag: dict[str, str] | None
    reported_on: str
    hse_reference: str
    mismatch: str
    href: str


@dataclass(frozen=True)
class SanctionRow:
    kind: str
    person: str
    decided: str
    review: str
    tag: dict[str, str]
    review_href: str | None


@dataclass(frozen=True)
class IncidentPanel:
    tracks_steps: bool
    steps: list[StepRow]
    riddor: RiddorPanel
    police: list[tuple[str, str]]
    police_href: str
    sanctions: list[SanctionRow]
    add_sanction_href: str


def _step_tag(state: selectors.StepState, now: datetime, tracking: bool) -> dict[str, str]:
    if state.records:
        outcome = state.records[-1].outcome
        colour = "green" if outcome in (Outcome.OFFERED, Outcome.ACCEPTED) else "grey"
        return tag(OUTCOME_SHORT.get(outcome, outcome), colour)
    if state.answered_on_incident:
        return tag("Done", "green")
    if state.due_at is None:
        return tag("Not tracked", "grey")
    if not tracking:
        return tag("Not recorded", "grey")
    return _due_tag(state.due_at, now)


def _step_detail(state: selectors.StepState) -> str:
    if state.records:
        last = state.records[-1]
        late = (state.due_at is not None and state.first_done_at is not None
                and state.first_done_at > state.due_at)
        return (f"{OUTCOME_SHORT.get(last.outcome, last.outcome)} on "
                f"{datetime_uk(last.happened_at)}, recorded by {last.recorded_by.display_name}"
                + (" (first offered after the target)" if late else ""))
    if state.answered_on_incident:
        return "Answered on the incident record"
    return ""


def riddor_panel(aftercare: selectors.IncidentAftercare,
                 now: datetime | None = None) -> RiddorPanel:
    now = now or timezone.now()
    incident, assessment = aftercare.incident, aftercare.assessment
    reported_on = incident.riddor_reported_on
    status = None
    if assessment.reportable and assessment.deadline:
        if reported_on:
            late = reported_on > assessment.deadline
            status = tag("Reported late" if late else "Reported", "orange" if late else "green")
        else:
            status = _due_tag(selectors.end_of_day(assessment.deadline), now)
    mismatch = ""
    if incident.riddor_reportable is not None and incident.riddor_reportable != \
            assessment.reportable:
        mismatch = (f"The incident's own answer to 'RIDDOR-reportable' is "
                    f"{yes_no(incident.riddor_reportable)}, but the recorded facts say "
                    f"{'it is' if assessment.reportable else 'it is not'}. Saving the RIDDOR "
                    "details brings the two into line.")
    return RiddorPanel(
        label=assessment.label, reportable=assessment.reportable, reason=assessment.reason,
        deadline=date_uk(assessment.deadline) if assessment.deadline else "",
        tag=status, reported_on=date_uk(reported_on) if reported_on else "Not reported",
        hse_reference=(aftercare.riddor_record.hse_reference if aftercare.riddor_record
                       else "") or "None recorded",
        mismatch=mismatch,
        href=reverse("aftercare:riddor", kwargs={"incident_id": incident.pk}))


def _police_rows(aftercare: selectors.IncidentAftercare) -> list[tuple[str, str]]:
    incident, record = aftercare.incident, aftercare.police_record
    court = dict(CourtOutcome.choices).get(record.court_outcome, "") if record else ""
    return [
        ("Police informed", yes_no(incident.police_informed)),
        ("Crime reference", (record.crime_reference if record else "") or "None recorded"),
        ("Police outcome", code_label(incident.police_outcome, "police_outcome")),
        ("Court outcome", court or "Not recorded"),
        ("Assaults on Emergency Workers (Offences) Act 2018 applies",
         yes_no(incident.emergency_worker_act_applies)),
    ]


def _sanction_row(sanction, now: datetime) -> SanctionRow:
    if sanction.ended_on:
        status, href = tag(f"Ended {date_uk(sanction.ended_on)}", "grey"), None
    else:
        overdue = now > selectors.end_of_day(sanction.review_on)
        status = tag("Review overdue", "red") if overdue else tag("In place", "blue")
        href = reverse("aftercare:sanction-review", kwargs={
            "incident_id": sanction.incident_id, "sanction_id": sanction.pk})
    return SanctionRow(kind=sanction.get_kind_display(),
                       person=sanction.perpetrator_reference or "None recorded",
                       decided=date_uk(sanction.decided_on), review=date_uk(sanction.review_on),
                       tag=status, review_href=href)


def incident_panel(user, incident, now: datetime | None = None) -> IncidentPanel:
    """The aftercare, RIDDOR, police and sanctions part of the manager's incident page."""
    now = now or timezone.now()
    aftercare = selectors.incident_aftercare(user, incident)
    tracking = aftercare.tracks_steps
    steps = [
        StepRow(step=state.step, label=state.label,
                due=datetime_uk(state.due_at) if state.due_at else "Not tracked",
                tag=_step_tag(state, now, tracking), detail=_step_detail(state),
                href=reverse("aftercare:step", kwargs={"incident_id": incident.pk,
                                                       "step": state.step}))
        for state in aftercare.steps
    ]
    return IncidentPanel(
        tracks_steps=tracking, steps=steps, riddor=riddor_panel(aftercare, now),
        police=_police_rows(aftercare),
        police_href=reverse("aftercare:police", kwargs={"incident_id": incident.pk}),
        sanctions=[_sanction_row(s, now) for s in aftercare.sanctions],
        add_sanction_href=reverse("aftercare:sanction-add", kwargs={"incident_id": incident.pk}),
    )


def step_history(aftercare: selectors.IncidentAftercare, step: str) -> list[dict[str, str]]:
    state = next(s for s in aftercare.steps if s.step == step)
    return [{"outcome": OUTCOME_SHORT.get(r.outcome, r.outcome),
             "when": datetime_uk(r.happened_at), "who": r.recorded_by.display_name,
             "note": r.note} for r in state.records]


def step_due(aftercare: selectors.IncidentAftercare, step: str) -> str:
    state = next(s for s in aftercare.steps if s.step == step)
    return datetime_uk(state.due_at) if state.due_at else ""


def sanction_summary(sanction) -> list[tuple[str, str]]:
    return [
        ("Sanction", sanction.get_kind_display()),
        ("Local reference for the person", sanction.perpetrator_reference or "None recorded"),
        ("Decided", date_uk(sanction.decided_on)),
        ("Last reviewed", date_uk(sanction.last_reviewed_on) if sanction.last_reviewed_on
         else "Not yet reviewed"),
        ("Review by", date_uk(sanction.review_on)),
    ]
