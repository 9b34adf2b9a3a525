"""The dashboards in a real browser, at phone and desktop widths, with and without JavaScript;
every page is checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from staffsafe.analytics import selectors
from tests.collection_tables.returns import add_rows, make_return
from tests.factories import make_incident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(world, other_world):
    for months in (1, 2, 3):
        make_incident(world.reporter, world.ward, category="physical_assault",
                      occurred_at=timezone.now() - timedelta(days=30 * months + 3))
    last = selectors.last_complete_month()
    add_rows(make_return(world.trust, last), 12)
    add_rows(make_return(other_world.trust, last), 30, category="physical_assault")
    return last


@pytest.mark.browser
@pytest.mark.parametrize("phone, javascript", [(True, True), (False, True), (True, False)])
def test_a_lead_reads_the_trust_dashboard(open_tab, world, data, phone, javascript):
    tab = open_tab(world.lead, phone=phone, javascript=javascript)
    tab.open("/dashboard/")
    assert tab.heading() == "Violence and aggression dashboard"
    assert tab.main().get_by_text("The latest month shows").first.is_visible()
    assert tab.page.get_by_role("img", name="Incidents each month").first.is_visible()
    # A filter with a mistake gets a located error
    tab.open("/dashboard/?period_from=1999-01-01")
    assert tab.error_summary().is_visible()


@pytest.mark.browser
@pytest.mark.parametrize("phone, javascript", [(True, True), (False, False)])
def test_an_analyst_reads_the_national_dashboard(open_tab, national_analyst, data, phone,
                                                 javascript):
    tab = open_tab(national_analyst, phone=phone, javascript=javascript)
    tab.open("/national/dashboard/")
    assert tab.heading() == "National dashboard"
    assert tab.page.get_by_role("heading", name="Which trusts stand out").is_visible()


@pytest.mark.browser
def test_the_national_admin_loads_staff_survey_results(open_tab, national_admin, world):
    tab = open_tab(national_admin, phone=True)
    tab.open("/national/staff-survey/")
    assert tab.heading() == "NHS Staff Survey results"
    tab.page.get_by_label("NHS Staff Survey results (CSV)").set_input_files(files=[{
        "name": "survey.csv", "mimeType": "text/csv",
        "buffer": b"organisation,year,rate,base\nRAA,2024,abc,10\n"}])
    tab.press("Load results")
    assert tab.error_summary().is_visible()
    tab.page.get_by_label("NHS Staff Survey results (CSV)").set_input_files(files=[{
        "name": "survey.csv", "mimeType": "text/csv",
        "buffer": b"organisation,year,rate,base\nRAA,2024,14.3,1200\n"}])
    tab.press("Load results")
    assert tab.main().get_by_text("1 NHS Staff Survey results loaded.").is_visible()
