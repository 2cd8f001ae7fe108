from django.contrib import admin

from .models import DisclosureItem


@admin.register(DisclosureItem)
class DisclosureItemAdmin(admin.ModelAdmin):
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
