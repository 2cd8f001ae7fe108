"""The secretariat's 逐件组稿 pages: create a draft issue, add documents to it one at a time
(upload or paste → the import's preview → confirm), order and remove them, publish.

Thin views over documents.assembly (every rule — draft only, one transaction, replace the same
document — lives there); plain form posts, no script needed. Secretariat only: anonymous users
go to the login page, other roles get 403.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from documents import assembly
from documents.models import Document, GazetteIssue
from documents.parser import ParseError
from documents.sources import extract_text

from .previews import preview_context
from .views import secretariat_required

# --- forms ------------------------------------------------------------------------------------


class IssueForm(forms.Form):
    """A new draft issue: 年份, 期号 (required), 总期号 and 出版日期 (when known)."""

    year = forms.IntegerField(
        label="年份", error_messages={"required": "请填写年份", "invalid": "年份应为数字，如 2018"}
    )
    number = forms.IntegerField(
        label="期号（第几号）",
        error_messages={"required": "请填写期号", "invalid": "期号应为数字，如 6"},
    )
    total_number = forms.IntegerField(
        label="总期号（总第几期，可暂不填）",
        required=False,
        error_messages={"invalid": "总期号应为数字，如 102"},
    )
    published_on = forms.DateField(
        label="出版日期（可暂不填，发布时默认为当天）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "出版日期格式应为 2018-12-21"},
    )


class AddDocumentForm(forms.Form):
    """One document for the issue: a file (.txt, .docx, text PDF) or pasted text."""

    file = forms.FileField(label="文件（.txt、.docx 或文字版 PDF）", required=False)
    text = forms.CharField(
        label="或粘贴文件全文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise ValidationError("请选择文件或粘贴文件全文")
        return data


class ConfirmAddForm(forms.Form):
    """The previewed text, sent back to add it for real."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    source_name = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[(assembly.UP, "上移"), (assembly.DOWN, "下移")])


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


# --- pages ------------------------------------------------------------------------------------


def _issues_page(request: HttpRequest, form: IssueForm, status: int = 200) -> HttpResponse:
    issues = (
        GazetteIssue.objects.defer("source_text")
        .annotate(document_count=Count("documents"))
        .order_by("status", "-year", "-number")[:30]
    )
    return render(
        request, "staff/assembly/issues.html", {"form": form, "issues": issues}, status=status
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def issues(request: HttpRequest) -> HttpResponse:
    """The issues being assembled, and the form that starts a new one."""
    if request.method != "POST":
        return _issues_page(request, IssueForm())
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _issues_page(request, form, status=400)
    try:
        issue = assembly.create_issue(**form.cleaned_data, user=request.user)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _issues_page(request, form, status=400)
    messages.success(request, f"已创建草稿 {issue.title}，请逐件添加文件")
    return redirect("staff:assembly-issue", pk=issue.pk)


def _workspace(
    request: HttpRequest, issue: GazetteIssue, form: AddDocumentForm | None = None, status=200
) -> HttpResponse:
    documents = list(
        issue.documents.defer("body", "attachments", "unplaced")
        .select_related("forwarded_by")
        .annotate(
            task_count=Count("tasks", distinct=True),
            catalogue_count=Count("catalogue_items", distinct=True),
        )
        .order_by("order")
    )
    return render(
        request,
        "staff/assembly/issue.html",
        {
            "issue": issue,
            "documents": documents,
            "form": form or AddDocumentForm(),
            "task_total": sum(d.task_count for d in documents),
        },
        status=status,
    )


def _issue(pk: int) -> GazetteIssue:
    return get_object_or_404(GazetteIssue.objects.defer("source_text"), pk=pk)


@secretariat_required
@require_safe
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """The workspace of one issue: its documents in order (its 目录), and the forms."""
    return _workspace(request, _issue(pk))


def _read(form: AddDocumentForm) -> tuple[str, str]:
    """The text of the upload (or the pasted text) and where it came from."""
    upload = form.cleaned_data.get("file")
    if not upload:
        return form.cleaned_data["text"], "粘贴文本"
    limit = settings.GAZETTE_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"文件过大（{upload.size} 字节，上限 {limit} 字节）")
    try:
        return extract_text(upload.read(), upload.name, max_bytes=limit), upload.name
    except ParseError as exc:
        raise ValidationError(exc.message) from None


