"""Task lists and overview tables as CSV (UTF-8 with BOM, so Excel reads the Chinese) and XLSX
(openpyxl); the PDF report is tasks.reports."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.http import HttpResponse
from django.utils import timezone

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


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_response(filename: str, header: list[str], table: list[list]) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(header)
    for line in table:
        writer.writerow([_cell(v) for v in line])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response


def xlsx_response(
    filename: str, title: str, columns: list[tuple[str, int]], table: list[list]
) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([name for name, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F1E6E6")
    for line in table:
        ws.append([_xlsx_value(v) for v in line])
    for i, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _disposition(filename)
    return response


def _xlsx_value(value):
    if value is None:
        return None
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula from document text
    return value


def pdf_response(filename: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = _disposition(filename)
    return response


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
