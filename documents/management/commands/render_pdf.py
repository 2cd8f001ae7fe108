"""python manage.py render_pdf --issue 2018-6 -o FILE: the gazette PDF of one issue, by hand.

Also ``--department NAME``: a department's task report. The issue's PDF is the one stored with
the issue (rendered now only if the issue changed since, or with --force).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from departments.models import Department, DepartmentAlias
from documents.models import GazetteIssue
from documents.services import GazetteImportError, parse_issue_key

from ._common import UsageError


class Command(BaseCommand):
    help = "生成公报PDF（--issue 2018-6）或部门任务督办报告PDF（--department 市财政局）。"

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--issue", help="期次，如 2018-6")
        what.add_argument("--department", help="部门名称（规范名称或别名）")
        parser.add_argument("-o", "--output", help="写入的文件（省略：公报只保存在期次上）")
        parser.add_argument("--force", action="store_true", help="即使内容未变也重新生成")
        parser.add_argument("--date", help="部门报告的统计日期（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        if options["issue"]:
            data, label = self._issue(options)
        else:
            data, label = self._department(options)
        elapsed = time.perf_counter() - started
        if options["output"]:
            path = Path(options["output"])
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise UsageError(f"{path}: 无法写入（{exc.strerror}）") from None
            label += f"，已写入 {path}"
        self.stdout.write(f"{label}（{len(data) // 1024} KB，用时 {elapsed:.1f} 秒）")

    def _issue(self, options) -> tuple[bytes, str]:
        from documents.pdf import ensure_issue_pdf

        try:
            year, number = parse_issue_key(options["issue"])
        except GazetteImportError as exc:
            raise UsageError(exc.message) from None
        issue = GazetteIssue.objects.filter(year=year, number=number).first()
        if issue is None:
            raise UsageError(f"期次 {year}-{number} 不存在")
        issue, rendered = ensure_issue_pdf(issue, force=options["force"])
        with issue.pdf.open("rb") as fh:
            data = fh.read()
        state = "已生成" if rendered else "内容未变，使用已保存的文件"
        return data, f"{issue.title}：{state}（{issue.pdf.name}）"

    def _department(self, options) -> tuple[bytes, str]:
        from datetime import date

        from tasks.reports import department_report, department_title

        name = options["department"].strip()
        department = (
            Department.objects.filter(name=name).first()
            or Department.objects.filter(
                pk__in=DepartmentAlias.objects.filter(name=name).values("department_id")
            ).first()
        )
        if department is None:
            raise UsageError(f"部门“{name}”不存在")
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise UsageError(f"日期格式应为 YYYY-MM-DD（收到“{options['date']}”）") from None
        return department_report(department, today), department_title(department)
