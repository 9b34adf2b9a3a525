"""Every route × every role × own trust / other trust, each with its expected answer.

The expected answers are written here as rules; the cases are generated from them. A route added
to the application without a rule here makes `test_every_route_is_in_the_matrix` fail, so no
route can escape the matrix. Zero leaks: no answer to a request about the other trust's incident
ever contains that incident's reference.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from staffsafe.accounts.services import api_token_create
from staffsafe.aftercare.services import sanction_add
from staffsafe.api.urls import api
from staffsafe.collection.models import Return
from staffsafe.standard.services import starter_catalogues_load
from tests.factories import make_incident
from tests.standard.data import review_with_everything

ROLES = ["anonymous", "reporter", "manager", "lead", "trust_admin", "national_analyst",
         "national_admin"]
TRUST_ROLES = {"reporter", "manager", "lead", "trust_admin"}
SCOPES = ["own", "other"]


def anyone(ok: int = 200):
    return lambda role, scope: ok


def signed_in(ok: int = 200):
    return lambda role, scope: 302 if role == "anonymous" else ok


def only(roles: set[str], ok: int = 200):
    return lambda role, scope: 302 if role == "anonymous" else (ok if role in roles else 403)


def trust_member(ok: int = 200):
    return only(TRUST_ROLES, ok)


def own_report_page(role, scope):
    """Pages about one report, seen by the person who made it."""
    if role == "anonymous":
        return 302
    return 200 if scope == "own" and role == "reporter" else 404


def incident_page(role, scope):
    if role == "anonymous":
        return 302
    if scope == "other" or role not in ("reporter", "manager", "lead"):
        return 404
    return 302 if role == "reporter" else 200  # the reporter is sent to their own view


def person_page(role, scope):
    if role == "anonymous":
        return 302
    if role != "trust_admin":
        return 403
    return 200 if scope == "own" else 404


def managed_incident_page(role, scope):
    """Aftercare pages about one incident: its unit's manager and the trust's lead only."""
    if role == "anonymous":
        return 302
    return 200 if scope == "own" and role in ("manager", "lead") else 404


def self_assessment_page(role, scope):
    """The trust's self-assessment: its lead and managers read it."""
    if role == "anonymous":
        return 302
    if role not in ("lead", "manager"):
        return 403
    return 200 if scope == "own" else 404


def self_assessment_change(role, scope):
    """Only the trust's lead changes its self-assessment."""
    if role == "anonymous":
        return 302
    if role != "lead":
        return 403
    return 200 if scope == "own" else 404


def post_only(role, scope):
    return 302 if role == "anonymous" else 405


SUBMITTERS = {"lead", "trust_admin"}
NATIONAL = {"national_analyst", "national_admin"}


def return_page(role, scope):
    """A trust's return: its lead and administrator, and national roles (status, no rows)."""
    if role == "anonymous":
        return 302
    if role in NATIONAL or (role in SUBMITTERS and scope == "own"):
        return 200
    return 404


def returns_home(role, scope):
    if role == "anonymous" or role in NATIONAL:
        return 302  # national roles are sent to the national view
    return 200 if role in SUBMITTERS else 403


def api_return_submit(role, scope):
    if role == "anonymous":
        return 401
    return 202 if role in SUBMITTERS else 403


def api_read(role, scope):
    if role == "anonymous":
        return 401
    return 200 if scope == "own" and role in ("reporter", "manager", "lead") else 404


def api_update(role, scope):
    status = api_read(role, scope)
    return 403 if status == 200 and role == "reporter" else status


def api_create(role, scope):
    if role == "anonymous":
        return 401
    if role not in TRUST_ROLES:
        return 403
    return 201 if scope == "own" else 422


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # placeholders ({incident}, {return_id}, {review}...) are filled in per case
    expect: object


