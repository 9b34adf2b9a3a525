"""The incidents router: create (idempotent), read, list and update by managers."""


import uuid
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from staffsafe.incidents import presenters, selectors, services
from staffsafe.incidents.schemas import IncidentIn, IncidentOut, IncidentPatch, StaffOut

router = Router()


class ListFilters(Schema):
    status: str = ""
    category: str = ""
    unit_id: int | None = None
    occurred_from: date | None = None
    occurred_to: date | None = None


def _answer(request: HttpRequest, result: services.CreateResult) -> IncidentOut:
    """The created (or replayed) incident as `IncidentOut`, built without validating it: its
    values are the rows just written or read back, checked on the way in, and django-ninja
    answers with such an instance as it is. It must equal a validated read
    (tests/api/test_incidents_api.py)."""
    document = presenters.incident_document(request.user, result.incident, staff=result.staff)
    document["staff"] = [StaffOut.model_construct(**member) for member in document["staff"]]
    return IncidentOut.model_construct(**document)


@router.post("", response={200: IncidentOut, 201: IncidentOut},
             summary="Report an incident (idempotent on `id`)")
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status:
    values = payload.model_dump(exclude={"id", "unit_id", "staff"})
    result = services.incident_create(
        actor=request.user, unit_id=payload.unit_id, values=values,
        staff=[member.model_dump() for member in payload.staff], incident_id=payload.id,
        request=request,
    )
    return Status(201 if result.created else 200, _answer(request, result))


@router.get("", response=list[IncidentOut], summary="List the incidents you can see")
@paginate(LimitOffsetPagination)
def list_incidents(request: HttpRequest, filters: Query[ListFilters]) -> list[dict[str, Any]]:
    incidents = selectors.incident_list(request.user, selectors.IncidentFilters(**filters.dict()))
    return presenters.IncidentDocuments(request.user, incidents.prefetch_related(
        "staff", "reported_by"))


@router.get("/{incident_id}", response=IncidentOut, summary="Read one incident")
def get_incident(request: HttpRequest, incident_id: uuid.UUID) -> dict[str, Any]:
    incident = selectors.incident_get(request.user, incident_id, request=request)
    return presenters.incident_document(request.user, incident)


@router.patch("/{incident_id}", response=IncidentOut,
              summary="Complete, correct or move on an incident (managers and leads)")
def update_incident(request: HttpRequest, incident_id: uuid.UUID,
                    payload: IncidentPatch) -> dict[str, Any]:
    incident = selectors.incident_get(request.user, incident_id, request=request)
    changes = payload.model_dump(exclude_unset=True, exclude={"version", "status", "staff"})
    staff = [m.model_dump() for m in payload.staff] if payload.staff is not None else None
    updated = services.incident_update(
        actor=request.user, incident=incident, expected_version=payload.version,
        changes=changes, staff=staff, status=payload.status, request=request,
    )
    return presenters.incident_document(request.user, updated)
