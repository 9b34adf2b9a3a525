"""The whole-trust dashboard reads a roll-up (ADR 0012): it must count exactly what the
incidents say, for any mix of incidents, and follow every change to them."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from staffsafe.analytics import selectors, services
from staffsafe.analytics.models import StaleMonth, TrustCell
from staffsafe.datastandard import codes
from staffsafe.incidents import services as incident_services
from tests.factories import incident_values, staff_member

pytestmark = pytest.mark.django_db
AGGREGATES = ("monthly_counts", "unit_monthly_counts", "factor_counts", "hour_weekday_counts",
              "staff_group_counts", "injury_counts", "police_counts")


def _random_incidents(world, count: int, seed: int) -> int:
    """``count`` attempts at varied incidents over 14 months; returns how many were made."""
    rng = random.Random(seed)
    made = 0
    for _ in range(count):
        informed = rng.random() < 0.3
        category = rng.choice(codes.CATEGORY.values)
        values = incident_values(
            category=category, method=["hit_punch"] if category == "physical_assault" else [],
            occurred_at=timezone.now() - timedelta(days=rng.randint(20, 420),
                                                   minutes=rng.randint(0, 1440)),
            setting=rng.choice(codes.SETTING.values),
            perpetrator_type=rng.choice(codes.PERPETRATOR_TYPE.values),
            medical_factors=rng.choice([True, False, None]),
            factors=rng.sample(codes.FACTOR.values, rng.randint(0, 3)),
            police_informed=informed,
            police_outcome=rng.choice(codes.POLICE_OUTCOME.values) if informed else "",
            emergency_worker_act_applies=rng.choice([True, False, None]),
            civil_admin_sanctions=rng.sample(codes.CIVIL_ADMIN_SANCTION.values,
                                             rng.randint(0, 2)))
        staff = []
        for _ in range(rng.randint(1, 3)):
            injured = rng.random() < 0.4
            staff.append(staff_member(
                staff_group=rng.choice(codes.STAFF_GROUP.values), injury=injured,
                injury_severity=rng.choice(["low", "moderate", "severe"]) if injured else "",
                days_absent=rng.choice([None, 0, 1, 5]) if injured else None))
        unit = rng.choice([world.ward, world.other_ward])
        try:
            incident_services.incident_create(actor=world.reporter, unit_id=unit.pk,
                                              values=values, staff=staff)
        except incident_services.IncidentRejected:
            continue
        made += 1
    return made


def _filters(**kwargs) -> selectors.DashboardFilters:
    last = selectors.last_complete_month()
    return selectors.DashboardFilters(selectors.add_months(last, -23), last, **kwargs)


def _both(user, f: selectors.DashboardFilters) -> list[tuple[str, object, object]]:
    out = []
    for name in AGGREGATES:
        live = getattr(selectors, f"_live_{name}")(user, f)
        rolled = getattr(selectors, f"_rolled_{name}")(user, f)
        if name == "staff_group_counts":
            live, rolled = (sorted(x, key=lambda r: r["staff_group"]) for x in (live, rolled))
        out.append((name, live, rolled))
    for field in ("category", "setting", "perpetrator_type"):
        out.append((field, sorted(selectors._live_counts_by(user, f, field)),
                    sorted(selectors._rolled_counts_by(user, f, field))))
    out.append(("yearly", selectors._live_yearly_assaulted_staff(user),
                selectors._rolled_yearly_assaulted_staff(user)))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_the_roll_up_counts_what_the_incidents_say(world, other_world, seed):
    assert _random_incidents(world, 70, seed) > 40
    _random_incidents(other_world, 10, seed)  # another trust's incidents never count
    assert services.trust_cells_refresh(world.trust.pk) > 5
    services.trust_cells_refresh(other_world.trust.pk)  # its roll-up exists and must not count
    for name, live, rolled in _both(world.lead, _filters()):
        assert rolled == live, name
    assert selectors.uses_rollup(world.lead, _filters())
    assert not selectors.uses_rollup(world.lead, _filters(category="physical_assault"))
    assert not selectors.uses_rollup(world.lead, _filters(unit_id=world.ward.pk))
    assert not selectors.uses_rollup(world.manager, _filters())


def test_every_change_to_an_incident_reaches_the_dashboard(world):
    _random_incidents(world, 20, 3)
    services.trust_cells_refresh(world.trust.pk)
    assert not StaleMonth.objects.exists()
    incident = incident_services.incident_create(
        actor=world.reporter, unit_id=world.ward.pk, staff=[staff_member()],
        values=incident_values(category="verbal_abuse_threat",
                               occurred_at=timezone.now() - timedelta(days=40))).incident
    assert StaleMonth.objects.filter(trust=world.trust).count() == 1
    moved_to = timezone.now() - timedelta(days=200)
    incident_services.incident_update(
        actor=world.lead, incident=incident, expected_version=incident.version,
        changes={"category": "physical_assault", "method": ["spit"],
                 "occurred_at": moved_to}, staff=None)
    changed = set(StaleMonth.objects.filter(trust=world.trust).values_list("month", flat=True))
    assert len(changed) == 2  # the old month and the new
    assert services.trust_cells_refresh(world.trust.pk) == 2
    for name, live, rolled in _both(world.lead, _filters()):
        assert rolled == live, name
    month = services.local_month(moved_to)
    assert TrustCell.objects.filter(trust=world.trust, month=month,
                                    key="category:physical_assault").exists()


def test_the_lead_page_builds_the_roll_up_first(world, client_for):
    _random_incidents(world, 15, 4)
    assert StaleMonth.objects.exists() and not TrustCell.objects.exists()
    response = client_for(world.lead).get("/dashboard/")
    assert response.status_code == 200
    assert not StaleMonth.objects.exists()
    f = _filters()
    assert sum(selectors.monthly_counts(world.lead, f)["incidents"]) == sum(
        selectors._live_monthly_counts(world.lead, f)["incidents"]) > 0
    assert date.today() >= f.period_to
