"""Assembling an issue document by document (逐件组稿): the secretariat creates a draft issue,
adds the documents the offices send one at a time, orders them, removes one, and publishes.

The writes with rules live here; each runs in one transaction with the issue's row locked, so
two secretariat members working on one issue queue rather than interleave. A document is added
by the same import as a lone document (``services.import_document``, replacing the same 文号,
or the same title without one); the issue's 目录 (``GazetteIssue.toc``) is rewritten from its
documents' order after every change, so the public contents and the PDF follow that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError

from core.dates import today as current_day

from .models import Document, GazetteIssue
from .parser import ParsedIssue, ParseError, parse_text
from .services import GazetteImportError, ImportReport, import_document, publish_issue

YEAR_MIN = 1949
NUMBER_MAX = 999
UP, DOWN = "up", "down"


@dataclass
class Addition:
    """A document added (or, for a dry run, the preview of adding it): what the parser
    recognised and what the import did or would do."""

    parsed: ParsedIssue
    report: ImportReport


def _locked(issue_id: int) -> GazetteIssue:
    return GazetteIssue.objects.select_for_update().defer("source_text").get(pk=issue_id)


def _require_draft(issue: GazetteIssue) -> None:
    if issue.is_published:
        raise ValidationError(f"{issue.title} 已发布，不能再修改；如需更正请用公报导入替换整期")


def create_issue(
    *,
    year: int,
    number: int,
    total_number: int | None = None,
    published_on: date | None = None,
    user=None,
) -> GazetteIssue:
    """A new draft issue (期次). Refuses a year or number out of range and an issue that
    exists already (same year and number, or the same 总期号), naming it."""
    errors: dict[str, list[str]] = {}
    latest = current_day().year + 1
    if not YEAR_MIN <= year <= latest:
        errors.setdefault("year", []).append(f"年份应在 {YEAR_MIN}—{latest} 之间")
    if not 1 <= number <= NUMBER_MAX:
        errors.setdefault("number", []).append(f"期号应在 1—{NUMBER_MAX} 之间")
    if total_number is not None and total_number < 1:
        errors.setdefault("total_number", []).append("总期号应为正整数")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        same = GazetteIssue.objects.filter(year=year, number=number).first()
        if same is not None:
            raise ValidationError(
                {"number": [f"{same.title}（{same.get_status_display()}）已存在，不能重复创建"]}
            )
        if total_number is not None:
            twin = GazetteIssue.objects.filter(total_number=total_number).first()
            if twin is not None:
                raise ValidationError(
                    {"total_number": [f"总第{total_number}期已是 {twin.title}，不能重复"]}
                )
        try:
            with transaction.atomic():
                return GazetteIssue.objects.create(
                    year=year,
                    number=number,
                    title=f"{year}年第{number}号",
                    total_number=total_number,
                    published_on=published_on,
                )
        except IntegrityError:  # created by someone else a moment ago
            raise ValidationError(
                {"number": [f"{year}年第{number}号已存在，不能重复创建"]}
            ) from None


def parse_document(text: str) -> ParsedIssue:
    """What the parser reads in one document's text; refuses a whole issue and a document
    without a title, with the reason."""
    try:
        parsed = parse_text(text)
    except ParseError as exc:
        raise ValidationError(exc.message) from None
    if parsed.is_issue:
        name = parsed.title or f"{parsed.year}年第{parsed.number}号"
        raise ValidationError(
            f"这是一期完整的公报（有期次标题“{name}”）：整期请用“公报导入”；这里逐件添加单个文件"
        )
    untitled = [d for d in parsed.documents if not d.title.strip()]
    if untitled:
        raise ValidationError(f"第{untitled[0].first_line}行起的文件没有识别到标题，请核对原文")
    return parsed


def add_document(
    *,
    issue: GazetteIssue,
    text: str,
    source_name: str = "",
    user=None,
    dry_run: bool = False,
) -> Addition:
    """Add one document (with any text it forwards) to a draft issue, after its last one.

    The same document again (same 文号, or the same title without one) replaces the stored
    one in place, keeping the progress of its unchanged tasks. ``dry_run`` is the preview:
    everything is done and rolled back. Raises ValidationError; nothing is written then."""
    parsed = parse_document(text)
    with transaction.atomic():
        locked = _locked(issue.pk)
        _require_draft(locked)
        try:
            report = import_document(
                text,
                locked.key,
                source_name=source_name or "逐件组稿",
                replace=True,
                dry_run=dry_run,
                user=user,
            )
        except GazetteImportError as exc:
            raise ValidationError(exc.message) from None
        if not dry_run:
            write_toc(locked)
    return Addition(parsed=parsed, report=report)


def move_document(*, document: Document, direction: str, user=None) -> Document:
    """Move a document one place up or down in its draft issue (swapping with its neighbour)."""
    if direction not in (UP, DOWN):
        raise ValidationError("移动方向应为上移或下移")
    with transaction.atomic():
        issue = _locked(document.issue_id)
        _require_draft(issue)
        docs = list(issue.documents.order_by("order").only("pk", "order"))
        index = next((i for i, d in enumerate(docs) if d.pk == document.pk), None)
        if index is None:
            raise ValidationError("该文件已不在本期中")
        other = index - 1 if direction == UP else index + 1
        if not 0 <= other < len(docs):
            raise ValidationError("已是第一件" if direction == UP else "已是最后一件")
        a, b = docs[index], docs[other]
        # (issue, order) is unique: park one on a free place while the other takes its own
        free = (issue.documents.aggregate(m=Max("order"))["m"] or 0) + 1
        Document.objects.filter(pk=a.pk).update(order=free)
        Document.objects.filter(pk=b.pk).update(order=a.order)
        Document.objects.filter(pk=a.pk).update(order=b.order)
        write_toc(issue)
    document.order = b.order
    return document


def remove_document(*, document: Document, user=None) -> str:
    """Remove a document (its outline, tasks and catalogue rows) from a draft issue; returns
    its label (文号, or title)."""
    label = document.number or document.title
    with transaction.atomic():
        issue = _locked(document.issue_id)
        _require_draft(issue)
        try:
            deleted, _ = Document.objects.filter(pk=document.pk, issue=issue).delete()
        except ProtectedError:
            raise ValidationError(
                f"{label} 的公开事项已有公开登记，不能删除；请先处理这些登记"
            ) from None
        if not deleted:
            raise ValidationError("该文件已不在本期中")
        write_toc(issue)
    return label


def publish(*, issue: GazetteIssue, user=None) -> GazetteIssue:
    """Publish an assembled issue (``services.publish_issue``: public pages, search, PDF);
    refuses one without documents or already published."""
    with transaction.atomic():
        locked = _locked(issue.pk)
        _require_draft(locked)
        if not locked.documents.exists():
            raise ValidationError(f"{locked.title} 还没有文件，不能发布")
        return publish_issue(locked)


def write_toc(issue: GazetteIssue) -> None:
    """The issue's 目录 from its documents in order. The section is the issuing body's
    (“本溪市人民政府办公厅文件”); a document without a header (a forwarded text, a document
    from elsewhere) stays in the section before it."""
    toc: list[dict] = []
    section = ""
    for title, number, header in issue.documents.order_by("order").values_list(
        "title", "number", "header"
    ):
        if header:
            section = f"{header}文件"
        toc.append({"title": title, "number": number, "section": section})
    issue.toc = toc
    issue.save(update_fields=["toc", "updated_at"])
