"""Gazette text → ParsedIssue: the issue header, its documents, and each document's parts.

Documents are found by the marks GB/T 9704-2012 gives them: an issuing-body header (…文件), a
document number line (本政发〔2018〕13号), a title ending in its kind (…的通知), an addressee line
ending with a colon, a signatory and date, and the publication marking (此件公开发布).
"""

from __future__ import annotations

import re
from datetime import date

from .catalogue import find_header, parse_catalogue
from .model import (
    DocumentNumber,
    ParsedAttachment,
    ParsedCitation,
    ParsedDocument,
    ParsedIssue,
    ParseError,
    ParseWarning,
    TocEntry,
)
from .outline import build_outline, extract_tasks, match_marker
from .patterns import (
    ADDRESSEE_HINT_RE,
    ADDRESSEE_RE,
    ATTACHMENT_LIST_RE,
    ATTACHMENT_START_RE,
    CITATION_LEAD_RE,
    CITATION_RE,
    DATE_LINE_RE,
    DATE_RE,
    HEADER_LINE_RE,
    ISO_DATE_RE,
    ISSUE_TITLE_RE,
    NUMBER_LINE_RE,
    ORGAN_RE,
    PRINTED_ON_RE,
    PUBLIC_MARK_RE,
    PUBLISHED_RE,
    QUOTED_TITLE_BEFORE_RE,
    TITLE_END_RE,
    TOC_ENTRY_RE,
    TOC_HEAD_RE,
    TOTAL_RE,
    match_date,
    squash,
)
from .prose import extract_prose_tasks
from .text import DEFAULT_MAX_BYTES, Line, check_text, decode, normalize, split_lines
from .validity import read_validity

LIST_ITEM_RE = re.compile(r"^\d{1,2}[.．、]\S.{0,78}$")
SENTENCE_END_RE = re.compile(r"[。；;！!？?]$")
CJK_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff])[\s\u00a0\u3000]+(?=[\u4e00-\u9fff])")
ENCLOSE_RE = re.compile(r"《(?P<t>[^《》]{4,120})》(?:[^。]{0,12}?)(?:印发|转发|发布|下发|颁布)")
ORGAN_DATE_RE = re.compile(
    r"^(?P<organ>[\u4e00-\u9fff（）()·\s]{2,60}?)\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$"
)


# --- public entry points -------------------------------------------------------------------


