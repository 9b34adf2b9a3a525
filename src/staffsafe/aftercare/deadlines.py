"""Due dates and the RIDDOR decision for one incident, worked out from its record.

Shared by the selectors (what is due) and the services (what may be recorded), so that both
judge an incident the same way.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

from staffsafe.aftercare import riddor
from staffsafe.aftercare.models import AftercareTargets, Step
from staffsafe.incidents.models import Incident

STEPS = tuple(Step)
# The incident's own data-standard answer that also counts as the step being done.
INCIDENT_FIELD_FOR_STEP = {
    Step.WELLBEING_CONVERSATION: "wellbeing_conversation_offered",
    Step.DEBRIEF: "debrief_offered",
    Step.OCCUPATIONAL_HEALTH_REFERRAL: "occupational_health_referral",
}


def end_of_day(day: date) -> datetime:
    """A date deadline is met until the day ends, in the trust's (the service's) time zone."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def default_targets() -> dict[str, int | None]:
    return {step.value: settings.AFTERCARE_DEFAULT_TARGET_HOURS.get(step.value) for step in STEPS}


def row_targets(row: AftercareTargets) -> dict[str, int | None]:
    return {step.value: getattr(row, f"{step.value}_hours") for step in STEPS}


def riddor_assessment(incident: Incident) -> riddor.RiddorAssessment:
    """The decision for the incident: the most serious of each injured person's."""
    occurred_on = timezone.localtime(incident.occurred_at).date()
    people = [m for m in incident.staff.all() if m.injury] or [None]
    assessments = [
        riddor.assess(
            category=incident.category, occurred_on=occurred_on, injured=member is not None,
            perpetrator_type=incident.perpetrator_type,
            injury_severity=member.injury_severity if member else None,
            days_off_normal_duties=member.days_absent if member else None,
        )
        for member in people
    ]
    return riddor.most_serious(assessments)  # type: ignore[return-value]