@secretariat_required
@require_POST
def add(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload or paste one document: the preview of adding it (nothing is written)."""
    issue = _issue(pk)
    if issue.is_published:  # the page offers no form then; a stale one is told why
        messages.error(request, f"{issue.title} 已发布，不能再添加文件")
        return redirect("staff:assembly-issue", pk=issue.pk)
    form = AddDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _workspace(request, issue, form, status=400)
    try:
        text, source = _read(form)
        preview = assembly.add_document(
            issue=issue, text=text, source_name=source, user=request.user, dry_run=True
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _workspace(request, issue, form, status=400)
    confirm = ConfirmAddForm(initial={"text": text, "source_name": source})
    return render(
        request,
        "staff/assembly/preview.html",
        {
            **preview_context(preview.parsed),
            "issue": issue,
            "report": preview.report,
            "confirm": confirm,
            "source": source,
        },
    )


@secretariat_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the previewed document for real, in one transaction."""
    issue = _issue(pk)
    form = ConfirmAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "要添加的文件内容缺失，请重新上传")
        return redirect("staff:assembly-issue", pk=issue.pk)
    try:
        added = assembly.add_document(
            issue=issue,
            text=form.cleaned_data["text"],
            source_name=form.cleaned_data["source_name"],
            user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(_messages(exc)))
        return redirect("staff:assembly-issue", pk=issue.pk)
    report = added.report
    names = "、".join(report.documents_added + report.documents_changed)
    verb = "已替换" if report.documents_changed and not report.documents_added else "已添加"
    tasks = report.tasks_added + report.tasks_changed + report.tasks_kept
    messages.success(request, f"{verb}：{names}（任务 {tasks} 项）")
    return redirect("staff:assembly-issue", pk=issue.pk)


def _document(pk: int) -> Document:
    return get_object_or_404(
        Document.objects.select_related("issue").only(
            "pk", "issue_id", "number", "title", "order", "issue__status", "issue__title"
        ),
        pk=pk,
    )


@secretariat_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择上移或下移")
        return redirect("staff:assembly-issue", pk=document.issue_id)
    try:
        assembly.move_document(
            document=document, direction=form.cleaned_data["direction"], user=request.user
        )
    except ValidationError as exc:
        messages.error(request, "；".join(_messages(exc)))
    else:
        where = "上移" if form.cleaned_data["direction"] == assembly.UP else "下移"
        messages.success(request, f"已{where}：{document.number or document.title}")
    url = redirect("staff:assembly-issue", pk=document.issue_id).url
    return redirect(f"{url}#doc-{document.pk}")


@secretariat_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(pk)
    try:
        label = assembly.remove_document(document=document, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(_messages(exc)))
    else:
        messages.success(request, f"已从本期移除：{label}")
    return redirect("staff:assembly-issue", pk=document.issue_id)


@secretariat_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(pk)
    try:
        assembly.publish(issue=issue, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(_messages(exc)))
    else:
        messages.success(request, f"{issue.title} 已发布，公众可见；PDF 将在后台生成")
    return redirect("staff:assembly-issue", pk=issue.pk)


urlpatterns = [
    path("assemble/", issues, name="assembly"),
    path("assemble/<int:pk>/", issue, name="assembly-issue"),
    path("assemble/<int:pk>/add/", add, name="assembly-add"),
    path("assemble/<int:pk>/confirm/", confirm, name="assembly-confirm"),
    path("assemble/<int:pk>/publish/", publish, name="assembly-publish"),
    path("assemble/documents/<int:pk>/move/", move, name="assembly-move"),
    path("assemble/documents/<int:pk>/remove/", remove, name="assembly-remove"),
]
