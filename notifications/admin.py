"""Admin of the outbox (state, attempts, last error; retry now) and of the group robots,
whose URL (a secret) is shown masked and never sent back to the browser."""

from django import forms
from django.contrib import admin, messages
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .models import GroupRobot, OutboxMessage
from .services import retry_now


class GroupRobotForm(forms.ModelForm):
    """The URL field is write-only: left empty on a change, the stored URL stays."""

    url = forms.URLField(
        label=_("Webhook 地址"),
        validators=[URLValidator(schemes=["http", "https"])],
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("群机器人的 Webhook 地址含密钥，保存后仅显示掩码；留空则保持原地址不变"),
    )

    class Meta:
        model = GroupRobot
        fields = ["department", "kind", "url", "active"]

    def clean_url(self):
        url = self.cleaned_data.get("url")
        if not url:
            if self.instance.pk:
                return self.instance.url
            raise forms.ValidationError(_("请填写 Webhook 地址"))
        return url


@admin.register(GroupRobot)
class GroupRobotAdmin(admin.ModelAdmin):
    form = GroupRobotForm
    list_display = ["department", "kind", "masked_url", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["department__name"]
    autocomplete_fields = ["department"]
    readonly_fields = ["masked_url"]

    @admin.display(description=_("Webhook 地址（掩码）"))
    def masked_url(self, obj):
        return obj.masked_url if obj.pk else "—"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox: each message with its channel, state, attempts and last error."""

    list_display = [
        "id",
        "channel",
        "kind",
        "address",
        "subject",
        "state",
        "attempts",
        "short_error",
        "next_try_at",
        "sent_at",
        "created_at",
    ]
    list_filter = ["state", "channel", "kind", "created_at"]
    search_fields = ["address", "subject", "user__username", "department__name", "last_error"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "channel",
        "kind",
        "user",
        "department",
        "robot",
        "address",
        "subject",
        "body",
        "dedupe_key",
        "state",
        "attempts",
        "last_error",
        "next_try_at",
        "lease_until",
        "created_at",
        "sent_at",
        "batch",
    ]
    exclude = ["html"]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("最近错误"))
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    @admin.action(description=_("重新发送所选失败消息（下次投递时发送）"))
    def retry_now(self, request, queryset):
        count = retry_now(messages=queryset)
        self.message_user(request, _("已安排重新发送 %(n)d 条消息") % {"n": count})

    def changelist_view(self, request, extra_context=None):
        failing = OutboxMessage.objects.failing().count()
        if failing:
            self.message_user(
                request,
                _("%(n)d 条消息发送失败（等待重试或已放弃），请检查邮件服务器或群机器人设置")
                % {"n": failing},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)
