"""The JSON API under /api/v1/: one NinjaAPI, one router per app, errors that say where."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from staffsafe.api.auth import BearerToken
from staffsafe.collection.api import router as returns_router
from staffsafe.incidents.api import router as incidents_router
from staffsafe.incidents.selectors import IncidentNotFound
from staffsafe.incidents.services import (
    IncidentEditConflict,
    IncidentIdConflict,
    IncidentRefused,
    IncidentRejected,
)

api = NinjaAPI(
    title="StaffSafe API",
    version="1",
    description="Report and manage incidents of violence, aggression and abuse against NHS "
    "staff. Authenticate with `Authorization: Bearer <token>`.",
    auth=BearerToken(),
    urls_namespace="api",
    # The interactive docs page loads scripts from a CDN, which an NHS network may block;
    # the OpenAPI document itself is served at /api/v1/openapi.json.
    docs_url=None,
)
api.add_router("/incidents", incidents_router, tags=["incidents"])
api.add_router("/returns", returns_router, tags=["returns"])


def _error(request: HttpRequest, status: int, detail: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(IncidentRejected)
def _rejected(request: HttpRequest, exc: IncidentRejected) -> HttpResponse:
    return _error(request, 422, [
        {"loc": ["body", *p.field.replace("[", ".").replace("]", "").split(".")],
         "msg": p.message, "type": p.rule} for p in exc.problems
    ])


@api.exception_handler(IncidentRefused)
def _refused(request: HttpRequest, exc: IncidentRefused) -> HttpResponse:
    return _error(request, 403, str(exc))


@api.exception_handler(IncidentNotFound)
def _not_found(request: HttpRequest, exc: IncidentNotFound) -> HttpResponse:
    return _error(request, 404, "No incident with this id that you can see.")


@api.exception_handler(IncidentIdConflict)
def _id_conflict(request: HttpRequest, exc: IncidentIdConflict) -> HttpResponse:
    return _error(request, 409, "This id is already used by another report. Use a new UUID.")


@api.exception_handler(IncidentEditConflict)
def _edit_conflict(request: HttpRequest, exc: IncidentEditConflict) -> HttpResponse:
    return _error(request, 409, "Someone else changed this incident since the version you sent. "
                  "Fetch it again and re-apply your change.")


# pydantic names its own classes where an object was expected ("... instance of IncidentIn").
_MESSAGES = {"model_type": "Send a JSON object here.", "dict_type": "Send a JSON object here."}


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, [
        {"loc": list(e.get("loc", [])), "type": e.get("type", ""),
         "msg": _MESSAGES.get(e.get("type", ""), e.get("msg", ""))}
        for e in exc.errors
    ])


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Send a valid bearer token: Authorization: Bearer <token>.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))
