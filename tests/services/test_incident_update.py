"""incident_update: managers complete the record; nobody silently overwrites anybody."""

import pytest

from staffsafe.audit.models import AuditEvent
from staffsafe.incidents import services
from tests.factories import make_incident

COMPLETE = {"medical_factors": False, "police_informed": False}


def test_manager_gives_feedback_and_the_change_is_audited_field_by_field(world, incident):
    updated = services.incident_update(
        actor=world.manager, incident=incident, expected_version=1,
        changes={"feedback": "We have reviewed the care plan.", "setting": "other"},
        status="in_review")
    assert updated.version == 2 and updated.status == "in_review"
    assert updated.feedback_at is not None
    event = AuditEvent.objects.get(action="change", object_id=str(incident.pk))
    assert event.changes == {
        "feedback": ["", "We have reviewed the care plan."],
        "setting": ["inpatient_ward", "other"],
        "status": ["submitted", "in_review"],
    }


def test_a_stale_version_is_refused_not_overwritten(world, incident):
    services.incident_update(actor=world.manager, incident=incident, expected_version=1,
                             changes={"feedback": "First"})
    with pytest.raises(services.IncidentEditConflict):
        services.incident_update(actor=world.lead, incident=incident, expected_version=1,
                                 changes={"feedback": "Second"})
    incident.refresh_from_db()
    assert incident.feedback == "First" and incident.version == 2


def test_closing_needs_a_complete_record(world, incident):
    with pytest.raises(services.IncidentRejected) as rejected:
        services.incident_update(actor=world.manager, incident=incident, expected_version=1,
                                 changes={}, status="closed")
    assert {p.field for p in rejected.value.problems} == {"medical_factors", "police_informed"}
    closed = services.incident_update(actor=world.manager, incident=incident, expected_version=1,
                                      changes=COMPLETE, status="closed")
    assert closed.status == "closed"


def test_cross_field_rules_apply_to_changes(world, incident):
    with pytest.raises(services.IncidentRejected) as rejected:
        services.incident_update(actor=world.manager, incident=incident, expected_version=1,
                                 changes={"method": ["kick"]})
    assert [p.rule for p in rejected.value.problems] == ["method_only_with_physical_assault"]


def test_staff_rows_are_replaced_and_the_change_recorded(world, incident):
    services.incident_update(
        actor=world.manager, incident=incident, expected_version=1, changes={},
        staff=[{"staff_group": "medical_dental", "injury": False, "lone_working": True},
               {"staff_group": "admin_clerical", "injury": False, "lone_working": False}])
    assert sorted(incident.staff.values_list("staff_group", flat=True)) == [
        "admin_clerical", "medical_dental"]
    assert "staff" in AuditEvent.objects.get(action="change").changes


@pytest.mark.parametrize("who", ["reporter", "colleague", "trust_admin"])
def test_only_managers_of_the_unit_and_the_lead_may_change(world, incident, who):
    with pytest.raises(services.IncidentRefused):
        services.incident_update(actor=getattr(world, who), incident=incident,
                                 expected_version=1, changes={"feedback": "x"})


def test_a_manager_of_another_unit_may_not_change(world):
    incident = make_incident(world.reporter, world.other_ward)
    with pytest.raises(services.IncidentRefused):
        services.incident_update(actor=world.manager, incident=incident, expected_version=1,
                                 changes={"feedback": "x"})


def test_the_lead_of_another_trust_may_not_change(world, other_world, incident):
    with pytest.raises(services.IncidentRefused):
        services.incident_update(actor=other_world.lead, incident=incident, expected_version=1,
                                 changes={"feedback": "x"})


def test_unknown_status_moves_are_refused(world, incident):
    with pytest.raises(services.IncidentRejected) as rejected:
        services.incident_update(actor=world.manager, incident=incident, expected_version=1,
                                 changes={}, status="draft")
    assert [p.field for p in rejected.value.problems] == ["status"]