WEB = [
    Route("core:home", "GET", "/", signed_in()),
    Route("core:accessibility", "GET", "/accessibility/", anyone()),
    Route("core:privacy", "GET", "/privacy/", anyone()),
    Route("accounts:sign-in", "GET", "/sign-in/",
          lambda role, scope: 200 if role == "anonymous" else 302),
    Route("accounts:sign-out", "GET", "/sign-out/", anyone(405)),
    Route("accounts:personas", "GET", "/demo/personas/", anyone()),
    Route("incidents:report-start", "GET", "/report/", trust_member(302)),
    Route("incidents:report-discard", "GET", "/report/discard/",
          lambda role, scope: 302 if role == "anonymous" else 405),
    Route("incidents:report-page", "GET", "/report/what-happened/", trust_member()),
    Route("incidents:report-done", "GET", "/reports/{incident}/submitted/", own_report_page),
    Route("incidents:my-reports", "GET", "/my-reports/", trust_member()),
    Route("incidents:my-report", "GET", "/my-reports/{incident}/", own_report_page),
    Route("incidents:triage", "GET", "/triage/", only({"manager", "lead"})),
    Route("incidents:list", "GET", "/incidents/", only({"manager", "lead"})),
    Route("incidents:detail", "GET", "/incidents/{incident}/", incident_page),
    Route("audit:search", "GET", "/audit/", only({"lead"})),
    Route("organisations:overview", "GET", "/organisation/", only({"trust_admin"})),
    Route("organisations:site-add", "GET", "/organisation/sites/add/", only({"trust_admin"})),
    Route("organisations:unit-add", "GET", "/organisation/units/add/", only({"trust_admin"})),
    Route("organisations:headcount-set", "GET", "/organisation/headcounts/set/",
          only({"trust_admin"})),
    Route("organisations:csv-upload", "GET", "/organisation/upload/", only({"trust_admin"})),
    Route("accounts:people", "GET", "/organisation/people/", only({"trust_admin"})),
    Route("accounts:person-add", "GET", "/organisation/people/add/", only({"trust_admin"})),
    Route("accounts:person-edit", "GET", "/organisation/people/{colleague}/", person_page),
    Route("organisations:trusts", "GET", "/trusts/", only({"national_admin"})),
    Route("organisations:trust-add", "GET", "/trusts/add/", only({"national_admin"})),
    Route("collection:returns", "GET", "/returns/", returns_home),
    Route("collection:return-upload", "GET", "/returns/upload/", only(SUBMITTERS)),
    Route("collection:return-build", "GET", "/returns/build/", signed_in(405)),
    Route("collection:return", "GET", "/returns/{return_id}/", return_page),
    Route("collection:return-progress", "GET", "/returns/{return_id}/progress.json", return_page),
    Route("collection:return-report", "GET", "/returns/{return_id}/report.csv", return_page),
    Route("collection:national-returns", "GET", "/national/returns/", only(NATIONAL)),
    Route("collection:national-tables", "GET", "/national/tables/", only(NATIONAL | SUBMITTERS)),
    Route("collection:national-tables-download", "GET", "/national/tables/sector.csv",
          only(NATIONAL | SUBMITTERS)),
    Route("aftercare:tasks", "GET", "/tasks/", only({"manager", "lead"})),
    Route("aftercare:targets", "GET", "/aftercare/targets/", only({"lead"})),
    Route("aftercare:step", "GET", "/incidents/{incident}/aftercare/debrief/",
          managed_incident_page),
    Route("aftercare:riddor", "GET", "/incidents/{incident}/riddor/", managed_incident_page),
    Route("aftercare:police", "GET", "/incidents/{incident}/police/", managed_incident_page),
    Route("aftercare:sanction-add", "GET", "/incidents/{incident}/sanctions/add/",
          managed_incident_page),
    Route("aftercare:sanction-review", "GET",
          "/incidents/{incident}/sanctions/{sanction}/review/", managed_incident_page),
    Route("standard:overview", "GET", "/self-assessment/", only({"lead", "manager"})),
    # The lead is sent on to the review already in progress.
    Route("standard:start", "GET", "/self-assessment/start/", only({"lead"}, 302)),
    Route("standard:review", "GET", "/self-assessment/{review}/", self_assessment_page),
    Route("standard:review-edit", "GET", "/self-assessment/{review}/edit/",
          self_assessment_change),
    Route("standard:indicator", "GET", "/self-assessment/{review}/indicators/{code}/",
          self_assessment_page),
    Route("standard:link-add", "GET",
          "/self-assessment/{review}/indicators/{code}/links/add/", self_assessment_change),
    Route("standard:file-add", "GET",
          "/self-assessment/{review}/indicators/{code}/files/add/", self_assessment_change),
    Route("standard:action-add", "GET",
          "/self-assessment/{review}/indicators/{code}/actions/add/", self_assessment_change),
    Route("standard:link-remove", "GET", "/self-assessment/{review}/links/{link}/remove/",
          post_only),
    Route("standard:file-download", "GET", "/self-assessment/{review}/files/{file}/",
          self_assessment_page),
    Route("standard:file-remove", "GET", "/self-assessment/{review}/files/{file}/remove/",
          post_only),
    Route("standard:action-plan", "GET", "/self-assessment/{review}/actions/",
          self_assessment_page),
    Route("standard:action-edit", "GET", "/self-assessment/{review}/actions/{action}/",
          self_assessment_change),
    Route("standard:sign-off", "GET", "/self-assessment/{review}/sign-off/",
          self_assessment_change),
    Route("standard:compare", "GET", "/self-assessment/{review}/compare/",
          self_assessment_page),
    Route("standard:export-xlsx", "GET", "/self-assessment/{review}/export.xlsx",
          self_assessment_page),
    Route("standard:export-pdf", "GET", "/self-assessment/{review}/board-report.pdf",
          self_assessment_page),
    Route("standard:catalogues", "GET", "/self-assessment/catalogues/", signed_in()),
    Route("standard:catalogue-upload", "GET", "/self-assessment/catalogues/upload/",
          only({"national_admin"})),
    Route("standard:catalogue-starter", "GET", "/self-assessment/catalogues/starter/",
          post_only),
    Route("standard:catalogue", "GET", "/self-assessment/catalogues/{catalogue}/",
          signed_in()),
    Route("standard:catalogue-download", "GET",
          "/self-assessment/catalogues/{catalogue}/catalogue.csv", signed_in()),
    Route("analytics:dashboard", "GET", "/dashboard/", only({"manager", "lead"})),
    Route("analytics:chart", "GET", "/dashboard/charts/incidents.svg", only({"manager", "lead"})),
    Route("analytics:data", "GET", "/dashboard/data/category.csv", only({"manager", "lead"})),
    Route("analytics:board-report", "GET", "/dashboard/board-report.pdf", only({"lead"})),
    Route("analytics:national-dashboard", "GET", "/national/dashboard/", only(NATIONAL)),
    # No accepted return exists in these cases, so there is no trend to draw.
    Route("analytics:national-chart", "GET", "/national/dashboard/charts/trend.svg",
          only(NATIONAL, 404)),
    Route("analytics:staff-survey", "GET", "/national/staff-survey/", only({"national_admin"})),
    Route("api:openapi-json", "GET", "/api/v1/openapi.json", anyone()),
    Route("collection:dictionary", "GET", "/standard/", anyone()),
    Route("collection:standard-download", "GET", "/standard/download/datapackage.json", anyone()),
]
API = [
    Route("GET /incidents", "GET", "/api/v1/incidents",
          lambda role, scope: 401 if role == "anonymous" else 200),
    Route("POST /incidents", "POST", "/api/v1/incidents", api_create),
    Route("GET /incidents/{incident_id}", "GET", "/api/v1/incidents/{incident}", api_read),
    Route("PATCH /incidents/{incident_id}", "PATCH", "/api/v1/incidents/{incident}", api_update),
    Route("GET /returns/{return_id}", "GET", "/api/v1/returns/{return_id}",
          lambda role, scope: 401 if role == "anonymous" else return_page(role, scope)),
    Route("POST /returns", "POST", "/api/v1/returns", api_return_submit),
]
ROUTES = WEB + API


