"""Triage: a manager completes a report and gives feedback; two people editing at once; and who
may see a confidential reporter's name. Every page on the way is checked with axe."""

from __future__ import annotations

import pytest

from staffsafe.incidents.models import Incident
from tests.browser.pages import IncidentRecord, Tab
from tests.factories import make_incident

pytestmark = pytest.mark.django_db(transaction=True)

FEEDBACK = "Thank you for telling us. Security will now attend medication rounds on Ward A."


def _open_from_triage(tab: Tab, reference: str) -> IncidentRecord:
    tab.open("/triage/")
    tab.follow(reference, within=tab.main())
    assert tab.path.startswith("/incidents/")
    return IncidentRecord(tab)


@pytest.mark.browser
def test_manager_triages_and_the_reporter_sees_feedback_and_status(open_tab, world, incident):
    # Given a report waiting for the manager of its ward
    manager = open_tab(world.manager)
    manager.open("/")
    assert manager.main().get_by_text("1 report waiting for review.").is_visible()

    # When the manager opens it from the triage queue
    manager.follow("Go to the triage queue")
    manager.follow(incident.reference, within=manager.main())
    record = IncidentRecord(manager)
    assert record.status() == "Submitted"

    # And completes fields, writes feedback, moves it to "In review" and saves
    manager.choose("Hate motivated", "No")
    manager.enter("Number of people involved", "1")
    manager.choose("Security attended", "Yes")
    manager.enter("Feedback to the person who reported it", FEEDBACK)
    manager.choose("Status", "In review")
    record.save()

    # Then the incident is saved with what they entered
    assert manager.main().get_by_text(f"{incident.reference} has been saved.").is_visible()
    assert record.status() == "In review"
    assert manager.page.get_by_label("Number of people involved").input_value() == "1"
    assert manager.question("Security attended").get_by_label("Yes").is_checked()

    # When the reporter looks at "My reports"
    reporter = open_tab(world.reporter)
    reporter.open("/my-reports/")

    # Then their report shows the new status and that feedback was given
    row = reporter.main().get_by_role("row").filter(has_text=incident.reference)
    assert "In review" in row.inner_text()
    assert "Feedback given" in row.inner_text()

    # And opening it shows the manager's feedback
    reporter.follow(incident.reference, within=reporter.main())
    assert reporter.main().locator(".nhsuk-tag").first.inner_text() == "In review"
    feedback = reporter.main().locator(".nhsuk-inset-text")
    assert FEEDBACK in feedback.inner_text()
    assert "<p>" not in feedback.inner_text()


@pytest.mark.browser
def test_a_second_save_of_a_stale_incident_is_refused_not_overwritten(open_tab, world, incident):
    # Given the ward's manager and the trust's lead both have the incident open
    manager_record = _open_from_triage(open_tab(world.manager), incident.reference)
    lead_record = _open_from_triage(open_tab(world.lead), incident.reference)
    manager, lead = manager_record.tab, lead_record.tab

    # When the manager saves first
    manager.choose("Hate motivated", "No")
    manager.enter("Number of people involved", "2")
    manager_record.save()
    assert manager.main().get_by_text(f"{incident.reference} has been saved.").is_visible()

    # And the lead, still looking at the old version, saves a different change
    lead.choose("Hate motivated", "Yes")
    lead.enter("Number of people involved", "5")
    lead.enter("Feedback to the person who reported it", "The lead's note")
    lead_record.save()

    # Then the lead is told someone else changed it, and nothing of theirs was saved
    warning = lead.main().locator(".nhsuk-card--warning")
    assert warning.get_by_role("heading", name="Someone else changed this incident").is_visible()
    saved = Incident.objects.get(pk=incident.pk)
    assert (saved.perpetrator_count, saved.hate_motivated, saved.feedback) == (2, "no", "")

    # And the latest version, when they open it, has the manager's change
    lead.follow("Open the latest version", within=warning)
    assert lead.page.get_by_label("Number of people involved").input_value() == "2"
    assert lead.question("Hate motivated").get_by_label("No", exact=True).is_checked()


@pytest.mark.browser
def test_a_confidential_reporter_is_named_to_the_lead_only(open_tab, world):
    # Given a confidential report by a colleague on the manager's ward
    confidential = make_incident(world.colleague, world.ward, confidential=True)
    name = world.colleague.display_name

    # When the ward's manager looks at the triage queue and the incident
    manager = open_tab(world.manager)
    manager.open("/triage/")

    # Then the queue and the incident say "Confidential" instead of the reporter's name
    row = manager.main().get_by_role("row").filter(has_text=confidential.reference)
    assert "Confidential" in row.inner_text()
    manager.follow(confidential.reference, within=manager.main())
    assert IncidentRecord(manager).reported_by() == "Confidential"
    assert name not in manager.page.content()

    # When the trust's lead opens the same incident
    lead = open_tab(world.lead)
    record = _open_from_triage(lead, confidential.reference)

    # Then the lead sees who reported it
    assert record.reported_by() == name
