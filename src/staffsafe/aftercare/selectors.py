"""Every read of aftercare, RIDDOR, police, sanctions and tasks, scoped by accounts.scoping.

Due dates are derived, never stored:
- each step of support is due a number of hours after the incident was *reported*, from the
  trust's targets (defaults in settings.AFTERCARE_DEFAULT_TARGET_HOURS: manager contact 24 hours,
  debrief 72 hours, wellbeing conversation 120 hours (5 days), occupational health referral
  offered 168 hours (7 days)); a step is a task while the incident is open (submitted or in
  review) and nothing has been recorded for it. Closing the record ends its support tasks.
- a RIDDOR report is due by the deadline `riddor.assess` gives, until the incident records the
  date it was reported, whatever the incident's status;
- a sanction is due for review on its review date until it ends.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from staffsafe.accounts import scoping
from staffsafe.accounts.models import Role
from staffsafe.aftercare import riddor
from staffsafe.aftercare.deadlines import (
    INCIDENT_FIELD_FOR_STEP,
    STEPS,
    default_targets,
    end_of_day,
    riddor_assessment,
    row_targets,
)
from staffsafe.aftercare.models import (
    AftercareRecord,
    AftercareTargets,
    PoliceRecord,
    RiddorRecord,
    Sanction,
    Step,
)
from staffsafe.incidents import selectors as incident_selectors
from staffsafe.incidents.models import Incident, Status
from staffsafe.organisations.models import Trust

IncidentNotFound = incident_selectors.IncidentNotFound

TASK_AFTERCARE, TASK_RIDDOR, TASK_SANCTION_REVIEW = "aftercare", "riddor", "sanction_review"


@dataclass(frozen=True)
class Task:
    """Something a person must do by a time: derived, never stored."""

    kind: str
    key: str  # stable: names the thing to do, for reminders
    title: str
    due_at: datetime
    all_day: bool  # due by the end of a date rather than at a time
    incident_id: uuid.UUID
    reference: str
    trust_id: int
    unit_id: int
    place: str
    step: str = ""
    sanction_id: int | None = None

    def overdue(self, now: datetime) -> bool:
        return now > self.due_at


# Targets -------------------------------------------------------------------------------------

def targets_for_trusts(trust_ids: Iterable[int]) -> dict[int, dict[str, int | None]]:
    ids = set(trust_ids)
    targets = {trust_id: default_targets() for trust_id in ids}
    for row in AftercareTargets.objects.filter(trust_id__in=ids):
        targets[row.trust_id] = row_targets(row)
    return targets


def targets_for(user) -> dict[str, int | None]:
    """The targets of the person's own trust (what the lead's page shows)."""
    if not scoping.can_see_tasks(user) and not scoping.can_set_aftercare_targets(user):
        return default_targets()
    return targets_for_trusts([user.trust_id])[user.trust_id]


# One incident --------------------------------------------------------------------------------

def incident_for_aftercare(user, incident_id: object, *, request=None) -> Incident:
    """An incident the person manages (the view is audited); anything else is "not found"."""
    incident = incident_selectors.incident_get(user, incident_id, request=request)
    if not scoping.can_manage_aftercare(user, incident):
        raise IncidentNotFound(str(incident_id))
    return incident


@dataclass(frozen=True)
class StepState:
    step: str
    label: str
    due_at: datetime | None  # None: the trust does not track this step
    records: list[AftercareRecord]
    answered_on_incident: bool  # the incident's own field says it was offered

    @property
    def done(self) -> bool:
        return bool(self.records) or self.answered_on_incident

    @property
    def first_done_at(self) -> datetime | None:
        return self.records[0].happened_at if self.records else None


@dataclass(frozen=True)
class IncidentAftercare:
    incident: Incident
    steps: list[StepState]
    assessment: riddor.RiddorAssessment
    riddor_record: RiddorRecord | None
    police_record: PoliceRecord | None
    sanctions: list[Sanction]

    @property
    def tracks_steps(self) -> bool:
        return self.incident.status != Status.CLOSED


def _answered(incident: Incident, step: str) -> bool:
    name = INCIDENT_FIELD_FOR_STEP.get(step)
    if name is None:
        return False
    value = getattr(incident, name)
    # A referral answered either way is a decision made; "offered" fields count only as yes.
    return value is not None if step == Step.OCCUPATIONAL_HEALTH_REFERRAL else value is True


def step_states(incident: Incident, targets: dict[str, int | None],
                records: Iterable[AftercareRecord]) -> list[StepState]:
    by_step: dict[str, list[AftercareRecord]] = defaultdict(list)
    for record in records:
        by_step[record.step].append(record)
    states = []
    for step in STEPS:
        hours = targets.get(step.value)
        states.append(StepState(
            step=step.value, label=step.label,
            due_at=incident.reported_at + timedelta(hours=hours) if hours else None,
            records=sorted(by_step[step.value], key=lambda r: (r.happened_at, r.pk)),
            answered_on_incident=_answered(incident, step.value)))
    return states


def incident_aftercare(user, incident: Incident) -> IncidentAftercare:
    """Everything after the incident, for the people who manage it."""
    if not scoping.can_manage_aftercare(user, incident):
        raise IncidentNotFound(str(incident.pk))
    targets = targets_for_trusts([incident.trust_id])[incident.trust_id]
    records = AftercareRecord.objects.filter(incident=incident).select_related("recorded_by")
    return IncidentAftercare(
        incident=incident,
        steps=step_states(incident, targets, records),
        assessment=riddor_assessment(incident),
        riddor_record=RiddorRecord.objects.filter(incident=incident).first(),
        police_record=PoliceRecord.objects.filter(incident=incident).first(),
        sanctions=list(Sanction.objects.filter(incident=incident)),
    )


def sanction_for(user, incident: Incident, sanction_id: int) -> Sanction:
    sanction = Sanction.objects.filter(pk=sanction_id, incident=incident).first()
    if sanction is None or not scoping.can_manage_aftercare(user, incident):
        raise IncidentNotFound(str(sanction_id))
    return sanction


# Tasks ---------------------------------------------------------------------------------------

def _base(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    return incidents.select_related("unit", "unit__site")


def _task(incident: Incident, kind: str, key: str, title: str, due_at: datetime, *,
          all_day: bool, **extra: object) -> Task:
    return Task(kind=kind, key=key, title=title, due_at=due_at, all_day=all_day,
                incident_id=incident.pk, reference=incident.reference,
                trust_id=incident.trust_id, unit_id=incident.unit_id,
                place=f"{incident.unit.name}, {incident.unit.site.name}", **extra)  # type: ignore[arg-type]


def _aftercare_tasks(incidents: QuerySet[Incident]) -> list[Task]:
    open_incidents = list(_base(incidents).exclude(status=Status.CLOSED))
    if not open_incidents:
        return []
    targets = targets_for_trusts({i.trust_id for i in open_incidents})
    records: dict[uuid.UUID, list[AftercareRecord]] = defaultdict(list)
    for record in AftercareRecord.objects.filter(incident__in=[i.pk for i in open_incidents]):
        records[record.incident_id].append(record)
    tasks = []
    for incident in open_incidents:
        for state in step_states(incident, targets[incident.trust_id], records[incident.pk]):
            if state.due_at is None or state.done:
                continue
            tasks.append(_task(incident, TASK_AFTERCARE, f"aftercare:{incident.pk}:{state.step}",
                               state.label, state.due_at, all_day=False, step=state.step))
    return tasks


def _riddor_tasks(incidents: QuerySet[Incident]) -> list[Task]:
    candidates = (_base(incidents).filter(category__in=riddor.PHYSICAL_VIOLENCE_CATEGORIES,
                                          staff__injury=True, riddor_reported_on__isnull=True)
                  .distinct().prefetch_related("staff"))
    tasks = []
    for incident in candidates:
        assessment = riddor_assessment(incident)
        if assessment.reportable and assessment.deadline:
            tasks.append(_task(incident, TASK_RIDDOR, f"riddor:{incident.pk}",
                               "Report to HSE under RIDDOR", end_of_day(assessment.deadline),
                               all_day=True))
    return tasks


def _sanction_tasks(incidents: QuerySet[Incident]) -> list[Task]:
    sanctions = (Sanction.objects.filter(incident__in=incidents, ended_on__isnull=True)
                 .select_related("incident", "incident__unit", "incident__unit__site"))
    return [
        _task(s.incident, TASK_SANCTION_REVIEW, f"sanction:{s.pk}",
              f"Review the {s.get_kind_display().lower()}", end_of_day(s.review_on),
              all_day=True, sanction_id=s.pk)
        for s in sanctions
    ]


def _tasks(incidents: QuerySet[Incident]) -> list[Task]:
    tasks = _aftercare_tasks(incidents) + _riddor_tasks(incidents) + _sanction_tasks(incidents)
    return sorted(tasks, key=lambda t: (t.due_at, t.reference, t.key))


def tasks_for(user) -> list[Task]:
    """What a person must do: a manager for their units' incidents, the lead for the trust."""
    scope = scoping.managed_incident_filter(user)
    if scope is None:
        return []
    return _tasks(Incident.objects.filter(scope))