def _web_route_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _web_route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_is_in_the_matrix():
    web = {name for name in _web_route_names(get_resolver().url_patterns)
           if not name.startswith("api:") or name == "api:openapi-json"}
    schema = api.get_openapi_schema()
    api_routes = {f"{method.upper()} {path.removeprefix('/api/v1')}"
                  for path, methods in schema["paths"].items() for method in methods}
    assert web == {r.name for r in WEB}
    assert api_routes == {r.name for r in API}


@pytest.fixture
def people(world, other_world, national_analyst, national_admin):
    return {
        "anonymous": None, "reporter": world.reporter, "manager": world.manager,
        "lead": world.lead, "trust_admin": world.trust_admin,
        "national_analyst": national_analyst, "national_admin": national_admin,
    }


def _body(route: Route, unit, incident) -> str | None:
    if route.method == "POST":
        return json.dumps({
            "id": str(uuid.uuid4()), "unit_id": unit.pk,
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "reporter_role": "victim", "category": "verbal_abuse_threat",
            "perpetrator_type": "member_of_public",
            "staff": [{"staff_group": "admin_clerical", "injury": False}],
        })
    if route.method == "PATCH":
        return json.dumps({"version": incident.version, "feedback": "Matrix check"})
    return None


def _request(client, route: Route, user, incident, unit, submission, sanction, standard):
    path = route.path.format(incident=incident.pk, colleague=incident.reported_by_id,
                             return_id=submission.pk, sanction=sanction.pk, **standard)
    headers = {}
    if user is not None:
        if route.path.startswith("/api/v1/") and "openapi" not in route.path:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(user=user)}"
        else:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if route.name == "POST /returns":
        upload = SimpleUploadedFile("march.csv", b"incident_id\n", content_type="text/csv")
        return client.post(path, {"period": "2026-03", "file": upload}, **headers)
    body = _body(route, unit, incident)
    return client.generic(route.method, path, body or "", content_type="application/json",
                          **headers)


