import django_filters
from django.db.models import Q

from core.filters import IdFilter

from .models import Document, GazetteIssue


class IssueFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(min_value=1900, max_value=2100)

    class Meta:
        model = GazetteIssue
        fields = ["year", "status"]


class DocumentFilter(django_filters.FilterSet):
    issue = IdFilter(field_name="issue_id")
    year = django_filters.NumberFilter(field_name="issue__year", min_value=1900, max_value=2100)
    issuer = django_filters.CharFilter(field_name="issuer", lookup_expr="icontains", max_length=100)
    q = django_filters.CharFilter(method="filter_q", max_length=100, label="关键词")

    class Meta:
        model = Document
        fields = ["issue", "year", "issuer", "public"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(title__icontains=value) | Q(number__icontains=value) | Q(body__icontains=value)
        )
