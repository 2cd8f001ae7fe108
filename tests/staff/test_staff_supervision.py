"""督查: the overview by department and by document, drill-down lists, CSV / XLSX / PDF."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from departments.models import Department
from tasks.models import Task, TaskAssignment
from workdays.calendars import current_calendar

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_overview_counts_by_department_and_document(seed, client_for):
    today = timezone.localdate()
    finance = Department.objects.get(name="市财政局")
    tasks = list(Task.objects.filter(assignments__department=finance).order_by("pk"))
    Task.objects.filter(pk=tasks[0].pk).update(status=Task.Status.DONE)
    Task.objects.filter(pk=tasks[1].pk).update(
        next_due=current_calendar().add_working_days(today, 2)
    )
    Task.objects.filter(pk=tasks[2].pk).update(next_due=today - timedelta(days=3))
    response = client_for("supervisor").get(reverse("staff:supervision"))
    assert response.status_code == 200
    rows = {r["department__name"]: r for r in response.context["by_department"]}
    mine = Task.objects.filter(assignments__department=finance)
    expect_overdue = mine.exclude(status="done").filter(next_due__lt=today).count()
    assert rows["市财政局"]["total"] == len(tasks)
    assert rows["市财政局"]["done"] == 1
    assert rows["市财政局"]["open"] == len(tasks) - 1
    assert rows["市财政局"]["soon"] >= 1
    assert rows["市财政局"]["overdue"] == expect_overdue
    totals = response.context["totals"]
    assert totals["total"] == Task.objects.count()
    assert sum(r["total"] for r in response.context["by_document"]) == Task.objects.count()
    page = html(response)
    drill = reverse("staff:supervision-tasks") + f"?department={finance.pk}&amp;state=overdue"
    assert drill in page


def test_drill_down_list_shows_exactly_the_counted_tasks(seed, client_for):
    finance = Department.objects.get(name="市财政局")
    client = client_for("supervisor")
    overview = client.get(reverse("staff:supervision")).context
    row = next(r for r in overview["by_department"] if r["department_id"] == finance.pk)
    response = client.get(
        reverse("staff:supervision-tasks"), {"department": finance.pk, "state": "overdue"}
    )
    assert response.context["listed"] == len(response.context["rows"]) == row["overdue"]
    # the counts beside the list are of the department's whole list, one per state
    assert response.context["counts"]["overdue"] == row["overdue"]
    assert response.context["counts"]["total"] == row["total"]
    assert "市财政局" in html(response) and "已逾期" in html(response)
    doc = Task.objects.first().document
    response = client.get(reverse("staff:supervision-tasks"), {"document": doc.pk})
    assert response.context["listed"] == response.context["counts"]["total"] == doc.tasks.count()


def test_supervisor_sees_urge_buttons_secretariat_does_not(seed, client_for):
    url = reverse("staff:supervision-tasks") + "?state=open"
    assert "催办</button>" in html(client_for("supervisor").get(url))
    assert "催办</button>" not in html(client_for("secretariat").get(url))


def test_csv_export_has_bom_header_and_rows(seed, client_for):
    finance = Department.objects.get(name="市财政局")
    response = client_for("supervisor").get(
        reverse("staff:export", args=["csv"]), {"department": finance.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["任务ID", "文号", "文件标题"]
    ids = {int(r[0]) for r in rows[1:]}
    assert ids == set(
        Task.objects.filter(assignments__department=finance).values_list("pk", flat=True)
    )
    assert any("市财政局" in (r[7] + r[8] + r[9]) for r in rows[1:])


def test_xlsx_export_opens_with_openpyxl(seed, client_for):
    response = client_for("finance").get(reverse("staff:export", args=["xlsx"]), {"state": "open"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws["A1"].value == "任务ID" and ws.freeze_panes == "A2"
    finance = Department.objects.get(name="市财政局")
    expected = Task.objects.filter(assignments__department=finance).exclude(status="done")
    assert ws.max_row - 1 == expected.count()


def test_overview_exports(seed, client_for):
    client = client_for("secretariat")
    response = client.get(reverse("staff:supervision-export", args=["department", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["部门", "未办结", "即将到期", "已逾期", "已完成", "合计"]
    names = {r[0] for r in rows[1:]}
    assert names == set(
        TaskAssignment.objects.values_list("department__name", flat=True).distinct()
    )
    response = client.get(reverse("staff:supervision-export", args=["document", "xlsx"]))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["B1"].value == "文号" and ws.max_row > 1


@pytest.mark.slow
def test_pdf_reports(seed, client_for):
    client = client_for("supervisor")
    finance = Department.objects.get(name="市财政局")
    # one department: the department report of documents/pdf.py
    response = client.get(reverse("staff:export", args=["pdf"]), {"department": finance.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # any other list: the staff list report
    response = client.get(
        reverse("staff:export", args=["pdf"]), {"state": "overdue", "q": "涉农资金"}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
