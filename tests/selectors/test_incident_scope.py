"""Who sees which incidents: decided in one place and used by every read."""

import pytest

from staffsafe.audit.models import AuditEvent
from staffsafe.incidents import selectors
from tests.factories import make_incident


@pytest.fixture
def incidents(world, other_world):
    return {
        "own": make_incident(world.reporter, world.ward),
        "colleague_same_ward": make_incident(world.colleague, world.ward),
        "other_ward": make_incident(world.colleague, world.other_ward),
        "other_trust": make_incident(other_world.reporter, other_world.ward),
    }


def visible(user, incidents):
    ids = set(selectors.incidents_visible_to(user).values_list("pk", flat=True))
    return sorted(name for name, incident in incidents.items() if incident.pk in ids)


def test_reporter_sees_only_their_own(world, incidents):
    assert visible(world.reporter, incidents) == ["own"]


def test_manager_sees_their_units(world, incidents):
    assert visible(world.manager, incidents) == ["colleague_same_ward", "own"]


def test_lead_sees_their_whole_trust(world, incidents):
    assert visible(world.lead, incidents) == ["colleague_same_ward", "other_ward", "own"]


def test_trust_admin_sees_no_one_elses(world, incidents):
    assert visible(world.trust_admin, incidents) == []


def test_national_roles_never_see_a_row(national_analyst, national_admin, incidents):
    assert visible(national_analyst, incidents) == []
    assert visible(national_admin, incidents) == []


def test_asking_for_another_trusts_incident_is_refused_and_audited(world, incidents):
    with pytest.raises(selectors.IncidentNotFound):
        selectors.incident_get(world.lead, incidents["other_trust"].pk)
    refusal = AuditEvent.objects.get(action="refused")
    assert refusal.actor == world.lead and refusal.object_id == str(incidents["other_trust"].pk)


def test_every_view_is_audited(world, incidents):
    selectors.incident_get(world.manager, incidents["own"].pk)
    assert AuditEvent.objects.filter(action="view", actor=world.manager,
                                     object_id=str(incidents["own"].pk)).count() == 1


def test_triage_queue_is_open_reports_from_their_units_oldest_first(world, incidents):
    queue = list(selectors.triage_queue(world.manager))
    assert queue == [incidents["own"], incidents["colleague_same_ward"]]
    assert list(selectors.triage_queue(world.reporter)) == []