def parse_bytes(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedIssue:
    return parse_text(decode(data, max_bytes=max_bytes))


def parse_text(text: str) -> ParsedIssue:
    """Parse an issue (or a lone document). Raises ParseError when nothing is recognisable."""
    check_text(text)
    lines = split_lines(normalize(text))
    issue = _parse_issue_header(lines)
    starts = find_document_starts(lines) or _lone_title_start(lines)
    if not starts:
        raise ParseError(
            "未识别到公报期次或文件：没有公文标题（如“关于……的通知”“……实施意见”"
            "“……工作方案”），也没有文号或发文机关标志"
        )
    first = starts[0]
    issue.toc = _parse_toc(lines[:first])
    for k, s in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        issue.documents.extend(
            parse_documents(lines[s:end], ref_year=issue.year, index=len(issue.documents))
        )
    _link_forwarded(issue.documents)
    return issue


# --- line classifiers ------------------------------------------------------------------------


def is_number_line(t: str) -> bool:
    return bool(NUMBER_LINE_RE.match(squash(t)))


def is_header_line(t: str) -> bool:
    return bool(HEADER_LINE_RE.match(t)) and len(t) <= 50 and not re.search(r"[。，,；;：:]", t)


def organ_names(t: str) -> list[str]:
    """The bodies on a line that holds only organ names (重庆市粮食局 重庆市财政局), else []."""
    if re.search(r"[。，,；;：:《》“”]|关于", t):
        return []
    parts = [p for p in re.split(r"[\s\u3000\u00a0、]+", t.strip()) if p]
    if parts and all(ORGAN_RE.match(p) for p in parts):
        return parts
    return []


def is_title_line(t: str) -> bool:
    return (
        len(t) <= 120
        and not SENTENCE_END_RE.search(t)
        and ("关于" in t or "印发" in t)
        and bool(TITLE_END_RE.search(t))
        and not TOC_ENTRY_RE.match(t)
    )


def is_addressee(t: str) -> bool:
    m = ADDRESSEE_RE.match(t)
    if not m:
        return False
    who = m.group("who")
    if len(who) > 200 or re.search(r"[《》]|现将|根据|为了|为进一步|经.{0,6}同意", who):
        return False
    return bool(ADDRESSEE_HINT_RE.search(who)) and (
        who.startswith("各") or "、" in who or "，" in who or "," in who or len(who) <= 30
    )


def is_title_text(t: str) -> bool:
    """A title of any kind of 公文 (通知, 意见, 实施意见, 方案, 办法, 规定, 决定, 通报, 批复, 函,
    纪要, 规划, 工作要点, …), with or without 关于: short, no sentence end, ending in its kind."""
    t = squash(t)
    return (
        4 <= len(t) <= 120
        and not SENTENCE_END_RE.search(t)
        and not re.search(r"[：:，,]$", t)
        and bool(TITLE_END_RE.search(t))
        and bool(re.search(r"[\u4e00-\u9fff]{4}", t))
        and not TOC_ENTRY_RE.match(t)
        and match_marker(t)[2] is None
    )


def _lone_title_start(lines: list[Line]) -> list[int]:
    """A lone document with no 文号, header or addressee: its title near the top (a title may
    run over up to three lines)."""
    seen = 0
    for i, ln in enumerate(lines):
        if not ln.text:
            continue
        seen += 1
        if seen > 15:
            break
        joined = ""
        for ahead in _non_blank(lines, i, 3):
            t = lines[ahead].text
            if ahead != i and not is_title_fragment(t):
                break
            joined += squash(t)
            if is_title_text(joined):
                return [i]
    return []


def _non_blank(lines: list[Line], i: int, count: int) -> list[int]:
    found = []
    j = i
    while j < len(lines) and len(found) < count:
        if lines[j].text:
            found.append(j)
        j += 1
    return found


# --- issue header and TOC ----------------------------------------------------------------


def _parse_issue_header(lines: list[Line]) -> ParsedIssue:
    issue = ParsedIssue(title=None, year=None, number=None, total_number=None, published_on=None)
    head = [ln.text for ln in lines[:80] if ln.text]
    for k, t in enumerate(head):
        if issue.year is None:
            m = ISSUE_TITLE_RE.search(t)
            if not m and t.endswith("公报") and k + 1 < len(head):
                m = ISSUE_TITLE_RE.search(t + head[k + 1])  # a printed cover: name, then number
            if m and not NUMBER_LINE_RE.search(t):
                issue.year, issue.number = int(m.group("y")), int(m.group("n"))
                issue.title = f"{m.group('title')}{issue.year}年第{issue.number}号"
        if issue.total_number is None:
            m = TOTAL_RE.search(t)
            if m:
                issue.total_number = int(m.group("t"))
        if issue.published_on is None:
            m = PUBLISHED_RE.search(t) or PRINTED_ON_RE.match(squash(t))
            if m:
                issue.published_on = _to_date(m.group("date"))
    return issue


def _to_date(text: str) -> date | None:
    m = ISO_DATE_RE.search(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = DATE_RE.search(text)
    return match_date(m) if m else None


def _parse_toc(lines: list[Line]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    in_toc = False
    section = ""
    pending = ""  # an entry's first line, when the entry runs over two (a printed contents page)
    for ln in lines:
        t = ln.text
        if TOC_HEAD_RE.match(squash(t)):
            in_toc = True
            continue
        if not in_toc or not t:
            pending = ""
            continue
        if is_header_line(t):
            section = squash(t)
            pending = ""
            continue
        m = (TOC_ENTRY_RE.match(pending + t) if pending else None) or TOC_ENTRY_RE.match(t)
        pending = "" if m else t
        if m:
            entries.append(
                TocEntry(
                    title=m.group("title").strip(),
                    number=squash(m.group("number")),
                    section=section,
                )
            )
    return entries


# --- document boundaries ------------------------------------------------------------------


def find_document_starts(lines: list[Line]) -> list[int]:
    starts: list[int] = []
    consumed_until = -1
    i = 0
    n = len(lines)
    while i < n:
        t = lines[i].text
        if not t or i <= consumed_until:
            i += 1
            continue
        if is_header_line(t) or organ_names(t):
            ahead = _non_blank(lines, i + 1, 5)
            num = next((j for j in ahead if is_number_line(lines[j].text)), None)
            if num is not None and all(
                is_header_line(lines[j].text)
                or organ_names(lines[j].text)
                or is_title_fragment(lines[j].text)
                for j in ahead
                if j < num
            ):
                starts.append(i)
                consumed_until = _skip_title_block(lines, num)
                i = consumed_until + 1
                continue
        if is_number_line(t):
            start = i
            j = i - 1
            back = 0
            while j > consumed_until and back < 5:
                u = lines[j].text
                if not u:
                    if back:
                        break
                    j -= 1
                    continue
                if is_title_fragment(u) or is_header_line(u) or organ_names(u):
                    start = j
                    back += 1
                    j -= 1
                    continue
                break
            starts.append(start)
            consumed_until = _skip_title_block(lines, i)
            i = consumed_until + 1
            continue
        if is_title_line(t):
            ahead = _non_blank(lines, i + 1, 4)
            addr = next((j for j in ahead if is_addressee(lines[j].text)), None)
            if addr is not None and all(
                is_title_fragment(lines[j].text) for j in ahead if j < addr
            ):
                starts.append(i)
                consumed_until = addr
                i = addr + 1
                continue
        i += 1
    return starts


def _skip_title_block(lines: list[Line], num: int) -> int:
    """Index of the addressee line after a number line (or the number line itself)."""
    ahead = _non_blank(lines, num + 1, 6)
    for j in ahead:
        if is_addressee(lines[j].text):
            return j
        if not is_title_fragment(lines[j].text):
            break
    return num


def is_title_fragment(t: str) -> bool:
    """A line that can be part of a multi-line title (no sentence end, short, not a marker)."""
    return (
        bool(t)
        and len(t) <= 60
        and not SENTENCE_END_RE.search(t)
        and not re.search(r"[：:]$", t)
        and not DATE_LINE_RE.match(squash(t))
        and not PUBLIC_MARK_RE.match(squash(t))
        and not TOC_ENTRY_RE.match(t)
        and not is_number_line(t)
    )


# --- one document ---------------------------------------------------------------------------


# 转发: 现将《…》转发给你们 / 《…》已经国务院同意，现转发给你们 / 现转发《…》
FORWARD_RE = re.compile(
    r"(?P<by>[^。；;：:《》]{0,80}?)《(?P<t>[^《》]{4,160})》[^。《》]{0,40}?转发(?:给|至)?(?:你们|各|如下|你)"
    r"|现?转发《(?P<t2>[^《》]{4,160})》"
)
QUOTE_RE = re.compile(r"[《》〈〉<>“”\"'‘’]")


def _title_key(t: str) -> str:
    return QUOTE_RE.sub("", squash(t)).replace("（", "(").replace("）", ")")


def parse_documents(lines: list[Line], ref_year: int | None = None, index: int = 0):
    """One document, or two when it forwards another (转发): the notice, then the forwarded
    text as a document of its own, whose tasks keep their departments as written and are
    marked forwarded (``index`` is the notice's place among the issue's documents)."""
    found = _find_forwarded(lines)
    if found is None:
        return [parse_document(lines, ref_year=ref_year)]
    split, title, by = found
    if split is None:  # the forwarded text starts a document of its own (its own 文号 line)
        notice = parse_document(lines, ref_year=ref_year)
        notice.forwards, notice.forwards_by = title, by
        return [notice]
    notice = parse_document(lines[:split], ref_year=ref_year)
    notice.forwards, notice.forwards_by = title, by
    forwarded = parse_document(lines[split:], ref_year=ref_year)
    mark_forwarded(forwarded, index, by)
    return [notice, forwarded]


def mark_forwarded(doc: ParsedDocument, notice_index: int, by: str = "") -> None:
    doc.forwarded_by = notice_index
    if not doc.issuer and by:
        doc.issuer = by
    for task in doc.tasks:
        task.forwarded = True


def _link_forwarded(documents: list[ParsedDocument]) -> None:
    """A notice whose forwarded text was found as the next document (it has its own 文号)."""
    for k, doc in enumerate(documents[:-1]):
        nxt = documents[k + 1]
        if (
            doc.forwards
            and nxt.forwarded_by is None
            and (_title_key(nxt.title) == _title_key(doc.forwards))
        ):
            mark_forwarded(nxt, k, doc.forwards_by)


def _find_forwarded(lines: list[Line]) -> tuple[int | None, str, str] | None:
    """The forwarding sentence's quoted title and bodies, and where the forwarded text begins:
    its title printed after that sentence (None when it is not in these lines)."""
    for k, ln in enumerate(lines[:60]):
        m = FORWARD_RE.search(ln.text) if "转发" in ln.text else None
        if not m:
            continue
        title = m.group("t") or m.group("t2")
        by = (m.group("by") or "").strip() if m.group("t") else ""
        names = [p for p in re.split(r"[、，,\s]+", by) if p]
        by = "、".join(names) if names and all(ORGAN_RE.match(p) for p in names) else ""
        target = _title_key(title)
        for j in range(k + 1, len(lines)):
            if lines[j].text and _title_lines_end(lines, j, target, _title_key) is not None:
                return j, title, by
        return None, title, by
    return None


def _title_lines_end(lines: list[Line], start: int, target: str, key) -> int | None:
    """The index after the lines from ``start`` that spell ``target`` (a title printed over
    one or more lines, compared by ``key``), or None when they do not."""
    joined, end = "", start
    while end < len(lines) and len(joined) < len(target):
        if lines[end].text:
            piece = key(lines[end].text)
            if not target.startswith(joined + piece):
                return None
            joined += piece
        end += 1
    return end if joined == target else None


def parse_number(text: str) -> DocumentNumber | None:
    m = NUMBER_LINE_RE.match(squash(text))
    if not m:
        return None
    code = m.group("code")
    whole = f"{code}〔{m.group('year')}〕{int(m.group('seq'))}号"
    return DocumentNumber(
        whole=whole, code=code, year=int(m.group("year")), seq=int(m.group("seq"))
    )


def parse_document(lines: list[Line], ref_year: int | None = None) -> ParsedDocument:
    doc = ParsedDocument(issuer="", number=None, title="")
    doc.first_line = lines[0].no if lines else 0
    doc.last_line = lines[-1].no if lines else 0
    idx = [k for k, ln in enumerate(lines) if ln.text]
    pos = 0
    header_bodies: list[str] = []
    title_parts: list[str] = []
    # header: …文件 lines and organ-only lines (a joint header may take two lines)
    while pos < len(idx):
        t = lines[idx[pos]].text
        if is_header_line(t):
            header_bodies.extend(
                p
                for p in re.split(r"[\s\u3000\u00a0]+", HEADER_LINE_RE.match(t).group("body"))
                if p
            )
            pos += 1
        elif organ_names(t) and not is_number_line(t):
            header_bodies.extend(organ_names(t))
            pos += 1
        else:
            break
    # title lines before the number (国办发 style), the number, title lines after it
    addr_pos = None
    byline: list[str] = []
    consumed = pos  # index (in idx) of the first line after the title block
    for k in range(pos, min(pos + 10, len(idx))):
        t = lines[idx[k]].text
        if is_number_line(t):
            doc.number = parse_number(t)
            consumed = k + 1
            continue
        if is_addressee(t):
            addr_pos = k
            break
        complete = bool(title_parts) and is_title_text("".join(title_parts))
        if complete and organ_names(t):
            byline.extend(organ_names(t))  # the bodies under a title (财政部 发展改革委 人民银行)
            consumed = k + 1
            continue
        if complete and DATED_RE.match(squash(t)):
            dated = DATE_RE.search(t)  # (二○一○年四月二十六日) under the title
            doc.signed_on = doc.signed_on or (match_date(dated) if dated else None)
            consumed = k + 1
            continue
        if is_title_fragment(t) and not (title_parts and _is_marker(t)):
            if byline or (complete and not _title_continues(t)):
                break
            title_parts.append(t)
            consumed = k + 1
            continue
        break
    if addr_pos is None:
        # no addressee line: the title (and its byline) ends where body text begins
        body_pos = consumed
    else:
        body_pos = addr_pos + 1
        m = ADDRESSEE_RE.match(lines[idx[addr_pos]].text)
        doc.addressees = m.group("who").strip()
        rest = m.group("rest").strip()
        if rest:
            lines = list(lines)
            a = idx[addr_pos]
            lines[a] = Line(lines[a].no, rest, rest)
            body_pos = addr_pos
    doc.title = CJK_GAP_RE.sub("", "".join(p.strip() for p in title_parts))
    if not doc.title:
        doc.warnings.append(ParseWarning(doc.first_line, "未识别到文件标题"))
    if header_bodies:
        doc.header = " ".join(header_bodies)
        doc.issuer = "、".join(header_bodies)
    elif byline:
        doc.issuer = "、".join(byline)
    else:
        m = re.match(r"^(?P<who>.{2,40}?)(?:转发|批转|印发|关于)", doc.title)
        if m and ORGAN_RE.match(m.group("who")):
            doc.issuer = m.group("who")

    body_lines = lines[idx[body_pos] :] if body_pos < len(idx) else []
    body_lines = _parse_signature(doc, body_lines)
    if not doc.issuer and doc.signatories:
        doc.issuer = "、".join(doc.signatories)
    body_lines, imprint = _split_imprint(body_lines)
    main_lines = _split_attachments(doc, body_lines)
    doc.body = "\n".join(ln.text for ln in [*main_lines, *imprint])
    doc.clauses = build_outline(main_lines)
    year = doc.signed_on.year if doc.signed_on else (doc.number.year if doc.number else ref_year)
    covered: set[int] = set()
    doc.tasks, warns, unplaced = extract_tasks(doc.clauses, year, covered)
    dated = {t.deadline.text for t in doc.tasks if t.deadline}
    prose = extract_prose_tasks(doc.clauses, covered, dated, year, doc.tasks)
    order = {c.key: c.order for c in doc.clauses}
    doc.tasks = sorted(
        [*doc.tasks, *prose],
        key=lambda t: (order.get(t.clause_key, 0), t.origin != "parenthetical"),
    )
    doc.warnings.extend(warns)
    doc.unplaced.extend(unplaced)
    doc.citations = _citations(doc, lines)
    doc.validity = read_validity(
        [(ln.no, ln.text) for ln in main_lines],
        issued_on=doc.signed_on,
        titles=tuple(t for t in (doc.enclosure_title, doc.title) if t),
        own_number=doc.number.whole if doc.number else "",
    )
    return doc


def _parse_signature(doc: ParsedDocument, body: list[Line]) -> list[Line]:
    """Find signatory + date (and 此件公开发布); the enclosed plan's title follows them."""
    out: list[Line] = []
    k = 0
    found = False
    while k < len(body):
        t = body[k].text
        st = squash(t)
        if not t:
            out.append(body[k])
            k += 1
            continue
        if not found:
            m_date = DATE_LINE_RE.match(st)
            m_org = ORGAN_DATE_RE.match(t) if not m_date else None
            if m_date or (m_org and organ_names(m_org.group("organ"))):
                signers: list[str] = []
                if m_org:
                    signers = organ_names(m_org.group("organ"))
                    signed = match_date(DATE_RE.search(m_org.group("date")))
                else:
                    signed = match_date(m_date)
                    while out and len(signers) < 4:
                        if not out[-1].text:
                            out.pop()
                        elif organ_names(out[-1].text):
                            signers = organ_names(out.pop().text) + signers
                        else:
                            break
                if signers and signed:
                    found = True
                    doc.signatories = signers
                    doc.signed_on = signed
                    k += 1
                    k = _after_signature(doc, body, k, out)
                    continue
        m = PUBLIC_MARK_RE.match(st)
        if m:
            _set_public(doc, m.group("mark"))
            k += 1
            continue
        out.append(body[k])
        k += 1
    return out


def _set_public(doc: ParsedDocument, mark: str) -> None:
    doc.public_marking = mark
    doc.public = "不" not in mark and ("公开" in mark)


def _after_signature(doc: ParsedDocument, body: list[Line], k: int, out: list[Line]) -> int:
    """Consume the publication marking and the enclosed plan's title lines after a signature."""
    while k < len(body) and not body[k].text:
        k += 1
    if k < len(body):
        m = PUBLIC_MARK_RE.match(squash(body[k].text))
        if m:
            _set_public(doc, m.group("mark"))
            k += 1
    while k < len(body) and not body[k].text:
        k += 1
    if k >= len(body):
        return k
    cover = " ".join(ln.text for ln in out)
    m = ENCLOSE_RE.search(cover)
    if m:

        def key(t: str) -> str:
            return squash(t).replace("（", "(").replace("）", ")")

        j = _title_lines_end(body, k, key(m.group("t")), key)
        if j is not None:
            doc.enclosure_title = m.group("t").strip()
            return j
    # no quoted title to match: take short title-like lines before the first paragraph
    parts = []
    j = k
    while (
        j < len(body)
        and len(parts) < 3
        and is_title_fragment(body[j].text)
        and not _is_marker(body[j].text)
    ):
        parts.append(body[j].text)
        j += 1
    if parts and j < len(body):
        doc.enclosure_title = "".join(squash(p) for p in parts)
        return j
    return k


DATED_RE = re.compile(rf"^[(（]{DATE_RE.pattern}[)）]$")


def _title_continues(t: str) -> bool:
    """A line that carries on a title that already reads complete: 的通知, （试行）, 暨…."""
    return bool(re.match(r"^[的之（(暨和及与、〈《]", squash(t)))


def _is_marker(t: str) -> bool:
    return match_marker(t)[2] is not None or bool(ATTACHMENT_START_RE.match(squash(t)))


IMPRINT_RE = re.compile(
    r"^(?:抄送|抄报|分送|发送)\s*[:：]|^.{2,40}?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发$"
)


def _split_imprint(body: list[Line]) -> tuple[list[Line], list[Line]]:
    """The 版记 (抄送：…, …日印发) at the end is kept as text but is no part of the outline."""
    for k, ln in enumerate(body):
        if ln.text and IMPRINT_RE.match(squash(ln.text)) and k > len(body) // 2:
            return body[:k], [x for x in body[k:] if x.text]
    return body, []


def _split_attachments(doc: ParsedDocument, body: list[Line]) -> list[Line]:
    """Cut attachment sections (附件 / 附件1 alone on a line) off the main body, which is returned.

    The attachment list (附件：1．… 2．…) stays in the body as one paragraph.
    """
    listed: list[str] = []
    starts: list[int] = []
    main: list[Line] = []
    list_line: int | None = None
    for k, ln in enumerate(body):
        st = squash(ln.text)
        if starts or not st:
            if not starts:
                main.append(ln)
            if ATTACHMENT_START_RE.match(st):
                starts.append(k)
            continue
        m = ATTACHMENT_LIST_RE.match(st)
        if m and not ATTACHMENT_START_RE.match(st):
            listed.append(re.sub(r"^\d{1,2}[.．、]", "", m.group("rest")))
            list_line = len(main)
            main.append(ln)
            continue
        if list_line is not None and LIST_ITEM_RE.match(st) and not SENTENCE_END_RE.search(st):
            listed.append(re.sub(r"^\d{1,2}[.．、]", "", st))
            first = main[list_line]
            main[list_line] = Line(first.no, first.raw, f"{first.text}\n{ln.text}")
            continue
        list_line = None
        if ATTACHMENT_START_RE.match(st):
            starts.append(k)
            continue
        main.append(ln)
    if not starts:
        header = find_header(main)
        if header is not None:
            _add_catalogue(doc, main[header:])
            return main[:header]
        return main
    for a, s in enumerate(starts):
        e = starts[a + 1] if a + 1 < len(starts) else len(body)
        section = body[s + 1 : e]
        title, used = _attachment_title(section, listed, a)
        text = "\n".join(ln.raw.rstrip() if ln.raw.strip() else "" for ln in section[used:])
        label = squash(body[s].text).rstrip(":：")
        doc.attachments.append(
            ParsedAttachment(label=label, title=title, text=text.strip("\n"), line=body[s].no)
        )
        if find_header(section) is not None:
            _add_catalogue(doc, section)
    return main


def _add_catalogue(doc: ParsedDocument, lines: list[Line]) -> None:
    rows, warns, unplaced = parse_catalogue(lines)
    doc.catalogue.extend(rows)
    doc.warnings.extend(warns)
    doc.unplaced.extend(unplaced)


def _attachment_title(section: list[Line], listed: list[str], index: int) -> tuple[str, int]:
    nb = [k for k, ln in enumerate(section) if ln.text]
    if not nb:
        return "", 0
    candidates = [squash(x) for x in listed]
    joined = ""
    for k in nb[:4]:
        joined += squash(section[k].text)
        if joined in candidates:
            return joined, k + 1
    # no list to match against: short title-like lines, at most three
    parts: list[str] = []
    last = 0
    for k in nb[:3]:
        t = section[k].text
        if not is_title_fragment(t) or re.search(r"[〔〕\t]|^序号$", t):
            break
        parts.append(squash(t))
        last = k + 1
        if re.search(r"(?:名单|清单|表|书|办法|细则|目录|方案|说明|通知)$", squash(t)):
            break
    if parts:
        return "".join(parts), last
    if index < len(listed):
        return squash(listed[index]), 0
    return "", 0


def _citations(doc: ParsedDocument, lines: list[Line]) -> list[ParsedCitation]:
    own = doc.number.whole if doc.number else None
    found: dict[str, ParsedCitation] = {}
    for ln in lines:
        t = ln.text
        for m in CITATION_RE.finditer(t):
            code = m.group("code")
            lead = CITATION_LEAD_RE.match(code)
            if lead and lead.end() < len(code):
                code = code[lead.end() :]
            whole = f"{code}〔{m.group('year')}〕{int(m.group('seq'))}号"
            if whole == own or whole in found:
                continue
            if is_number_line(t):
                continue
            before = t[: m.start()].rstrip("(（ ")
            qm = QUOTED_TITLE_BEFORE_RE.search(before)
            found[whole] = ParsedCitation(
                number=whole, title=qm.group("title") if qm else "", line=ln.no
            )
    return list(found.values())
