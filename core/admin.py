"""Admin: the job log (后台任务记录) with the periodic schedule and a way to run a job now."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    change_list_template = "admin/core/jobrun/change_list.html"
    list_display = ["name", "status", "started_at", "runtime_display", "retries", "short_error"]
    list_filter = ["status", "name", "eager"]
    search_fields = ["name", "task_id", "error"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "task_id",
        "name",
        "args",
        "status",
        "retries",
        "eager",
        "worker",
        "started_at",
        "finished_at",
        "runtime",
        "result",
        "error",
        "traceback",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("用时"), ordering="runtime")
    def runtime_display(self, obj):
        return "—" if obj.runtime is None else f"{obj.runtime:.2f} 秒"

    @admin.display(description=_("错误"))
    def short_error(self, obj):
        return (obj.error[:100] + "…") if len(obj.error) > 100 else obj.error

    def get_urls(self):
        run = path(
            "run/<str:name>/",
            self.admin_site.admin_view(self.run_now_view),
            name="core_jobrun_run",
        )
        return [run, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        from .schedule_info import scheduled_jobs

        failures = JobRun.objects.filter(status=JobRun.Status.FAILURE).count()
        if failures:
            self.message_user(
                request,
                _("有 %(n)d 次后台任务运行失败，可按“状态”筛选查看错误") % {"n": failures},
                messages.WARNING,
            )
        context = {
            "schedule": scheduled_jobs(),
            "can_run": self.can_run(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def can_run(self, request) -> bool:
        return request.user.is_superuser or request.user.has_perm("core.add_jobrun")

    def run_now_view(self, request, name: str):
        """POST: queue one scheduled job now (in-process when there is no broker)."""
        from celery import current_app as celery_app
        from django.conf import settings

        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:core_jobrun_changelist"))
        if not self.can_run(request):
            raise PermissionDenied
        entry = settings.CELERY_BEAT_SCHEDULE.get(name)
        if entry is None:
            raise Http404(name)
        celery_app.autodiscover_tasks(force=True)
        task = celery_app.tasks[entry["task"]]
        try:
            task.apply_async(args=entry.get("args") or (), kwargs=entry.get("kwargs") or {})
        except Exception as exc:  # eager: the job ran here and failed (it is in the log)
            self.message_user(
                request,
                _("%(name)s 运行失败：%(error)s") % {"name": name, "error": exc},
                messages.ERROR,
            )
        else:
            self.message_user(request, _("已提交 %(name)s（结果见下方记录）") % {"name": name})
        return HttpResponseRedirect(reverse("admin:core_jobrun_changelist"))
