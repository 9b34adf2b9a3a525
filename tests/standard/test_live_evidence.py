"""Live evidence from StaffSafe's own records, with the clock frozen: monthly reporting volumes,
SPC of monthly reports, feedback given, aftercare offered, returns accepted; and the figures kept
in a review when the board signs it off."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from staffsafe.analytics import spc
from staffsafe.collection.models import Return
from staffsafe.incidents.models import Incident
from staffsafe.standard import live_evidence, selectors
from tests.factories import make_incident
from tests.standard.data import rate_all, sign_off, start

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 7, 15, 12, tzinfo=LONDON)


def add_incidents(template: Incident, reported_at: datetime, count: int, **fields) -> None:
    """Copies of one incident reported at a given time (quicker than the reporting service)."""
    values = Incident.objects.filter(pk=template.pk).values().get()
    for _ in range(count):
        copy = {**values, "id": uuid.uuid4(), "reference": f"T-{uuid.uuid4().hex[:12]}",
                "reported_at": reported_at, "occurred_at": reported_at - timedelta(hours=1),
                **fields}
        Incident.objects.create(**copy)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def template(world, other_world, frozen):
    own = make_incident(world.reporter, world.ward)
    Incident.objects.filter(pk=own.pk).update(reported_at=datetime(2024, 1, 10, tzinfo=LONDON))
    # Another trust's reports are never counted
    other = make_incident(other_world.reporter, other_world.ward)
    add_incidents(other, datetime(2026, 6, 3, tzinfo=LONDON), 5)
    return own


def test_reporting_volumes_count_the_last_12_complete_months(world, template):
    add_incidents(template, datetime(2025, 7, 1, 0, 30, tzinfo=LONDON), 2)  # first hour of July
    add_incidents(template, datetime(2025, 6, 30, 23, 30, tzinfo=LONDON), 4)  # before the window
    add_incidents(template, datetime(2026, 6, 30, 23, 30, tzinfo=LONDON), 3)  # last hour of June
    add_incidents(template, datetime(2026, 7, 1, 9, tzinfo=LONDON), 7)  # this month: not yet
    evidence = live_evidence.live_evidence(world.trust.pk)
    months = evidence["reporting_volumes"]["months"]
    assert (months[0]["month"], months[-1]["month"]) == ("2025-07", "2026-06")
    assert [m["count"] for m in months] == [2] + [0] * 10 + [3]
    assert months[0]["label"] == "July 2025"
    assert evidence["reporting_volumes"]["total"] == 5
    assert evidence["period"] == {"from": "2025-07", "to": "2026-06"}


def test_feedback_aftercare_and_returns(world, template):
    in_window = datetime(2026, 2, 10, tzinfo=LONDON)
    add_incidents(template, in_window, 3, feedback="Thank you for reporting.")
    add_incidents(template, in_window, 1)
    add_incidents(template, in_window, 4, category="physical_assault", debrief_offered=True,
                  wellbeing_conversation_offered=False)
    add_incidents(template, in_window, 1, category="physical_assault",
                  wellbeing_conversation_offered=True)
    for period, status, digest in [(date(2026, 1, 1), "accepted", "a"),
                                   (date(2026, 1, 1), "superseded", "b"),
                                   (date(2026, 2, 1), "accepted", "c"),
                                   (date(2026, 3, 1), "rejected", "d"),
                                   (date(2025, 5, 1), "accepted", "e")]:  # outside the window
        Return.objects.create(trust=world.trust, period_start=period, status=status,
                              source="upload", file_name="r.csv", file_format="csv",
                              file_sha256=digest * 64)
    evidence = live_evidence.live_evidence(world.trust.pk)
    assert evidence["feedback"] == {"total": 9, "given": 3}
    assert evidence["aftercare"] == {"assaults": 5, "debrief": 4, "wellbeing": 1}
    assert evidence["returns"] == {"accepted": 2, "months": 12}


def test_spc_reads_the_monthly_reports_as_the_analytics_core_does(world, template):
    counts = [12, 15, 11, 14, 13, 16, 12, 14, 15, 13, 12, 14,
              13, 15, 14, 12, 16, 13, 14, 15, 30, 31, 29, 33]  # July 2024 to June 2026
    first = date(2024, 7, 1)
    for n, count in enumerate(counts):
        month = date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 5)
        add_incidents(template, datetime(month.year, month.month, 5, tzinfo=LONDON), count)
    reading = live_evidence.live_evidence(world.trust.pk, spc_target=20)["spc"]
    expected = spc.spc(counts, target=20.0)
    assert reading["available"] and reading["months"] == 24
    assert (reading["from"], reading["to"]) == ("2024-07", "2026-06")
    assert reading["variation"] == expected.variation == "special_cause_concern"
    assert reading["assurance"] == expected.assurance
    assert reading["sentence"] == spc.describe(expected, measure="reports", period="month")
    assert reading["variation_label"] == "Special cause variation of concern"


def test_spc_needs_six_months_of_reports(world, template):
    for month in (3, 4, 5, 6):
        add_incidents(template, datetime(2026, month, 2, tzinfo=LONDON), 2)
    reading = live_evidence.live_evidence(world.trust.pk)["spc"]
    assert not reading["available"] and reading["months"] == 4
    assert reading["reason"].startswith("Fewer than 6 months")


def test_a_signed_off_review_keeps_the_figures_it_was_signed_off_with(world, catalogues,
                                                                       template, frozen):
    add_incidents(template, datetime(2026, 5, 2, tzinfo=LONDON), 4)
    review = start(world.lead)
    rate_all(world.lead, review)
    review = sign_off(world.lead, review, date(2026, 7, 14))
    add_incidents(template, datetime(2026, 5, 3, tzinfo=LONDON), 10)
    kept = selectors.review_live_evidence(review)
    assert kept["reporting_volumes"]["total"] == 4
    assert live_evidence.live_evidence(world.trust.pk)["reporting_volumes"]["total"] == 14
    page = _page(world, review)
    assert "4 reports in the 12 months" in page
    assert "as it stood when the board signed the review off" in page


def _page(world, review) -> str:
    from django.test import Client

    client = Client()
    client.force_login(world.manager, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(f"/self-assessment/{review.pk}/").content.decode()
