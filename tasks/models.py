"""Tasks (任务) from documents, their department assignments, and progress reports."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import today as current_day
from departments.access import department_ids, sees_everything
from documents.models import published_q
from workdays.engine import WorkCalendar

# "Due soon" means at most this many working days left (the reminders' first threshold).
SOON_WORKING_DAYS = 5

# --- the task rules, written once -------------------------------------------------------------
# Each rule is a Q over a task reached through ``prefix`` ("" from Task, "task__" from an
# assignment), so the querysets below, the counts of the overviews and the reminder sweep all
# say the same thing. A deadline is in force once its issue is published: a draft task is never
# overdue or due soon.


def task_published_q(prefix: str = "") -> Q:
    return published_q(f"{prefix}document__issue__")


def open_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status": Task.Status.DONE})


def overdue_q(today: date, prefix: str = "") -> Q:
    """Open, in a published issue, and its next date has passed."""
    return task_published_q(prefix) & open_q(prefix) & Q(**{f"{prefix}next_due__lt": today})


def within_limit(today: date, calendar: WorkCalendar, n: int = SOON_WORKING_DAYS) -> date:
    """The last date d with working_days_between(today, d) <= n (the day before the (n+1)-th
    working day), so a deadline on the weekend after the n-th working day counts."""
    return calendar.add_working_days(today, n + 1) - timedelta(days=1)


def due_within_q(n: int, today: date, calendar: WorkCalendar, prefix: str = "") -> Q:
    """Open, in a published issue, due from today to n working days ahead."""
    return (
        task_published_q(prefix)
        & open_q(prefix)
        & Q(
            **{
                f"{prefix}next_due__gte": today,
                f"{prefix}next_due__lte": within_limit(today, calendar, n),
            }
        )
    )


class TaskQuerySet(models.QuerySet):
    def published(self) -> TaskQuerySet:
        return self.filter(task_published_q())

    def open(self) -> TaskQuerySet:
        return self.filter(open_q())

    def overdue(self, today: date) -> TaskQuerySet:
        return self.filter(overdue_q(today))

    def due_within(self, n: int, today: date, calendar: WorkCalendar) -> TaskQuerySet:
        return self.filter(due_within_q(n, today, calendar))

    def visible_to(self, user) -> TaskQuerySet:
        """Tasks a user may read: all for the secretariat and supervisors; for department
        staff their departments' tasks in published issues (a draft, still under review, is
        hidden from the departments as its documents are); nothing for anyone else."""
        if sees_everything(user):
            return self
        ids = department_ids(user)
        if not ids:
            return self.none()
        return self.published().filter(
            Exists(TaskAssignment.objects.filter(task=OuterRef("pk"), department_id__in=ids))
        )


class AssignmentQuerySet(models.QuerySet):
    """The same rules from a department's assignment to its task."""

    def published(self) -> AssignmentQuerySet:
        return self.filter(task_published_q("task__"))

    def open(self) -> AssignmentQuerySet:
        return self.filter(open_q("task__"))

    def overdue(self, today: date) -> AssignmentQuerySet:
        return self.filter(overdue_q(today, "task__"))

    def due_within(self, n: int, today: date, calendar: WorkCalendar) -> AssignmentQuerySet:
        return self.filter(due_within_q(n, today, calendar, "task__"))

    def visible_to(self, user) -> AssignmentQuerySet:
        """Assignments of the tasks the user may read (all of a visible task's departments)."""
        if sees_everything(user):
            return self
        return self.filter(task__in=Task.objects.visible_to(user).values("pk"))


