"""Writes on gazette content: importing an issue or a document, and publishing.

One function per use case; the management commands, the admin and (later) the web upload call
these. Every import runs in one transaction: it lands whole or not at all.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.dates import today as current_day
from departments.services import DepartmentResolver
from disclosure.models import DisclosureItem
from tasks.models import Task, TaskAssignment
from tasks.services import apply_next_due
from workdays.calendars import current_calendar
from workdays.engine import DeadlineSpec

from . import indexing
from .models import Citation, Clause, Document, DocumentRelation, GazetteIssue, ImportRun
from .parser import ParsedDocument, ParsedIssue, ParseError, parse_text
from .parser.text import normalize
from .parser.validity import dated_from
from .sources import extract_text


class GazetteImportError(ParseError):
    """An import that cannot go ahead; nothing was written. ``line`` is 1-based when known."""


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    issue: str = ""
    action: str = ""  # created / replaced / unchanged / appended
    dry_run: bool = False
    published: bool = False
    documents_added: list[str] = field(default_factory=list)
    documents_changed: list[str] = field(default_factory=list)
    documents_removed: list[str] = field(default_factory=list)
    documents_unchanged: list[str] = field(default_factory=list)
    tasks_added: int = 0
    tasks_changed: int = 0
    tasks_removed: int = 0
    tasks_kept: int = 0
    task_changes: list[str] = field(default_factory=list)
    catalogue_rows: int = 0
    citations: int = 0
    relations_proposed: list[str] = field(default_factory=list)  # 废止/修改, to confirm
    departments_created: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def summary_lines(self) -> list[str]:
        verb = {
            "created": "已创建",
            "replaced": "已替换",
            "unchanged": "内容未变",
            "appended": "已添加",
        }.get(self.action, self.action)
        lines = [
            f"{'[试运行，未写入] ' if self.dry_run else ''}{self.issue}：{verb}"
            + ("，已发布" if self.published else ""),
            f"文件：新增 {len(self.documents_added)}，变更 {len(self.documents_changed)}，"
            f"删除 {len(self.documents_removed)}，未变 {len(self.documents_unchanged)}",
            f"任务：新增 {self.tasks_added}，变更 {self.tasks_changed}，删除 {self.tasks_removed}，"
            f"保留 {self.tasks_kept}",
            f"目录清单 {self.catalogue_rows} 行，引用文号 {self.citations} 个",
        ]
        if self.relations_proposed:
            lines.append("识别到的废止/修改（待确认）：" + "；".join(self.relations_proposed))
        if self.departments_created:
            lines.append("新出现的部门（待审核）：" + "、".join(self.departments_created))
        lines.extend(f"  {c}" for c in self.task_changes)
        for w in self.warnings:
            lines.append(
                f"警告 第{w['line']}行 {w.get('document', '')}："
                f"{w['message']} {w.get('raw', '')}".rstrip()
            )
        return lines


def sha256(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def _parse(data: bytes | str, max_bytes: int | None, filename: str = "") -> tuple[str, ParsedIssue]:
    """The text (of a .txt, .docx or text PDF file when given bytes) and what it parses to."""
    from django.conf import settings

    limit = max_bytes or getattr(settings, "GAZETTE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
    try:
        if isinstance(data, bytes):
            text = extract_text(data, filename, max_bytes=limit)
        elif len(data.encode("utf-8")) > limit:
            raise ParseError(f"文件过大（上限 {limit} 字节）")
        else:
            text = data
        parsed = parse_text(text)
    except ParseError as exc:
        raise GazetteImportError(exc.message, exc.line) from None  # one error type for callers
    return text, parsed


def parse_issue_key(key: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*[-/年]\s*(?:第)?(\d{1,3})\s*(?:号|期)?\s*", key or "")
    if not m:
        raise GazetteImportError(f"期次格式应为 年-期号，如 2018-6（收到“{key}”）")
    return int(m.group(1)), int(m.group(2))


# --- import an issue --------------------------------------------------------------------------


def import_issue(
    data: bytes | str,
    *,
    source_name: str = "",
    filename: str = "",
    publish: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    user=None,
    today: date | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import one gazette issue: its text, or the bytes of a .txt, .docx or text PDF file
    (``filename`` words the error for a format that is not read). Idempotent: the same text
    again changes nothing."""
    text, parsed = _parse(data, max_bytes, filename or source_name)
    if not parsed.is_issue:
        raise GazetteImportError(
            "未找到公报期次标题（如“本溪市人民政府公报2018年第6号”）；"
            "单个文件请用 import_document 导入"
        )
    today = today or current_day()
    digest = sha256(text)
    for attempt in range(2):
        try:
            return _import_issue_once(
                parsed, text, digest, source_name, publish, replace, dry_run, user, today
            )
        except IntegrityError:
            # Another import of the same issue committed first; the second pass sees its row.
            if attempt:
                raise GazetteImportError("同一期次正在被另一导入写入，请稍后重试") from None
    raise AssertionError("unreachable")


