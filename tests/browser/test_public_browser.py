"""The public site in a real browser: Debian's Chromium driven by Playwright, on a live server.

Search and the catalogue filter as a reader uses them (typing, keyboard, submitting forms),
the skip link, and no sideways scrolling at 360 px. With SAVE_SCREENSHOTS=1 the main pages are
saved at 1280 and 360 px into docs/screenshots/ (README shows them).

Skipped when /usr/bin/chromium (or playwright) is missing, except with REQUIRE_SERVICES=1
(as in CI), where that fails: `make system-deps` installs Debian's chromium.
"""

import os
from urllib.parse import quote

import pytest
from gazette_seed import import_seed
from paths import SCREENSHOTS

# serialized_rollback: the department registry, groups and calendar the migrations seed are
# restored after each test's flush, for the tests that run after these.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def site(live_server):
    import_seed()
    return live_server.url


def test_search_from_the_keyboard(site, page):
    page.goto(f"{site}/search/")
    page.get_by_label("检索词").fill("涉农资金")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("section.results").first
    assert "本政发〔2018〕13号" in results.inner_text()
    assert page.locator("mark").first.inner_text() == "涉农资金"
    assert "文件 1件" in page.locator(".result-summary").inner_text()

    # The first hit opens the document (the title matches), the query marked in it.
    page.locator(".hit__title a").first.click()
    page.wait_for_load_state()
    assert quote("本政发2018-13") in page.url
    assert page.locator("h1#doc-title").inner_text().startswith("本溪市人民政府关于印发")
    assert page.locator(".gazette-doc mark").count() > 3

    # A filter narrows the hits; a query with none says so.
    page.goto(f"{site}/search/?q=资金")
    page.get_by_label("发文机关").select_option("本溪市人民政府办公厅")
    page.get_by_label("检索词").press("Enter")
    page.wait_for_url("**issuer=*")
    assert "本政发〔2018〕13号" not in page.locator("section.results").first.inner_text()
    page.get_by_label("检索词").fill("量子计算机")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url("**q=%E9%87%8F*")
    assert "没有找到与“量子计算机”相关" in page.get_by_role("status").inner_text()


def test_catalogue_filter(site, page):
    page.goto(f"{site}/catalogue/")
    before = page.locator(".catalogue__item").count()
    assert before > 30
    page.get_by_label("责任主体").select_option("市水务局")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**owner=*")
    items = page.locator(".catalogue__item")
    assert 0 < items.count() < before
    text = page.locator("ol.catalogue").inner_text()
    assert "取水许可公告" in text and "住房保障领域信息" not in text
    assert "7个工作日内" in text
    assert page.get_by_label("责任主体").input_value() == "市水务局"
    page.get_by_role("link", name="清除筛选").click()
    page.wait_for_url(f"{site}/catalogue/")
    assert page.locator(".catalogue__item").count() == before


def test_skip_link_is_the_first_stop(site, page):
    page.goto(f"{site}/gazette/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


PAGES = [
    ("home", "/"),
    ("issue", "/gazette/2018/6/"),
    ("document", "/documents/本政发2018-13/"),
    ("catalogue", "/catalogue/?owner=市水务局"),
    ("search", "/search/?q=涉农资金"),
]


@pytest.mark.parametrize("width", [1280, 360])
def test_main_pages_fit_the_width_and_are_captured(site, browser, width, tmp_path):
    """No page scrolls sideways; with SAVE_SCREENSHOTS=1 each is saved for the README."""
    save = os.environ.get("SAVE_SCREENSHOTS", "") == "1"
    folder = SCREENSHOTS if save else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 400 else 780}, locale="zh-CN"
    )
    page = context.new_page()
    try:
        for name, path in PAGES:
            page.goto(f"{site}{path}")
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
            page.screenshot(path=str(folder / f"{name}-{width}.png"))
    finally:
        context.close()