class Task(models.Model):
    """任务: a duty closed by a responsibility parenthetical, with its deadline as written.

    The deadline spec is stored as found (kind and fields); ``next_due`` is derived from it.
    Overdue is derived too: an open task whose next_due has passed.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("未开始")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")

    class DeadlineKind(models.TextChoices):
        NONE = "", _("无时限")
        DUE = "due", _("限期完成")
        ONGOING = "ongoing", _("持续推进")
        RECURRING = "recurring", _("定期")
        RELATIVE = "relative", _("事件后限时")

    class Origin(models.TextChoices):
        PARENTHETICAL = "parenthetical", _("责任括注")
        PROSE = "prose", _("正文表述")

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="tasks"
    )
    clause = models.ForeignKey(
        "documents.Clause", on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)
    path = models.CharField(_("条款位置"), max_length=100, blank=True)
    heading = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("任务内容"))
    raw = models.CharField(_("责任括注原文"), max_length=500, blank=True)
    origin = models.CharField(
        _("来源"), max_length=16, choices=Origin.choices, default=Origin.PARENTHETICAL
    )
    fingerprint = models.CharField(_("内容指纹"), max_length=64, db_index=True)
    forwarded = models.BooleanField(
        _("转发文件任务"),
        default=False,
        help_text=_("出自转发的上级文件，部门按原文；由秘书处在审核时决定交办哪些市级部门"),
    )
    import_note = models.CharField(
        _("识别说明"),
        max_length=500,
        blank=True,
        help_text=_("导入时需要审核的地方，如分工中“等”后未列明的单位"),
    )

    deadline_text = models.CharField(_("时限原文"), max_length=200, blank=True)
    deadline_kind = models.CharField(
        _("时限类型"),
        max_length=10,
        choices=DeadlineKind.choices,
        default=DeadlineKind.NONE,
        blank=True,
    )
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    start_on = models.DateField(_("起始日期"), null=True, blank=True)
    every = models.CharField(_("周期"), max_length=10, blank=True)
    by = models.CharField(_("周期内截止"), max_length=10, blank=True)
    n = models.PositiveIntegerField(_("时长"), null=True, blank=True)
    unit = models.CharField(_("时长单位"), max_length=16, blank=True)
    trigger = models.CharField(_("起算事件"), max_length=200, blank=True)
    event_at = models.DateTimeField(
        _("起算事件发生时间"),
        null=True,
        blank=True,
        help_text=_("事件后限时完成的任务，登记事件后计算截止"),
    )
    roll_to_working_day = models.BooleanField(
        _("遇节假日顺延"),
        default=False,
        help_text=_("截止日为节假日时顺延至下一个工作日（民法典第二百零三条）"),
    )

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    next_due = models.DateField(_("下次截止"), null=True, blank=True, db_index=True)
    deadline_provisional = models.BooleanField(
        _("截止日暂定"), default=False, help_text=_("所在年份的节假日安排尚未录入，按周末计算")
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["document", "order"]
        indexes = [
            models.Index(fields=["status", "next_due"], name="task_status_due_idx"),
            models.Index(fields=["deadline_kind"], name="task_deadline_kind_idx"),
            # A department's list and counts merge-join its assignments (below) with this
            # index alone, by task id, never reading the table (PostgreSQL; BENCHMARKS.md).
            models.Index(
                fields=["id"],
                include=["status", "next_due", "document"],
                name="task_id_state_cover_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.number} {self.path} {self.heading}".strip()

    def is_overdue(self, today: date | None = None) -> bool:
        """overdue_q for one loaded task (its document and issue loaded with it)."""
        return (
            self.status != self.Status.DONE
            and self.next_due is not None
            and self.next_due < (today or current_day())
            and self.document.issue.is_published
        )


class TaskAssignment(models.Model):
    """分工: a department on a task as lead (牵头), support (配合) or responsible (责任单位)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        SUPPORT = "support", _("配合")
        RESPONSIBLE = "responsible", _("责任单位")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "departments.Department", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department"], name="uniq_assignment_task_department"
            )
        ]
        # A department's tasks in task order (and by role), from the index alone.
        indexes = [
            models.Index(fields=["department", "task", "role"], name="assignment_dept_task_idx")
        ]

    def __str__(self) -> str:
        return f"{self.department} ({self.get_role_display()})"


