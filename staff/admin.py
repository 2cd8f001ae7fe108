from django.contrib import admin

from .models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "created_at", "revoked_at"]
    list_filter = ["department"]
    readonly_fields = ["token", "created_at"]
    raw_id_fields = ["user"]
