"""Tasks: derived from the incidents and the trust's targets, and scoped to who manages them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from staffsafe.aftercare import selectors, services
from staffsafe.incidents import services as incident_services
from staffsafe.incidents.models import Incident
from tests.aftercare.builders import physical_incident
from tests.factories import make_incident

LONDON = ZoneInfo("Europe/London")
# A Monday morning in March, before the clocks change.
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


@pytest.fixture
def monday(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(MONDAY_9AM, tick=False)
    return time_machine


def _keys(tasks) -> set[str]:  # type: ignore[no-untyped-def]
    return {t.key.split(":", 2)[-1] if t.kind == "aftercare" else t.kind for t in tasks}


def test_due_dates_come_from_the_report_time_and_the_default_targets(world, monday):
    incident = make_incident(world.reporter, world.ward)
    tasks = {t.step: t for t in selectors.tasks_for(world.manager)}
    assert {step: task.due_at for step, task in tasks.items()} == {
        "manager_contact": MONDAY_9AM + timedelta(hours=24),
        "debrief": MONDAY_9AM + timedelta(hours=72),
        "wellbeing_conversation": MONDAY_9AM + timedelta(hours=120),
        "occupational_health_referral": MONDAY_9AM + timedelta(hours=168),
    }
    assert all(t.reference == incident.reference and not t.all_day for t in tasks.values())


def test_the_trusts_targets_move_the_due_dates_and_an_empty_target_stops_tracking(world,
                                                                                   monday):
    make_incident(world.reporter, world.ward)
    services.aftercare_targets_set(actor=world.lead, hours={
        "manager_contact": 4, "occupational_health_referral": None})
    tasks = {t.step: t for t in selectors.tasks_for(world.lead)}
    assert tasks["manager_contact"].due_at == MONDAY_9AM + timedelta(hours=4)
    assert "occupational_health_referral" not in tasks


def test_overdue_is_judged_against_a_frozen_clock(world, monday):
    make_incident(world.reporter, world.ward)
    [contact] = [t for t in selectors.tasks_for(world.manager) if t.step == "manager_contact"]
    monday.move_to(MONDAY_9AM + timedelta(hours=24), tick=False)
    assert not contact.overdue(timezone.now())  # due by 9am Tuesday: still in time at 9am
    monday.move_to(MONDAY_9AM + timedelta(hours=24, seconds=1), tick=False)
    assert contact.overdue(timezone.now())


def test_a_recorded_step_or_an_answer_on_the_incident_is_no_longer_a_task(world, monday):
    incident = make_incident(world.reporter, world.ward)
    services.aftercare_record_create(actor=world.manager, incident=incident,
                                     step="manager_contact", outcome="accepted",
                                     happened_at=timezone.now())
    incident_services.incident_update(
        actor=world.manager, incident=incident, expected_version=1,
        changes={"debrief_offered": True, "wellbeing_conversation_offered": False})
    steps = {t.step for t in selectors.tasks_for(world.manager)}
    # "Not offered" is not an offer: the wellbeing conversation is still due.
    assert steps == {"wellbeing_conversation", "occupational_health_referral"}


def test_closing_an_incident_ends_its_support_tasks(world, monday):
    incident = make_incident(world.reporter, world.ward)
    incident_services.incident_update(actor=world.manager, incident=incident,
                                      expected_version=1, status="closed",
                                      changes={"medical_factors": False,
                                               "police_informed": False})
    assert selectors.tasks_for(world.manager) == []


def test_a_riddor_report_is_a_task_until_the_incident_records_it_whatever_its_status(world,
                                                                                     monday):
    incident = physical_incident(world, severity="moderate", days_absent=8,
                                 occurred_at=MONDAY_9AM - timedelta(hours=2))
    [task] = [t for t in selectors.tasks_for(world.lead) if t.kind == "riddor"]
    # 15 days after Monday 2 March: by the end of Tuesday 17 March.
    assert task.all_day and timezone.localtime(task.due_at).date().isoformat() == "2026-03-17"
    assert timezone.localtime(task.due_at).hour == 23
    incident_services.incident_update(actor=world.lead, incident=incident, expected_version=1,
                                      status="closed", changes={
                                          "medical_factors": False, "police_informed": False,
                                          "riddor_reportable": True})
    assert [t.kind for t in selectors.tasks_for(world.lead)] == ["riddor"]
    services.riddor_report_save(actor=world.lead, incident=Incident.objects.get(pk=incident.pk),
                                expected_version=2, record_version=0,
                                reported_on=timezone.localdate())
    assert selectors.tasks_for(world.lead) == []


@pytest.mark.parametrize(("facts", "riddor_task"), [
    ({"severity": "severe"}, True),
    ({"severity": "moderate", "days_absent": 8}, True),
    ({"severity": "moderate", "days_absent": 7}, False),
    ({"severity": "low", "perpetrator": "colleague", "days_absent": 9}, True),
])
def test_only_reportable_incidents_have_a_riddor_task(world, monday, facts, riddor_task):
    physical_incident(world, **facts)
    assert ("riddor" in _keys(selectors.tasks_for(world.lead))) is riddor_task


def test_verbal_abuse_never_has_a_riddor_task(world, monday):
    make_incident(world.reporter, world.ward,
                  staff=[{"staff_group": "admin_clerical", "injury": True,
                          "injury_severity": "severe", "lone_working": False}])
    assert "riddor" not in _keys(selectors.tasks_for(world.lead))


def test_a_sanction_is_due_for_review_until_it_ends(world, monday):
    incident = make_incident(world.reporter, world.ward)
    today = timezone.localdate()
    sanction = services.sanction_add(actor=world.manager, incident=incident,
                                     kind="warning_letter", decided_on=today,
                                     review_on=today + timedelta(days=28))
    [review] = [t for t in selectors.tasks_for(world.manager) if t.kind == "sanction_review"]
    assert review.title == "Review the warning letter" and review.sanction_id == sanction.pk
    services.sanction_review(actor=world.manager, sanction=sanction, expected_version=1,
                             reviewed_on=today, keep=False)
    assert "sanction_review" not in _keys(selectors.tasks_for(world.manager))


# Scoping -------------------------------------------------------------------------------------

def test_a_manager_sees_their_units_tasks_only(world, monday):
    on_ward = make_incident(world.reporter, world.ward)
    elsewhere = make_incident(world.reporter, world.other_ward)
    own_report = make_incident(world.manager, world.other_ward)  # their own, not their unit's
    references = {t.reference for t in selectors.tasks_for(world.manager)}
    assert references == {on_ward.reference}
    lead = {t.reference for t in selectors.tasks_for(world.lead)}
    assert lead == {on_ward.reference, elsewhere.reference, own_report.reference}


def test_another_trust_and_other_roles_see_no_tasks(world, other_world, national_analyst,
                                                    national_admin, monday):
    incident = physical_incident(world, severity="severe")
    services.sanction_add(actor=world.lead, incident=incident, kind="injunction",
                          decided_on=timezone.localdate(),
                          review_on=timezone.localdate() + timedelta(days=1))
    assert len(selectors.tasks_for(world.lead)) == 6  # four steps, RIDDOR, a review
    for person in (other_world.manager, other_world.lead, other_world.reporter,
                   world.reporter, world.trust_admin, national_analyst, national_admin):
        assert selectors.tasks_for(person) == [], person.username


def test_a_signed_out_person_has_no_tasks(world, monday):
    from django.contrib.auth.models import AnonymousUser

    make_incident(world.reporter, world.ward)
    assert selectors.tasks_for(AnonymousUser()) == []


def test_an_incidents_aftercare_is_not_found_outside_scope(world, other_world, incident):
    assert selectors.incident_aftercare(world.manager, incident).incident == incident
    for outsider in (other_world.lead, world.reporter, world.trust_admin):
        with pytest.raises(selectors.IncidentNotFound):
            selectors.incident_aftercare(outsider, incident)
        with pytest.raises(selectors.IncidentNotFound):
            selectors.incident_for_aftercare(outsider, incident.pk)


def test_tasks_come_in_due_order(world, monday):
    first = make_incident(world.reporter, world.ward)
    monday.move_to(MONDAY_9AM + timedelta(hours=1), tick=False)
    second = make_incident(world.reporter, world.ward)
    tasks = selectors.tasks_for(world.manager)
    assert [t.due_at for t in tasks] == sorted(t.due_at for t in tasks)
    assert [t.reference for t in tasks[:2]] == [first.reference, second.reference]
