"""Page objects for the browser tests: a tab that checks every page with axe, and the forms.

Tests read as what a person does ("choose", "press", "follow") rather than as selectors. Every
locator goes through the accessible name a screen reader would announce, so a test that can
find a control is also evidence the control is labelled.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
PASSWORD = "correct-horse-battery"

_TITLE = re.compile(r"(Error: )?\w.* – StaffSafe")
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)


class Auditor:
    """Runs axe-core on a page and fails with a readable summary of every violation.

    axe is itself JavaScript, and it never finishes in a context with JavaScript disabled. A
    page from such a context is audited as a snapshot: its DOM (with the scripts that did not
    run taken out) is served at the same address to a second, JavaScript-enabled page, so the
    same styles apply and axe sees what a person without JavaScript sees.
    """

    def __init__(self, browser: Browser, axe: Axe) -> None:
        self.browser, self.axe = browser, axe
        self._snapshot_context: BrowserContext | None = None

    def check(self, page: Page, *, javascript: bool = True) -> None:
        target = page if javascript else self._snapshot(page)
        results = self.axe.run(target, options=AXE_OPTIONS)
        assert results.violations_count == 0, (
            f"axe found {results.violations_count} WCAG 2.2 AA violation(s) on {page.url} "
            f"({'JavaScript on' if javascript else 'JavaScript off'}):\n"
            f"{results.generate_snapshot()}\n\n{results.generate_report()}"
        )

    def _snapshot(self, page: Page) -> Page:
        if self._snapshot_context is None:
            self._snapshot_context = self.browser.new_context()
        snapshot = self._snapshot_context.pages[0] if self._snapshot_context.pages else \
            self._snapshot_context.new_page()
        snapshot.set_viewport_size(page.viewport_size or {"width": 1280, "height": 720})
        html = _SCRIPT.sub("", page.content())
        address = urldefrag(page.url).url

        def serve(route) -> None:  # type: ignore[no-untyped-def]
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        def matches(url: str) -> bool:
            return url == address

        snapshot.route(matches, serve)
        try:
            snapshot.goto(address)
        finally:
            snapshot.unroute(matches, serve)
        return snapshot

    def close(self) -> None:
        if self._snapshot_context is not None:
            self._snapshot_context.close()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Tab:
    """One person's browser tab. Every page it moves to is checked with axe before returning."""

    def __init__(self, page: Page, base_url: str, auditor: Auditor, *, javascript: bool) -> None:
        self.page, self.base_url, self.auditor, self.javascript = (
            page, base_url.rstrip("/"), auditor, javascript)
        self._loaded: set[str] = set()
        self._checked: set[str] = set()
        self.dialogs: list[str] = []
        page.on("load", lambda loaded: self._loaded.add(_path(loaded.url)))
        page.on("dialog", self._dialog_opened)

    def _dialog_opened(self, dialog) -> None:  # type: ignore[no-untyped-def]
        """No page of this service opens a dialog: record any that does, and close it."""
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    # Moving about -------------------------------------------------------------------------

    def open(self, path: str) -> Response | None:
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def follow(self, name: str, *, exact: bool = True, within: Locator | None = None) -> None:
        """Follow the link called `name` to a new page."""
        self._navigate((within or self.page).get_by_role("link", name=name, exact=exact).first)

    def home_links(self) -> Locator:
        """The start page's list of everything the person may open (the header shows a few)."""
        self.open("/")
        return self.main()

    def press(self, name: str, *, exact: bool = True) -> None:
        """Press the button called `name`, which submits a form and loads a page."""
        self._navigate(self.page.get_by_role("button", name=name, exact=exact))

    def _navigate(self, control: Locator) -> None:
        with self.page.expect_navigation():
            control.click()
        self.check()

    def check(self) -> None:
        """Run axe on the page as it is now (including an error state after a POST).

        Also insist on a title that names the page (WCAG 2.4.2): axe only checks there is one.
        """
        self.auditor.check(self.page, javascript=self.javascript)
        title = self.page.title()
        assert _TITLE.fullmatch(title), f"{self.page.url} has the title {title!r}, which does " \
            "not say what the page is"
        self._checked.add(_path(self.page.url))

    def unchecked(self) -> set[str]:
        return self._loaded - self._checked

    # Reading ------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text().strip()

    def main(self) -> Locator:
        return self.page.get_by_role("main")

    def error_summary(self) -> Locator:
        return self.page.get_by_role("alert").filter(has_text="There is a problem")

    # Answering questions ------------------------------------------------------------------

    def question(self, legend: str) -> Locator:
        """The fieldset (radios, checkboxes, date) whose legend is `legend`."""
        return self.page.get_by_role("group", name=legend)

    def choose(self, legend: str, option: str) -> None:
        self.question(legend).get_by_label(option, exact=True).check()

    def tick(self, label: str) -> None:
        self.page.get_by_label(label, exact=True).check()

    def enter(self, label: str, text: str) -> None:
        self.page.get_by_label(label).fill(text)

    def select(self, label: str, option: str) -> None:
        self.page.get_by_label(label).select_option(label=option)

    def enter_date(self, legend: str, day: date | None) -> None:
        group = self.question(legend)
        for part, value in (("Day", day and day.day), ("Month", day and day.month),
                            ("Year", day and day.year)):
            group.get_by_label(part, exact=True).fill("" if value is None else str(value))

    def has_no_horizontal_scroll(self, width: int) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth") <= width


class Report:
    """The three pages of 'Report an incident'."""

    def __init__(self, tab: Tab) -> None:
        self.tab = tab

    def what_happened(self, *, category: str = "Verbal abuse or threats", day: date,
                      time: str = "14:30", place: str = "RAA Ward A, RAA General",
                      description: str = "Shouted at while giving medication.") -> Report:
        tab = self.tab
        assert tab.heading() == "What happened"
        tab.choose("What kind of incident was it?", category)
        tab.enter_date("When did it happen?", day)
        tab.enter("At about what time?", time)
        tab.select("Where did it happen?", place)
        tab.enter("Tell us what happened", description)
        return self

    def who_was_affected(self, *, who: str = "Me", hurt: str = "No") -> Report:
        tab = self.tab
        assert tab.heading() == "Who was affected"
        tab.choose("Who did it happen to?", who)
        tab.choose("Were they physically hurt?", hurt)
        return self

    def who_was_involved(self, *, who: str = "Patient or service user",
                         confidential: bool = False) -> Report:
        tab = self.tab
        assert tab.heading() == "Who was involved"
        tab.choose("Who did it?", who)
        if confidential:
            tab.tick("Keep my name confidential")
        return self

    def carry_on(self) -> None:
        self.tab.press("Continue")

    def submit(self) -> None:
        self.tab.press("Submit report")


class IncidentRecord:
    """A manager's or lead's page for one incident: the triage form."""

    def __init__(self, tab: Tab) -> None:
        self.tab = tab

    def reported_by(self) -> str:
        row = self.tab.page.locator(".nhsuk-summary-list__row").filter(
            has=self.tab.page.get_by_text("Reported by", exact=True))
        return row.locator(".nhsuk-summary-list__value").inner_text().strip()

    def description(self) -> str:
        row = self.tab.page.locator(".nhsuk-summary-list__row").filter(
            has=self.tab.page.get_by_text("Description", exact=True))
        return row.locator(".nhsuk-summary-list__value").inner_text().strip()

    def status(self) -> str:
        return self.tab.main().locator(".nhsuk-tag").first.inner_text().strip()

    def save(self) -> None:
        self.tab.press("Save")
