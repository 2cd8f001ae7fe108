"""API permissions for tasks: the rules live in departments.access; these classes apply them."""

from departments.access import may_report_on
from departments.permissions import IsActiveUser


class ReportsOnTask(IsActiveUser):
    """Staff of a department assigned to the task (progress, status, extension)."""

    message = "只有任务承办部门的工作人员可以报告进展或变更状态"

    def has_object_permission(self, request, view, obj):
        return may_report_on(request.user, obj)
