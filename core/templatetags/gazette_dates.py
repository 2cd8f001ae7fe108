"""The ``cn_date`` template filter, a builtin of every template (settings.TEMPLATES)."""

from __future__ import annotations

from django import template

from core.dates import cn_date as _cn_date

register = template.Library()


@register.filter
def cn_date(value) -> str:
    """{{ day|cn_date }} → 2018年9月12日."""
    return _cn_date(value)
