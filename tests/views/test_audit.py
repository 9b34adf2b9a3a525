"""Audit events: append-only, searchable by the trust's lead only, for their trust only."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from staffsafe.audit.models import AuditEvent
from tests.factories import make_incident


def test_events_cannot_be_changed_or_deleted_through_the_app(world, incident):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(detail="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_an_update(world, incident):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = 'tampered'")
    assert not AuditEvent.objects.filter(detail="tampered").exists()


def test_lead_searches_their_trusts_events(world, other_world, client_for):
    mine = make_incident(world.reporter, world.ward)
    theirs = make_incident(other_world.reporter, other_world.ward)
    html = client_for(world.lead).get("/audit/", {"action": "create"}).content.decode()
    assert mine.reference in html and theirs.reference not in html


def test_views_appear_in_the_audit(world, incident, client_for):
    client_for(world.manager).get(f"/incidents/{incident.pk}/")
    html = client_for(world.lead).get("/audit/", {"text": world.manager.username,
                                                  "action": "view"}).content.decode()
    assert "Viewed" in html and world.manager.username in html


@pytest.mark.parametrize("role", ["reporter", "manager", "trust_admin"])
def test_only_the_lead_may_search(world, client_for, role):
    assert client_for(getattr(world, role)).get("/audit/").status_code == 403
