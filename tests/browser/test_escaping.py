"""Free text that looks like HTML is shown as the text it is, wherever it is shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.pages import IncidentRecord, Report

pytestmark = pytest.mark.django_db(transaction=True)

DESCRIPTION = "He typed <script>alert(1)</script> into the ward computer."
FEEDBACK = "We saw <img src=x onerror=alert(2)> and <script>alert(3)</script> in your report."


@pytest.mark.browser
def test_script_in_free_text_is_shown_escaped_and_never_runs(open_tab, world):
    # Given a reporter and a manager whose browsers would run any inline script that reached
    # the page (the content security policy is bypassed, so only escaping protects them)
    reporter = open_tab(world.reporter, bypass_csp=True)
    manager = open_tab(world.manager, bypass_csp=True)

    # When the reporter describes the incident with text containing a script tag
    reporter.open("/report/")
    report = Report(reporter)
    report.what_happened(day=timezone.localdate() - timedelta(days=1),
                         description=DESCRIPTION).carry_on()
    report.who_was_affected().carry_on()
    report.who_was_involved().submit()
    reference = reporter.main().locator(".nhsuk-panel strong").inner_text()

    # Then the manager sees the description literally, and no script element was made of it
    manager.open("/triage/")
    manager.follow(reference, within=manager.main())
    record = IncidentRecord(manager)
    assert record.description() == DESCRIPTION
    assert manager.page.locator("script", has_text="alert(").count() == 0

    # When the manager replies with feedback containing markup
    manager.choose("Hate motivated", "No")
    manager.enter("Feedback to the person who reported it", FEEDBACK)
    record.save()

    # Then the reporter sees both texts literally on their report
    reporter.open("/my-reports/")
    reporter.follow(reference, within=reporter.main())
    assert FEEDBACK in reporter.main().locator(".nhsuk-inset-text").inner_text()
    assert DESCRIPTION in reporter.main().inner_text()
    assert reporter.main().locator("img, script").count() == 0

    # And no page ever opened a dialog
    assert reporter.dialogs == [] and manager.dialogs == []
