"""Staff pages of documents' validity (规范性文件有效期): the review list of documents whose
validity ends within 90 days (督查 and 秘书处, with CSV), and the secretariat's confirming,
rejecting and recording of repeals and amendments (废止 / 修改) from the import review."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.dates import today as current_day
from documents.models import Document, DocumentRelation
from documents.services import decide_relation, record_relation
from documents.validity import REVIEW_DAYS, expiring

from .exports import csv_response
from .views import overview_required, secretariat_required

CSV_HEADER = [
    "文号",
    "文件标题",
    "发文机关",
    "期次",
    "施行日期",
    "有效期至",
    "剩余天数",
    "有效期依据",
    "文件页面",
]


class RelationForm(forms.Form):
    """The secretariat records that the current document repeals or amends another."""

    kind = forms.ChoiceField(label="关系", choices=DocumentRelation.Kind.choices)
    target_number = forms.CharField(label="被废止/修改文件文号", max_length=64, required=False)
    target_title = forms.CharField(label="被废止/修改文件标题", max_length=300, required=False)


@overview_required
@require_safe
def expiring_list(request: HttpRequest) -> HttpResponse:
    today = current_day()
    documents = list(expiring(today))
    for d in documents:
        d.days_left = (d.valid_until - today).days
    if request.GET.get("format") == "csv":
        site = request.build_absolute_uri("/").rstrip("/")
        table = [
            [
                d.number,
                d.title,
                d.issuer,
                f"{d.issue.year}-{d.issue.number}",
                d.effective_on,
                d.valid_until,
                d.days_left,
                d.validity_text,
                site + reverse("document", args=[d.slug]),
            ]
            for d in documents
        ]
        return csv_response(f"expiring-{today.isoformat()}.csv", CSV_HEADER, table)
    return render(
        request,
        "staff/validity_expiring.html",
        {"documents": documents, "today": today, "days": REVIEW_DAYS},
    )


def _back(relation_source: Document) -> str:
    url = reverse("staff:review", args=[relation_source.issue_id])
    return f"{url}?document={relation_source.pk}#h-relations"


@secretariat_required
@require_POST
def relation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    relation = get_object_or_404(DocumentRelation.objects.select_related("source"), pk=pk)
    action = request.POST.get("action")
    if action not in ("confirm", "reject"):
        messages.error(request, "操作无效：请选择“确认”或“驳回”")
    else:
        decide_relation(relation, confirm=action == "confirm", user=request.user)
        messages.success(
            request,
            f"已{'确认' if action == 'confirm' else '驳回'}：{relation.get_kind_display()} "
            f"{relation.target_number or relation.target_title}",
        )
    return redirect(_back(relation.source))


@secretariat_required
@require_POST
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Document.objects.only("pk", "issue_id", "number"), pk=pk)
    form = RelationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择关系（废止或修改）")
        return redirect(_back(source))
    try:
        row = record_relation(source=source, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(_back(source))
    messages.success(
        request,
        f"已记录：{row.get_kind_display()} {row.target_number or row.target_title}"
        + ("" if row.target_id else "（该文件尚未收录，收录后自动关联）"),
    )
    return redirect(_back(source))
