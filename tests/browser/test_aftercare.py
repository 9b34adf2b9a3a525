"""Aftercare in the browser: a manager works through their task list on a phone without
JavaScript; the lead records a report to HSE, the police details, a sanction and its review, and
sets the trust's targets. Every page on the way, error states too, is checked with axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from staffsafe.incidents.models import Incident
from tests.aftercare.builders import physical_incident
from tests.browser.pages import Tab
from tests.factories import make_incident

pytestmark = pytest.mark.django_db(transaction=True)


class TaskList:
    """/tasks/: what is due and overdue for the person."""

    def __init__(self, tab: Tab) -> None:
        self.tab = tab

    def open(self) -> TaskList:
        self.tab.open("/tasks/")
        assert self.tab.heading() == "Your tasks"
        return self

    def section(self, heading: str) -> str:
        """The text of the table under a heading like 'Overdue (1)', or '' if there is none."""
        found = self.tab.main().get_by_role("heading", level=2).filter(
            has_text=heading)
        if not found.count():
            return ""
        return found.first.locator("xpath=following-sibling::div[1]//table").inner_text()

    def do(self, task: str, reference: str) -> None:
        self.tab.follow(f"{task} for {reference}", within=self.tab.main())


class IncidentAftercare:
    """The aftercare part of the manager's incident page, and the pages it links to."""

    def __init__(self, tab: Tab) -> None:
        self.tab = tab

    def value(self, key: str) -> str:
        row = self.tab.main().locator(".nhsuk-summary-list__row").filter(
            has=self.tab.page.get_by_text(key, exact=True))
        return row.locator(".nhsuk-summary-list__value").first.inner_text().strip()

    def step_status(self, step: str) -> str:
        return self.tab.main().get_by_role("row").filter(
            has=self.tab.page.get_by_role("rowheader", name=step)).inner_text()

    def banner(self) -> str:
        return self.tab.page.locator(".nhsuk-notification-banner").inner_text()


def _age(incident, hours: int) -> None:  # type: ignore[no-untyped-def]
    Incident.objects.filter(pk=incident.pk).update(
        reported_at=timezone.now() - timedelta(hours=hours),
        occurred_at=timezone.now() - timedelta(hours=hours + 1))


@pytest.mark.browser
def test_a_manager_works_through_overdue_support_on_a_phone_without_javascript(open_tab,
                                                                               world):
    # Given a report made 30 hours ago, whose manager contact (24 hours) is now overdue
    incident = make_incident(world.reporter, world.ward)
    _age(incident, 30)
    tab = open_tab(world.manager, phone=True, javascript=False)

    # When the ward's manager opens their task list
    tasks = TaskList(tab).open()

    # Then manager contact is overdue and the debrief is due within the week
    assert incident.reference in tasks.section("Overdue (1)")
    assert "Debrief" in tasks.section("Due in the next 7 days")

    # When they open the overdue task and save without answering
    tasks.do("Manager contact", incident.reference)
    assert tab.heading() == "Record manager contact"
    tab.page.get_by_label("At about what time?").fill("")
    tab.press("Save")

    # Then they are told what is missing, beside the question
    summary = tab.error_summary()
    assert "Select what happened" in summary.inner_text()
    assert "Enter the time it was offered or done" in summary.inner_text()

    # When they answer and save
    tab.choose("What happened?", "Offered and accepted (or done)")
    tab.enter("At about what time?", timezone.localtime().strftime("%H:%M"))
    tab.enter("Note", "Phoned them at home.")
    tab.press("Save")

    # Then the incident page says it was done, and by whom
    panel = IncidentAftercare(tab)
    assert "manager contact recorded" in panel.banner()
    assert "Accepted" in panel.step_status("Manager contact")
    assert world.manager.display_name in panel.step_status("Manager contact")

    # And the task list has nothing overdue any more
    tasks.open()
    assert tasks.section("Overdue") == ""
    assert tab.has_no_horizontal_scroll(360)


