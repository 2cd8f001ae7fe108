"""Template context for every page: the demo's fixed date, for the banner in base.html."""

from __future__ import annotations

from .dates import demo_as_of


def demo(request) -> dict:
    return {"demo_as_of": demo_as_of()}
