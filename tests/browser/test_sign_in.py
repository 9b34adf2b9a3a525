"""Signing in: five wrong passwords lock the account, even against the right password."""

from __future__ import annotations

import pytest

from tests.browser.pages import PASSWORD, Tab

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(tab: Tab, username: str, password: str) -> None:
    tab.enter("Username", username)
    tab.enter("Password", password)
    tab.press("Sign in")


@pytest.mark.browser
def test_five_wrong_passwords_lock_the_account(open_tab, world):
    # Given someone at the sign-in page who keeps getting the password wrong
    tab = open_tab()
    tab.open("/sign-in/")
    for attempt in range(1, 5):
        _sign_in(tab, world.reporter.username, f"wrong-password-{attempt}")
        # Then each of the first four attempts says what to fix (axe checked the error state)
        assert "Enter a correct username and password" in tab.error_summary().inner_text()

    # When they get it wrong a fifth time
    _sign_in(tab, world.reporter.username, "wrong-password-5")

    # Then the account is locked
    assert "locked" in tab.heading()

    # When they then sign in with the right password
    tab.open("/sign-in/")
    _sign_in(tab, world.reporter.username, PASSWORD)

    # Then they are still told the account is locked, and are not signed in
    assert "locked" in tab.heading()
    assert "locked" in tab.page.title().lower()
    assert tab.page.get_by_role("button", name="Sign out").count() == 0
    tab.open("/")
    assert tab.path == "/sign-in/"
