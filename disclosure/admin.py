from django.contrib import admin

from documents.admin import ReindexesSearch

from .models import DisclosureEvent, DisclosureItem


@admin.register(DisclosureItem)
class DisclosureItemAdmin(ReindexesSearch, admin.ModelAdmin):
    list_display = [
        "seq",
        "area",
        "item",
        "rule_kind",
        "rule_n",
        "period",
        "owner",
        "owner_department",
    ]
    list_filter = ["rule_kind", "area", "owner_department"]
    search_fields = ["area", "item", "detail", "owner", "timeliness"]
    list_select_related = ["owner_department", "document"]
    autocomplete_fields = ["owner_department"]
    raw_id_fields = ["document"]


@admin.register(DisclosureEvent)
class DisclosureEventAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "event",
        "item",
        "department",
        "occurred_at",
        "due_at",
        "due_provisional",
        "published_at",
        "on_time",
    ]
    list_filter = ["department", "rule_kind", "due_provisional"]
    search_fields = ["subject", "reference", "item__item"]
    list_select_related = ["item", "department"]
    readonly_fields = [
        "rule_kind",
        "rule_n",
        "rule_by",
        "due_at",
        "due_provisional",
        "created_by",
        "created_at",
    ]
    raw_id_fields = ["item"]

    @admin.display(boolean=True, description="按时公开")
    def on_time(self, obj):
        return obj.on_time