def _import_issue_once(
    parsed, text, digest, source_name, publish, replace, dry_run, user, today
) -> ImportReport:
    report = ImportReport(issue=f"{parsed.year}-{parsed.number}", dry_run=dry_run)
    with transaction.atomic():
        issue = (
            GazetteIssue.objects.select_for_update()
            .filter(year=parsed.year, number=parsed.number)
            .first()
        )
        if issue is not None and issue.source_sha256 == digest:
            report.action = "unchanged"
            report.documents_unchanged = [d.number or d.title for d in issue.documents.all()]
        elif issue is not None and not replace:
            raise GazetteImportError(
                f"{parsed.title or report.issue} 已存在且内容不同；确认替换请加 --replace"
            )
        else:
            report.action = "replaced" if issue else "created"
            if issue is None:
                issue = GazetteIssue(year=parsed.year, number=parsed.number)
            issue.title = parsed.title or f"{parsed.year}年第{parsed.number}号"
            issue.total_number = parsed.total_number
            issue.published_on = parsed.published_on or issue.published_on
            issue.toc = [
                {"title": e.title, "number": e.number, "section": e.section} for e in parsed.toc
            ]
            issue.source_text = text
            issue.source_sha256 = digest
            issue.save()
            _sync_documents(issue, parsed.documents, report, today, remove_missing=True)
        if publish and not issue.is_published:
            publish_issue(issue)
            report.published = True
        _finish(issue, source_name, digest, report, user)
    return report


