"""The public data dictionary at /standard/: axe-core WCAG 2.2 AA (checked by `Tab.open`) and no
sideways scrolling, on a phone and on a desktop."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("phone", "width"), [(True, 360), (False, 1280)])
def test_the_dictionary_is_accessible_and_reflows(open_tab, phone, width):
    tab = open_tab(phone=phone, viewport={"width": width, "height": 800})
    response = tab.open("/standard/")
    assert response is not None and response.status == 200
    assert tab.has_no_horizontal_scroll(width), f"the page scrolls sideways at {width} px"
    scrolling = tab.page.evaluate("""[...document.querySelectorAll('.staffsafe-table-wrap')]
        .filter(wrap => wrap.scrollWidth > wrap.clientWidth).length""")
    assert scrolling == 0, f"{scrolling} tables scroll sideways at {width} px"