class ProgressReport(models.Model):
    """进展报告: what a department reports on a task, or a status action with its evidence.

    kind ``progress`` is a plain report; ``in_progress`` and ``done`` change the task's status
    (done needs evidence: text and at least one attachment); ``extension`` asks for a later
    date with a reason.
    """

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("进展报告")
        IN_PROGRESS = "in_progress", _("开始推进")
        DONE = "done", _("办结（附佐证）")
        EXTENSION = "extension", _("申请延期")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress_reports")
    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_reports",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.PROGRESS)
    text = models.TextField(_("进展情况"))
    status_change = models.CharField(_("状态变更"), max_length=12, blank=True)
    requested_due = models.DateField(_("申请延期至"), null=True, blank=True)
    created_at = models.DateTimeField(_("报告时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["task", "-created_at"]
        indexes = [models.Index(fields=["task", "-created_at"], name="progress_task_created_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.get_kind_display()} {self.created_at:%Y-%m-%d}"


def attachment_path(instance: ProgressAttachment, filename: str) -> str:
    return f"progress/{instance.report.task_id}/{instance.sha256[:16]}/{instance.safe_name}"


class ProgressAttachment(models.Model):
    """佐证材料: a file attached to a progress report (PDF, DOCX, XLSX, JPG, PNG), checked by
    content. Stored under a safe name; served as a download with the original name."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=200)
    safe_name = models.CharField(_("存储文件名"), max_length=100)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.original_name


class Urge(models.Model):
    """催办: a supervisor urges a department on a task; the department is notified."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="urges")
    department = models.ForeignKey(
        "departments.Department", on_delete=models.PROTECT, related_name="urges"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("催办意见"), blank=True)
    created_at = models.DateTimeField(_("催办时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"催办 {self.department} {self.created_at:%Y-%m-%d}"


class Notification(models.Model):
    """站内消息: a user's inbox entry (a reminder, an urge, a digest, a decision)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("到期提醒")
        URGE = "urge", _("催办")
        DIGEST = "digest", _("逾期汇总")
        DECISION = "decision", _("审批结果")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox_idx")
        ]

    def __str__(self) -> str:
        return self.title


class Reminder(models.Model):
    """到期提醒: one reminder of one task (or disclosure event) to one department.

    Keyed by (task or event, department, threshold, due date) under a unique constraint and
    recorded, with its inbox entries and outbox messages, before anything is sent; so a sweep
    that runs twice, on two workers at once, or is killed and retried, records and sends it
    once (tasks/reminders/__init__.py explains the protocol). The outbox messages of the same
    ``batch`` to members of ``department`` (e-mail) or to the department (its group) carry it.
    ``threshold`` is ``before:5`` (5 working days before), ``due`` (the due day) or
    ``overdue:2`` (the second week overdue).
    """

    class Status(models.TextChoices):
        SENT = "sent", _("已发出（站内消息及邮件）")
        NO_RECIPIENTS = "no_recipients", _("无接收人（部门无工作人员账号）")

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    event = models.ForeignKey(
        "disclosure.DisclosureEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    department = models.ForeignKey(
        "departments.Department", on_delete=models.CASCADE, related_name="reminders"
    )
    threshold = models.CharField(_("提醒节点"), max_length=20)
    due_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    # The sweep that recorded it; that sweep's emails (same batch) carry it.
    batch = models.UUIDField(_("发送批次"), db_index=True)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department", "threshold", "due_on"],
                condition=models.Q(task__isnull=False),
                name="uniq_reminder_task_key",
            ),
            models.UniqueConstraint(
                fields=["event", "department", "threshold", "due_on"],
                condition=models.Q(event__isnull=False),
                name="uniq_reminder_event_key",
            ),
            models.CheckConstraint(
                condition=models.Q(task__isnull=False, event__isnull=True)
                | models.Q(task__isnull=True, event__isnull=False),
                name="reminder_task_xor_event",
            ),
        ]

    def __str__(self) -> str:
        subject = f"任务{self.task_id}" if self.task_id else f"公开事件{self.event_id}"
        return f"{subject} {self.department} {self.threshold_label} {self.due_on}"

    @property
    def threshold_label(self) -> str:
        return threshold_label(self.threshold)


def threshold_label(threshold: str) -> str:
    """截止前5个工作日 / 截止当日 / 逾期第2周, for a stored threshold key."""
    kind, _sep, n = threshold.partition(":")
    if kind == "before":
        return f"截止前{n}个工作日"
    if kind == "due":
        return "截止当日"
    if kind == "overdue":
        return f"逾期第{n}周"
    return threshold
