"""The aftercare pages: thin views, located errors for bad input, never a 500."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from staffsafe.aftercare import services
from staffsafe.aftercare.models import AftercareRecord, Sanction
from staffsafe.incidents.models import Incident
from tests.aftercare.builders import physical_incident
from tests.factories import make_incident


def _date(prefix: str, day) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month),
            f"{prefix}-year": str(day.year)}


def _html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_the_incident_page_shows_support_riddor_police_and_sanctions(world, client_for):
    incident = physical_incident(world, severity="severe")
    html = _html(client_for(world.manager).get(f"/incidents/{incident.pk}/"))
    for text in ("Support after the incident", "Manager contact", "Occupational health referral",
                 "Specified injury", "notify HSE without delay", "Report by", "Police informed",
                 "No civil or administrative sanctions are recorded.", "Add a sanction"):
        assert text in html, text
    assert f"/incidents/{incident.pk}/aftercare/debrief/" in html


def test_a_manager_records_a_step_and_returns_to_the_incident(world, incident, client_for):
    today = timezone.localdate()
    response = client_for(world.manager).post(
        f"/incidents/{incident.pk}/aftercare/wellbeing_conversation/",
        {"outcome": "accepted", **_date("happened_on", today),
         "happened_time": timezone.localtime().strftime("%H:%M"),
         "note": "Booked with the wellbeing team."})
    assert response.status_code == 302 and response.url == f"/incidents/{incident.pk}/"
    record = AftercareRecord.objects.get()
    assert (record.step, record.outcome, record.recorded_by) == (
        "wellbeing_conversation", "accepted", world.manager)
    page = _html(client_for(world.manager).get(response.url))
    assert "wellbeing conversation recorded." in page and "Accepted on" in page
    history = _html(client_for(world.manager).get(
        f"/incidents/{incident.pk}/aftercare/wellbeing_conversation/"))
    assert "Recorded so far" in history and "Booked with the wellbeing team." in history


@pytest.mark.parametrize(("data", "message", "anchor"), [
    ({}, "Select what happened", "#id_outcome"),
    ({"outcome": "accepted", "happened_on-day": "31", "happened_on-month": "2",
      "happened_on-year": "2026", "happened_time": "10:00"},
     "The date must be a real date", "#id_happened_on"),
    ({"outcome": "accepted", "happened_on-day": "1", "happened_on-year": "2026",
      "happened_time": "10:00"}, "The date must include a month", "#id_happened_on"),
    ({"outcome": "accepted", "happened_time": "25:99", **_date("happened_on", timezone.now())},
     "Enter a time like 14:30", "#id_happened_time"),
    ({"outcome": "shrug", "happened_time": "10:00", **_date("happened_on", timezone.now())},
     "Select a valid choice", "#id_outcome"),
    ({"outcome": "accepted", "happened_time": "10:00",
      **_date("happened_on", timezone.now() + timedelta(days=3))},
     "cannot be in the future", "#id_happened_on"),
    ({"outcome": "accepted", "happened_time": "10:00",
      **_date("happened_on", timezone.now() - timedelta(days=40))},
     "cannot be before the incident happened", "#id_happened_on"),
    ({"outcome": "accepted", "happened_time": "10:00", "note": "x" * 5001,
      **_date("happened_on", timezone.now())}, "5,000 characters or fewer", "#id_note"),
    ({"outcome": "accepted", "happened_time": "10:00", "happened_on-day": "9" * 30,
      "happened_on-month": "1", "happened_on-year": "2026"},
     "The date must be a real date", "#id_happened_on"),
])
def test_bad_step_input_gets_a_located_error(world, incident, client_for, data, message,
                                             anchor):
    response = client_for(world.manager).post(f"/incidents/{incident.pk}/aftercare/debrief/",
                                              data)
    html = _html(response)
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert f'href="{anchor}"' in html
    assert AftercareRecord.objects.count() == 0


def test_unknown_steps_sanctions_and_incidents_are_not_found(world, other_world, incident,
                                                           client_for):
    manager = client_for(world.manager)
    assert manager.get(f"/incidents/{incident.pk}/aftercare/massage/").status_code == 404
    assert manager.get(f"/incidents/{incident.pk}/sanctions/999/review/").status_code == 404
    huge = "9" * 30  # bigger than any database integer: still "not found", never a 500
    assert manager.get(f"/incidents/{incident.pk}/sanctions/{huge}/review/").status_code == 404
    assert manager.get(f"/incidents/{uuid.uuid4()}/riddor/").status_code == 404
    theirs = make_incident(other_world.reporter, other_world.ward)
    today = timezone.localdate()
    sanction = services.sanction_add(actor=other_world.lead, incident=theirs,
                                     kind="warning_letter", decided_on=today,
                                     review_on=today + timedelta(days=1))
    for path in (f"/incidents/{theirs.pk}/police/",
                 f"/incidents/{incident.pk}/sanctions/{sanction.pk}/review/",
                 f"/incidents/{theirs.pk}/sanctions/{sanction.pk}/review/"):
        response = manager.get(path)
        assert response.status_code == 404 and theirs.reference not in _html(response)


def test_posting_to_someone_elses_incident_changes_nothing(world, other_world, incident,
                                                          client_for):
    response = client_for(other_world.lead).post(
        f"/incidents/{incident.pk}/aftercare/debrief/",
        {"outcome": "accepted", **_date("happened_on", timezone.localdate()),
         "happened_time": "10:00"})
    assert response.status_code == 404 and AftercareRecord.objects.count() == 0


def test_the_riddor_page_records_the_report_and_refuses_one_that_is_not_reportable(
        world, client_for):
    reportable = physical_incident(world, severity="moderate", days_absent=9)
    lead = client_for(world.lead)
    page = _html(lead.get(f"/incidents/{reportable.pk}/riddor/"))
    assert "Over-seven-day injury" in page and "report within 15 days" in page
    response = lead.post(f"/incidents/{reportable.pk}/riddor/", {
        "version": 1, "record_version": 0, **_date("reported_on", timezone.localdate()),
        "hse_reference": "2026-ABC-123"})
    assert response.status_code == 302
    reportable.refresh_from_db()
    assert reportable.riddor_reported_on == timezone.localdate()
    assert "2026-ABC-123" in _html(lead.get(f"/incidents/{reportable.pk}/"))

    minor = physical_incident(world, severity="low", days_absent=2)
    response = lead.post(f"/incidents/{minor.pk}/riddor/", {
        "version": 1, "record_version": 0, **_date("reported_on", timezone.localdate())})
    html = _html(response)
    assert response.status_code == 200 and "does not make this reportable" in html
    assert 'href="#id_reported_on"' in html


def test_a_stale_riddor_form_is_told_not_saved(world, client_for):
    incident = physical_incident(world, severity="severe")
    stale = {"version": 1, "record_version": 0, "hse_reference": ""}
    client_for(world.manager).post(f"/incidents/{incident.pk}/riddor/", {
        **stale, **_date("reported_on", timezone.localdate())})
    response = client_for(world.lead).post(f"/incidents/{incident.pk}/riddor/", stale)
    assert response.status_code == 200
    assert "Someone else changed this record" in _html(response)
    assert Incident.objects.get(pk=incident.pk).riddor_reported_on == timezone.localdate()


@pytest.mark.parametrize(("data", "message", "anchor"), [
    ({"police_informed": "no", "crime_reference": "CR1"},
     "Leave this empty unless the police were told", "#id_crime_reference"),
    ({"police_informed": "yes", "police_outcome": "caution", "court_outcome": "convicted"},
     "only when the police outcome is", "#id_court_outcome"),
    ({"police_informed": "maybe"}, "Select a valid choice", "#id_police_informed"),
    ({}, "Select yes if the police were told", "#id_police_informed"),
    ({"police_informed": "yes", "police_outcome": "arrested"},
     "Select a police outcome from the list", "#id_police_outcome"),
    ({"police_informed": "yes", "crime_reference": "x" * 41},
     "40 characters or fewer", "#id_crime_reference"),
])
def test_bad_police_details_get_a_located_error(world, incident, client_for, data, message,
                                                anchor):
    response = client_for(world.manager).post(f"/incidents/{incident.pk}/police/", {
        "version": 1, "record_version": 0, **data})
    html = _html(response)
    assert response.status_code == 200 and message in html and f'href="{anchor}"' in html


@pytest.mark.parametrize("versions", [{}, {"version": "x", "record_version": "-1"},
                                      {"version": "99999999999999999999999"}])
def test_tampered_hidden_versions_are_an_error_not_a_500(world, incident, client_for, versions):
    response = client_for(world.manager).post(f"/incidents/{incident.pk}/police/", {
        "police_informed": "no", **versions})
    assert response.status_code == 200 and "There is a problem" in _html(response)


def test_police_details_are_saved(world, incident, client_for):
    response = client_for(world.manager).post(f"/incidents/{incident.pk}/police/", {
        "version": 1, "record_version": 0, "police_informed": "yes",
        "crime_reference": "CR/77/26", "police_outcome": "charged", "court_outcome": "awaiting",
        "emergency_worker_act_applies": "yes"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.police_outcome, incident.emergency_worker_act_applies) == ("charged", True)
    page = _html(client_for(world.manager).get(f"/incidents/{incident.pk}/"))
    assert "CR/77/26" in page and "Awaiting a hearing" in page


def test_a_sanction_is_added_reviewed_and_ended(world, incident, client_for):
    today = timezone.localdate()
    manager = client_for(world.manager)
    response = manager.post(f"/incidents/{incident.pk}/sanctions/add/", {
        "kind": "acceptable_behaviour_agreement", "perpetrator_reference": "P-0042",
        **_date("decided_on", today), **_date("review_on", today + timedelta(days=90))})
    assert response.status_code == 302
    sanction = Sanction.objects.get()
    page = _html(manager.get(f"/incidents/{incident.pk}/"))
    assert "Acceptable behaviour agreement" in page and "P-0042" in page and "In place" in page
    review = f"/incidents/{incident.pk}/sanctions/{sanction.pk}/review/"
    response = manager.post(review, {"version": 1, **_date("reviewed_on", today),
                                     "decision": "keep"})
    assert "Enter the date of the next review" in _html(response)
    response = manager.post(review, {"version": 1, **_date("reviewed_on", today),
                                     "decision": "end"})
    assert response.status_code == 302
    assert "Ended" in _html(manager.get(f"/incidents/{incident.pk}/"))
    assert manager.get(review).status_code == 200  # the history can still be read


@pytest.mark.parametrize(("data", "message", "anchor"), [
    ({"perpetrator_reference": "John Smith"}, "Never a name", "#id_perpetrator_reference"),
    ({"review_on-day": "", "review_on-month": "", "review_on-year": ""},
     "Enter the date it must be reviewed by", "#id_review_on"),
    ({"kind": "flogging"}, "Select a valid choice", "#id_kind"),
])
def test_bad_sanctions_get_a_located_error(world, incident, client_for, data, message,
                                           anchor):
    today = timezone.localdate()
    values = {"kind": "injunction", **_date("decided_on", today),
              **_date("review_on", today + timedelta(days=30)), **data}
    response = client_for(world.lead).post(f"/incidents/{incident.pk}/sanctions/add/", values)
    html = _html(response)
    assert response.status_code == 200 and message in html and f'href="{anchor}"' in html
    assert Sanction.objects.count() == 0


def test_the_task_list_shows_what_is_due_and_overdue(world, client_for):
    incident = make_incident(world.reporter, world.ward)
    Incident.objects.filter(pk=incident.pk).update(
        reported_at=timezone.now() - timedelta(hours=30))
    html = _html(client_for(world.manager).get("/tasks/"))
    assert "Overdue (1)" in html and "Due in the next 7 days (3)" in html
    assert f"/incidents/{incident.pk}/aftercare/manager_contact/" in html
    assert "Change your trust" not in html
    lead = _html(client_for(world.lead).get("/tasks/"))
    assert "aftercare targets</a>" in lead


@pytest.mark.parametrize("who", ["reporter", "trust_admin"])
def test_people_with_no_tasks_are_refused_the_task_list(world, client_for, who):
    assert client_for(getattr(world, who)).get("/tasks/").status_code == 403


def test_the_lead_changes_targets_and_bad_numbers_get_located_errors(world, client_for):
    lead = client_for(world.lead)
    page = _html(lead.get("/aftercare/targets/"))
    assert 'value="24"' in page and 'value="168"' in page
    response = lead.post("/aftercare/targets/", {
        "manager_contact_hours": "two", "debrief_hours": "0",
        "wellbeing_conversation_hours": "99999", "occupational_health_referral_hours": ""})
    html = _html(response)
    for text, anchor in (("whole number of hours", "manager_contact_hours"),
                         ("at least 1 hour", "debrief_hours"),
                         ("1440 hours or fewer", "wellbeing_conversation_hours")):
        assert text in html and f'href="#id_{anchor}"' in html
    response = lead.post("/aftercare/targets/", {
        "manager_contact_hours": "12", "debrief_hours": "48",
        "wellbeing_conversation_hours": "", "occupational_health_referral_hours": "168"})
    assert response.status_code == 302
    assert 'value="12"' in _html(lead.get("/aftercare/targets/"))


@pytest.mark.parametrize("who", ["manager", "reporter", "trust_admin"])
def test_only_the_lead_may_change_targets(world, client_for, who):
    assert client_for(getattr(world, who)).get("/aftercare/targets/").status_code == 403
    assert client_for(getattr(world, who)).post("/aftercare/targets/", {
        "debrief_hours": "1"}).status_code == 403
