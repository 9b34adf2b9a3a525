"""How an incident reads on a page: labels, tags and who may be named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from staffsafe.accounts import scoping
from staffsafe.core.presenters import code_label, datetime_uk

STATUS_TAG_COLOURS = {"submitted": "blue", "in_review": "yellow", "closed": "green"}


@dataclass(frozen=True)
class IncidentRow:
    id: str
    reference: str
    occurred: str
    category: str
    place: str
    status: str
    status_code: str
    reporter: str
    has_feedback: bool


def reporter_name(user, incident) -> str:
    if scoping.can_see_reporter(user, incident):
        return incident.reported_by.display_name
    return "Confidential"


def incident_row(user, incident) -> IncidentRow:
    return IncidentRow(
        id=str(incident.pk),
        reference=incident.reference,
        occurred=datetime_uk(incident.occurred_at),
        category=code_label(incident.category, "category"),
        place=f"{incident.unit.name}, {incident.unit.site.name}",
        status=incident.get_status_display(),
        status_code=incident.status,
        reporter=reporter_name(user, incident),
        has_feedback=bool(incident.feedback),
    )


def status_tag(status_code: str, text: str) -> dict[str, str]:
    return {"text": text, "classes": f"nhsuk-tag--{STATUS_TAG_COLOURS.get(status_code, 'grey')}"}


def incident_document(user, incident, staff=None) -> dict:
    """The API's view of an incident. The reporter is named only to those entitled.

    `staff`: the incident's staff rows when the caller has them (a create just wrote them),
    so they are not read back.
    """
    from staffsafe.incidents.services import INCIDENT_FIELDS, STAFF_FIELDS

    document = {name: getattr(incident, name) for name in INCIDENT_FIELDS}
    for name in ("perpetrator_age_band", "mental_health_act_detained", "police_outcome",
                 "body_worn_camera_footage"):
        document[name] = document[name] or None
    document.update(
        id=incident.pk, reference=incident.reference, status=incident.status,
        version=incident.version, organisation_ods=incident.trust.ods_code,
        unit_id=incident.unit_id, unit_name=incident.unit.name, sector=incident.sector,
        # In UTC, as a read gives them, whatever offset the reporter's device sent.
        occurred_at=incident.occurred_at.astimezone(UTC),
        reported_at=incident.reported_at.astimezone(UTC),
        reported_by=incident.reported_by.username if scoping.can_see_reporter(user, incident)
        else None,
        staff=[{name: (getattr(m, name) if getattr(m, name) != "" else None)
                for name in STAFF_FIELDS}
               for m in (incident.staff.all() if staff is None else staff)],
    )
    return document


class IncidentDocuments:
    """A lazily presented queryset, so the paginator slices before anything is built."""

    def __init__(self, user, incidents) -> None:
        self.user, self.incidents = user, incidents

    def __len__(self) -> int:
        return self.incidents.count()

    def count(self) -> int:
        return self.incidents.count()

    def __getitem__(self, item):
        rows = self.incidents[item]
        if isinstance(item, slice):
            return [incident_document(self.user, i) for i in rows]
        return incident_document(self.user, rows)
