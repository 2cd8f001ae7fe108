"""A document body's outline (第一章 / 一、/ 第一条 / (一) / 1. / (1) / paragraphs) and its tasks.

Every responsibility parenthetical closes one task: the text since the previous one, or since the
start of the numbered clause it sits in.
"""

from __future__ import annotations

import re

from .deadlines import parse_deadline
from .model import ParsedClause, ParsedTask, ParseWarning
from .patterns import OUTLINE_MARKERS, squash
from .responsibility import (
    DEADLINE_LABELS,
    FIRST_IS_LEAD_RE,
    LABEL_RE,
    ROLE_WORDS_RE,
    NotResponsibility,
    Responsibility,
    UnreadableResponsibility,
    normalize_punct,
    parse_responsibility,
)
from .text import Line

HEADING_MAX = 40
HEADING_RE = re.compile(rf"^([^。；;：:！？!?]{{1,{HEADING_MAX}}})[。：:](.*)$", re.S)


def split_heading(rest: str) -> tuple[str, str]:
    """(heading, text) of a numbered line: 指导思想。全面贯彻… → (指导思想, 全面贯彻…)."""
    rest = rest.strip()
    m = HEADING_RE.match(rest)
    if m and (len(m.group(1)) <= 30 or not re.search(r"[，,]", m.group(1))):
        return m.group(1).strip(), m.group(2).strip()
    if len(rest) <= HEADING_MAX and not re.search(r"[。；;，,]", rest):
        return rest, ""
    return "", rest


def lead_phrase(text: str) -> str:
    m = re.match(r"^([^。；;，,：:]{2,20})。", text)
    return m.group(1) if m else ""


def label_for(kind: str, n: str) -> str:
    return {
        "chapter": f"第{n}章",
        "part": n,
        "article": f"第{n}条",
        "section": f"({n})",
        "item": n,
        "subitem": f"({n})",
    }[kind]


def match_marker(text: str) -> tuple[str, int, re.Match | None]:
    """The outline marker a line starts with: (kind, rank, match), or ("paragraph", -1, None)."""
    for kind, rank, rx in OUTLINE_MARKERS:
        m = rx.match(text)
        if m:
            return kind, rank, m
    return "paragraph", -1, None


def build_outline(lines: list[Line]) -> list[ParsedClause]:
    clauses: list[ParsedClause] = []
    stack: list[tuple[int, ParsedClause]] = []  # (rank, clause)
    for ln in lines:
        text = ln.text
        if not text:
            continue
        kind, rank, m = match_marker(text)
        if m:
            label = label_for(kind, m.group("n"))
            rest = m.group("rest")
            if kind == "chapter":
                heading, body = squash(rest), ""
            elif kind == "article":
                heading, body = "", rest.strip()
            else:
                heading, body = split_heading(rest)
            while stack and stack[-1][0] >= rank:
                stack.pop()
            parent = stack[-1][1] if stack else None
            path = f"{parent.path}.{label}" if parent else label
            clause = ParsedClause(
                key=len(clauses),
                parent_key=parent.key if parent else None,
                kind=kind,
                label=label,
                heading=heading,
                text=body,
                path=path,
                order=len(clauses),
                line=ln.no,
            )
            stack.append((rank, clause))
        else:
            parent = stack[-1][1] if stack else None
            clause = ParsedClause(
                key=len(clauses),
                parent_key=parent.key if parent else None,
                kind="paragraph",
                label="",
                heading="",
                text=text,
                path=parent.path if parent else "",
                order=len(clauses),
                line=ln.no,
            )
        clauses.append(clause)
    return clauses


def parentheticals(text: str):
    """Top-level balanced parentheticals (ASCII or full-width): (start, end, inner)."""
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch in "(（":
            if depth == 0:
                start = i
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
            if depth == 0:
                yield start, i + 1, text[start + 1 : i]


# A labelled field standing on its own line (牵头单位：市发展改革委) or ending a paragraph
# without parentheses (…机制。责任单位：市财政局；完成时限：2020年底前).
LABEL_LINE_RE = re.compile(rf"^\s*(?:{LABEL_RE.pattern})")
# The leader named beside the departments (牵头市领导：…, 牵头负责领导：…) is a person, not a
# department: the line belongs to the labelled block but assigns nothing.
LEADER_LINE_RE = re.compile(
    r"^\s*(?:牵头|责任|分管|联系|包保)?(?:市|县|区)?(?:负责)?领导(?:同志)?\s*[:：]"
)
DEADLINE_LINE_RE = re.compile(rf"^\s*(?:{DEADLINE_LABELS})\s*[:：]")
LABEL_TAIL_RE = re.compile(rf"(?<=[。；;])\s*(?P<tail>(?:{LABEL_RE.pattern})[^。]*。?)$")