def _return(trust):
    return Return.objects.create(trust=trust, period_start=date(2026, 3, 1), source="upload",
                                 file_name="march.csv", file_format="csv",
                                 file_sha256=trust.ods_code * 8)


def _self_assessments(route, world, other_world, settings, tmp_path):
    """A review in progress for each trust, only for the Standard's routes (it is slow)."""
    if not route.name.startswith("standard:"):
        return {"own": {}, "other": {}}
    settings.STANDARD_EVIDENCE_DIR = tmp_path
    starter_catalogues_load(actor=None, actor_label="matrix")
    return {"own": review_with_everything(world), "other": review_with_everything(other_world)}


CASES = [(route, role, scope) for route in ROUTES for role in ROLES for scope in SCOPES]


@pytest.mark.parametrize(("route", "role", "scope"), CASES,
                         ids=[f"{r.method} {r.path} {role} {scope}" for r, role, scope in CASES])
def test_access(client, world, other_world, people, route, role, scope, settings, tmp_path):
    own = make_incident(world.reporter, world.ward)
    other = make_incident(other_world.reporter, other_world.ward)
    incident, unit = (own, world.ward) if scope == "own" else (other, other_world.ward)
    submission = _return(world.trust if scope == "own" else other_world.trust)
    lead = world.lead if scope == "own" else other_world.lead
    sanction = sanction_add(actor=lead, incident=incident, kind="record_flag",
                            decided_on=date.today(), review_on=date.today() + timedelta(days=7))
    incident.refresh_from_db()  # recording a sanction moves the incident's version on
    standard = _self_assessments(route, world, other_world, settings, tmp_path)[scope]
    response = _request(client, route, people[role], incident, unit, submission, sanction,
                        standard)
    expected = route.expect(role, scope)
    assert response.status_code == expected, response.content[:300]
    assert other.reference.encode() not in response.content, "another trust's incident leaked"
