"""Template helpers for the public pages: navigation links and shares."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context, href: str, label: str, exact: bool = False) -> str:
    """A navigation link marked aria-current="page" on its own section's pages."""
    path = getattr(context.get("request"), "path", "")
    current = path == href if exact else path.startswith(href)
    if current:
        return format_html('<a href="{}" aria-current="page">{}</a>', href, label)
    return format_html('<a href="{}">{}</a>', href, label)


@register.filter
def share_percent(figure) -> str:
    """An on-time share as a whole percentage ('' when nothing is published yet)."""
    share = getattr(figure, "share", None)
    return "" if share is None else f"{round(share * 100)}%"
