"""Accessibility to GB/T 37668-2019 (WCAG 2.1 AA), kept by tests (docs/accessibility.md).

- axe-core (npm, pinned in tests/browser/package-lock.json, injected by Playwright into
  Debian's Chromium) finds no WCAG 2.0/2.1 A or AA violation on any page a crawl of each role
  reaches: anonymous, department staff (finance), supervisor, secretariat, each from its landing
  page along same-origin links (deduplicated by URL route), plus the pages behind forms: the
  import → preview → review → publish flow through the secretariat's form, a progress report
  (refused, then submitted) and filtered lists. Every crawled page fits 360 px without sideways
  scrolling.
- Keyboard only (Tab, Shift+Tab, Enter, Space; typing into fields): the skip link is the first
  stop and moves focus to <main>; a progress report from the task list to the success message,
  the file chosen through the keyboard-reachable file input; the import review's assign and
  deadline controls and the publish button. At every stop the focus is drawn (an outline or a
  box-shadow the element does not have unfocused) and inside the viewport.
- Text at 200 % (the root font size doubled; the CSS sizes in rem): the main pages neither
  scroll sideways at 1280 px nor clip text.

Skipped when Chromium, Playwright or axe-core is missing, except with REQUIRE_SERVICES=1 (CI),
where that fails.
"""

from __future__ import annotations

import time
from unittest import mock

import pytest
from a11yhelpers import (
    CLIPPED_JS,
    FOCUS_JS,
    SIDEWAYS_JS,
    SNAPSHOT_JS,
    Crawl,
    axe_path,
    describe_violations,
    run_axe,
)
from gazette_seed import import_seed
from paths import SEED_PATH
from people import role_users
from staffhelpers import PNG

PASSWORD = "Benxi-a11y-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def axe(browser):
    return axe_path()


@pytest.fixture
def no_background_jobs():
    """The PDF job a publish schedules would run in-process and slowly; it has its own tests."""
    with mock.patch("documents.services.schedule_issue_pdf"):
        yield


@pytest.fixture
def people(django_user_model):
    return role_users(
        django_user_model, ["finance", "supervisor", "secretariat"], password=PASSWORD
    )


