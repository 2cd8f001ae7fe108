"""API permission classes by role; the rules themselves live in departments.access."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .access import is_secretariat, is_supervisor


class IsActiveUser(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_active)


class IsSupervisor(IsActiveUser):
    message = "只有督查人员可以催办或办结"

    def has_permission(self, request, view):
        return super().has_permission(request, view) and is_supervisor(request.user)


class IsSecretariat(IsActiveUser):
    message = "只有市政府办公厅（秘书处）可以进行此操作"

    def has_permission(self, request, view):
        return super().has_permission(request, view) and is_secretariat(request.user)


class ReadOnlyOrSecretariat(BasePermission):
    """Anyone reads (the queryset hides drafts); the secretariat writes."""

    message = "只有市政府办公厅（秘书处）可以导入、修改或发布公报"

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and is_secretariat(request.user))
