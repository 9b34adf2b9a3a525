"""Demo aftercare for `staffsafe demo`: some support recorded, some overdue; reports to HSE;
police details; sanctions with one review overdue. Written through the services, so audited."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from staffsafe.aftercare import deadlines, services
from staffsafe.incidents.models import Incident, Status


def _support(incidents: list[Incident], actor, rng: random.Random) -> None:
    now = timezone.now()
    for incident in incidents:
        if rng.random() < 0.3:
            continue  # left for the task list: overdue or due soon
        for step, outcome, hours in (("manager_contact", "accepted", rng.choice([2, 6, 20, 30])),
                                     ("debrief", rng.choice(["offered", "accepted",
                                                             "declined"]), rng.choice([24, 80]))):
            happened = incident.reported_at + timedelta(hours=hours)
            if happened < now:
                services.aftercare_record_create(actor=actor, incident=incident, step=step,
                                                 outcome=outcome, happened_at=happened)


def _riddor(incidents: list[Incident], actor, rng: random.Random) -> None:
    today = timezone.localdate()
    late = True  # the first one past its deadline was reported a day late
    for incident in incidents:
        assessment = deadlines.riddor_assessment(incident)
        if not assessment.reportable or assessment.deadline is None \
                or assessment.deadline >= today:
            continue  # not reportable, or still in time: then it shows on the task list
        occurred_on = timezone.localtime(incident.occurred_at).date()
        reported_on = (assessment.deadline + timedelta(days=1) if late
                       else occurred_on + timedelta(days=rng.randint(1, 9)))
        late = False
        services.riddor_report_save(
            actor=actor, incident=incident, expected_version=incident.version,
            record_version=0, reported_on=min(reported_on, today),
            hse_reference=f"DEMO{rng.randint(100000, 999999)}")


def _police_and_sanctions(incidents: list[Incident], actor, rng: random.Random) -> None:
    today = timezone.localdate()
    for index, incident in enumerate(incidents[:3]):
        services.police_record_save(
            actor=actor, incident=incident, expected_version=incident.version,
            record_version=0, police_informed=True, police_outcome=incident.police_outcome,
            emergency_worker_act_applies=incident.sector == "ambulance",
            crime_reference=f"CR/{rng.randint(1000, 9999)}/{incident.occurred_at:%y}")
        decided = max(timezone.localtime(incident.occurred_at).date(),
                      today - timedelta(days=100))
        # The first review is overdue, the others come up later.
        review = decided + timedelta(days=90) if index == 0 else today + timedelta(days=21 * index)
        services.sanction_add(actor=actor, incident=incident,
                              kind=("warning_letter", "acceptable_behaviour_agreement",
                                    "record_flag")[index],
                              decided_on=decided, review_on=max(review, decided
                                                                + timedelta(days=1)),
                              perpetrator_reference=f"P-{rng.randint(1000, 9999)}")


def load_demo_aftercare(*, trust, lead, rng: random.Random) -> None:
    """Add aftercare to a demo trust's incidents (called once, when the trust is created)."""
    incidents = Incident.objects.filter(trust=trust).prefetch_related("staff").select_related(
        "trust").order_by("reported_at")
    _support([i for i in incidents if i.status != Status.CLOSED], lead, rng)
    _riddor([i for i in incidents.filter(category="physical_assault", staff__injury=True)
             .distinct()], lead, rng)
    with_police = [Incident.objects.select_related("trust").get(pk=i.pk) for i in incidents
                   if i.police_informed and i.category == "physical_assault"]
    _police_and_sanctions(with_police[-3:], lead, rng)
