"""The task report as PDF (任务督办报告): counts, then every task with its departments and
deadline. One report for every use: the export of a filtered staff list, a department's report
(the export filtered by department, and `render_pdf --department`)."""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string

from core.dates import cn_date
from core.dates import today as current_day
from workdays.calendars import current_calendar

from .selectors import TaskRow, ordered, task_counts, task_queryset, task_rows


def render_task_report(title: str, day: date, rows: list[TaskRow], counts: dict) -> bytes:
    from documents.pdf import render_html_to_pdf

    html = render_to_string(
        "pdf/task_report.html",
        {
            "title": title,
            "subtitle": f"统计日期：{cn_date(day)}",
            "rows": rows,
            "counts": counts,
        },
    )
    return render_html_to_pdf(html)


def department_title(department) -> str:
    return f"{department.name}任务督办报告"


def department_report(department, day: date | None = None) -> bytes:
    """A department's tasks in published issues (the report the jobs and `render_pdf` make;
    the staff export of a list filtered by the department is the same report)."""
    day = day or current_day()
    calendar = current_calendar()
    tasks = task_queryset().published().filter(assignments__department=department)
    rows = task_rows(ordered(tasks), day, calendar, frozenset({department.pk}))
    counts = task_counts(tasks, day, calendar)
    return render_task_report(department_title(department), day, rows, counts)