def import_document(
    data: bytes | str,
    issue_key: str,
    *,
    source_name: str = "",
    filename: str = "",
    replace: bool = False,
    dry_run: bool = False,
    user=None,
    today: date | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Add a single document (or several) to an issue, made as a draft when it does not exist.

    ``data`` as for import_issue: text, or a .txt, .docx or text PDF file's bytes."""
    year, number = parse_issue_key(issue_key)
    text, parsed = _parse(data, max_bytes, filename or source_name)
    today = today or current_day()
    report = ImportReport(issue=f"{year}-{number}", dry_run=dry_run, action="appended")
    with transaction.atomic():
        issue, _ = GazetteIssue.objects.select_for_update().get_or_create(
            year=year, number=number, defaults={"title": f"{year}年第{number}号"}
        )
        _sync_documents(
            issue, parsed.documents, report, today, remove_missing=False, replace=replace
        )
        _finish(issue, source_name, sha256(text), report, user)
    return report


def _finish(issue: GazetteIssue, source_name: str, digest: str, report: ImportReport, user) -> None:
    """Record the run; a dry run rolls the whole transaction back instead.

    Deadlines need no recompute job after an import: the import computes next_due of every
    task it writes, in its own transaction (``apply_next_due`` in _sync_clauses_and_tasks),
    and touches no other task. A published issue whose content changed gets its PDF again.
    """
    ImportRun.objects.create(
        issue=issue,
        source_name=source_name[:300],
        source_sha256=digest,
        report=report.as_dict(),
        created_by=user,
    )
    if report.dry_run:
        transaction.set_rollback(True)
    elif issue.is_published and report.action != "unchanged" and not report.published:
        indexing.index_issue(issue)  # only the rows whose text changed are rewritten
        schedule_issue_pdf(issue)


def publish_issue(issue: GazetteIssue) -> GazetteIssue:
    """Make an issue public: its pages, and its PDF (rendered once the transaction commits)."""
    issue.status = GazetteIssue.Status.PUBLISHED
    issue.published_at = timezone.now()
    if issue.published_on is None:
        issue.published_on = current_day()
    issue.save(update_fields=["status", "published_at", "published_on", "updated_at"])
    indexing.index_issue(issue)
    schedule_issue_pdf(issue)
    return issue


def schedule_issue_pdf(issue: GazetteIssue) -> None:
    """Render the issue's PDF after the current transaction commits (a job; in-process when
    there is no broker). Robust: a failure, or a broker that is down, is logged (and put in
    the job log), and the nightly job renders it then."""
    from core.enqueue import enqueue

    from .tasks import render_issue_pdf

    issue_id = issue.pk
    later = "the nightly render-issue-pdfs job renders it; the public PDF link renders on demand"
    transaction.on_commit(lambda: enqueue(render_issue_pdf, issue_id, later=later), robust=True)


# --- documents -------------------------------------------------------------------------------


def document_slug(pd: ParsedDocument, issue: GazetteIssue, order: int) -> str:
    if pd.number:
        return f"{pd.number.code}{pd.number.year}-{pd.number.seq}"
    return f"{issue.year}-{issue.number}-{order}"


def _sync_documents(
    issue, parsed_docs, report, today, *, remove_missing: bool, replace: bool = True
) -> None:
    resolver = DepartmentResolver()
    if remove_missing:
        # parse order becomes the order: move the old rows out of the way of (issue, order)
        issue.documents.update(order=F("order") + 10000)
    existing = list(issue.documents.all())
    by_number = {d.number: d for d in existing if d.number}
    by_order = {d.order: d for d in existing if not d.number}
    by_title = _unnumbered_by_title(existing)
    seen: set[int] = set()
    stored: list[Document | None] = []  # by parse index, for the forwarded links
    next_order = max((d.order for d in existing), default=0) + 1
    for index, pd in enumerate(parsed_docs, start=1):
        number = pd.number.whole if pd.number else ""
        doc = (
            by_number.get(number)
            if number
            else (by_order.get(index + 10000) if remove_missing else by_title.get(pd.title))
        )
        if number:
            other = (
                Document.objects.filter(number=number)
                .exclude(issue=issue)
                .select_related("issue")
                .first()
            )
            if other:
                raise GazetteImportError(
                    f"文号 {number} 已在 {other.issue} 中，不能重复导入", pd.first_line
                )
        label = number or pd.title
        if doc is not None and not remove_missing and not replace:
            if _document_fingerprint(pd) == _stored_fingerprint(doc):
                report.documents_unchanged.append(label)
                seen.add(doc.pk)
                stored.append(doc)
                continue
            raise GazetteImportError(
                f"文件 {label} 已在该期中且内容不同；确认替换请加 --replace", pd.first_line
            )
        order = index if remove_missing else (doc.order if doc else next_order)
        if not remove_missing and doc is None:
            next_order += 1
        if doc is None:
            doc = Document(issue=issue, order=order)
            report.documents_added.append(label)
        else:
            report.documents_changed.append(label)
        _fill_document(doc, pd, issue, order)
        doc.forwarded_by = _forwarding_notice(pd, stored)
        doc.save()
        seen.add(doc.pk)
        stored.append(doc)
        _sync_clauses_and_tasks(doc, pd, resolver, report, today)
        _sync_catalogue(doc, pd, resolver, report)
        _sync_citations(doc, pd, report)
        sync_relations(doc, pd, report)
        for w in pd.warnings:
            report.warnings.append({"document": label, **w.as_dict()})
    if remove_missing:
        for doc in existing:
            if doc.pk not in seen:
                report.documents_removed.append(doc.number or doc.title)
                report.tasks_removed += doc.tasks.count()
                doc.delete()
    report.departments_created = [d.name for d in resolver.created]
    _link_citations(issue)
    link_relations()


def _unnumbered_by_title(existing: list[Document]) -> dict[str, Document]:
    """Documents with no 文号 in an issue, by title: a lone document imported again (with
    import_document) is the same document, not a new one."""
    found: dict[str, Document] = {}
    for d in sorted(existing, key=lambda d: d.order):
        if not d.number:
            found.setdefault(d.title, d)
    return found


def _forwarding_notice(pd: ParsedDocument, stored: list) -> Document | None:
    """The stored notice that forwards this text (转发), when it does."""
    if pd.forwarded_by is None:
        return None
    # parse indexes count every parsed document; ``stored`` has one entry per document so far
    return stored[pd.forwarded_by] if pd.forwarded_by < len(stored) else None


def _fill_document(doc: Document, pd: ParsedDocument, issue: GazetteIssue, order: int) -> None:
    doc.order = order
    doc.slug = document_slug(pd, issue, order)
    doc.number = pd.number.whole if pd.number else ""
    doc.issuer_code = pd.number.code if pd.number else ""
    doc.number_year = pd.number.year if pd.number else None
    doc.number_seq = pd.number.seq if pd.number else None
    doc.issuer = pd.issuer[:200]
    doc.header = pd.header[:200]
    doc.title = pd.title[:500] or "（无标题）"
    doc.addressees = pd.addressees
    doc.signatories = "、".join(pd.signatories)[:300]
    doc.signed_on = pd.signed_on
    doc.public = pd.public
    doc.public_marking = pd.public_marking[:40]
    doc.enclosure_title = pd.enclosure_title[:500]
    doc.body = pd.body
    doc.attachments = [
        {"label": a.label, "title": a.title, "text": a.text, "line": a.line} for a in pd.attachments
    ]
    doc.warnings = [w.as_dict() for w in pd.warnings]
    doc.unplaced = "\n".join(pd.unplaced)
    doc.first_line = pd.first_line
    v = pd.validity
    if issue.published_on and not pd.signed_on:
        v = dated_from(v, issue.published_on)  # 自印发之日起: the issue's date stands in
    doc.effective_on = v.effective_on
    doc.effective_text = v.effective_text[:300]
    doc.valid_until = v.valid_until
    doc.validity_text = v.validity_text[:300]
    doc.interpreter = v.interpreter[:200]


def _document_fingerprint(pd: ParsedDocument) -> str:
    return hashlib.sha256(
        (pd.title + "\n" + pd.body + "\n" + str(len(pd.catalogue))).encode()
    ).hexdigest()


def _stored_fingerprint(doc: Document) -> str:
    return hashlib.sha256(
        (doc.title + "\n" + doc.body + "\n" + str(doc.catalogue_items.count())).encode()
    ).hexdigest()


def task_fingerprint(text: str, assignments: list[tuple[str, str]]) -> str:
    """Identity of a task across re-imports: its text and its departments with roles."""
    body = re.sub(r"\s+", "", text)
    people = "|".join(f"{name}:{role}" for name, role in sorted(assignments))
    return hashlib.sha256(f"{body}\n{people}".encode()).hexdigest()


# The deadline fields a document writes (the roll choice is the secretariat's: kept).
DEADLINE_FIELDS = tuple(DeadlineSpec().written_task_fields())


def _sync_clauses_and_tasks(
    doc: Document, pd: ParsedDocument, resolver: DepartmentResolver, report, today
) -> None:
    doc.clauses.all().delete()
    # parents come before children: insert level by level so each level knows its parents' ids
    by_key: dict[int, Clause] = {}
    depth: dict[int, int] = {}
    levels: dict[int, list] = {}
    for pc in pd.clauses:
        depth[pc.key] = depth[pc.parent_key] + 1 if pc.parent_key is not None else 0
        levels.setdefault(depth[pc.key], []).append(pc)
    for level in sorted(levels):
        objs = [
            Clause(
                document=doc,
                parent=by_key.get(pc.parent_key) if pc.parent_key is not None else None,
                kind=pc.kind,
                label=pc.label,
                heading=pc.heading[:200],
                text=pc.text,
                path=pc.path[:100],
                order=pc.order,
                line=pc.line,
            )
            for pc in levels[level]
        ]
        for pc, obj in zip(levels[level], Clause.objects.bulk_create(objs), strict=True):
            by_key[pc.key] = obj

    calendar = current_calendar()
    old: dict[str, list[Task]] = {}
    for task in doc.tasks.all():
        old.setdefault(task.fingerprint, []).append(task)
    new_tasks: list[tuple[Task, list]] = []
    for order, pt in enumerate(pd.tasks):
        depts = [(resolver.resolve(a.name), a.role) for a in pt.assignments]
        fp = task_fingerprint(pt.text, [(d.name, role) for d, role in depts])
        values = {
            "order": order,
            "path": pt.path[:100],
            "heading": pt.heading[:200],
            "raw": pt.raw[:500],
            "origin": pt.origin,
            "forwarded": pt.forwarded,
            "import_note": "；".join(pt.notes)[:500],
            "clause": by_key.get(pt.clause_key),
            **(pt.deadline or DeadlineSpec()).written_task_fields(),
        }
        matches = old.get(fp)
        if matches:
            task = matches.pop(0)
            changed = [
                f
                for f in ("path", "heading", "forwarded", *DEADLINE_FIELDS)
                if getattr(task, f) != values[f]
            ]
            for key, value in values.items():
                setattr(task, key, value)
            apply_next_due(task, today, calendar)
            task.save()
            if changed:
                report.tasks_changed += 1
                report.task_changes.append(
                    f"变更 {doc.number} {pt.path} {pt.heading}：{'、'.join(changed)}"
                )
            else:
                report.tasks_kept += 1
            continue
        task = Task(document=doc, text=pt.text, fingerprint=fp, **values)
        apply_next_due(task, today, calendar)
        new_tasks.append((task, depts))
    created = bulk_create_with_history([t for t, _ in new_tasks], Task)
    report.tasks_added += len(created)
    new_assignments: list[TaskAssignment] = []
    for task, (_, depts) in zip(created, new_tasks, strict=True):
        seen_depts: set[int] = set()
        for i, (dept, role) in enumerate(depts):
            if dept.pk in seen_depts:  # two written names resolved to one department
                continue
            seen_depts.add(dept.pk)
            new_assignments.append(TaskAssignment(task=task, department=dept, role=role, order=i))
    bulk_create_with_history(new_assignments, TaskAssignment)
    for leftovers in old.values():
        for task in leftovers:
            report.tasks_removed += 1
            report.task_changes.append(f"删除 {doc.number} {task.path} {task.heading}")
            task.delete()


def _sync_catalogue(
    doc: Document, pd: ParsedDocument, resolver: DepartmentResolver, report
) -> None:
    """Update catalogue rows in place (matched by seq, area and item), so their ids survive."""
    existing = {(i.seq, i.area, i.item): i for i in doc.catalogue_items.all()}
    if existing:
        DisclosureItem.objects.filter(document=doc).update(order=F("order") + 100000)
    fresh, kept = [], []
    for order, row in enumerate(pd.catalogue, start=1):
        item = existing.pop((row.seq, row.area[:200], row.item[:300]), None)
        (kept if item else fresh).append(item := item or DisclosureItem(document=doc))
        item.order = order
        item.seq = row.seq
        item.area = row.area[:200]
        item.item = row.item[:300]
        item.detail = row.detail
        item.timeliness = row.timeliness
        rule = DeadlineSpec.from_rule(
            row.rule.kind, n=row.rule.n, by=row.rule.by, trigger=row.rule.trigger
        )
        for name, value in rule.rule_fields().items():
            setattr(item, name, value)
        item.period = row.period[:200]
        item.channels = row.channels
        item.owner = row.owner[:300]
        item.owner_department = resolver.find(row.owner)
        item.supervision = row.supervision[:300]
        item.line = row.line
    if existing:
        DisclosureItem.objects.filter(pk__in=[i.pk for i in existing.values()]).delete()
    DisclosureItem.objects.bulk_update(kept, CATALOGUE_FIELDS)
    DisclosureItem.objects.bulk_create(fresh)
    report.catalogue_rows += len(pd.catalogue)


CATALOGUE_FIELDS = [
    "order",
    "seq",
    "area",
    "item",
    "detail",
    "timeliness",
    "rule_kind",
    "rule_n",
    "rule_from",
    "rule_by",
    "period",
    "channels",
    "owner",
    "owner_department",
    "supervision",
    "line",
]


def _sync_citations(doc: Document, pd: ParsedDocument, report) -> None:
    doc.citations.all().delete()
    Citation.objects.bulk_create(
        [
            Citation(document=doc, number=c.number, title=c.title[:300], line=c.line)
            for c in pd.citations
        ]
    )
    report.citations += len(pd.citations)


def _link_citations(issue: GazetteIssue) -> None:
    """Link citations to stored documents by number, both ways for this issue."""
    numbers = dict(Document.objects.exclude(number="").values_list("number", "pk"))
    stale = list(Citation.objects.filter(cited_document__isnull=True, number__in=list(numbers)))
    for citation in stale:
        citation.cited_document_id = numbers[citation.number]
    Citation.objects.bulk_update(stale, ["cited_document"])


# --- 废止 / 修改 (documents/parser/validity.py finds them; the secretariat confirms) ----------


def _relation_key(kind: str, number: str, title: str) -> tuple[str, str, str]:
    return (kind, number, "" if number else title)


def sync_relations(doc: Document, pd: ParsedDocument, report: ImportReport | None = None) -> None:
    """The relations the text proposes: new ones are added as proposed; one the secretariat
    has already confirmed or rejected is kept as decided; a proposal the text no longer
    makes is dropped (a relation recorded by hand is never touched)."""
    existing = {
        _relation_key(r.kind, r.target_number, r.target_title): r for r in doc.relations_out.all()
    }
    found = set()
    for rel in pd.validity.relations:
        key = _relation_key(rel.kind, rel.number, rel.title)
        found.add(key)
        row = existing.get(key)
        if row is None:
            row = DocumentRelation(
                source=doc, kind=rel.kind, target_number=rel.number, target_title=rel.title[:300]
            )
            if report is not None:
                label = rel.number or f"《{rel.title}》"
                verb = DocumentRelation.Kind(rel.kind).label
                report.relations_proposed.append(f"{doc.number or doc.title} {verb} {label}")
        row.cited_text, row.line = rel.text[:500], rel.line
        row.target_title = row.target_title or rel.title[:300]
        row.save()
    stale = [
        r.pk
        for key, r in existing.items()
        if key not in found and r.state == DocumentRelation.State.PROPOSED
    ]
    DocumentRelation.objects.filter(pk__in=stale).delete()


def link_relations() -> int:
    """Link relations to the documents they name, by 文号 (or, with no number, by a title only
    one document has): a document that arrives after the one repealing it is linked now."""
    open_rows = list(DocumentRelation.objects.filter(target__isnull=True))
    if not open_rows:
        return 0
    numbers = dict(
        Document.objects.filter(
            number__in=[r.target_number for r in open_rows if r.target_number]
        ).values_list("number", "pk")
    )
    titles: dict[str, list[int]] = {}
    for title, pk in Document.objects.filter(
        title__in=[r.target_title for r in open_rows if not r.target_number and r.target_title]
    ).values_list("title", "pk"):
        titles.setdefault(title, []).append(pk)
    linked = []
    for row in open_rows:
        pk = numbers.get(row.target_number) if row.target_number else None
        if pk is None and not row.target_number and len(titles.get(row.target_title, [])) == 1:
            pk = titles[row.target_title][0]
        if pk is not None and pk != row.source_id:
            row.target_id = pk
            linked.append(row)
    DocumentRelation.objects.bulk_update(linked, ["target"])
    return len(linked)


def record_relation(
    *,
    source: Document,
    kind: str,
    target_number: str = "",
    target_title: str = "",
    cited_text: str = "",
    user=None,
) -> DocumentRelation:
    """The secretariat records (confirmed) that ``source`` repeals or amends a document, by its
    文号 or title; it is linked now if that document is stored, else when it arrives."""
    from django.core.exceptions import ValidationError

    from .parser import parse_number

    number = ""
    if target_number.strip():
        parsed = parse_number(target_number)
        if parsed is None:
            raise ValidationError(f"文号格式不正确：“{target_number}”（应如 本政发〔2018〕15号）")
        number = parsed.whole
    if not number and not target_title.strip():
        raise ValidationError("请填写被废止或修改文件的文号或标题")
    if number and number == source.number:
        raise ValidationError("文件不能废止或修改自身")
    if kind not in DocumentRelation.Kind.values:
        raise ValidationError("关系应为“废止”或“修改”")
    row, _created = DocumentRelation.objects.update_or_create(
        source=source,
        kind=kind,
        target_number=number,
        **({} if number else {"target_title": target_title.strip()[:300]}),
        defaults={
            "state": DocumentRelation.State.CONFIRMED,
            "decided_by": user,
            **({"target_title": target_title.strip()[:300]} if number and target_title else {}),
            **({"cited_text": cited_text[:500]} if cited_text else {}),
        },
    )
    link_relations()
    row.refresh_from_db()
    return row


def decide_relation(relation: DocumentRelation, *, confirm: bool, user=None) -> DocumentRelation:
    """The secretariat confirms (or rejects) a relation the importer proposed."""
    relation.state = (
        DocumentRelation.State.CONFIRMED if confirm else DocumentRelation.State.REJECTED
    )
    relation.decided_by = user
    relation.save(update_fields=["state", "decided_by", "updated_at"])
    return relation
