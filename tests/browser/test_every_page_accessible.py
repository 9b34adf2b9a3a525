"""Every page each role can reach passes axe-core's WCAG 2.2 AA rules.

The journeys in the other files check the reporting and triage pages on the way through; this
file visits the rest, as each role, with some data on them so tables and lists are not empty.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest

from tests.factories import UserFactory, make_incident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.browser
def test_signed_out_pages_are_accessible(open_tab, world):
    # Given someone who has not signed in, to a demo with a persona to choose
    UserFactory(username="demo-nurse", trust=world.trust, is_persona=True)
    tab = open_tab()

    # When they visit the pages open to everyone, then each passes axe (checked on arrival)
    tab.open("/sign-in/")
    assert tab.heading() == "Sign in to StaffSafe"
    tab.follow("Sign in as one of the demo people")
    assert tab.heading() == "Choose a demo person"
    assert tab.main().get_by_role("button", name=re.compile("Member of staff")).is_visible()
    tab.follow("Accessibility statement")
    assert tab.heading() == "Accessibility statement"
    tab.follow("Privacy")
    assert tab.heading() == "Privacy"

    # And a signed-out person asking for a private page is sent to sign in
    tab.open("/my-reports/")
    assert tab.path == "/sign-in/"

    # And an address that does not exist shows the service's own 404 page
    response = tab.open("/no-such-page/")
    assert response is not None and response.status == 404
    assert tab.heading() == "Page not found"


@pytest.mark.browser
def test_reporter_pages_are_accessible(open_tab, world, incident):
    # Given a reporter with one report
    tab = open_tab(world.reporter)

    # When they move around their pages, then each passes axe
    tab.open("/")
    assert tab.heading().startswith("Hello")
    tab.follow("My reports", within=tab.home_links())
    assert tab.heading() == "My reports"
    tab.follow(incident.reference)
    assert tab.heading() == "Your report"

    # And a page their role may not see says so, accessibly
    response = tab.open("/triage/")
    assert response is not None and response.status == 403
    assert tab.heading() == "You cannot see this page"
    tab.open(f"/my-reports/{uuid.uuid4()}/")
    assert tab.heading() == "Page not found"


@pytest.mark.browser
def test_manager_pages_are_accessible(open_tab, world, incident):
    # Given a manager with a report waiting in the queue
    tab = open_tab(world.manager)

    # When they go through home, triage, the incidents list (filtered too) and the incident
    tab.open("/")
    tab.follow("Go to the triage queue")
    assert tab.heading() == "Triage"
    tab.follow("Incidents", within=tab.home_links())
    assert tab.heading() == "Incidents"
    tab.select("Status (optional)", "Submitted")
    tab.press("Filter")
    assert tab.main().get_by_role("link", name=incident.reference).is_visible()
    tab.follow(incident.reference)

    # Then each page passed axe, and the incident's page is the triage form
    assert tab.page.get_by_role("heading", name="Incident", exact=True).is_visible()


@pytest.mark.browser
def test_lead_pages_are_accessible(open_tab, world, incident):
    # Given a lead at a trust where things have happened (a report, then a view of it)
    make_incident(world.colleague, world.ward, confidential=True)
    tab = open_tab(world.lead)
    tab.open("/")
    tab.open(f"/incidents/{incident.pk}/")

    # When they use the triage queue, the incidents list and the audit search
    tab.open("/triage/")
    tab.open("/incidents/")
    tab.follow("Audit", within=tab.home_links())
    assert tab.heading() == "Audit"
    tab.select("Action (optional)", "Viewed")
    tab.press("Search")

    # Then every page passed axe, and the search found the view
    assert tab.main().get_by_role("cell", name="Viewed").first.is_visible()


@pytest.mark.browser
def test_trust_admin_pages_are_accessible(open_tab, world):
    # Given a trust administrator
    tab = open_tab(world.trust_admin)

    # When they visit their home page, their organisation and each of its forms
    tab.open("/")
    tab.follow("Organisation", within=tab.home_links())
    assert tab.heading() == world.trust.name
    for link, heading in [("Add a site", "Add a site"), ("Add a unit", "Add a unit"),
                          ("Set a headcount", "Set a headcount")]:
        tab.open("/organisation/")
        tab.follow(link)
        assert tab.heading() == heading

    # And they save a form with nothing in it, which shows the error state
    tab.press("Save")
    assert tab.error_summary().is_visible()
    tab.check()

    # And they upload a CSV file with mistakes in it
    tab.open("/organisation/")
    tab.follow("Load sites, units or headcounts from a CSV file")
    tab.choose("What the file holds", "Headcounts (columns: staff_group, month as YYYY-MM, "
               "headcount)")
    tab.page.get_by_label("CSV file").set_input_files(files=[{
        "name": "headcounts.csv", "mimeType": "text/csv",
        "buffer": io.BytesIO(b"staff_group,month,headcount\nnot_a_group,2026-13,-4\n").getvalue(),
    }])
    tab.press("Load")

    # Then every page, including the list of problems in the file, passed axe
    assert tab.page.get_by_role("heading", name="Problems in the file").is_visible()


@pytest.mark.browser
def test_national_admin_pages_are_accessible(open_tab, world, national_admin):
    # Given a national administrator
    tab = open_tab(national_admin)

    # When they see the trusts and open the form to add one
    tab.open("/")
    tab.follow("Trusts", within=tab.home_links())
    assert tab.heading() == "Trusts"
    tab.follow("Add a trust")
    assert tab.heading() == "Add a trust"

    # And submit it empty
    tab.press("Save")

    # Then every page, including the error state, passed axe
    assert tab.error_summary().is_visible()
