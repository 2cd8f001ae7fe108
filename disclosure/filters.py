import django_filters
from django.db.models import Q

from core.filters import IdFilter

from .models import DisclosureEvent, DisclosureItem


class CatalogueFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area", max_length=200)
    owner = django_filters.CharFilter(
        field_name="owner", lookup_expr="icontains", max_length=100, label="责任主体"
    )
    owner_department = IdFilter(field_name="owner_department_id")
    document = IdFilter(field_name="document_id")
    rule_kind = django_filters.ChoiceFilter(choices=DisclosureItem.RuleKind.choices)
    q = django_filters.CharFilter(method="filter_q", max_length=100, label="关键词")

    class Meta:
        model = DisclosureItem
        fields = ["area", "owner", "owner_department", "rule_kind", "document"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(item__icontains=value)
            | Q(area__icontains=value)
            | Q(detail__icontains=value)
            | Q(owner__icontains=value)
        )


class EventFilter(django_filters.FilterSet):
    item = IdFilter(field_name="item_id")
    department = IdFilter(field_name="department_id")
    published = django_filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = DisclosureEvent
        fields = ["item", "department", "published"]
