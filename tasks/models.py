"""Tasks (任务) from documents, their department assignments, and progress reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    next_due = models.DateField(_("下次截止"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["document", "order"]
        indexes = [
            models.Index(fields=["status", "next_due"], name="task_status_due_idx"),
            models.Index(fields=["deadline_kind"], name="task_deadline_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.document.number} {self.path} {self.heading}".strip()

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != self.Status.DONE
            and self.next_due is not None
            and self.next_due < timezone.localdate()
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

    class Meta:
        verbose_name = _("任务分工")
        verbose_name_plural = _("任务分工")
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department"], name="uniq_assignment_task_department"
            )
        ]
        indexes = [models.Index(fields=["department", "role"], name="assignment_dept_role_idx")]

    def __str__(self) -> str:
        return f"{self.department} ({self.get_role_display()})"


class ProgressReport(models.Model):
    """进展报告: what a department reports on a task, with an optional status change."""

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
    text = models.TextField(_("进展情况"))
    status_change = models.CharField(_("状态变更"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("报告时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["task", "-created_at"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.created_at:%Y-%m-%d}"
