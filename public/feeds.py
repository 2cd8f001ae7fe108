"""Atom feed (/feed/) of newly published issues and their documents."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from documents import selectors

FEED_ISSUES = 10


def _published_at(issue) -> datetime:
    if issue.published_at:
        return issue.published_at
    day = issue.published_on or issue.created_at.date()
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


class LatestFeed(Feed):
    feed_type = Atom1Feed
    title = "本溪市人民政府公报"
    subtitle = "本溪市人民政府公报新发布的期次和文件"
    author_name = "本溪市人民政府办公厅"

    def link(self) -> str:
        return reverse("home")

    def feed_url(self) -> str:
        return reverse("feed")

    def items(self) -> list:
        issues = list(selectors.published_issues()[:FEED_ISSUES])
        documents = selectors.public_documents().filter(issue__in=[i.pk for i in issues])
        entries = [("issue", i, _published_at(i)) for i in issues]
        by_issue = {i.pk: i for i in issues}
        for d in documents:
            entries.append(("document", d, _published_at(by_issue[d.issue_id])))
        # Newest first; within an issue the issue, then its documents in printed order.
        entries.sort(key=lambda e: (-e[2].timestamp(), e[0] != "issue", getattr(e[1], "order", 0)))
        return entries

    def item_title(self, entry) -> str:
        kind, obj, _at = entry
        if kind == "issue":
            total = f"（总第{obj.total_number}期）" if obj.total_number else ""
            return f"{obj.title}{total}"
        return f"{obj.title}（{obj.number}）" if obj.number else obj.title

    def item_description(self, entry) -> str:
        kind, obj, _at = entry
        if kind == "issue":
            return f"本期刊登文件{obj.document_count}件。"
        return f"{obj.issuer}　{obj.issue.year}年第{obj.issue.number}号公报"

    def item_link(self, entry) -> str:
        kind, obj, _at = entry
        if kind == "issue":
            return reverse("issue", args=[obj.year, obj.number])
        return reverse("document", args=[obj.slug])

    def item_pubdate(self, entry) -> datetime:
        return entry[2]

    def item_updateddate(self, entry) -> datetime:
        _kind, obj, at = entry
        return max(at, obj.updated_at) if obj.updated_at else at
