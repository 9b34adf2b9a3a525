"""Every read of incidents, always scoped to what the person may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from staffsafe.accounts import scoping
from staffsafe.audit.services import Action, audit_record
from staffsafe.incidents.models import Incident, ReportDraft, Status


class IncidentNotFound(Exception):
    """No such incident, or not one this person may see: the two are never told apart."""


def incidents_visible_to(user) -> QuerySet[Incident]:
    scope = scoping.incident_filter(user)
    if scope is None:
        return Incident.objects.none()
    return Incident.objects.filter(scope).select_related("unit", "unit__site", "trust")


@dataclass(frozen=True)
class IncidentFilters:
    status: str = ""
    category: str = ""
    unit_id: int | None = None
    occurred_from: date | None = None
    occurred_to: date | None = None


def incident_list(user, filters: IncidentFilters | None = None) -> QuerySet[Incident]:
    incidents = incidents_visible_to(user)
    f = filters or IncidentFilters()
    if f.status:
        incidents = incidents.filter(status=f.status)
    if f.category:
        incidents = incidents.filter(category=f.category)
    if f.unit_id:
        incidents = incidents.filter(unit_id=f.unit_id)
    if f.occurred_from:
        incidents = incidents.filter(occurred_at__date__gte=f.occurred_from)
    if f.occurred_to:
        incidents = incidents.filter(occurred_at__date__lte=f.occurred_to)
    return incidents.order_by("-occurred_at", "id")


def incident_get(user, incident_id: uuid.UUID | str, *, request=None) -> Incident:
    """One incident the person may see; the view of it is audited, a refusal too."""
    try:
        incident_uuid = uuid.UUID(str(incident_id))
    except ValueError:
        raise IncidentNotFound(str(incident_id)) from None
    incident = (
        incidents_visible_to(user).prefetch_related("staff").filter(pk=incident_uuid).first()
    )
    if incident is None:
        other = Incident.objects.filter(pk=incident_uuid).only("trust_id").first()
        if other is not None:
            audit_record(actor=user, action=Action.REFUSED, object_type="incident",
                         object_id=incident_uuid, trust=getattr(user, "trust", None),
                         detail="Asked for an incident outside their scope.", request=request)
        raise IncidentNotFound(str(incident_id))
    audit_record(actor=user, action=Action.VIEW, object_type="incident", object_id=incident.pk,
                 trust=incident.trust, request=request)
    return incident


def triage_queue(user) -> QuerySet[Incident]:
    if not scoping.can_triage(user):
        return Incident.objects.none()
    incidents = incidents_visible_to(user).exclude(status=Status.CLOSED)
    if user.role == "manager":
        incidents = incidents.filter(unit__in=user.units.all())
    return incidents.order_by("reported_at")


def my_reports(user) -> QuerySet[Incident]:
    if not scoping.can_report(user):
        return Incident.objects.none()
    return incidents_visible_to(user).filter(reported_by_id=user.pk).order_by("-reported_at")


def report_draft_for(user) -> ReportDraft | None:
    return ReportDraft.objects.filter(user=user).first()


def incidents_reported_between(trust_id: int, start, end) -> QuerySet[Incident]:
    """A trust's incidents reported in [start, end), for its monthly return.

    Not scoped to a person: only the return builder calls it, and the return carries no names
    and no free text.
    """
    return (Incident.objects.filter(trust_id=trust_id, reported_at__gte=start, reported_at__lt=end)
            .select_related("unit__site").prefetch_related("staff").order_by("reported_at"))
