from types import SimpleNamespace

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workdays.engine import DeadlineSpec

from .models import ITEM_VALUES, DisclosureEvent, DisclosureItem


def rule_in_words(item) -> str:
    """决定作出后7个工作日内 — the timeliness rule in plain words (the catalogue's own text
    when the rule is only in words)."""
    spec = DeadlineSpec.from_rule_fields(item)
    complete = spec.n is not None if spec.kind == "relative" else bool(spec.by)
    if spec.kind and complete:
        return spec.in_words()
    return item.timeliness.split("\n")[0][:60]


class RuleSerializer(serializers.Serializer):
    kind = serializers.CharField(source="rule_kind")
    n = serializers.IntegerField(source="rule_n", allow_null=True)
    trigger = serializers.CharField(source="rule_from", allow_blank=True)
    by = serializers.CharField(source="rule_by", allow_blank=True)
    words = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_words(self, obj) -> str:
        return rule_in_words(obj)


class ComplianceSerializer(serializers.Serializer):
    published = serializers.IntegerField()
    on_time = serializers.IntegerField()
    pending = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class CatalogueItemSerializer(serializers.ModelSerializer):
    rule = RuleSerializer(source="*", read_only=True)
    owner_department_name = serializers.CharField(
        source="owner_department.name", default="", read_only=True
    )
    document_number = serializers.CharField(source="document.number", read_only=True)
    compliance = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureItem
        fields = [
            "id",
            "seq",
            "area",
            "item",
            "detail",
            "timeliness",
            "rule",
            "period",
            "channels",
            "owner",
            "owner_department",
            "owner_department_name",
            "supervision",
            "document",
            "document_number",
            "compliance",
        ]
        read_only_fields = fields

    @extend_schema_field(ComplianceSerializer(allow_null=True))
    def get_compliance(self, obj):
        return compliance_data(self.context.get("compliance", {}).get(obj.pk))


def compliance_data(figure) -> dict | None:
    if figure is None or not (figure.published or figure.pending):
        return None
    return {
        "published": figure.published,
        "on_time": figure.on_time,
        "pending": figure.pending,
        "share": figure.share,
    }


# The catalogue list's columns, read as values (its fast path).
CATALOGUE_VALUES = (
    *ITEM_VALUES,
    "owner",
    "owner_department",
    "owner_department__name",
    "document",
    "document__number",
)


def catalogue_data(rows, compliance: dict) -> list[dict]:
    """CatalogueItemSerializer's output for values() rows (CATALOGUE_VALUES); a test holds the
    two equal."""
    return [
        {
            "id": r["id"],
            "seq": r["seq"],
            "area": r["area"],
            "item": r["item"],
            "detail": r["detail"],
            "timeliness": r["timeliness"],
            "rule": {
                "kind": r["rule_kind"],
                "n": r["rule_n"],
                "trigger": r["rule_from"],
                "by": r["rule_by"],
                "words": rule_in_words(SimpleNamespace(**r)),
            },
            "period": r["period"],
            "channels": r["channels"],
            "owner": r["owner"],
            "owner_department": r["owner_department"],
            "owner_department_name": r["owner_department__name"] or "",
            "supervision": r["supervision"],
            "document": r["document"],
            "document_number": r["document__number"],
            "compliance": compliance_data(compliance.get(r["id"])),
        }
        for r in rows
    ]


class DisclosureEventSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.item", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = DisclosureEvent
        fields = [
            "id",
            "item",
            "item_name",
            "department",
            "department_name",
            "subject",
            "event",
            "reference",
            "occurred_at",
            "rule_kind",
            "rule_n",
            "rule_by",
            "due_at",
            "due_provisional",
            "published_at",
            "published_where",
            "on_time",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "item_name",
            "department_name",
            "rule_kind",
            "rule_n",
            "rule_by",
            "due_at",
            "due_provisional",
            "published_at",
            "published_where",
            "on_time",
            "created_at",
        ]
        extra_kwargs = {"department": {"required": False}}


class PublicationSerializer(serializers.Serializer):
    published_at = serializers.DateTimeField()
    where = serializers.CharField(max_length=300)
