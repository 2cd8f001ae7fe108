"""逐件组稿 in a real browser (Debian's Chromium through Playwright, on a live server): the
secretariat reaches it from the navigation, creates a draft issue, adds a Word file and a
pasted document after their previews, moves one with the keyboard alone (plain form buttons,
no script needed), and publishes; the public contents follow that order. No page of the flow
scrolls sideways at 360 px. With SAVE_SCREENSHOTS=1 the workspace and the preview are saved
into docs/screenshots/ (staff-assembly-*.png)."""

import os
from pathlib import Path
from unittest import mock

import pytest
from assembly_helpers import seed_document
from paths import SCREENSHOTS
from people import role_users
from source_files import blocks_from_text, docx_bytes

PASSWORD = "Benxi-browser-2026"
N13, N15 = "本政发〔2018〕13号", "本政发〔2018〕15号"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def no_sideways_scroll(page, folder: Path, name: str) -> None:
    for width, height in ((1280, 900), (360, 780)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(100)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px at {width}px"
        page.screenshot(path=str(folder / f"staff-assembly-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_assemble_an_issue_in_the_browser(live_server, browser, django_user_model, tmp_path):
    from documents.models import GazetteIssue

    role_users(django_user_model, ["secretariat"], password=PASSWORD)
    folder = SCREENSHOTS if os.environ.get("SAVE_SCREENSHOTS", "") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    word = tmp_path / "涉农资金.docx"
    word.write_bytes(docx_bytes(blocks_from_text(seed_document(N13))))

    site = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    with mock.patch("documents.services.schedule_issue_pdf"):  # the PDF has tests of its own
        page.goto(f"{site}/accounts/login/")
        page.get_by_label("用户名").fill("secretariat")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        page.get_by_role("link", name="逐件组稿").first.click()
        page.wait_for_load_state()

        page.get_by_label("年份").fill("2018")
        page.get_by_label("期号（第几号）").fill("6")
        page.get_by_label("总期号").fill("102")
        page.get_by_role("button", name="创建草稿").click()
        page.wait_for_load_state()
        issue = GazetteIssue.objects.get(year=2018, number=6)
        assert "已创建草稿" in page.locator(".messages").inner_text()

        page.get_by_label("文件（.txt、.docx 或文字版 PDF）").set_input_files(str(word))
        page.get_by_role("button", name="预览").click()
        page.wait_for_load_state()
        assert "添加文件预览" in page.locator("h1").inner_text()
        assert page.locator(".preview-tasks tbody tr").count() == 24
        assert not issue.documents.exists()
        no_sideways_scroll(page, folder, "preview")
        page.get_by_role("button", name="确认加入本期").click()
        page.wait_for_load_state()

        page.get_by_label("或粘贴文件全文").fill(seed_document(N15))
        page.get_by_role("button", name="预览").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="确认加入本期").click()
        page.wait_for_load_state()
        assert [d.number for d in issue.documents.order_by("order")] == [N13, N15]

        # keyboard only: focus 15号's 上移 and press Enter
        names = page.locator(".assembly-actions button").all_inner_texts()
        assert any(N15 in name and "上移" in name for name in names), names
        row = page.locator(f"#doc-{issue.documents.get(number=N15).pk}")
        row.get_by_role("button", name="上移").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert [d.number for d in issue.documents.order_by("order")] == [N15, N13]
        no_sideways_scroll(page, folder, "workspace")

        page.get_by_role("button", name="发布本期公报").click()
        page.wait_for_load_state()
        assert "已发布" in page.locator(".messages").inner_text()
        page.goto(f"{site}/gazette/2018/6/")
        contents = page.locator(".toc").inner_text()
        titles = [issue.documents.get(number=n).title for n in (N15, N13)]
        assert contents.index(titles[0][:20]) < contents.index(titles[1][:20])
    assert not [m for m in console if "Content Security Policy" in m]
    context.close()
