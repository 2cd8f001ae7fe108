"""Template helpers for the staff pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    """Unread inbox messages of the signed-in user (one query, on staff pages only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from tasks.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@register.simple_tag(takes_context=True)
def staff_roles(context) -> dict:
    """Which role links the navigation shows (departments.access decides)."""
    from departments.access import is_secretariat, is_supervisor, sees_everything

    user = getattr(context.get("request"), "user", None)
    return {
        "overview": sees_everything(user),
        "supervisor": is_supervisor(user),
        "secretariat": is_secretariat(user),
    }
