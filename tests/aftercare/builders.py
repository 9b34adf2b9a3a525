"""Builders for aftercare tests: incidents in which someone was hurt."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.factories import make_incident, staff_member


def physical_incident(world, *, severity: str = "moderate", days_absent: int | None = None,
                      occurred_at=None, perpetrator: str = "patient_service_user", unit=None,
                      reporter=None):  # type: ignore[no-untyped-def]
    """A physical assault on the ward that hurt someone."""
    return make_incident(
        reporter or world.reporter, unit or world.ward, category="physical_assault",
        method=["hit_punch"], perpetrator_type=perpetrator,
        occurred_at=occurred_at or timezone.now() - timedelta(hours=3),
        staff=[staff_member(injury=True, injury_severity=severity, days_absent=days_absent)])
