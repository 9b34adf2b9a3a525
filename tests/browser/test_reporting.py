"""Reporting an incident, as the person it happened to: on a phone, without JavaScript, after an
interruption, and with mistakes. Every page on the way is checked with axe (see conftest.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from time import perf_counter

import pytest
from django.utils import timezone

from tests.browser.pages import PASSWORD, Report, Tab

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_WIDTH = 360


def _yesterday():  # type: ignore[no-untyped-def]
    return timezone.localdate() - timedelta(days=1)


def _first_reference() -> str:
    return f"RAA-{timezone.now().year}-000001"


def _assert_fits_phone(tab: Tab) -> None:
    width = tab.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{tab.path} scrolls sideways on a phone: {width}px wide"


def _report_through_three_pages(tab: Tab, *, on_each_page=lambda: None) -> None:  # type: ignore[no-untyped-def]
    report = Report(tab)
    on_each_page()
    report.what_happened(day=_yesterday()).carry_on()
    on_each_page()
    report.who_was_affected().carry_on()
    on_each_page()
    report.who_was_involved().submit()


def _assert_acknowledged(tab: Tab) -> None:
    assert re.fullmatch(r"/reports/[0-9a-f-]{36}/submitted/", tab.path)
    assert tab.heading() == "Report submitted"
    panel = tab.main().locator(".nhsuk-panel")
    assert re.search(r"Your reference is\s+RAA-\d{4}-\d{6}", panel.inner_text())
    assert _first_reference() in panel.inner_text()
    assert tab.page.get_by_role("heading", name="What happens next").is_visible()


def _assert_in_my_reports(tab: Tab, status: str = "Submitted") -> None:
    assert tab.heading() == "My reports"
    row = tab.main().get_by_role("row").filter(has_text=_first_reference())
    assert row.count() == 1
    assert status in row.inner_text()
    assert "Verbal abuse or threats" in row.inner_text()


@pytest.mark.browser
def test_reporter_on_a_phone_reports_an_incident_and_finds_it_in_my_reports(
        open_tab, world, note):
    # Given a reporter on a phone, not yet signed in, who follows a link to report
    tab = open_tab(phone=True)
    tab.open("/report/")
    assert tab.path == "/sign-in/"
    _assert_fits_phone(tab)

    # When they sign in through the sign-in page
    tab.enter("Username", world.reporter.username)
    tab.enter("Password", PASSWORD)
    tab.press("Sign in")

    # Then they arrive at the first page of the report (/report/ leads to it)
    assert tab.path == "/report/what-happened/"

    # When they answer the three pages and submit
    started = perf_counter()
    _report_through_three_pages(tab, on_each_page=lambda: _assert_fits_phone(tab))
    note(f"Phone journey: filling in and submitting the three report pages took "
         f"{perf_counter() - started:.1f}s in the browser, axe checks included.")

    # Then they see their reference and what happens next, on a page that fits the phone
    _assert_acknowledged(tab)
    _assert_fits_phone(tab)
    tab.page.screenshot(path="/tmp/ack.png", full_page=True)

    # And the report is in "My reports"
    tab.follow("My reports", within=tab.main())
    _assert_in_my_reports(tab)
    _assert_fits_phone(tab)


@pytest.mark.browser
def test_reporting_works_end_to_end_without_javascript(open_tab, world):
    # Given a reporter whose browser runs no JavaScript
    tab = open_tab(world.reporter, javascript=False)
    tab.open("/")
    assert "js-enabled" not in tab.page.evaluate("document.body.className")

    # When they start a report from the home page and answer the three pages
    tab.follow("Report an incident", within=tab.main())
    assert tab.path == "/report/what-happened/"
    _report_through_three_pages(tab)

    # Then the report is acknowledged, and listed in "My reports"
    _assert_acknowledged(tab)
    tab.follow("My reports", within=tab.main())
    _assert_in_my_reports(tab)


@pytest.mark.browser
def test_an_interrupted_report_keeps_its_answers(open_tab, world):
    # Given a reporter who has answered the first page and moved on to the second
    tab = open_tab(world.reporter)
    tab.open("/report/")
    Report(tab).what_happened(category="Physical threat without contact", day=_yesterday(),
                              time="9:15am", place="RAA Ward B, RAA General",
                              description="Pushed past at the nurses' station.").carry_on()
    assert tab.heading() == "Who was affected"

    # When they are interrupted and go to the home page
    tab.open("/")

    # Then they are offered their unfinished report
    assert tab.main().get_by_text("You have a report you have not finished.").is_visible()

    # When they carry on, they return where they left off
    tab.follow("Carry on with your report")
    assert tab.path == "/report/who-was-affected/"

    # And going back shows their first answers, still there
    tab.follow("Back")
    assert tab.path == "/report/what-happened/"
    what = tab.question("What kind of incident was it?")
    assert what.get_by_label("Physical threat without contact").is_checked()
    day = _yesterday()
    when = tab.question("When did it happen?")
    assert [when.get_by_label(part, exact=True).input_value()
            for part in ("Day", "Month", "Year")] == [str(day.day), str(day.month),
                                                      str(day.year)]
    assert tab.page.get_by_label("At about what time?").input_value() == "9:15am"
    place = tab.page.get_by_label("Where did it happen?")
    assert place.locator("option:checked").inner_text() == "RAA Ward B, RAA General"
    assert tab.page.get_by_label("Tell us what happened").input_value() == \
        "Pushed past at the nurses' station."


@pytest.mark.browser
def test_an_empty_first_page_shows_what_to_fix(open_tab, world):
    # Given a reporter on the first page, which suggests today's date and their ward
    tab = open_tab(world.reporter)
    tab.open("/report/")

    # When they clear the suggestions and continue without answering anything
    tab.enter_date("When did it happen?", None)
    tab.select("Where did it happen?", "Choose a place")
    tab.press("Continue")

    # Then the NHS error summary lists each question, linked to its field (axe passed on it)
    assert tab.path == "/report/what-happened/"
    assert tab.page.title().startswith("Error: ")
    summary = tab.error_summary()
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    expected = {
        "Select what happened": "#id_category",
        "Enter the date": "#id_occurred_date",
        "Enter the time": "#id_occurred_time",
        "Select where it happened": "#id_unit",
    }
    links = summary.get_by_role("link")
    assert {links.nth(i).inner_text(): links.nth(i).get_attribute("href")
            for i in range(links.count())} == expected
    for message, target in expected.items():
        assert tab.page.locator(target).count() == 1, f"{message} links to a missing {target}"
        assert tab.main().locator(".nhsuk-error-message", has_text=message).is_visible()

    # And a link in the summary takes them to the field
    summary.get_by_role("link", name="Enter the time").click()
    tab.page.wait_for_function("document.activeElement.id === 'id_occurred_time'")