@pytest.mark.browser
def test_the_lead_records_riddor_police_and_a_sanction_and_reviews_it(open_tab, world):
    # Given a physical assault that caused a severe (specified) injury
    incident = physical_incident(world, severity="severe")
    tab = open_tab(world.lead)
    tab.open(f"/incidents/{incident.pk}/")
    panel = IncidentAftercare(tab)

    # Then the incident page shows the RIDDOR assessment and its deadline
    assert panel.value("Assessment") == "Specified injury"
    assert "notify HSE without delay" in panel.value("Why")
    assert "Due soon" in panel.value("Report by") or "To do" in panel.value("Report by")

    # When the lead records the report to HSE
    tab.follow("Record the report to HSE")
    assert tab.heading() == "RIDDOR"
    tab.enter_date("Date reported to HSE (optional)", timezone.localdate())
    tab.enter("HSE reference (optional)", "RIDDOR-2026-001")
    tab.press("Save")

    # Then it shows as reported, with the reference
    assert "Reported" in panel.value("Report by")
    assert panel.value("HSE reference") == "RIDDOR-2026-001"

    # When they record the police details
    tab.follow("Change the police details")
    tab.choose("Were the police told?", "Yes")
    tab.enter("Crime reference (optional)", "CR/0042/26")
    tab.select("Police outcome (optional)", "Charged")
    tab.select("Court outcome (optional)", "Awaiting a hearing")
    tab.choose("Does the Assaults on Emergency Workers (Offences) Act 2018 apply? (optional)",
               "No")
    tab.press("Save")
    assert panel.value("Crime reference") == "CR/0042/26"
    assert panel.value("Police outcome") == "Charged"

    # When they add a sanction, first naming the person (which is refused)
    tab.follow("Add a sanction")
    tab.choose("Which sanction?", "Warning letter")
    tab.enter("Local reference for the person (optional)", "John Smith")
    tab.enter_date("Date it was decided", timezone.localdate())
    tab.enter_date("Review by", timezone.localdate() + timedelta(days=90))
    tab.press("Save")
    assert "Never a name" in tab.error_summary().inner_text()
    tab.enter("Local reference for the person (optional)", "P-0042")
    tab.press("Save")

    # Then it is in place, with a review date, and on the lead's task list
    assert "In place" in tab.main().get_by_role("row").filter(has_text="Warning letter") \
        .inner_text()
    tasks = TaskList(tab).open()
    assert "Review the warning letter" in tasks.section("Later")

    # When they review it and end it
    tasks.do("Review the warning letter", incident.reference)
    assert tab.heading() == "Review a sanction"
    tab.enter_date("Date of this review", timezone.localdate())
    tab.choose("What was decided?", "End it")
    tab.press("Save")

    # Then it has ended, and no review is due any more
    assert "Ended" in tab.main().get_by_role("row").filter(has_text="Warning letter") \
        .inner_text()
    tasks.open()
    assert "Review the warning letter" not in tab.main().inner_text()


@pytest.mark.browser
def test_the_lead_sets_the_trusts_targets(open_tab, world):
    # Given a report just made, and the default targets (debrief within 72 hours)
    incident = make_incident(world.reporter, world.ward)
    tab = open_tab(world.lead)
    tasks = TaskList(tab).open()
    assert "Debrief" in tasks.section("Due in the next 7 days")

    # When the lead changes the targets, first with a mistake
    tab.follow("Change your trust's aftercare targets")
    assert tab.heading() == "Aftercare targets"
    tab.enter("Debrief: hours after the report (optional)", "0")
    tab.enter("Occupational health referral: hours after the report (optional)", "")
    tab.press("Save")
    assert "Enter at least 1 hour for debrief" in tab.error_summary().inner_text()
    tab.enter("Debrief: hours after the report (optional)", "400")
    tab.press("Save")

    # Then the debrief is now due later, and the referral is no longer tracked
    assert tab.heading() == "Your tasks"
    assert "Debrief" in tasks.section("Later")
    assert "Occupational health referral" not in tab.main().inner_text()
    tab.open(f"/incidents/{incident.pk}/")
    assert "Not tracked" in IncidentAftercare(tab).step_status("Occupational health referral")
