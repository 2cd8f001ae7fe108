"""The gazette as PDF (WeasyPrint): an issue laid out like the printed 公报, and a department's
task report.

An issue's PDF is stored with it (``GazetteIssue.pdf``) together with the key it was rendered
from: a digest of the issue's and its documents' last change and of the PDF templates. While
the key holds, the stored file is served again; after any change the next request (or the
publish hook, or the nightly job) renders it afresh.

Text is set in Noto Serif CJK SC and Noto Sans CJK SC from Debian's fonts-noto-cjk (``make
system-deps``); ``missing_glyphs()`` checks a text against them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from core.dates import cn_date

from .models import Document, GazetteIssue

logger = logging.getLogger("documents.pdf")
# WeasyPrint reports every layout step at INFO; the job log says what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "pdf"
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")

_LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_LEVEL3 = re.compile(r"^\d{1,2}[.．、]")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百]+[章节]")
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百]+条)\s*")


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u2014\u2018\u2019\u201c\u201d"
_PARENS = re.compile(r"\(([^()\n]*)\)")
_HALF_MARKS = re.compile(rf"(?<=[{_CJK}])([,;:?!])|([,;:?!])(?=[{_CJK}])")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_HAS_CJK = re.compile(rf"[{_CJK}]")


def typeset(text: str) -> str:
    """Half-width punctuation among Chinese text set full-width, as the printed gazette has it.

    Texts copied from the web edition carry ASCII commas and parentheses ("作用,推进",
    "(一)"); a number, a time or an address without Chinese around it is left alone.
    """
    if not text:
        return text

    def parens(match: re.Match) -> str:
        before = text[match.start() - 1 : match.start()]
        after = text[match.end() : match.end() + 1]
        if _HAS_CJK.search(match.group(1) + before + after):
            return f"（{match.group(1)}）"
        return match.group(0)

    text = _PARENS.sub(parens, text)
    return _HALF_MARKS.sub(lambda m: _FULL[m.group(1) or m.group(2)], text)


@dataclass
class Paragraph:
    """A paragraph of a document body with its heading level (GB/T 9704: 黑体, 楷体, 仿宋加粗)."""

    text: str
    kind: str = "p"  # p / level1 / level2 / level3 / chapter
    lead: str = ""  # the heading part shown in bold ("（一）指导思想。"), the rest follows

    @property
    def rest(self) -> str:
        return self.text[len(self.lead) :]


def _lead(line: str) -> str:
    """The heading part of a numbered line: up to its first 。 when that comes early."""
    stop = line.find("。")
    return line[: stop + 1] if 0 <= stop <= 40 else ""


def paragraphs(text: str) -> list[Paragraph]:
    out = []
    for raw in text.splitlines():
        line = typeset(raw.replace("\u00a0", " ").strip())
        if not line:
            continue
        if _CHAPTER.match(line) and len(line) <= 30:
            out.append(Paragraph(line, "chapter"))
        elif match := _ARTICLE.match(line):
            out.append(Paragraph(line, "p", match.group(0)))
        elif _LEVEL1.match(line):
            out.append(Paragraph(line, "level1", line if len(line) <= 30 else _lead(line)))
        elif _LEVEL2.match(line):
            out.append(Paragraph(line, "level2", line if len(line) <= 30 else _lead(line)))
        elif _LEVEL3.match(line):
            out.append(Paragraph(line, "level3", _lead(line)))
        else:
            out.append(Paragraph(line))
    return out


def _document_context(doc: Document) -> dict:
    # The covering letter, then signatory and date, then the enclosed plan: the body holds
    # letter and plan separated by a blank line when the document encloses one.
    letter, _sep, enclosed = doc.body.partition("\n\n")
    if not doc.enclosure_title or not enclosed.strip():
        letter, enclosed = doc.body, ""
    catalogue = [
        {
            name: typeset(getattr(item, name))
            for name in (
                "seq",
                "area",
                "item",
                "detail",
                "timeliness",
                "period",
                "channels",
                "owner",
                "supervision",
            )
        }
        for item in doc.catalogue_items.all()
    ]
    attachments = []
    for attachment in doc.attachments or []:
        is_catalogue = bool(catalogue) and "目录" in (attachment.get("title") or "")
        attachments.append(
            {
                "label": attachment.get("label") or "附件",
                "title": typeset(attachment.get("title") or ""),
                "lines": [] if is_catalogue else _attachment_lines(attachment.get("text") or ""),
                "catalogue": catalogue if is_catalogue else [],
            }
        )
    if catalogue and not any(a["catalogue"] for a in attachments):
        attachments.append(
            {"label": "附件", "title": "主动公开目录清单", "lines": [], "catalogue": catalogue}
        )
    header = doc.header
    return {
        "pk": doc.pk,
        "number": doc.number,
        "title": typeset(doc.title),
        "addressees": typeset(doc.addressees),
        "public_marking": doc.public_marking,
        "enclosure_title": typeset(doc.enclosure_title),
        "red_header": f"{header}文件" if header and not header.endswith("文件") else header,
        "letter": paragraphs(letter),
        "enclosed": paragraphs(enclosed),
        "signatories": [s for s in (doc.signatories or "").split("、") if s],
        "signed_on": cn_date(doc.signed_on),
        "attachments": attachments,
    }


def _attachment_lines(text: str) -> list[str]:
    return [
        typeset(line.replace("\u00a0", "\u3000").rstrip())
        for line in text.splitlines()
        if line.strip()
    ]


def issue_context(issue: GazetteIssue) -> dict:
    documents = list(issue.documents.order_by("order").prefetch_related("catalogue_items"))
    by_number = {d.number: d for d in documents if d.number}
    by_title = {d.title: d for d in documents if not d.number}  # as the public contents do
    sections: list[tuple[str, list[dict]]] = []
    listed: set[int] = set()

    def add(section: str, doc: Document) -> None:
        if not sections or sections[-1][0] != section:
            sections.append((section, []))
        sections[-1][1].append({"pk": doc.pk, "title": typeset(doc.title), "number": doc.number})
        listed.add(doc.pk)

    for entry in issue.toc or []:
        doc = by_number.get(entry.get("number") or "") or by_title.get(entry.get("title") or "")
        if doc is not None and doc.pk not in listed:
            add(entry.get("section") or "", doc)
    for doc in documents:  # documents added alone (import_document) are not in the toc
        if doc.pk not in listed:
            add(f"{doc.header}文件" if doc.header else "其他文件", doc)
    return {
        "issue": issue,
        "published_on": cn_date(issue.published_on),
        "toc": sections,
        "documents": [_document_context(d) for d in documents],
    }


def render_html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf()


def render_issue_pdf(issue: GazetteIssue) -> bytes:
    """The issue as PDF: cover, table of contents, each document as printed."""
    return render_html_to_pdf(render_to_string("pdf/issue.html", issue_context(issue)))


# --- stored with the issue, cached by its last change -----------------------------------------


@cache
def _layout_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(TEMPLATE_DIR.glob("*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def issue_pdf_key(issue: GazetteIssue) -> str:
    """What the issue's PDF depends on: its last change, its documents', the templates."""
    docs = Document.objects.filter(issue=issue).aggregate(n=Count("id"), last=Max("updated_at"))
    fresh = GazetteIssue.objects.filter(pk=issue.pk).values_list("updated_at", flat=True).first()
    parts = [
        _layout_digest(),
        str(issue.pk),
        fresh.isoformat() if fresh else "",
        str(docs["n"]),
        docs["last"].isoformat() if docs["last"] else "",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def pdf_is_current(issue: GazetteIssue, key: str | None = None) -> bool:
    return bool(
        issue.pdf
        and issue.pdf_key == (key or issue_pdf_key(issue))
        and issue.pdf.storage.exists(issue.pdf.name)
    )


def ensure_issue_pdf(issue: GazetteIssue, *, force: bool = False) -> tuple[GazetteIssue, bool]:
    """The issue with a current stored PDF; True when it had to be rendered now."""
    key = issue_pdf_key(issue)
    if not force and pdf_is_current(issue, key):
        return issue, False
    data = render_issue_pdf(issue)
    storage = issue.pdf.storage
    name = f"gazette/pdf/benxi-gazette-{issue.year}-{issue.number:02d}-{key[:10]}.pdf"
    old = issue.pdf.name if issue.pdf else ""
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    now = timezone.now()
    # update(), not save(): saving would move updated_at and so the key itself
    GazetteIssue.objects.filter(pk=issue.pk).update(pdf=saved, pdf_key=key, pdf_rendered_at=now)
    issue.pdf.name, issue.pdf_key, issue.pdf_rendered_at = saved, key, now
    if old and old != saved:
        try:
            storage.delete(old)
        except OSError:
            logger.warning("could not delete the previous PDF %s", old)
    logger.info("rendered %s (%d bytes) as %s", issue, len(data), saved)
    return issue, True


def stale_published_issues() -> list[GazetteIssue]:
    """Published issues whose stored PDF is missing or older than their content."""
    issues = GazetteIssue.objects.published().order_by("pk")
    return [issue for issue in issues if not pdf_is_current(issue)]


# --- checks ---------------------------------------------------------------------------------


def font_path(family: str) -> str:
    """The font file fontconfig picks for ``family`` (what WeasyPrint will use)."""
    done = subprocess.run(
        ["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@cache
def _font_coverage(family: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    path = font_path(family)
    fonts = TTCollection(path).fonts if path.endswith(".ttc") else [TTFont(path)]
    for font in fonts:
        if font["name"].getBestFamilyName() == family:
            return frozenset(font.getBestCmap())
    raise LookupError(f"{family} is not installed (fc-match gave {path}); run make system-deps")


def missing_glyphs(text: str, family: str = FONT_FAMILIES[0]) -> set[str]:
    """Characters of ``text`` that ``family`` has no glyph for (whitespace aside)."""
    covered = _font_coverage(family)
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in covered}


def issue_text(issue: GazetteIssue) -> str:
    """All the text an issue's PDF sets (the rendered page, without markup and styles), plus
    what the stylesheet adds (page numbers, leaders), for checking it against the fonts."""
    import html as html_lib

    page = render_to_string("pdf/issue.html", issue_context(issue))
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return html_lib.unescape(strip_tags(page)) + "— 0123456789 ."
