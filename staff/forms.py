"""Forms of the staff pages. They validate input only; the services do every write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from departments.access import department_ids
from departments.models import Department, DepartmentAlias
from tasks.models import ProgressReport, Task, TaskAssignment
from workdays.engine import DeadlineSpec
from workdays.engine.spec import valid_by


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ProgressForm(forms.Form):
    """进展报告 or a status action (开始推进 / 办结 with evidence / 申请延期 with a reason)."""

    kind = forms.ChoiceField(
        label="类型",
        choices=ProgressReport.Kind.choices,
        initial=ProgressReport.Kind.PROGRESS,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="进展情况或理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    files = MultipleFileField(
        label="佐证材料（PDF、DOCX、XLSX、JPG、PNG，每个不超过10MB）", required=False
    )
    requested_due = forms.DateField(
        label="申请延期至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ProgressReport.Kind.DONE and not data.get("files"):
            self.add_error("files", "办结须附佐证材料")
        if kind == ProgressReport.Kind.EXTENSION and not data.get("requested_due"):
            self.add_error("requested_due", "请填写申请延期至的日期")
        return data


class UrgeForm(forms.Form):
    message = forms.CharField(
        label="催办意见",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "请抓紧办理并及时报告进展。"}),
    )
    department = forms.ModelChoiceField(
        label="催办部门",
        queryset=Department.objects.none(),
        required=False,
        empty_label="全部承办部门",
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        if task is not None:
            self.fields["department"].queryset = Department.objects.filter(
                assignments__task=task
            ).order_by("assignments__order")


class CloseForm(forms.Form):
    note = forms.CharField(label="办结意见", required=False, max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ImportForm(forms.Form):
    """A gazette issue to import: a file (.txt, .docx, text PDF) or pasted text."""

    file = forms.FileField(label="公报文件（.txt、.docx 或文字版 PDF）", required=False)
    text = forms.CharField(
        label="或粘贴公报全文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    replace = forms.BooleanField(
        label="替换同一期次的已有内容（保留未变任务的进展与历史）", required=False
    )
    issue = forms.CharField(
        label="单个文件（无公报刊头，如外地政府或上级文件）加入的期次，如 2018-6",
        required=False,
        max_length=20,
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise ValidationError("请选择公报文件或粘贴公报全文")
        return data


class ConfirmImportForm(forms.Form):
    """The previewed text, sent back to import it for real (as a draft)."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    source_name = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    replace = forms.BooleanField(widget=forms.HiddenInput, required=False)
    issue = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)


class AssignmentAddForm(forms.Form):
    department = forms.ModelChoiceField(
        label="部门", queryset=Department.objects.filter(active=True).order_by("kind", "name")
    )
    role = forms.ChoiceField(label="角色", choices=TaskAssignment.Role.choices)


class AssignmentChangeForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=TaskAssignment.Role.choices, required=False)
    action = forms.ChoiceField(choices=[("role", "修改角色"), ("remove", "移除")])


EVERY_CHOICES = [
    ("", "—"),
    ("year", "每年"),
    ("half", "每半年"),
    ("quarter", "每季度"),
    ("month", "每月"),
]
UNIT_CHOICES = [("", "—"), ("working_days", "工作日"), ("days", "日"), ("hours", "小时")]


class DeadlineForm(forms.Form):
    """A task's deadline spec as the secretariat corrects it; next_due is recomputed."""

    deadline_text = forms.CharField(label="时限原文", required=False, max_length=200)
    deadline_kind = forms.ChoiceField(
        label="时限类型", choices=Task.DeadlineKind.choices, required=False
    )
    due_on = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_on = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    every = forms.ChoiceField(label="周期", choices=EVERY_CHOICES, required=False)
    by = forms.CharField(
        label="周期内截止（月-日，如 09-30；每月为日，如 10）", required=False, max_length=5
    )
    n = forms.IntegerField(label="时长", required=False, min_value=0, max_value=3650)
    unit = forms.ChoiceField(label="时长单位", choices=UNIT_CHOICES, required=False)
    roll_to_working_day = forms.BooleanField(label="遇节假日顺延", required=False)

    def clean_by(self):
        by = (self.cleaned_data.get("by") or "").strip()
        if by and not valid_by(by):
            raise ValidationError("格式应为 月-日（09-30）或 日（10）")
        return by

    @classmethod
    def for_task(cls, task: Task, **kwargs) -> DeadlineForm:
        fields = DeadlineSpec.from_task(task).task_fields()
        initial = {name: fields[name] for name in cls.base_fields}
        return cls(initial=initial, prefix=f"t{task.pk}", **kwargs)


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label="并入", queryset=Department.objects.none(), empty_label="选择已有部门"
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Department.objects.filter(needs_review=False).order_by("kind", "name")
        if source is not None:
            qs = qs.exclude(pk=source.pk)
        self.fields["target"].queryset = qs


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "short_name", "kind", "active", "needs_review"]


class AliasForm(forms.Form):
    name = forms.CharField(label="别名", max_length=100)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if DepartmentAlias.objects.filter(name=name).exists():
            raise ValidationError("该别名已登记")
        if Department.objects.filter(name=name).exists():
            raise ValidationError("已有同名部门；如为同一部门，请使用“并入”")
        return name


class FeedForm(forms.Form):
    department = forms.ModelChoiceField(label="部门", queryset=Department.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = department_ids(user) if user is not None else frozenset()
        self.fields["department"].queryset = Department.objects.filter(pk__in=ids).order_by("name")
