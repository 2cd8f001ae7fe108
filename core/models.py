"""The job log (后台任务记录): every run of a Celery job, so a failure shows in the admin."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """后台任务记录: one run (or retry) of a Celery job, filled in by core/jobs.py's signals."""

    class Status(models.TextChoices):
        STARTED = "started", _("运行中")
        SUCCESS = "success", _("成功")
        RETRY = "retry", _("失败，将重试")
        FAILURE = "failure", _("失败")

    task_id = models.CharField(_("任务ID"), max_length=64, db_index=True)
    name = models.CharField(_("作业"), max_length=200, db_index=True)
    args = models.TextField(_("参数"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    retries = models.PositiveSmallIntegerField(_("重试次数"), default=0)
    eager = models.BooleanField(_("进程内运行"), default=False)
    worker = models.CharField(_("执行者"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    runtime = models.FloatField(_("用时（秒）"), null=True, blank=True)
    result = models.TextField(_("结果"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    traceback = models.TextField(_("错误堆栈"), blank=True)

    class Meta:
        verbose_name = _("后台任务记录")
        verbose_name_plural = _("后台任务记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_started_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M:%S} {self.get_status_display()}"
