from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Department, DepartmentAlias, Membership
from .services import merge_department


class AliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "active", "needs_review", "alias_list"]
    list_filter = ["kind", "active", "needs_review"]
    search_fields = ["name", "short_name", "aliases__name"]
    inlines = [AliasInline, MembershipInline]
    actions = ["merge_into_first"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("别名"))
    def alias_list(self, obj):
        return "、".join(a.name for a in obj.aliases.all())

    @admin.action(description=_("将所选部门并入其中第一个确认过的部门（作为别名）"))
    def merge_into_first(self, request, queryset):
        depts = list(queryset.order_by("needs_review", "id"))
        if len(depts) < 2:
            self.message_user(request, _("请至少选择两个部门"), messages.WARNING)
            return
        target = depts[0]
        for source in depts[1:]:
            merge_department(source, target)
        self.message_user(request, _("已并入 %(name)s") % {"name": target.name})


@admin.register(DepartmentAlias)
class DepartmentAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "department"]
    search_fields = ["name", "department__name"]
    autocomplete_fields = ["department"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "created_at"]
    list_filter = ["department__kind"]
    search_fields = ["user__username", "department__name"]
    autocomplete_fields = ["user", "department"]
