"""The incidents API: idempotent create, scoped reads, managers' updates, located errors."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from staffsafe.audit.models import AuditEvent
from staffsafe.incidents.models import Incident
from tests.factories import make_incident


def body(unit, **overrides):
    payload = {
        "id": str(uuid.uuid4()), "unit_id": unit.pk,
        "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "reporter_role": "victim", "category": "physical_assault", "method": ["spit"],
        "perpetrator_type": "patient_service_user",
        "staff": [{"staff_group": "registered_nurse_midwife", "injury": False}],
    }
    payload.update(overrides)
    return payload


def error_locations(response):
    return sorted(".".join(str(part) for part in e["loc"]) for e in response.json()["detail"])


def test_create_then_retry_returns_the_same_incident(world, api):
    client = api(world.reporter)
    payload = body(world.ward)
    first = client.post("/incidents", payload)
    retry = client.post("/incidents", payload)
    assert first.status_code == 201 and retry.status_code == 200
    assert first.json()["reference"] == retry.json()["reference"]
    assert first.json()["id"] == payload["id"]
    assert Incident.objects.count() == 1


def test_the_create_answer_is_what_is_stored(world, api):
    # The answer to a create is built from what was written, not read back: it must still say
    # exactly what a retry and a later read say, staff rows in the order they were sent.
    staff = [
        {"staff_group": "allied_health_professional", "employment_type": "bank",
         "patient_facing": True, "lone_working": True, "activity": "restraint_holding",
         "injury": True, "injury_severity": "moderate", "treatment": "first_aid",
         "psychological_impact": True, "days_absent": 3},
        {"staff_group": "registered_nurse_midwife", "injury": False},
    ]
    # A device in British Summer Time sends its own offset; every answer gives UTC.
    occurred = (timezone.now() - timedelta(hours=2)).astimezone(timezone.get_fixed_timezone(60))
    payload = body(world.ward, staff=staff, description="Kicked during a hold.",
                   confidential=True, perpetrator_count=2, factors=["alcohol"],
                   occurred_at=occurred.isoformat())
    client = api(world.reporter)
    created = client.post("/incidents", payload)
    retried = client.post("/incidents", payload)
    read = client.get(f"/incidents/{payload['id']}")
    assert (created.status_code, retried.status_code, read.status_code) == (201, 200, 200)
    assert created.json() == retried.json() == read.json()
    assert [m["staff_group"] for m in created.json()["staff"]] == [
        "allied_health_professional", "registered_nurse_midwife"]
    assert created.json()["occurred_at"].endswith("Z")


def test_read_and_list_are_scoped(world, other_world, api):
    own = make_incident(world.reporter, world.ward)
    make_incident(other_world.reporter, other_world.ward)
    client = api(world.lead)
    listed = client.get("/incidents")
    assert listed.status_code == 200
    assert [i["id"] for i in listed.json()["items"]] == [str(own.pk)]
    assert client.get(f"/incidents/{own.pk}").json()["reference"] == own.reference


def test_list_filters_and_paginates(world, api):
    for category in ["verbal_abuse_threat", "verbal_abuse_threat", "remote_abuse"]:
        make_incident(world.reporter, world.ward, category=category)
    client = api(world.lead)
    page = client.get("/incidents", category="verbal_abuse_threat", limit=1, offset=1).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_another_trusts_incident_is_404_and_the_refusal_audited(world, other_world, api):
    theirs = make_incident(other_world.reporter, other_world.ward)
    response = api(world.lead).get(f"/incidents/{theirs.pk}")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="refused", actor=world.lead).count() == 1


def test_another_trusts_unit_is_refused_with_a_located_error(world, other_world, api):
    response = api(world.reporter).post("/incidents", body(other_world.ward))
    assert response.status_code == 422
    assert error_locations(response) == ["body.unit"]
    assert AuditEvent.objects.filter(action="refused", object_type="unit").count() == 1


def test_manager_updates_with_the_version_they_read(world, api):
    incident = make_incident(world.reporter, world.ward)
    client = api(world.manager)
    ok = client.patch(f"/incidents/{incident.pk}",
                      {"version": 1, "feedback": "Thanks, we have acted.", "status": "in_review"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/incidents/{incident.pk}", {"version": 1, "feedback": "Again"})
    assert stale.status_code == 409
    assert api(world.reporter).get(f"/incidents/{incident.pk}").json()["feedback"] == \
        "Thanks, we have acted."


def test_reporter_cannot_update(world, api):
    incident = make_incident(world.reporter, world.ward)
    response = api(world.reporter).patch(f"/incidents/{incident.pk}",
                                         {"version": 1, "feedback": "self-serve"})
    assert response.status_code == 403


def test_confidential_reporter_is_hidden_from_the_manager_not_the_lead(world, api):
    incident = make_incident(world.reporter, world.ward, confidential=True)
    assert api(world.manager).get(f"/incidents/{incident.pk}").json()["reported_by"] is None
    assert api(world.lead).get(f"/incidents/{incident.pk}").json()["reported_by"] == \
        world.reporter.username


def test_no_token_or_a_bad_token_is_401(world, api, client):
    assert api().get("/incidents").status_code == 401
    response = client.get("/api/v1/incidents", HTTP_AUTHORIZATION="Bearer ss_nope_nope")
    assert response.status_code == 401


def test_national_roles_get_no_rows(world, national_analyst, api):
    make_incident(world.reporter, world.ward)
    assert api(national_analyst).get("/incidents").json()["count"] == 0
    assert api(national_analyst).post("/incidents", body(world.ward)).status_code == 403


@pytest.mark.parametrize(("raw", "status"), [
    ("{not json", 400), ("[]", 422), ('"a string"', 422), ("", 422),
])
def test_malformed_json_gets_a_clear_error_not_a_500(world, api, raw, status):
    response = api(world.reporter).post("/incidents", raw=raw)
    assert response.status_code == status
    assert "detail" in response.json()
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(("raw", "location"), [
    ("[]", "body.payload"), ('"a string"', "body.payload"), ("null", "body.payload"),
])
def test_a_body_that_is_not_an_object_says_so_where(world, api, raw, location):
    response = api(world.reporter).post("/incidents", raw=raw)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": location.split("."), "type": "model_type", "msg": "Send a JSON object here."}]


def test_a_staff_member_that_is_not_an_object_is_located(world, api):
    response = api(world.reporter).post("/incidents", body(world.ward, staff=["a nurse"]))
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "payload", "staff", 0],
                                          "type": "model_type",
                                          "msg": "Send a JSON object here."}]
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(("overrides", "location"), [
    ({"unit_id": "ward seven"}, "body.payload.unit_id"),
    ({"category": "punching"}, "body.payload.category"),
    ({"occurred_at": "yesterday"}, "body.payload.occurred_at"),
    ({"occurred_at": "2026-01-01T10:00:00"}, "body.payload.occurred_at"),  # no offset
    ({"staff": []}, "body.payload.staff"),
    ({"staff": [{"staff_group": "astronaut", "injury": False}]},
     "body.payload.staff.0.staff_group"),
    ({"perpetrator_count": 0}, "body.payload.perpetrator_count"),
    ({"description": "x" * 5001}, "body.payload.description"),
    ({"id": "not-a-uuid"}, "body.payload.id"),
])
def test_wrong_types_and_unknown_codes_name_the_field(world, api, overrides, location):
    response = api(world.reporter).post("/incidents", body(world.ward, **overrides))
    assert response.status_code == 422, response.content
    assert location in error_locations(response)
    assert Incident.objects.count() == 0


def test_dates_in_the_future_are_refused(world, api):
    future = (timezone.now() + timedelta(days=2)).isoformat()
    response = api(world.reporter).post("/incidents", body(world.ward, occurred_at=future))
    assert response.status_code == 422
    assert error_locations(response) == ["body.occurred_at"]


def test_cross_field_rules_are_located(world, api):
    response = api(world.reporter).post(
        "/incidents", body(world.ward, category="verbal_abuse_threat", method=["kick"]))
    assert response.status_code == 422
    assert error_locations(response) == ["body.method"]


def test_html_in_free_text_is_stored_as_text_and_returned_verbatim(world, api):
    script = "<script>alert('x')</script>"
    response = api(world.reporter).post("/incidents", body(world.ward, description=script))
    assert response.status_code == 201
    assert response.json()["description"] == script
    assert response["Content-Type"].startswith("application/json")


def test_openapi_document_is_published(client):
    document = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/incidents" in document["paths"]
    category = document["components"]["schemas"]["IncidentIn"]["properties"]["category"]
    assert "physical_assault" in category["enum"]
