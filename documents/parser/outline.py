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
    ROLE_WORDS_RE,
    NotResponsibility,
    UnreadableResponsibility,
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


def extract_tasks(
    clauses: list[ParsedClause], ref_year: int | None, covered: set[int] | None = None
) -> tuple[list[ParsedTask], list[ParseWarning], list[str]]:
    """Tasks closed by responsibility parentheticals; ``covered`` collects the keys of the
    clauses whose text they took."""
    covered = covered if covered is not None else set()
    by_key = {c.key: c for c in clauses}
    tasks: list[ParsedTask] = []
    warnings: list[ParseWarning] = []
    unplaced: list[str] = []
    first_is_lead = False
    pending: list[str] = []
    pending_keys: list[int] = []

    def numbered_heading(clause: ParsedClause) -> str:
        node: ParsedClause | None = clause
        while node is not None:
            if node.kind != "paragraph" and node.heading:
                return node.heading
            node = by_key.get(node.parent_key) if node.parent_key is not None else None
        return ""

    for clause in clauses:
        if clause.kind != "paragraph":
            pending, pending_keys = [], []
        text = clause.text
        prev = 0
        for start, end, inner in parentheticals(text):
            if not ROLE_WORDS_RE.search(inner):
                continue
            try:
                resp = parse_responsibility(inner, first_is_lead=first_is_lead, ref_year=ref_year)
            except NotResponsibility:
                continue
            except UnreadableResponsibility as exc:
                raw = text[start:end]
                warnings.append(ParseWarning(clause.line, f"无法识别的责任括注：{exc}", raw))
                unplaced.append(raw)
                continue
            if resp.first_is_lead and "下同" in inner:
                first_is_lead = True
            body = "\n".join([*pending, text[prev:start].strip()]).strip()
            covered.update([*pending_keys, clause.key])
            pending, pending_keys = [], []
            prev = end
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
                    raw=text[start:end],
                    line=clause.line,
                )
            )
        rest = text[prev:].strip()
        if rest:
            pending.append(rest)
            pending_keys.append(clause.key)
    return tasks, warnings, unplaced
