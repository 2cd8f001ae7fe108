"""sitemap.xml: the public pages search engines should know (not search results)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from documents import selectors


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "home",
            "archive",
            "catalogue",
            "catalogue-table",
            "opendata",
            "opendata-dictionary",
            "departments",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class IssueSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return selectors.published_issues()

    def location(self, issue) -> str:
        return reverse("issue", args=[issue.year, issue.number])

    def lastmod(self, issue):
        return issue.updated_at


class DocumentSitemap(Sitemap):
    changefreq = "yearly"
    limit = 5000

    def items(self):
        return selectors.public_documents().order_by("pk")

    def location(self, document) -> str:
        return reverse("document", args=[document.slug])

    def lastmod(self, document):
        return document.updated_at


class DepartmentSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return selectors.public_departments()

    def location(self, department) -> str:
        return reverse("department", args=[department.pk])


SITEMAPS = {
    "pages": StaticSitemap,
    "issues": IssueSitemap,
    "documents": DocumentSitemap,
    "departments": DepartmentSitemap,
}
