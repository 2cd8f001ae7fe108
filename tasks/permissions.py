"""API permissions for tasks: the rules live in departments.access; these classes apply them."""

from rest_framework.permissions import BasePermission

from departments.access import is_secretariat, is_supervisor, may_report_on


class IsActiveUser(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_active)


class ReportsOnTask(IsActiveUser):
    """Staff of a department assigned to the task (progress, status, extension)."""

    message = "只有任务承办部门的工作人员可以报告进展或变更状态"

    def has_object_permission(self, request, view, obj):
        return may_report_on(request.user, obj)


class IsSupervisor(IsActiveUser):
    message = "只有督查人员可以催办或办结"

    def has_permission(self, request, view):
        return super().has_permission(request, view) and is_supervisor(request.user)


class IsSecretariat(IsActiveUser):
    message = "只有市政府办公厅（秘书处）可以进行此操作"

    def has_permission(self, request, view):
        return super().has_permission(request, view) and is_secretariat(request.user)