def extract_tasks(
    clauses: list[ParsedClause], ref_year: int | None, covered: set[int] | None = None
) -> tuple[list[ParsedTask], list[ParseWarning], list[str]]:
    """Tasks closed by responsibility parentheticals (or labelled fields); ``covered`` collects
    the keys of the clauses whose text they took."""
    covered = covered if covered is not None else set()
    by_key = {c.key: c for c in clauses}
    tasks: list[ParsedTask] = []
    warnings: list[ParseWarning] = []
    unplaced: list[str] = []
    first_is_lead = False
    pending: list[str] = []
    pending_keys: list[int] = []
    labels: list[ParsedClause] = []  # labelled lines waiting to close the pending text
    leaders: list[ParsedClause] = []  # 牵头市领导：… lines beside them
    last: ParsedClause | None = None  # the clause the labelled lines follow

    def numbered_heading(clause: ParsedClause) -> str:
        node: ParsedClause | None = clause
        while node is not None:
            if node.kind != "paragraph" and node.heading:
                return node.heading
            node = by_key.get(node.parent_key) if node.parent_key is not None else None
        return ""

    def close(clause: ParsedClause, resp: Responsibility, body: str, raw: str) -> None:
        covered.update([*pending_keys, clause.key])
        pending.clear()
        pending_keys.clear()
        if clause.kind == "paragraph":
            heading = lead_phrase(clause.text) or numbered_heading(clause)
        else:
            heading = numbered_heading(clause)
        deadline = resp.deadline or parse_deadline(body, ref_year=ref_year, strict=True)
        tasks.append(
            ParsedTask(
                text=body,
                heading=heading,
                path=clause.path,
                clause_key=clause.key,
                assignments=resp.assignments,
                deadline=deadline,
                raw=raw,
                line=clause.line,
                notes=resp.notes,
            )
        )

    def parse(inner: str, clause: ParsedClause, raw: str) -> Responsibility | None:
        nonlocal first_is_lead
        try:
            resp = parse_responsibility(inner, first_is_lead=first_is_lead, ref_year=ref_year)
        except NotResponsibility:
            return None
        except UnreadableResponsibility as exc:
            warnings.append(ParseWarning(clause.line, f"无法识别的责任括注：{exc}", raw))
            unplaced.append(raw)
            return None
        return resp

    def flush_labels() -> None:
        if not labels:
            return
        owner = labels[-1]
        covered.update(c.key for c in labels)
        raw = "\n".join(c.text for c in labels)
        inner = ";".join(c.text.strip().rstrip("。；;") for c in labels)
        labels.clear()
        if pending:
            anchor, body = by_key[pending_keys[-1]], "\n".join(pending).strip()
        elif last is not None and last.kind != "paragraph" and last.heading:
            # 1.地区生产总值增长8%以上。 — the item is its own heading
            anchor, body = last, last.heading
        else:
            return
        resp = parse(inner, owner, raw)
        if resp is not None:
            close(anchor, resp, body, raw)

    for clause in clauses:
        text = clause.text
        if clause.kind == "paragraph" and LEADER_LINE_RE.match(text):
            leaders.append(clause)
            continue
        if (
            clause.kind == "paragraph"
            and text
            and (LABEL_LINE_RE.match(text) or (labels and DEADLINE_LINE_RE.match(text)))
        ):
            labels.append(clause)
            continue
        if labels:
            covered.update(c.key for c in leaders)
        else:  # a leader line that no department line followed is text after all
            pending.extend(c.text for c in leaders)
            pending_keys.extend(c.key for c in leaders)
        leaders.clear()
        flush_labels()
        last = clause
        if clause.kind != "paragraph":
            pending, pending_keys = [], []
        prev = 0
        for start, end, inner in parentheticals(text):
            flat = normalize_punct(inner)
            declares = bool(FIRST_IS_LEAD_RE.search(flat)) and "下同" in flat
            if not ROLE_WORDS_RE.search(inner):
                continue
            resp = parse(inner, clause, text[start:end])
            first_is_lead = first_is_lead or declares
            if resp is None:
                continue
            body = "\n".join([*pending, text[prev:start].strip()]).strip()
            prev = end
            close(clause, resp, body, text[start:end])
        rest = text[prev:].strip()
        if prev == 0 and FIRST_IS_LEAD_RE.search(normalize_punct(rest)):
            first_is_lead = True  # declared in prose: 各项任务中排在第一位的部门为牵头部门
        tail = LABEL_TAIL_RE.search(rest)
        if tail and tail.start() > 0:
            head = rest[: tail.start()].strip()
            raw = tail.group("tail")
            resp = parse(raw.rstrip("。"), clause, raw)
            if resp is not None:
                pending_keys.append(clause.key)
                close(clause, resp, "\n".join([*pending, head]).strip(), raw)
                continue
        if rest:
            pending.append(rest)
            pending_keys.append(clause.key)
    if labels:
        covered.update(c.key for c in leaders)
    flush_labels()
    return tasks, warnings, unplaced
