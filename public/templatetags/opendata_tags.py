"""{% download_links "tasks" label year=2018 number=6 %}: a dataset's downloads (every format)
with the page's filters (keywords, or ``qs`` a query string already made), and its entry in the
data dictionary."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from public.datasets import FORMATS

register = template.Library()


@register.inclusion_tag("public/_downloads.html")
def download_links(dataset: str, label: str = "", qs: str = "", **filters) -> dict:
    chosen = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return {
        "dataset": dataset,
        "qs": "&".join(q for q in (qs, chosen) if q),
        "label": label,
        "formats": list(FORMATS.items()),
    }
