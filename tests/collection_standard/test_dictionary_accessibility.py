"""The /standard/ page in a real Chromium: axe-core WCAG 2.2 AA and no page-wide sideways
scrolling at 360 px. Uses Playwright's API directly, so it runs with or without pytest-playwright.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("STAFFSAFE_CHROMIUM", "/usr/bin/chromium")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_dictionary_passes_axe_and_reflows(live_server, width):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": width, "height": 800})
            response = page.goto(f"{live_server.url}/standard/")
            assert response is not None and response.status == 200
            results = Axe().run(page, options={"runOnly": {"type": "tag",
                                                           "values": WCAG_22_AA}})
            assert results.violations_count == 0, results.generate_report()
            page_width = page.evaluate("document.documentElement.scrollWidth")
            assert page_width <= width, f"the page scrolls sideways at {width} px"
            scrolling = page.evaluate("""[...document.querySelectorAll('.staffsafe-table-wrap')]
                .filter(wrap => wrap.scrollWidth > wrap.clientWidth).length""")
            assert scrolling == 0, f"{scrolling} tables scroll sideways at {width} px"
        finally:
            browser.close()