def trust_tasks(trust_id: int) -> list[Task]:
    """Every open task of one trust, for the reminder scheduler.

    Not scoped to a person: only `aftercare.reminders` calls it, and it sends each task only to
    people `scoping.can_manage_aftercare` allows.
    """
    return _tasks(Incident.objects.filter(trust_id=trust_id))


# Who hears about tasks ----------------------------------------------------------------------

def trusts_with_people() -> QuerySet[Trust]:
    """Trusts with a manager or lead who has an e-mail address: the only ones to remind."""
    people = get_user_model().objects.filter(is_active=True, role__in=(Role.MANAGER, Role.LEAD),
                                             trust__isnull=False).exclude(email="")
    return Trust.objects.filter(pk__in=people.values("trust_id")).order_by("pk")


def reminder_people(trust_id: int) -> tuple[dict[int, list], list]:
    """A trust's managers by unit, and its leads: the people who may be reminded."""
    people = (get_user_model().objects.filter(trust_id=trust_id, is_active=True,
                                              role__in=(Role.MANAGER, Role.LEAD))
              .exclude(email="").prefetch_related("units").order_by("pk"))
    managers: dict[int, list] = defaultdict(list)
    leads = []
    for person in people:
        if person.role == Role.LEAD:
            leads.append(person)
            continue
        for unit in person.units.all():
            managers[unit.pk].append(person)
    return managers, leads
