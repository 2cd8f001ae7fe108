"""The catalogue's table and the data dictionary in a real browser (Debian's Chromium through
Playwright): sorted from the keyboard, 360 px wide without the page scrolling sideways (the
table scrolls inside its labelled region), and printed without the navigation, the header row
repeated."""

import pytest
from gazette_seed import import_seed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def site(live_server):
    import_seed()
    return live_server.url


def test_table_sorts_from_the_keyboard_and_keeps_the_filter(site, page):
    page.goto(f"{site}/catalogue/")
    page.get_by_role("link", name="表格").click()
    page.wait_for_url("**/catalogue/table/")
    page.get_by_label("责任主体").select_option("市水务局")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**owner=*")
    link = page.locator("th.col-item a")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=item*")
    assert page.locator("th.col-item").get_attribute("aria-sort") == "ascending"
    owners = page.locator("tbody td.col-owner").all_inner_texts()
    assert owners and set(owners) == {"市水务局"}
    page.locator("th.col-item a").click()
    page.wait_for_url("**sort=-item*")
    assert page.locator("th.col-item").get_attribute("aria-sort") == "descending"


@pytest.mark.parametrize("path", ["/catalogue/table/", "/opendata/dictionary/", "/opendata/"])
def test_pages_fit_360px_the_table_scrolling_in_its_region(site, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{site}{path}")
        assert page.evaluate(OVERFLOW) <= 1, f"{path} scrolls sideways at 360 px"
        regions = page.locator(".table-scroll")
        for i in range(regions.count()):
            region = regions.nth(i)
            assert region.get_attribute("role") == "region"
            assert region.get_attribute("tabindex") == "0"
        if path == "/catalogue/table/":
            region = regions.first
            assert region.evaluate("r => r.scrollWidth > r.clientWidth")
            region.focus()
            page.keyboard.press("ArrowRight")  # the region scrolls from the keyboard
            page.wait_for_function(
                "() => document.querySelector('.table-scroll').scrollLeft > 0", timeout=3000
            )
    finally:
        context.close()


def test_printing_shows_the_whole_table_without_navigation(site, page):
    page.goto(f"{site}/catalogue/table/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert page.locator("thead").evaluate("e => getComputedStyle(e).display") == (
        "table-header-group"
    )
    assert page.locator(".table-scroll").evaluate("e => getComputedStyle(e).overflowX") == (
        "visible"
    )
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
