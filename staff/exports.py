"""Task lists and overview tables as CSV (UTF-8 with BOM, so Excel reads the Chinese) and XLSX
(openpyxl), written by core.tabular; the PDF report is tasks.reports."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

from core import tabular
from tasks.selectors import TaskRow

TASK_COLUMNS = [
    ("任务ID", 8),
    ("文号", 22),
    ("文件标题", 40),
    ("期次", 10),
    ("条款", 10),
    ("标题", 24),
    ("任务内容", 60),
    ("牵头单位", 20),
    ("配合单位", 24),
    ("责任单位", 20),
    ("时限原文", 24),
    ("时限类型", 10),
    ("下次截止", 12),
    ("截止日暂定", 10),
    ("状态", 8),
    ("到期情况", 16),
    ("最近进展", 12),
    ("任务页面", 40),
]


def task_table(rows: list[TaskRow], url_for) -> list[list]:
    table = []
    for row in rows:
        t = row.task
        last = getattr(t, "last_report_at", None)
        table.append(
            [
                t.pk,
                t.document.number,
                t.document.title,
                f"{t.document.issue.year}-{t.document.issue.number}",
                t.path,
                t.heading,
                t.text,
                "、".join(row.leads),
                "、".join(row.supports),
                "、".join(row.responsible),
                t.deadline_text,
                t.get_deadline_kind_display() if t.deadline_kind else "",
                t.next_due,
                row.provisional,
                t.get_status_display(),
                row.badge.label,
                timezone.localtime(last).date() if last else None,
                url_for(t),
            ]
        )
    return table


# The writers are shared with the public open data (core.tabular).
csv_response = tabular.csv_response
xlsx_response = tabular.xlsx_response


def pdf_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = tabular.disposition(filename)
    return response
