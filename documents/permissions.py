from rest_framework.permissions import SAFE_METHODS, BasePermission

from departments.access import is_secretariat


class ReadOnlyOrSecretariat(BasePermission):
    """Anyone reads (the queryset hides drafts); the secretariat writes."""

    message = "只有市政府办公厅（秘书处）可以导入、修改或发布公报"

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and is_secretariat(request.user))