class Visitor:
    """One browser context for a role (the CSP bypassed so that axe can be injected), and the
    checks run on each page: axe-core, then the width of 360 px."""

    def __init__(self, browser, site: str, role: str, width: int = 1280):
        self.site, self.role, self.width = site, role, width
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.checked = 0

    def login(self, username: str) -> None:
        page = self.page
        page.goto(f"{self.site}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    def check(self, page=None, url: str | None = None, label: str = "") -> list[str]:
        """axe on the page as it is, then no sideways scrolling at 360 px."""
        page = page or self.page
        where = f"{self.role} {url or page.url}{' (' + label + ')' if label else ''}"
        problems = describe_violations(where, run_axe(page))
        page.set_viewport_size({"width": 360, "height": 780})
        overflow = page.evaluate(SIDEWAYS_JS)
        if overflow > 1:
            problems.append(f"{where}: scrolls sideways by {overflow}px at 360 px")
        page.set_viewport_size({"width": self.width, "height": 900})
        self.checked += 1
        return problems

    def crawl(self, starts: list[str], per_route: int) -> tuple[list[str], Crawl]:
        crawl = Crawl(
            self.page,
            self.site,
            self.role,
            per_route=per_route,
            visit=lambda page, url: self.check(page, url),
        )
        return crawl.run(starts), crawl

    def close(self) -> None:
        self.context.close()


def _report(problems: list[str]) -> str:
    return f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


@pytest.mark.timeout(900)
def test_every_page_each_role_reaches_passes_axe_and_fits_360px(
    live_server, browser, axe, people, no_background_jobs
):
    from documents.models import GazetteIssue

    site = live_server.url
    started = time.monotonic()
    problems: list[str] = []
    crawled: dict[str, int] = {}
    broken: list = []

    # --- the secretariat imports the seed through the form: upload → preview → draft review
    sec = Visitor(browser, site, "secretariat")
    sec.login("secretariat")
    page = sec.page
    assert page.url == f"{site}/work/import/"
    problems += sec.check(label="import form")
    page.get_by_role("button", name="预览").click()  # nothing chosen: the form's error
    page.wait_for_load_state()
    problems += sec.check(label="import form, refused")
    page.get_by_label("公报文件").set_input_files(str(SEED_PATH))
    page.get_by_role("button", name="预览").click()
    page.wait_for_load_state()
    assert "导入预览" in page.locator("h1").inner_text()
    problems += sec.check(label="import preview")
    page.get_by_role("button", name="确认导入为草稿").click()
    page.wait_for_url("**/work/import/*/", timeout=60_000)
    review_url = page.url
    for summary in page.locator(".review-task details summary").all()[:3]:
        summary.click()  # the deadline forms, hidden until opened
    problems += sec.check(label="draft review, deadline forms open")
    # an assignment added through htmx: the swapped block with its status note
    block = page.locator(".review-task").first
    block.locator("select[name$='-department']").select_option(label="市民政局")
    block.get_by_role("button", name="添加部门").click()
    page.locator(".review-task").first.get_by_text("已将市民政局").wait_for()
    problems += sec.check(label="draft review after an htmx assignment")
    # the draft's tasks and other review pages, before publishing
    draft, draft_crawl = sec.crawl([review_url], per_route=4)
    problems += draft
    page.goto(review_url)
    page.get_by_role("button", name="发布本期公报").click()
    page.wait_for_load_state()
    assert "已发布" in page.locator(".messages").inner_text()
    assert GazetteIssue.objects.get().status == GazetteIssue.Status.PUBLISHED
    problems += sec.check(label="published")
    found, crawl = sec.crawl(["/work/"], per_route=2)
    problems += found
    crawled["secretariat"] = len(crawl.pages) + len(draft_crawl.pages)
    broken += crawl.broken + draft_crawl.broken
    sec.close()

    # --- department staff: a filtered list, a progress report refused then submitted ------
    staff = Visitor(browser, site, "finance")
    staff.login("finance")
    page = staff.page
    assert page.url == f"{site}/work/tasks/"
    page.get_by_label("角色").select_option("lead")
    page.wait_for_url("**role=lead**")
    problems += staff.check(label="filtered by role")
    page.locator(".task-card__title a").first.click()
    page.wait_for_url("**/work/tasks/*/")
    task_url = page.url
    page.get_by_role("button", name="提交").click()  # no text: refused, with the error
    page.wait_for_load_state()
    problems += staff.check(label="progress report refused")
    page.get_by_label("进展情况或理由").fill("已召开专题协调会，形成会议纪要。")
    page.locator("input[type=file][name=files]").set_input_files(
        [{"name": "会议纪要.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert "进展报告已提交" in page.locator(".messages").inner_text()
    problems += staff.check(label="progress report submitted")
    found, crawl = staff.crawl(["/work/", task_url], per_route=2)
    problems += found
    crawled["finance"] = len(crawl.pages)
    broken += crawl.broken
    staff.close()

    # --- the supervisor: overview, a filtered list of tasks -------------------------------
    sup = Visitor(browser, site, "supervisor")
    sup.login("supervisor")
    page = sup.page
    assert page.url == f"{site}/work/supervision/"
    page.get_by_role("link", name="市财政局", exact=True).click()
    page.wait_for_url("**department=*")
    page.get_by_label("到期情况").select_option("open")
    page.wait_for_url("**state=open**")
    problems += sup.check(label="filtered by department and state")
    found, crawl = sup.crawl(["/work/", task_url], per_route=2)
    problems += found
    crawled["supervisor"] = len(crawl.pages)
    broken += crawl.broken
    sup.close()

    # --- anonymous: the public site, a filtered catalogue and a search --------------------
    anon = Visitor(browser, site, "anonymous")
    page = anon.page
    page.goto(f"{site}/catalogue/")
    page.get_by_label("责任主体").select_option("市水务局")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**owner=*")
    problems += anon.check(label="catalogue filtered")
    page.goto(f"{site}/search/")
    page.get_by_label("检索词").fill("涉农资金")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    problems += anon.check(label="search results")
    found, crawl = anon.crawl(["/", "/accounts/login/"], per_route=3)
    problems += found
    crawled["anonymous"] = len(crawl.pages)
    broken += crawl.broken
    anon.close()

    print(
        f"\naccessibility crawl: {crawled} pages, {time.monotonic() - started:.0f} s; "
        f"links not followed (error or no route): {broken}"
    )
    # the crawl went where each role's links lead, not just its landing page
    assert crawled["anonymous"] >= 8 and crawled["finance"] >= 6, crawled
    assert crawled["supervisor"] >= 6 and crawled["secretariat"] >= 6, crawled
    assert not problems, _report(problems)
    # a link into a server error is no page at all (4xx are listed above, not failed)
    assert not [b for b in broken if isinstance(b[1], int) and b[1] >= 500], broken


# --- keyboard only ------------------------------------------------------------------------


class Keyboard:
    """Tab, Shift+Tab, Enter and Space (and typing into the focused field); after every key
    the focused element must show its focus and lie inside the viewport."""

    KEYS = {"Tab", "Shift+Tab", "Enter", "Space"}

    def __init__(self, page):
        self.page = page
        self.stops: list[dict] = []
        self.problems: list[str] = []

    def press(self, key: str, *, navigates: bool = False) -> dict:
        assert key in self.KEYS, key
        self.page.evaluate(SNAPSHOT_JS)
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
            self.page.wait_for_load_state()
            return {"tag": "body"}
        self.page.keyboard.press(key)
        return self.focused(after=key)

    def focused(self, after: str = "") -> dict:
        stop = self.page.evaluate(FOCUS_JS)
        self.stops.append(stop)
        if stop["tag"] != "body":
            what = f"{self.page.url} after {after}: <{stop['tag']}> {stop['name']!r}"
            if not stop["visible"]:
                self.problems.append(
                    f"{what} shows no focus (outline {stop['outline']}, shadow {stop['shadow']}; "
                    f":focus {stop['focus']}, page focused {stop['pageFocused']})"
                )
            if not stop["inView"]:
                self.problems.append(f"{what} is outside the viewport at {stop['rect']}")
        return stop

    def tab_to(self, matches, *, back: bool = False, limit: int = 300) -> dict:
        """Tab (or Shift+Tab) until the focused element matches; fails after ``limit`` stops."""
        for _ in range(limit):
            stop = self.press("Shift+Tab" if back else "Tab")
            if matches(stop):
                return stop
        raise AssertionError(f"not reached by keyboard in {limit} stops on {self.page.url}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def skip_to_main(self) -> None:
        """From the top of a freshly loaded page: the skip link is the first stop and moves
        the focus to <main>."""
        stop = self.press("Tab")
        assert stop["tag"] == "a" and stop["name"] == "跳到正文", stop
        stop = self.press("Enter")
        assert stop["tag"] == "main" and stop["id"] == "main", stop

    def choose_file(self, path_or_payload) -> None:
        """Space on the focused file input opens the file chooser, which receives the file."""
        with self.page.expect_file_chooser() as chooser:
            self.press("Space")
        chooser.value.set_files(path_or_payload)


def _signed_in(browser, site: str, username: str):
    visitor = Visitor(browser, site, username)
    visitor.login(username)
    return visitor


def test_keyboard_only_progress_report(live_server, browser, people):
    from tasks.models import ProgressReport

    import_seed()
    site = live_server.url
    staff = _signed_in(browser, site, "finance")
    page = staff.page
    try:
        page.goto(f"{site}/work/tasks/")
        keys = Keyboard(page)
        keys.skip_to_main()
        # the first task of the list, opened with Enter
        stop = keys.tab_to(
            lambda s: (
                s["tag"] == "a"
                and "/work/tasks/" in s["href"]
                and s["href"].rstrip("/").rsplit("/", 1)[-1].isdigit()
            )
        )
        title = stop["name"]
        keys.press("Enter", navigates=True)
        assert "/work/tasks/" in page.url and page.url != f"{site}/work/tasks/"
        assert page.locator("h1").inner_text().startswith(title[:10])

        keys.skip_to_main()
        stop = keys.tab_to(lambda s: s["tag"] == "input" and s["type"] == "radio")
        assert page.evaluate("document.activeElement.checked")  # 进展报告, the default
        keys.tab_to(lambda s: s["tag"] == "textarea")
        keys.type("经专题会议研究，已完成资金测算。")
        keys.tab_to(lambda s: s["type"] == "file")
        keys.choose_file([{"name": "测算表.png", "mimeType": "image/png", "buffer": PNG}])
        keys.tab_to(lambda s: s["tag"] == "button" and s["name"] == "提交")
        keys.press("Enter", navigates=True)
        assert "进展报告已提交" in page.locator(".messages").inner_text()
        assert page.get_by_role("link", name="测算表.png").is_visible()
        report = ProgressReport.objects.get()
        assert report.text == "经专题会议研究，已完成资金测算。"
        assert report.attachments.count() == 1
        assert not keys.problems, "\n".join(keys.problems)
        assert len(keys.stops) > 8
    finally:
        staff.close()


def test_keyboard_only_import_review_and_publish(live_server, browser, people, no_background_jobs):
    from documents.models import GazetteIssue
    from tasks.models import Task, TaskAssignment

    site = live_server.url
    sec = _signed_in(browser, site, "secretariat")
    page = sec.page
    try:
        keys = Keyboard(page)
        keys.skip_to_main()
        keys.tab_to(lambda s: s["type"] == "file")
        keys.choose_file(str(SEED_PATH))
        keys.tab_to(lambda s: s["tag"] == "button" and s["name"] == "预览")
        keys.press("Enter", navigates=True)
        assert "导入预览" in page.locator("h1").inner_text()
        keys.tab_to(lambda s: s["tag"] == "button" and s["name"] == "确认导入为草稿", limit=600)
        keys.press("Enter", navigates=True)
        page.wait_for_url("**/work/import/*/", timeout=60_000)
        issue = GazetteIssue.objects.get()
        assert issue.status == GazetteIssue.Status.DRAFT

        # the first task: add a department (htmx), then correct its deadline (htmx)
        block = page.locator(".review-task").first
        task_id = int(block.get_attribute("id").split("-")[1])
        keys.skip_to_main()
        keys.tab_to(lambda s: s["id"] == f"a{task_id}-department")
        # a closed <select> takes its value from the keyboard; arrow keys are its own
        # operation (no mouse, no script)
        for _ in range(200):
            if page.evaluate("document.activeElement.selectedOptions[0].text") == "市民政局":
                break
            page.keyboard.press("ArrowDown")
        keys.focused(after="ArrowDown")
        keys.tab_to(lambda s: s["tag"] == "button" and s["name"] == "添加部门")
        keys.press("Enter")
        page.locator(f"#task-{task_id}").get_by_text("已将市民政局").wait_for()
        assert TaskAssignment.objects.filter(task_id=task_id, department__name="市民政局").exists()
        # the focus stays on the control that was used, in the swapped block
        stop = keys.focused(after="htmx swap")
        assert stop["tag"] == "button" and stop["name"] == "添加部门", stop

        keys.tab_to(lambda s: s["tag"] == "summary")
        keys.press("Enter")  # opens 修改时限
        keys.tab_to(lambda s: s["id"] == f"id_t{task_id}-deadline_text")
        keys.type("（已核对）")
        keys.tab_to(lambda s: s["tag"] == "button" and s["name"] == "保存时限并重新计算")
        keys.press("Enter")
        page.locator(f"#task-{task_id}").get_by_text("时限已更新").wait_for()
        stop = keys.focused(after="htmx swap")
        assert stop["tag"] == "button" and stop["name"] == "保存时限并重新计算", stop
        assert Task.objects.get(pk=task_id).deadline_text.endswith("（已核对）")

        # back up to the publish button, and publish
        keys.tab_to(lambda s: s["tag"] == "button" and s["name"] == "发布本期公报", back=True)
        keys.press("Enter", navigates=True)
        assert "已发布" in page.locator(".messages").inner_text()
        issue.refresh_from_db()
        assert issue.status == GazetteIssue.Status.PUBLISHED
        assert not keys.problems, "\n".join(keys.problems)
    finally:
        sec.close()


# --- text at 200 % ------------------------------------------------------------------------

MAIN_PAGES = {
    None: [
        "/",
        "/gazette/",
        "/gazette/2018/6/",
        "/documents/本政发2018-13/",
        "/catalogue/",
        "/departments/",
        "/search/?q=涉农资金",
        "/accounts/login/",
    ],
    "finance": ["/work/tasks/", "/work/inbox/", "/work/calendar/", "{task}"],
    "supervisor": ["/work/supervision/", "/work/supervision/tasks/"],
    "secretariat": ["/work/import/", "/work/import/{issue}/", "/work/departments/"],
}


def test_text_scales_to_200_percent(live_server, browser, people, axe):
    from documents.models import GazetteIssue
    from tasks.models import Task

    import_seed()
    issue = GazetteIssue.objects.get()
    task = Task.objects.filter(assignments__department__name="市财政局").first()
    site = live_server.url
    problems, checked = [], 0
    for role, paths in MAIN_PAGES.items():
        visitor = _signed_in(browser, site, role) if role else Visitor(browser, site, "anonymous")
        page = visitor.page
        for path in paths:
            page.goto(site + path.format(task=f"/work/tasks/{task.pk}/", issue=issue.pk))
            page.evaluate("document.documentElement.style.fontSize = '200%'")
            assert page.evaluate("getComputedStyle(document.body).fontSize") == "32px"
            overflow = page.evaluate(SIDEWAYS_JS)
            if overflow > 1:
                problems.append(f"{role} {page.url}: scrolls sideways by {overflow}px")
            problems += [f"{role} {page.url}: clips {c}" for c in page.evaluate(CLIPPED_JS)]
            checked += 1
        visitor.close()
    assert checked == sum(map(len, MAIN_PAGES.values()))
    assert not problems, "\n".join(problems)


# --- the probes themselves ----------------------------------------------------------------

BROKEN_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><title>坏页面</title>
<style>
  .clip { width: 4rem; overflow: hidden; white-space: nowrap; }
  .wide { width: 2000px; }
  #quiet:focus { outline: none; }
</style></head><body><main>
  <h1>坏页面</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <p class="clip">这一行文字比它的方框宽得多，被截掉了</p>
  <div class="wide">宽</div>
  <button id="quiet">无焦点样式</button>
</main></body></html>"""


def test_the_probes_find_what_they_look_for(browser, axe):
    """On a page made to fail, each check reports: axe (an image without alt), sideways
    scrolling, clipped text, and a focus that is not drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        page.set_content(BROKEN_PAGE)
        lines = describe_violations("about:blank", run_axe(page))
        assert any("[image-alt] impact=critical" in line and "img" in line for line in lines)
        assert page.evaluate(SIDEWAYS_JS) > 500
        assert any("p.clip" in c for c in page.evaluate(CLIPPED_JS))
        keys = Keyboard(page)
        stop = keys.press("Tab")
        assert stop["id"] == "quiet" and not stop["visible"]
        assert keys.problems and "shows no focus" in keys.problems[0]
    finally:
        context.close()
