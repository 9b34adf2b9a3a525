"""Aftercare services: each write audits itself and keeps the incident's own fields in step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from staffsafe.aftercare import services
from staffsafe.aftercare.models import AftercareRecord, AftercareTargets, Sanction
from staffsafe.audit.models import AuditEvent
from staffsafe.incidents import services as incident_services
from staffsafe.incidents.models import Incident
from tests.aftercare.builders import physical_incident


def _events(object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=object_type).order_by("id"))


def _fresh(incident) -> Incident:  # type: ignore[no-untyped-def]
    return Incident.objects.get(pk=incident.pk)


# Steps of support ----------------------------------------------------------------------------

def test_a_debrief_offered_is_recorded_audited_and_answers_the_incident(world, incident):
    record = services.aftercare_record_create(
        actor=world.manager, incident=incident, step="debrief", outcome="declined",
        happened_at=timezone.now(), note="Offered on the ward.")
    assert record.recorded_by == world.manager and record.outcome == "declined"
    [event] = _events("aftercare_record")
    assert event.action == "create" and event.trust == world.trust
    assert event.changes["step"] == [None, "debrief"]
    incident = _fresh(incident)
    assert incident.debrief_offered is True and incident.version == 2
    change = AuditEvent.objects.get(object_type="incident", action="change")
    assert change.changes == {"debrief_offered": [None, True]}


@pytest.mark.parametrize(("outcome", "answer"), [("accepted", True), ("declined", False),
                                                 ("not_possible", False), ("offered", None)])
def test_an_occupational_health_referral_answers_the_incident_only_when_decided(
        world, incident, outcome, answer):
    services.aftercare_record_create(actor=world.lead, incident=incident,
                                     step="occupational_health_referral", outcome=outcome,
                                     happened_at=timezone.now())
    assert _fresh(incident).occupational_health_referral is answer


def test_manager_contact_has_no_incident_field_and_leaves_the_incident_alone(world, incident):
    services.aftercare_record_create(actor=world.manager, incident=incident,
                                     step="manager_contact", outcome="accepted",
                                     happened_at=timezone.now())
    assert _fresh(incident).version == 1


def test_a_record_for_someone_elses_incident_is_refused_and_audited(world, other_world,
                                                                     incident):
    for outsider in (other_world.manager, other_world.lead, world.reporter, world.trust_admin):
        with pytest.raises(services.AftercareRefused):
            services.aftercare_record_create(actor=outsider, incident=incident,
                                             step="debrief", outcome="offered",
                                             happened_at=timezone.now())
    assert AftercareRecord.objects.count() == 0
    assert AuditEvent.objects.filter(action="refused", object_type="incident").count() == 4


def test_a_manager_of_another_unit_cannot_record(world, incident):
    world.manager.units.set([world.other_ward])
    with pytest.raises(services.AftercareRefused):
        services.aftercare_record_create(actor=world.manager, incident=incident,
                                         step="debrief", outcome="offered",
                                         happened_at=timezone.now())


@pytest.mark.parametrize(("changes", "field"), [
    ({"happened_at": timezone.now() + timedelta(days=2)}, "happened_on"),
    ({"happened_at": timezone.now() - timedelta(days=30)}, "happened_on"),
    ({"outcome": "maybe"}, "outcome"),
    ({"step": "massage"}, "step"),
    ({"note": "x" * 6000}, "note"),
])
def test_bad_records_are_rejected_with_the_field_named(world, incident, changes, field):
    values = {"step": "debrief", "outcome": "offered", "happened_at": timezone.now(), **changes}
    with pytest.raises(services.AftercareRejected) as rejected:
        services.aftercare_record_create(actor=world.manager, incident=incident, **values)
    assert field in {p.field for p in rejected.value.problems}
    assert AftercareRecord.objects.count() == 0 and _fresh(incident).version == 1


# Targets -------------------------------------------------------------------------------------

def test_the_lead_sets_targets_and_the_change_is_audited(world):
    services.aftercare_targets_set(actor=world.lead, hours={"debrief": 48,
                                                            "occupational_health_referral": None})
    row = AftercareTargets.objects.get(trust=world.trust)
    assert (row.debrief_hours, row.manager_contact_hours, row.occupational_health_referral_hours
            ) == (48, 24, None)
    [event] = _events("aftercare_targets")
    assert event.changes == {"debrief": [72, 48], "occupational_health_referral": [168, None]}


@pytest.mark.parametrize("who", ["manager", "reporter", "trust_admin"])
def test_only_the_lead_sets_targets(world, who):
    with pytest.raises(services.AftercareRefused):
        services.aftercare_targets_set(actor=getattr(world, who), hours={"debrief": 1})


@pytest.mark.parametrize("hours", [0, -3, 1441, "24"])
def test_targets_out_of_range_are_rejected(world, hours):
    with pytest.raises(services.AftercareRejected) as rejected:
        services.aftercare_targets_set(actor=world.lead, hours={"debrief": hours})
    assert rejected.value.problems[0].field == "debrief_hours"


# RIDDOR --------------------------------------------------------------------------------------

def test_recording_the_hse_report_updates_the_incident_through_its_service(world):
    incident = physical_incident(world, severity="severe")
    reported_on = timezone.localdate()
    record = services.riddor_report_save(
        actor=world.lead, incident=incident, expected_version=1, record_version=0,
        reported_on=reported_on, hse_reference=" 123456789 ")
    assert record.hse_reference == "123456789"
    incident = _fresh(incident)
    assert (incident.riddor_reportable, incident.riddor_reported_on) == (True, reported_on)
    assert [e.action for e in _events("riddor")] == ["create"]
    assert AuditEvent.objects.filter(object_type="incident", action="change").count() == 1


def test_a_report_cannot_be_recorded_when_the_facts_do_not_make_it_reportable(world):
    incident = physical_incident(world, severity="moderate", days_absent=5)
    with pytest.raises(services.AftercareRejected) as rejected:
        services.riddor_report_save(actor=world.lead, incident=incident, expected_version=1,
                                    record_version=0, reported_on=timezone.localdate())
    assert [p.rule for p in rejected.value.problems] == ["not_reportable"]
    assert _fresh(incident).riddor_reported_on is None


@pytest.mark.parametrize(("reported", "reference", "rule"), [
    (timedelta(days=1), "", "not_future"),
    (timedelta(days=-5), "", "after_incident"),
    (None, "ABC123", "required_with_reference"),
    (timedelta(0), "X" * 31, "too_long"),
])
def test_bad_riddor_details_are_rejected(world, reported, reference, rule):
    incident = physical_incident(world, severity="severe")
    reported_on = None if reported is None else timezone.localdate() + reported
    with pytest.raises(services.AftercareRejected) as rejected:
        services.riddor_report_save(actor=world.lead, incident=incident, expected_version=1,
                                    record_version=0, reported_on=reported_on,
                                    hse_reference=reference)
    assert rule in {p.rule for p in rejected.value.problems}


def test_a_stale_riddor_form_does_not_overwrite(world):
    incident = physical_incident(world, severity="severe")
    services.riddor_report_save(actor=world.lead, incident=incident, expected_version=1,
                                record_version=0, reported_on=timezone.localdate(),
                                hse_reference="FIRST")
    with pytest.raises(services.AftercareConflict):
        services.riddor_report_save(actor=world.manager, incident=incident, expected_version=1,
                                    record_version=0, reported_on=None, hse_reference="")
    with pytest.raises(services.AftercareConflict):  # the incident is current, the record not
        services.riddor_report_save(actor=world.manager, incident=_fresh(incident),
                                    expected_version=_fresh(incident).version, record_version=0,
                                    reported_on=timezone.localdate(), hse_reference="SECOND")
    assert _fresh(incident).riddor.hse_reference == "FIRST"


# Police --------------------------------------------------------------------------------------

def test_police_details_go_to_the_incident_and_the_crime_reference_stays_local(world, incident):
    record = services.police_record_save(
        actor=world.manager, incident=incident, expected_version=1, record_version=0,
        police_informed=True, police_outcome="charged", crime_reference="CR/1234/26",
        court_outcome="convicted", emergency_worker_act_applies=True)
    incident = _fresh(incident)
    assert (incident.police_informed, incident.police_outcome,
            incident.emergency_worker_act_applies) == (True, "charged", True)
    assert (record.crime_reference, record.court_outcome) == ("CR/1234/26", "convicted")
    record = services.police_record_save(
        actor=world.manager, incident=incident, expected_version=incident.version,
        record_version=record.version, police_informed=True, police_outcome="charged",
        crime_reference="CR/1234/26", court_outcome="acquitted", emergency_worker_act_applies=True)
    assert record.version == 2
    assert [e.action for e in _events("police_record")] == ["create", "change"]
    assert _events("police_record")[1].changes == {"court_outcome": ["convicted", "acquitted"]}


@pytest.mark.parametrize(("values", "field"), [
    ({"police_informed": False, "crime_reference": "CR1"}, "crime_reference"),
    ({"police_informed": None, "police_outcome": "caution"}, "police_outcome"),
    ({"police_informed": True, "police_outcome": "caution", "court_outcome": "convicted"},
     "court_outcome"),
    ({"police_informed": True, "police_outcome": "arrested"}, "police_outcome"),
    ({"police_informed": True, "court_outcome": "hanged"}, "court_outcome"),
])
def test_police_details_that_do_not_fit_together_are_rejected(world, incident, values, field):
    with pytest.raises(services.AftercareRejected) as rejected:
        services.police_record_save(actor=world.manager, incident=incident, expected_version=1,
                                    record_version=0, **values)
    assert field in {p.field for p in rejected.value.problems}
    assert _fresh(incident).version == 1


def test_a_stale_police_form_is_a_conflict(world, incident):
    incident_services.incident_update(actor=world.lead, incident=incident, expected_version=1,
                                      changes={"police_informed": True})
    with pytest.raises(services.AftercareConflict):
        services.police_record_save(actor=world.manager, incident=incident, expected_version=1,
                                    record_version=0, police_informed=False)
    assert _fresh(incident).police_informed is True


# Sanctions -----------------------------------------------------------------------------------

def test_a_sanction_is_recorded_and_the_incident_lists_its_kind(world, incident):
    today = timezone.localdate()
    sanction = services.sanction_add(
        actor=world.manager, incident=incident, kind="warning_letter", decided_on=today,
        review_on=today + timedelta(days=90), perpetrator_reference="p-0042")
    assert sanction.perpetrator_reference == "P-0042"
    services.sanction_add(actor=world.manager, incident=incident, kind="record_flag",
                          decided_on=today, review_on=today + timedelta(days=30))
    services.sanction_add(actor=world.manager, incident=incident, kind="warning_letter",
                          decided_on=today, review_on=today + timedelta(days=30))
    incident = _fresh(incident)
    assert incident.civil_admin_sanctions == ["warning_letter", "record_flag"]
    assert incident.version == 3  # the third sanction's kind was already there
    assert [e.action for e in _events("sanction")] == ["create"] * 3


@pytest.mark.parametrize("reference", ["John Smith", "SMITH", "a" * 21, "P 0042", "<b>1</b>"])
def test_the_person_stays_pseudonymous(world, incident, reference):
    today = timezone.localdate()
    with pytest.raises(services.AftercareRejected) as rejected:
        services.sanction_add(actor=world.manager, incident=incident, kind="injunction",
                              decided_on=today, review_on=today + timedelta(days=1),
                              perpetrator_reference=reference)
    assert rejected.value.problems[0].field == "perpetrator_reference"
    assert Sanction.objects.count() == 0


def test_a_review_date_must_follow_the_decision(world, incident):
    today = timezone.localdate()
    with pytest.raises(services.AftercareRejected) as rejected:
        services.sanction_add(actor=world.manager, incident=incident, kind="injunction",
                              decided_on=today, review_on=today)
    assert rejected.value.problems[0].field == "review_on"


def test_a_review_keeps_or_ends_a_sanction_and_refuses_a_stale_version(world, incident):
    today = timezone.localdate()
    sanction = services.sanction_add(actor=world.manager, incident=incident,
                                     kind="acceptable_behaviour_agreement", decided_on=today,
                                     review_on=today + timedelta(days=10))
    kept = services.sanction_review(actor=world.lead, sanction=sanction, expected_version=1,
                                    reviewed_on=today, keep=True,
                                    next_review_on=today + timedelta(days=60))
    assert (kept.review_on, kept.last_reviewed_on, kept.version) == (
        today + timedelta(days=60), today, 2)
    with pytest.raises(services.AftercareConflict):
        services.sanction_review(actor=world.lead, sanction=kept, expected_version=1,
                                 reviewed_on=today, keep=False)
    ended = services.sanction_review(actor=world.lead, sanction=kept, expected_version=2,
                                     reviewed_on=today, keep=False)
    assert ended.ended_on == today
    with pytest.raises(services.AftercareRejected):
        services.sanction_review(actor=world.lead, sanction=ended, expected_version=3,
                                 reviewed_on=today, keep=False)
    assert [e.detail.split(": ")[1] for e in _events("sanction")] == [
        "acceptable_behaviour_agreement", "kept", "ended"]


@pytest.mark.parametrize(("reviewed", "keep", "next_review", "field"), [
    (1, True, 30, "reviewed_on"),
    (-10, True, 30, "reviewed_on"),
    (0, True, None, "next_review_on"),
    (0, True, 0, "next_review_on"),
])
def test_bad_reviews_are_rejected(world, incident, reviewed, keep, next_review, field):
    today = timezone.localdate()
    sanction = services.sanction_add(actor=world.manager, incident=incident,
                                     kind="exclusion_from_premises", decided_on=today,
                                     review_on=today + timedelta(days=10))
    with pytest.raises(services.AftercareRejected) as rejected:
        services.sanction_review(
            actor=world.manager, sanction=sanction, expected_version=1,
            reviewed_on=today + timedelta(days=reviewed), keep=keep,
            next_review_on=None if next_review is None else today + timedelta(days=next_review))
    assert field in {p.field for p in rejected.value.problems}
