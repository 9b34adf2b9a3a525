"""Reading audit events: only a trust's lead, for their own trust."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet

from staffsafe.accounts.scoping import can_search_audit
from staffsafe.audit.models import AuditEvent
from staffsafe.core.days import local_start


def audit_events_for(
    user, *, text: str = "", action: str = "", since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    if not can_search_audit(user):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(trust_id=user.trust_id).select_related("actor")
    if action:
        events = events.filter(action=action)
    if text:
        events = events.filter(
            Q(actor_label__icontains=text) | Q(object_id__icontains=text)
            | Q(detail__icontains=text)
        )
    # Whole local days as a range of `at`, which its index serves (`at__date` would not).
    if since:
        events = events.filter(at__gte=local_start(since))
    if until:
        events = events.filter(at__lt=local_start(until + timedelta(days=1)))
    return events
