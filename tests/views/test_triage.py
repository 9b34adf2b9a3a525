"""Triage in the browser-less app: queue, completion, feedback, conflicts, confidentiality."""

from staffsafe.incidents.models import Incident
from tests.factories import make_incident


def triage_form(incident, **overrides):
    data = {
        "version": incident.version, "status": "in_review", "feedback": "",
        "setting": incident.setting, "category": incident.category,
        "hate_motivated": "no", "perpetrator_type": incident.perpetrator_type,
        "staff-TOTAL_FORMS": 1, "staff-INITIAL_FORMS": 1, "staff-MIN_NUM_FORMS": 1,
        "staff-MAX_NUM_FORMS": 1000, "staff-0-staff_group": "registered_nurse_midwife",
        "staff-0-injury": "no", "staff-0-lone_working": "no",
    }
    data.update(overrides)
    return data


def test_manager_sees_the_queue_and_gives_feedback_the_reporter_sees(world, incident,
                                                                    client_for):
    manager = client_for(world.manager)
    assert incident.reference in manager.get("/triage/").content.decode()
    response = manager.post(f"/incidents/{incident.pk}/",
                            triage_form(incident, feedback="We have spoken to the family."))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "in_review" and incident.version == 2
    reporter_view = client_for(world.reporter).get(f"/my-reports/{incident.pk}/")
    assert "We have spoken to the family." in reporter_view.content.decode()
    assert "In review" in reporter_view.content.decode()


def test_a_second_editor_is_told_and_does_not_overwrite(world, incident, client_for):
    stale = triage_form(incident, feedback="Lead's note")
    client_for(world.manager).post(f"/incidents/{incident.pk}/",
                                   triage_form(incident, feedback="Manager's note"))
    response = client_for(world.lead).post(f"/incidents/{incident.pk}/", stale)
    assert response.status_code == 200
    assert "Someone else changed this incident" in response.content.decode()
    incident.refresh_from_db()
    assert incident.feedback == "Manager's note"


def test_closing_an_incomplete_record_names_what_is_missing(world, incident, client_for):
    response = client_for(world.manager).post(f"/incidents/{incident.pk}/",
                                              triage_form(incident, status="closed"))
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Medical factors is needed for the national return" in html
    assert Incident.objects.get().status == "submitted"


def test_confidential_reporter_is_hidden_from_the_manager(world, client_for):
    incident = make_incident(world.reporter, world.ward, confidential=True)
    manager_html = client_for(world.manager).get(f"/incidents/{incident.pk}/").content.decode()
    lead_html = client_for(world.lead).get(f"/incidents/{incident.pk}/").content.decode()
    assert world.reporter.display_name not in manager_html
    assert "Confidential" in manager_html
    assert world.reporter.display_name in lead_html


def test_incident_list_filters(world, client_for):
    make_incident(world.reporter, world.ward, category="remote_abuse")
    verbal = make_incident(world.reporter, world.ward, category="verbal_abuse_threat")
    html = client_for(world.lead).get("/incidents/", {"category": "verbal_abuse_threat"}) \
        .content.decode()
    assert verbal.reference in html and "1 incident." in html


def test_bad_filter_dates_do_not_break_the_list(world, client_for):
    response = client_for(world.lead).get("/incidents/", {"occurred_from": "not-a-date"})
    assert response.status_code == 200
    assert "Enter a date like 2026-03-27" in response.content.decode()
