"""Browser tests: real Chromium, through pytest-playwright, against Django's live server.

One browser is launched for the whole session (pytest-playwright's `browser` fixture); each
person in a test gets their own browser context, so their cookies never mix. Every page a test
loads is checked with axe-core against WCAG 2.2 AA, and a test that loads a page without
checking it fails at teardown.

The browser is Debian's Chromium (no browser download is possible here): set
STAFFSAFE_CHROMIUM to use another binary.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test import Client
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext

from tests.browser.pages import PHONE, Auditor, Tab

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("STAFFSAFE_CHROMIUM", "/usr/bin/chromium")
# The network is closed here: nothing may try to reach Google's update or sync services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = os.path.dirname(__file__)
# Pages come from a local server: anything slower than this is a failure, not a wait.
ACTION_TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a browser test that forgot its marker, so `-m "not browser"` stays honest."""
    unmarked = [item.nodeid for item in items
                if str(item.path).startswith(HERE) and item.get_closest_marker("browser") is None]
    if unmarked:
        raise pytest.UsageError("Browser tests must be marked @pytest.mark.browser: "
                                + ", ".join(unmarked))


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


class _OneRequestAtATime(WSGIServer):
    """Serves in the live server's own thread, which already uses the test's connection."""

    def __init__(self, *args, connections_override=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite() -> Iterator[None]:
    """On SQLite the live server's threads share one in-memory connection, which is not safe
    when a page's images are fetched in parallel (it can hang). Serve one request at a time
    there; Django then closes each connection, so the browser never waits on a kept-alive one.
    """
    threaded = LiveServerThread.server_class
    if connection.vendor == "sqlite":
        LiveServerThread.server_class = _OneRequestAtATime
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, pointed at the system Chromium."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


_NOTES = pytest.StashKey[list[str]]()


@pytest.fixture
def note(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Write a line for the end of the run (timings to watch, never to assert on)."""
    def write(text: str) -> None:
        request.config.stash.setdefault(_NOTES, []).append(text)
        request.node.user_properties.append(("note", text))

    return write


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    notes = config.stash.get(_NOTES, [])
    if notes:
        terminalreporter.section("browser test notes")
        for text in notes:
            terminalreporter.write_line(text)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def auditor(browser: Browser, axe: Axe) -> Iterator[Auditor]:
    checker = Auditor(browser, axe)
    yield checker
    checker.close()


def session_cookie_for(user) -> str:  # type: ignore[no-untyped-def]
    """A signed-in Django session for `user`, made without going through the sign-in page."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def open_tab(live_server, browser: Browser, auditor: Auditor,  # type: ignore[no-untyped-def]
             request: pytest.FixtureRequest) -> Iterator[Callable[..., Tab]]:
    """Open a browser tab as `user` (or signed out): `open_tab(world.reporter, phone=True)`.

    Each tab is its own browser context. At teardown, every page a tab loaded must have been
    checked with axe.
    """
    tabs: list[Tab] = []
    contexts: list[BrowserContext] = []

    def open_(user=None, *, phone: bool = False, javascript: bool = True,  # type: ignore[no-untyped-def]
              **context_args) -> Tab:
        if phone:
            context_args = {**PHONE, **context_args}
        context = browser.new_context(java_script_enabled=javascript, **context_args)
        contexts.append(context)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        if user is not None:
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                  "value": session_cookie_for(user), "url": live_server.url}])
        tab = Tab(context.new_page(), live_server.url, auditor, javascript=javascript)
        tabs.append(tab)
        return tab

    yield open_
    try:
        # A test that already failed stopped part-way: its last page was never due a check.
        if not request.node.stash.get(_CALL_FAILED, False):
            unchecked = {url for tab in tabs for url in tab.unchecked()}
            assert not unchecked, f"Pages loaded but never checked with axe: {sorted(unchecked)}"
    finally:
        for context in contexts:
            context.close()
