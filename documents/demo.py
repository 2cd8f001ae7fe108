"""The demo's history (manage.py seed_demo, after the demo accounts): what happened to the seed
gazette's tasks and catalogue before the demo's "today" (core.dates.today(), DEMO_AS_OF), written
through the real services (report_progress, grant_extension, urge, close_task, record_event,
record_publication) and then dated back to the day of the story. Demo only; recorded once.

Dates are counted in working days back (and forward) from the as-of date, so the story holds
for any DEMO_AS_OF from late 2018 on. The seed has no 市财政局 deadline near 2018-11-20, so four
of its tasks get a staged deadline for the demo; each says so in its note (import_note)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from core.dates import cn_date, demo_as_of
from departments.demo import DEMO_GROUP, DemoDisabled, demo_accounts_enabled
from departments.models import Department
from disclosure.models import DisclosureEvent, DisclosureItem
from disclosure.services import record_event, record_publication
from tasks.models import Notification, ProgressAttachment, ProgressReport, Task, Urge
from tasks.services import (
    close_task,
    grant_extension,
    recompute_deadlines,
    report_progress,
    set_task_deadline,
    urge,
)
from workdays.calendars import current_calendar

from .models import GazetteIssue

SEED_ISSUE = (2018, 6)
DEMO_NOTE = "演示数据：为演示调整了截止日期"
Kind = ProgressReport.Kind


@dataclass
class HistoryResult:
    as_of: date
    created: bool
    adjusted: list[str] = field(default_factory=list)
    reports: int = 0
    urges: int = 0
    events: int = 0


def _back(cal, day: date, n: int) -> date:
    """The n-th working day before ``day``."""
    while n > 0:
        day = date.fromordinal(day.toordinal() - 1)
        if cal.is_working_day(day):
            n -= 1
    return day


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _pdf(title: str) -> bytes:
    """A one-page PDF (ASCII text; the evidence's content is not the point of the demo)."""
    stream = f"BT /F1 14 Tf 72 760 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png(width: int = 160, height: int = 90) -> bytes:
    """A small grey PNG (a stand-in for a screenshot of the published page)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = b"".join(b"\x00" + b"\xd0\xd0\xd0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def already_recorded() -> bool:
    """The history is written once: any progress report by a demo account means it is there."""
    return ProgressReport.objects.filter(author__groups__name=DEMO_GROUP).exists()


def _task(number: str, path: str, dept: str | None = "市财政局") -> Task:
    """The first task at ``path`` of document ``number`` that ``dept`` is assigned to."""
    qs = Task.objects.filter(document__number=number, path=path).order_by("order", "pk")
    if dept:
        qs = qs.filter(assignments__department__name=dept)
    task = qs.first()
    if task is None:
        raise LookupError(f"示例公报中没有任务 {number} {path}")
    return task


class _Story:
    def __init__(self, as_of: date, result: HistoryResult):
        self.as_of, self.result, self.cal = as_of, result, current_calendar()
        User = get_user_model()
        self.user = {u.username: u for u in User.objects.filter(username__startswith="demo-")}

    def back(self, n: int) -> date:
        return _back(self.cal, self.as_of, n)

    def ahead(self, n: int) -> date:
        return self.cal.add_working_days(self.as_of, n)

    def report(self, task, who, day, text, kind=Kind.PROGRESS, files=(), **kw):
        report = report_progress(task, self.user[who], text=text, kind=kind, files=files, **kw)
        ProgressReport.objects.filter(pk=report.pk).update(created_at=_at(day, 15, 30))
        ProgressAttachment.objects.filter(report=report).update(created_at=_at(day, 15, 30))
        self.result.reports += 1
        return report

    def stage(self, task, due: date, what: str) -> None:
        """A staged deadline for the demo (the seed's own is months away), said in the note."""
        original = task.deadline_text or "未规定"
        set_task_deadline(
            task,
            self.user["demo-secretariat"],
            today=self.as_of,
            deadline_kind=Task.DeadlineKind.DUE,
            due_on=due,
        )
        note = f"{DEMO_NOTE}（原文时限：{original}；演示中为阶段任务“{what}”，截止{cn_date(due)}）"
        Task.objects.filter(pk=task.pk).update(import_note=note[:500])
        task.refresh_from_db()
        self.result.adjusted.append(f"{task.document.number} {task.path} {task.heading}")

    def urge(self, task, day, message) -> None:
        urges = urge(task, self.user["demo-supervisor"], message=message)
        Urge.objects.filter(pk__in=[u.pk for u in urges]).update(created_at=_at(day, 9, 0))
        Notification.objects.filter(task=task, kind=Notification.Kind.URGE).update(
            created_at=_at(day, 9, 0)
        )
        self.result.urges += len(urges)

    def event(self, item, who, *, subject, event, occurred, published, where, reference=""):
        obj = record_event(
            item,
            subject=subject,
            event=event,
            occurred_at=occurred,
            user=self.user[who],
            reference=reference,
        )
        record_publication(obj, published_at=published, where=where, user=self.user[who])
        DisclosureEvent.objects.filter(pk=obj.pk).update(created_at=occurred)
        self.result.events += 1
        return obj


def _tell(s: _Story) -> None:
    cz, pingshan = "demo-caizheng", "demo-pingshan"
    evidence = SimpleUploadedFile

    # 市财政局: two tasks done, with evidence
    duty = _task("本政办发〔2018〕51号", "六.(二)")
    s.report(
        duty,
        cz,
        s.back(45),
        "已牵头研究涉农资金整合的部门职责分工，起草分工方案。",
        Kind.IN_PROGRESS,
    )
    s.report(
        duty,
        cz,
        s.back(30),
        "职责分工方案已经市政府同意并印发各成员单位，附分工表。",
        Kind.DONE,
        files=[evidence("市财政局职责分工表.pdf", _pdf("Duty assignment table"))],
    )
    results = _task("本政办发〔2018〕68号", "二.(三)")
    s.report(
        results, cz, s.back(25), "已梳理财政预决算、专项资金分配结果等公开清单。", Kind.IN_PROGRESS
    )
    s.report(
        results,
        cz,
        s.back(12),
        "执行和结果信息已在市财政局网站“财政信息”栏目公开，附页面截图。",
        Kind.DONE,
        files=[evidence("公开栏目截图.png", _png())],
    )

    # 市财政局: in progress (ongoing tasks, reported on)
    alloc = _task("本政发〔2018〕13号", "二.(二).1")
    s.report(
        alloc,
        cz,
        s.back(40),
        "2018年涉农资金已按因素法测算，分配方案征求各县区意见。",
        Kind.IN_PROGRESS,
    )
    s.report(alloc, cz, s.back(10), "第二批资金已按因素法下达各县区，共下达资金1.2亿元。")
    rules = _task("本政发〔2018〕13号", "三.(四)")
    s.report(rules, cz, s.back(20), "正在起草涉农资金统筹整合配套管理办法。", Kind.IN_PROGRESS)

    # 市财政局: due within days — one after an extension asked and granted, one staged
    safeguard = _task("本政发〔2018〕13号", "二.(二).5")
    s.stage(safeguard, s.back(2), "报送整合制度清单")
    s.report(safeguard, cz, s.back(10), "已汇总各部门现行涉农资金管理制度。", Kind.IN_PROGRESS)
    asked = s.report(
        safeguard,
        cz,
        s.back(6),
        "制度清单需待省财政厅新办法出台后衔接，申请延期。",
        Kind.EXTENSION,
        requested_due=s.ahead(3),
    )
    granted = grant_extension(asked, s.user["demo-supervisor"], note="请按期报送。", today=s.as_of)
    ProgressReport.objects.filter(pk=granted.pk).update(created_at=_at(s.back(4), 11, 0))
    perf = _task("本政发〔2018〕13号", "二.(二).4")
    s.stage(perf, s.ahead(1), "报送2019年涉农资金绩效目标")
    s.report(perf, cz, s.back(8), "绩效目标表已完成初稿，正在征求项目单位意见。", Kind.IN_PROGRESS)

    # 市财政局: overdue by a few working days, urged by the supervisor (unread in the inbox)
    merge = _task("本政发〔2018〕13号", "二.(一).2")
    s.stage(merge, s.back(3), "报送涉农资金归并清单")
    s.urge(merge, s.back(1), "归并清单已逾期，请于本周内报送。")
    services = _task("本政办发〔2018〕68号", "二.(二)")
    s.stage(services, s.back(6), "公开管理和服务事项目录")
    s.urge(services, s.as_of, "请抓紧公开并报告进展。")

    # 各县区政府 (demo-pingshan) and the tasks the seed itself made overdue
    lead = Task.objects.filter(
        document__number="本政发〔2018〕13号", path="三.(一)", next_due__lt=s.as_of
    ).first()
    if lead is not None and lead.status == Task.Status.OPEN:
        s.report(
            lead,
            pingshan,
            s.back(40),
            "已成立涉农资金统筹整合工作领导小组，附成立通知。",
            Kind.DONE,
            files=[evidence("领导小组通知.pdf", _pdf("Leading group notice"))],
        )
    for task in list(
        Task.objects.filter(
            status=Task.Status.OPEN, next_due__lt=s.back(20), document__issue__year=SEED_ISSUE[0]
        )
    ):
        close_task(task, s.user["demo-supervisor"], note="经督查核实，已按时完成。")
        ProgressReport.objects.filter(task=task, kind=Kind.DONE).update(
            created_at=_at(task.next_due, 17, 0)
        )
    platform = _task("本政办发〔2018〕68号", "四.(二)", "各县区政府")
    if platform.next_due and platform.next_due < s.as_of and platform.status == Task.Status.OPEN:
        s.report(
            platform,
            pingshan,
            s.back(15),
            "平台建设方案已报区政府审定，尚未上线。",
            Kind.IN_PROGRESS,
        )

    # the disclosure catalogue: one event published on time, one late
    fagai = Department.objects.get(name="市发展改革委")
    notice = DisclosureItem.objects.filter(owner_department=fagai, rule_kind="hours").first()
    if notice is not None:
        day = s.back(8)
        s.event(
            notice,
            "demo-fagai",
            subject="本溪市农村饮水安全巩固提升工程招标公告",
            event="收到公告文本",
            occurred=_at(day, 9, 30),
            published=_at(day, 16, 0),
            where="本溪市公共资源交易网",
            reference="BXZB-2018-117",
        )
    trade = DisclosureItem.objects.filter(owner_department__name="市国资委").first()
    if trade is not None:
        s.event(
            trade,
            "demo-secretariat",
            subject="市属企业闲置厂房产权转让公告",
            event="收到公告文本",
            occurred=_at(s.back(20), 10, 0),
            published=_at(s.back(5), 10, 0),
            where="本溪市国资委网站",
            reference="BXCQ-2018-032",
        )


def seed_history(as_of: date | None = None) -> HistoryResult:
    """Write the demo's history before ``as_of`` (default: DEMO_AS_OF, which it needs: the story
    is of the 2018 seed, not of the real date). Needs the seed issue and the demo accounts;
    refuses outside the demo; does nothing the second time."""
    if not demo_accounts_enabled():
        raise DemoDisabled("演示数据只能在演示环境（DEBUG=1 或 DEMO_ACCOUNTS_ENABLED=1）中创建")
    as_of = as_of or demo_as_of()
    if as_of is None:
        raise LookupError(
            "未设置 DEMO_AS_OF（如 2018-11-20；make run 会设置），演示历史按该日期编排"
        )
    result = HistoryResult(as_of=as_of, created=False)
    if already_recorded():
        return result
    if (
        not GazetteIssue.objects.published()
        .filter(year=SEED_ISSUE[0], number=SEED_ISSUE[1])
        .exists()
    ):
        raise LookupError("示例公报 2018年第6号 尚未导入发布（先运行 bootstrap_demo）")
    with transaction.atomic():
        # deadlines as of the demo's day (recurring ones roll from it, not from the real date)
        recompute_deadlines(as_of)
        _tell(_Story(as_of, result))
        result.created = True
    return result
