"""Every aftercare route × every role × own/other trust, with the answers handed to
tests/test_access_matrix.py (the WEB list there should carry these same rules)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from staffsafe.aftercare import services
from tests.factories import make_incident

ROLES = ["anonymous", "reporter", "manager", "lead", "trust_admin", "national_analyst",
         "national_admin"]


def only(roles: set[str]):  # type: ignore[no-untyped-def]
    return lambda role, scope: 302 if role == "anonymous" else (200 if role in roles else 403)


def managed_incident_page(role, scope):  # type: ignore[no-untyped-def]
    """Pages about one incident's aftercare: its unit's manager and the trust's lead only;
    anyone else is told it is not found (never whether it exists)."""
    if role == "anonymous":
        return 302
    return 200 if scope == "own" and role in ("manager", "lead") else 404


ROUTES = [
    ("aftercare:tasks", "/tasks/", only({"manager", "lead"})),
    ("aftercare:targets", "/aftercare/targets/", only({"lead"})),
    ("aftercare:step", "/incidents/{incident}/aftercare/debrief/", managed_incident_page),
    ("aftercare:riddor", "/incidents/{incident}/riddor/", managed_incident_page),
    ("aftercare:police", "/incidents/{incident}/police/", managed_incident_page),
    ("aftercare:sanction-add", "/incidents/{incident}/sanctions/add/", managed_incident_page),
    ("aftercare:sanction-review", "/incidents/{incident}/sanctions/{sanction}/review/",
     managed_incident_page),
]


def test_every_aftercare_route_is_here():
    resolver = get_resolver()
    [aftercare] = [p for p in resolver.url_patterns if getattr(p, "namespace", "") == "aftercare"]
    names = {f"aftercare:{p.name}" for p in aftercare.url_patterns if isinstance(p, URLPattern)}
    assert names == {name for name, _, _ in ROUTES}


@pytest.fixture
def people(world, national_analyst, national_admin):  # type: ignore[no-untyped-def]
    return {"anonymous": None, "reporter": world.reporter, "manager": world.manager,
            "lead": world.lead, "trust_admin": world.trust_admin,
            "national_analyst": national_analyst, "national_admin": national_admin}


def _with_sanction(reporter, unit, lead):  # type: ignore[no-untyped-def]
    incident = make_incident(reporter, unit)
    today = timezone.localdate()
    sanction = services.sanction_add(actor=lead, incident=incident, kind="record_flag",
                                     decided_on=today, review_on=today + timedelta(days=7))
    return incident, sanction


CASES = [(route, role, scope) for route in ROUTES for role in ROLES for scope in ("own", "other")]


@pytest.mark.parametrize(("route", "role", "scope"), CASES,
                         ids=[f"{r[1]} {role} {scope}" for r, role, scope in CASES])
def test_access(client, world, other_world, people, route, role, scope):
    own, own_sanction = _with_sanction(world.reporter, world.ward, world.lead)
    other, other_sanction = _with_sanction(other_world.reporter, other_world.ward,
                                           other_world.lead)
    incident, sanction = (own, own_sanction) if scope == "own" else (other, other_sanction)
    if people[role] is not None:
        client.force_login(people[role], backend="django.contrib.auth.backends.ModelBackend")
    _, path, expect = route
    response = client.get(path.format(incident=incident.pk, sanction=sanction.pk))
    assert response.status_code == expect(role, scope)
    assert other.reference.encode() not in response.content, "another trust's incident leaked"
