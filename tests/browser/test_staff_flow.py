"""The staff pages in a real browser (Debian's Chromium through Playwright, on a live server).

Department staff sign in, report progress with an attachment and mark a task done with
evidence; the supervisor sees it in the overview and urges another task (htmx, no reload),
and the department finds the urge in its inbox; the secretariat uploads the seed gazette,
previews it, imports it as a draft, corrects a task and publishes the issue. No page scrolls
sideways at 360 px, and no Content Security Policy violation is reported.

With SAVE_SCREENSHOTS=1 the main staff pages are saved at 1280 and 360 px into
docs/screenshots/ (staff-*.png; README "Staff pages" shows them). Skipped when
/usr/bin/chromium (or playwright) is missing, except with REQUIRE_SERVICES=1 (as in CI),
where that fails: `make system-deps` installs Debian's chromium.
"""

import os
from pathlib import Path
from unittest import mock

import pytest
from paths import SCREENSHOTS, SEED_PATH
from people import role_users
from staffhelpers import PDF, PNG

PASSWORD = "Benxi-browser-2026"

# serialized_rollback: the registry, groups and calendar from the migrations are restored
# before each test even after another transactional test has flushed the database.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def people(django_user_model):
    return role_users(
        django_user_model, ["finance", "supervisor", "secretariat"], password=PASSWORD
    )


