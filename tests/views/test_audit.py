"""Audit events: append-only, searchable by the trust's lead only, for their trust only."""

from datetime import date, datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from staffsafe.audit.models import AuditEvent
from staffsafe.audit.selectors import audit_events_for
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


def _event_at(world, local: datetime, label: str) -> None:
    """An event at a set time (the model stamps `at` itself), written as a row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, "
            "changes, detail, trust_id) VALUES (%s, %s, 'view', 'incident', '', '{}', '', %s)",
            [connection.ops.adapt_datetimefield_value(timezone.make_aware(local)), label,
             world.trust.pk])


def test_the_search_s_dates_are_whole_local_days(world):
    # 1 July is summer time in London: its day starts at 23:00 UTC on 30 June.
    _event_at(world, datetime(2026, 6, 30, 23, 30), "the evening before")
    _event_at(world, datetime(2026, 7, 1, 0, 30), "just after midnight")
    _event_at(world, datetime(2026, 7, 1, 23, 30), "late that evening")
    _event_at(world, datetime(2026, 7, 2, 0, 30), "the morning after")
    found = audit_events_for(world.lead, since=date(2026, 7, 1), until=date(2026, 7, 1))
    assert sorted(found.values_list("actor_label", flat=True)) == [
        "just after midnight", "late that evening"]
    assert [e.actor_label for e in audit_events_for(world.lead, since=date(2026, 7, 2))] == [
        "the morning after"]
    assert [e.actor_label for e in audit_events_for(world.lead, until=date(2026, 6, 30))] == [
        "the evening before"]
