"""The reporting journey without JavaScript: three pages, six mandatory questions, a draft."""

import re

from django.utils import timezone

from staffsafe.incidents.forms import REPORT_PAGES
from staffsafe.incidents.models import Incident, ReportDraft


def page_one(unit, **overrides):
    today = timezone.localdate()
    data = {"category": "verbal_abuse_threat", "occurred_date-day": today.day,
            "occurred_date-month": today.month, "occurred_date-year": today.year,
            "occurred_time": "00:01", "unit": unit.pk, "description": "Shouted at me"}
    data.update(overrides)
    return data


PAGE_TWO = {"reporter_role": "victim", "staff_group": "registered_nurse_midwife",
            "injury": "no"}
PAGE_THREE = {"perpetrator_type": "relative_carer_visitor"}


def test_at_most_six_mandatory_questions_on_at_most_three_pages():
    assert len(REPORT_PAGES) <= 3
    mandatory = [name for _, form, _ in REPORT_PAGES for name, field in form.base_fields.items()
                 if field.required]
    # The date and time are one question ("when"); staff group is filled in from the profile.
    questions = {"occurred_time": "occurred_date"}
    assert len({questions.get(name, name) for name in mandatory}) <= 6, mandatory


def test_a_reporter_submits_in_three_pages(world, client_for):
    client = client_for(world.reporter)
    assert client.get("/report/").url == "/report/what-happened/"
    assert client.post("/report/what-happened/", page_one(world.ward)).url == \
        "/report/who-was-affected/"
    assert client.post("/report/who-was-affected/", PAGE_TWO).url == "/report/who-was-involved/"
    done = client.post("/report/who-was-involved/", PAGE_THREE, follow=True)
    incident = Incident.objects.get()
    assert done.status_code == 200
    assert incident.reference in done.content.decode()
    assert "What happens next" in done.content.decode()
    assert (incident.category, incident.perpetrator_type, incident.reporter_role) == (
        "verbal_abuse_threat", "relative_carer_visitor", "victim")
    assert incident.staff.get().staff_group == "registered_nurse_midwife"
    assert not ReportDraft.objects.exists()
    assert incident.reference in client.get("/my-reports/").content.decode()


def test_submitting_twice_makes_one_report(world, client_for):
    client = client_for(world.reporter)
    client.post("/report/what-happened/", page_one(world.ward))
    client.post("/report/who-was-affected/", PAGE_TWO)
    draft_id = ReportDraft.objects.get().draft_id
    client.post("/report/who-was-involved/", PAGE_THREE)
    ReportDraft.objects.create(user=world.reporter, draft_id=draft_id,
                               answers={"what-happened": {}, "who-was-affected": {}})
    assert Incident.objects.count() == 1


def test_an_interrupted_report_is_kept(world, client_for):
    client = client_for(world.reporter)
    client.post("/report/what-happened/", page_one(world.ward, description="Kept for later"))
    client.logout()
    client = client_for(world.reporter)
    assert "Carry on with your report" in client.get("/").content.decode()
    assert client.get("/report/").url == "/report/who-was-affected/"
    assert "Kept for later" in client.get("/report/what-happened/").content.decode()


def test_empty_page_names_every_missing_answer(world, client_for):
    response = client_for(world.reporter).post("/report/what-happened/", {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    for message in ["Select what happened", "Enter the date", "Enter the time",
                    "Select where it happened"]:
        assert message in html
    assert 'href="#id_category"' in html


def test_a_date_in_the_future_is_refused(world, client_for):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client_for(world.reporter).post("/report/what-happened/", page_one(
        world.ward, **{"occurred_date-day": tomorrow.day, "occurred_date-month": tomorrow.month,
                       "occurred_date-year": tomorrow.year}))
    assert "cannot be in the future" in response.content.decode()


def test_an_impossible_date_and_time_are_explained(world, client_for):
    response = client_for(world.reporter).post("/report/what-happened/", page_one(
        world.ward, **{"occurred_date-day": 31, "occurred_date-month": 2,
                       "occurred_time": "25:00"}))
    html = response.content.decode()
    assert "The date must be a real date" in html
    assert "Enter a time like 14:30" in html


def test_another_trusts_unit_cannot_be_chosen(world, other_world, client_for):
    response = client_for(world.reporter).post("/report/what-happened/",
                                               page_one(other_world.ward))
    assert "Select a place from the list" in response.content.decode()
    assert not ReportDraft.objects.exists()


def test_oversized_text_is_refused_with_its_field(world, client_for):
    response = client_for(world.reporter).post("/report/what-happened/",
                                               page_one(world.ward, description="x" * 5001))
    assert "Tell us what happened must be 5,000 characters or fewer" in \
        response.content.decode()


def test_script_in_free_text_is_shown_escaped(world, client_for):
    client = client_for(world.reporter)
    client.post("/report/what-happened/", page_one(world.ward,
                                                   description="<script>alert(1)</script>"))
    client.post("/report/who-was-affected/", PAGE_TWO)
    client.post("/report/who-was-involved/", PAGE_THREE)
    incident = Incident.objects.get()
    html = client_for(world.manager).get(f"/incidents/{incident.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_reporting_for_a_colleague(world, client_for):
    client = client_for(world.reporter)
    client.post("/report/what-happened/", page_one(world.ward))
    client.post("/report/who-was-affected/", {**PAGE_TWO, "reporter_role": "witness",
                                              "staff_group": "medical_dental", "injury": "yes",
                                              "injury_severity": "low"})
    client.post("/report/who-was-involved/", {**PAGE_THREE, "confidential": "on"})
    incident = Incident.objects.get()
    assert incident.on_behalf_of_colleague and incident.confidential
    staff = incident.staff.get()
    assert (staff.staff_group, staff.injury, staff.injury_severity) == (
        "medical_dental", True, "low")


def test_discarding_a_draft(world, client_for):
    client = client_for(world.reporter)
    client.post("/report/what-happened/", page_one(world.ward))
    client.post("/report/discard/")
    assert not ReportDraft.objects.exists()


def test_the_reference_is_shown_on_the_acknowledgement(world, client_for):
    client = client_for(world.reporter)
    client.post("/report/what-happened/", page_one(world.ward))
    client.post("/report/who-was-affected/", PAGE_TWO)
    html = client.post("/report/who-was-involved/", PAGE_THREE, follow=True).content.decode()
    assert re.search(r"RAA-\d{4}-000001", html)