class Session:
    """One signed-in browser context; collects console messages (CSP reports among them)."""

    def __init__(self, browser, site: str, folder: Path):
        self.site = site
        self.folder = folder
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))

    def login(self, username: str) -> None:
        page = self.page
        page.goto(f"{self.site}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    def logout(self) -> None:
        self.page.get_by_role("button", name="退出").click()
        self.page.wait_for_load_state()

    def capture(self, name: str) -> None:
        """Screenshot at 1280 and at 360 px, checking that nothing scrolls sideways."""
        page = self.page
        for width, height in ((1280, 900), (360, 780)):
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(100)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px at {width}px"
            page.screenshot(path=str(self.folder / f"staff-{name}-{width}.png"))
        page.set_viewport_size({"width": 1280, "height": 900})

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def folder(tmp_path) -> Path:
    save = os.environ.get("SAVE_SCREENSHOTS", "") == "1"
    target = SCREENSHOTS if save else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def no_background_jobs():
    """The live server runs in this process: the PDF job a commit schedules would run
    in-process and slowly; the PDF has tests of its own."""
    with mock.patch("documents.services.schedule_issue_pdf"):
        yield


def test_import_publish_then_staff_report_and_supervisor_urge(
    live_server, browser, people, folder, no_background_jobs
):
    """One story, so that it needs one transactional test: the secretariat imports and
    publishes the seed issue; staff then work on its tasks and the supervisor follows up."""
    from documents.models import GazetteIssue
    from tasks.models import Notification, ProgressReport, Task, Urge

    # --- secretariat: upload → preview → import as draft → correct → publish -------------
    site = live_server.url
    sec = Session(browser, site, folder)
    sec.login("secretariat")
    page = sec.page
    assert page.url == f"{site}/work/import/"

    page.get_by_label("公报文件").set_input_files(str(SEED_PATH))
    page.get_by_role("button", name="预览").click()
    page.wait_for_load_state()
    assert "导入预览" in page.locator("h1").inner_text()
    summary = page.locator(".preview-summary").inner_text()
    assert "2018-6" in summary and "[试运行，未写入]" in summary
    assert page.locator(".preview-doc").count() >= 5
    assert page.locator(".preview-tasks tbody tr").count() > 50
    assert not GazetteIssue.objects.exists()  # the preview writes nothing
    sec.capture("import-preview")

    page.get_by_role("button", name="确认导入为草稿").click()
    page.wait_for_url("**/work/import/*/", timeout=60_000)
    issue = GazetteIssue.objects.get(year=2018, number=6)
    assert issue.status == GazetteIssue.Status.DRAFT
    assert "草稿" in page.locator(".page-head").inner_text()

    # --- correct a task's departments without a reload (htmx swaps the task's block)
    task = Task.objects.filter(document__issue=issue).order_by("document__order", "order")[0]
    block = page.locator(f"#task-{task.pk}")
    block.locator("select[name$='-department']").select_option(label="市民政局")
    block.locator("select[name$='-role']").last.select_option("support")
    block.get_by_role("button", name="添加部门").click()
    page.locator(f"#task-{task.pk}").get_by_text("已将市民政局设为配合").wait_for()
    assert task.assignments.filter(department__name="市民政局", role="support").exists()
    sec.capture("review")

    page.get_by_role("button", name="发布本期公报").click()
    page.wait_for_load_state()
    assert "已发布" in page.locator(".messages").inner_text()
    issue.refresh_from_db()
    assert issue.status == GazetteIssue.Status.PUBLISHED
    page.goto(f"{site}/gazette/2018/6/")
    assert page.locator("h1").first.is_visible()
    assert "2018" in page.title() or "公报" in page.title()
    assert not sec.csp_violations(), sec.csp_violations()
    sec.close()

    # --- department staff: 我的任务 → a task → progress with an attachment → done ---------
    staff = Session(browser, site, folder)
    staff.login("finance")
    page = staff.page
    assert page.url == f"{site}/work/tasks/"
    assert page.get_by_role("heading", name="我的任务", level=1).is_visible()
    assert (
        page.locator(".task-card").count()
        == Task.objects.filter(assignments__department__name="市财政局").count()
    )
    staff.capture("my-tasks")

    # narrow the list with the filters (htmx swaps the results, the URL follows)
    page.get_by_label("角色").select_option("lead")
    page.wait_for_url("**role=lead**")
    lead_cards = page.locator(".task-card")
    assert 0 < lead_cards.count() < Task.objects.count()
    assert page.locator(".task-card .badge--lead").count() == lead_cards.count()

    first = page.locator(".task-card__title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/work/tasks/*/")
    task = Task.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert page.locator("h1").inner_text() == title
    assert "工作日历" in page.locator(".task-layout__side").inner_text()

    page.get_by_label("进展情况或理由").fill("已召开专题协调会，形成会议纪要。")
    page.locator("input[type=file][name=files]").set_input_files(
        [{"name": "会议纪要.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert "进展报告已提交" in page.locator(".messages").inner_text()
    assert page.get_by_role("link", name="会议纪要.png").is_visible()

    page.get_by_label("办结（附佐证）").check()
    page.get_by_label("进展情况或理由").fill("任务已完成，附验收材料。")
    page.locator("input[type=file][name=files]").set_input_files(
        [{"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state()
    assert "任务已办结" in page.locator(".messages").inner_text()
    assert page.locator(".task-head .badge--status-done").inner_text() == "已完成"
    history = page.locator("table.history").inner_text()
    assert "finance" in history and "未开始 → 已完成" in history
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert ProgressReport.objects.filter(task=task).count() == 2
    staff.capture("task")
    staff.logout()

    # --- supervisor: the overview shows it done; urge another task (htmx) -------------------
    sup = Session(browser, site, folder)
    sup.login("supervisor")
    page = sup.page
    assert page.url == f"{site}/work/supervision/"
    assert page.locator(".stat-chip--done strong").first.inner_text() == "1"
    sup.capture("supervision")

    page.get_by_role("link", name="市财政局", exact=True).click()
    page.wait_for_url("**department=*")
    page.get_by_label("到期情况").select_option("done")
    page.wait_for_url("**state=done**")
    assert page.locator(".task-card").count() == 1
    assert title in page.locator(".task-card").first.inner_text()

    page.get_by_label("到期情况").select_option("open")
    page.wait_for_url("**state=open**")
    card = page.locator(".task-card").first
    other_id = int(card.get_attribute("id").split("-")[1])
    url_before = page.url
    card.get_by_role("button", name="催办").click()
    status = page.locator(f"#urge-{other_id}")
    status.get_by_text("已催办").wait_for()
    assert page.url == url_before  # no reload
    other = Task.objects.get(pk=other_id)
    assert other.pk != task.pk and Urge.objects.filter(task=other).count() == (
        other.assignments.count()
    )
    assert Notification.objects.filter(
        user=people["finance"], task=other, kind=Notification.Kind.URGE
    ).exists()
    assert not sup.csp_violations(), sup.csp_violations()
    sup.close()

    # --- the department's inbox has the urge; marking it read swaps the item (htmx) --------
    staff.login("finance")
    page = staff.page
    page.get_by_role("link", name="消息").click()
    page.wait_for_url("**/work/inbox/")
    item = page.locator(".inbox__item--unread").first
    assert "催办" in item.inner_text()
    item.get_by_role("button", name="标为已读").click()
    page.locator(".inbox__item--unread").first.wait_for(state="detached")
    assert not Notification.objects.filter(user=people["finance"], read_at=None).exists()
    assert not staff.csp_violations(), staff.csp_violations()
    staff.close()
