"""Rebuild a disclosure catalogue (主动公开目录清单), from a real table or one flattened to
paragraphs.

A real table (read from a Word or PDF file by documents.sources) comes as one line per row,
cells separated by a tab, paragraphs inside a cell by U+2028: its columns are named by the header
row, so each row is read cell by cell (_parse_table).

Web copies of the gazette put one table cell per paragraph (blank line between cells, single
line breaks inside a cell) and mark a vertically merged cell with a whitespace-only paragraph.
A row is anchored by its period cell (长期, 3年, 不少于20个工作日…), which is followed by the
remaining columns (channels, owner, supervision); its timeliness cell is the first cell with a
time expression. The cells before are the area and the item, told apart by shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .deadlines import parse_rule
from .model import ParsedCatalogueRow, ParseWarning
from .patterns import squash
from .text import CELL_BREAK, CELL_SEP, Line

HEADER_FIELDS = [
    (re.compile(r"^(?:序号|编号)$"), "seq"),
    (re.compile(r"领域|类别|门类"), "area"),
    (re.compile(r"公开事项|事项|公开内容|内容"), "item"),
    (re.compile(r"时效|时限"), "timeliness"),
    (re.compile(r"期限|公示期"), "period"),
    (re.compile(r"方式|渠道|载体"), "channels"),
    (re.compile(r"主体|责任|单位|部门"), "owner"),
    (re.compile(r"监督"), "supervision"),
]
_PERIOD_SEG = (
    r"(?:[^;；。:：]{1,30}[:：])?(?:[^;；。:：\d]{0,12}?(?:不少于|不超过|至少))?"
    r"(?:\d+(?:个工作日|工作日|个月|年|日|天|小时)|长期|永久|常年)"
)
PERIOD_RE = re.compile(rf"^{_PERIOD_SEG}(?:[。;；]{_PERIOD_SEG})*[。;；]?$")
TIME_RE = re.compile(
    r"\d+\s*(?:个工作日|工作日|小时|日|天|个月)|每年|\d+月底|之日起|同时发布|内公开|内发布|前公布|前公开|前发布"
)
ITEMISH_RE = re.compile(r"(?:公告|公示|结果|计划|候选人|备案|名单|清单|通知|目录|信息公告)$")
SEQ_RE = re.compile(r"^\d{1,3}$")


@dataclass
class Cell:
    line: int
    text: str  # stripped; "" for a merged-cell marker

    @property
    def blank(self) -> bool:
        return not self.text


def find_header(lines: list[Line]) -> int | None:
    """Index in ``lines`` of the 序号 cell (or the header row) that opens a catalogue table."""
    for i, ln in enumerate(lines):
        if CELL_SEP in ln.raw and table_columns(ln.raw):
            return i
        if squash(ln.text) in ("序号", "编号"):
            names = [squash(x.text) for x in lines[i + 1 : i + 30] if x.text][:7]
            if sum(1 for n in names if any(rx.search(n) for rx, _ in HEADER_FIELDS[1:])) >= 4:
                return i
    return None


def _cells(lines: list[Line]) -> list[Cell]:
    """Paragraphs: runs of non-empty raw lines; a whitespace-only paragraph is a merged marker."""
    cells: list[Cell] = []
    buf: list[Line] = []

    def flush():
        if buf:
            text = "\n".join(x.text for x in buf if x.text).strip()
            cells.append(Cell(buf[0].no, text))
            buf.clear()

    for ln in lines:
        if ln.raw == "":
            flush()
        elif not ln.text:
            flush()
            cells.append(Cell(ln.no, ""))
        else:
            buf.append(ln)
    flush()
    return cells


def _is_name(text: str) -> bool:
    first = text.split("\n", 1)[0].strip()
    return (
        bool(first)
        and len(first) <= 30
        and not re.search(r"[。;；,，:：]", first)
        and not re.match(r"^(?:包括|\d+[.．、])", first)
    )


def _lead_sentence(detail: str) -> str:
    m = re.match(r"^([^。,，;；:：\n]{2,30})。", detail)
    return m.group(1) if m else ""


def parse_catalogue(
    lines: list[Line],
) -> tuple[list[ParsedCatalogueRow], list[ParseWarning], list[str]]:
    """Rows, warnings and unplaced raw text from the lines of a catalogue attachment."""
    start = find_header(lines)
    if start is None:
        return [], [], []
    if CELL_SEP in lines[start].raw:
        return _parse_table(lines, start)
    cells = _cells(lines[start:])
    # header cells: up to the first sequence number
    header: list[str] = []
    i = 0
    while i < len(cells) and not SEQ_RE.match(cells[i].text):
        if cells[i].text:
            header.append(squash(cells[i].text))
        i += 1
    fields = []
    for name in header:
        for rx, field in HEADER_FIELDS:
            if rx.search(name) and field not in fields:
                fields.append(field)
                break
    tail_fields = [f for f in ("channels", "owner", "supervision") if f in fields] or [
        "channels",
        "owner",
        "supervision",
    ]

    groups: list[tuple[Cell, list[Cell]]] = []
    expected = 1
    for cell in cells[i:]:
        if SEQ_RE.match(cell.text) and int(cell.text) == expected:
            groups.append((cell, []))
            expected += 1
        elif groups:
            groups[-1][1].append(cell)

    rows: list[ParsedCatalogueRow] = []
    warnings: list[ParseWarning] = []
    unplaced: list[str] = []
    area = ""
    for seq_cell, group in groups:
        pos = 0
        first_sub = True
        while pos < len(group) and any(c.text for c in group[pos:]):
            row, used, area_out = _parse_row(
                group[pos:], seq_cell.text, area, first_sub, len(tail_fields)
            )
            if row is None:
                raw = "\n".join(c.text for c in group[pos:] if c.text)
                warnings.append(
                    ParseWarning(
                        seq_cell.line, f"目录清单第{seq_cell.text}行无法还原，已保留原文", raw
                    )
                )
                unplaced.append(raw)
                break
            rows.append(row)
            area = area_out
            pos += used
            first_sub = False
    return rows, warnings, unplaced


def _parse_row(cells: list[Cell], seq: str, current_area: str, first_sub: bool, n_tail: int):
    texts = [c.text for c in cells]
    # the period cell anchors the row
    p = next(
        (k for k in range(1, len(texts)) if texts[k] and PERIOD_RE.match(squash(texts[k]))), None
    )
    if p is None:
        return None, 0, current_area
    p_end = p
    while p_end + 1 < len(texts) and texts[p_end + 1] and PERIOD_RE.match(squash(texts[p_end + 1])):
        p_end += 1
    tail = [c for c in cells[p_end + 1 :] if c.text][:n_tail]
    if len(tail) < n_tail:
        return None, 0, current_area
    used = cells.index(tail[-1]) + 1
    before = cells[:p]
    t = next((k for k, c in enumerate(before) if c.text and TIME_RE.search(c.text)), None)
    if t is None:
        t = max(k for k, c in enumerate(before) if c.text) if any(c.text for c in before) else None
    if t is None:
        return None, 0, current_area
    head, timeliness = before[:t], [c for c in before[t:] if c.text]

    merged = any(c.blank for c in head)
    paras: list[str] = []
    for c in head:
        if c.text and (not paras or paras[-1] != c.text):
            paras.append(c.text)
    names: list[str] = []
    details: list[str] = []
    for text in paras:
        if not details and _is_name(text):
            first, _, rest = text.partition("\n")
            names.append(first.strip())
            if rest.strip():
                details.append(rest.strip())
        else:
            details.append(text)
    if merged or len(names) >= 2:
        area = names[0] if names else current_area
        item = names[1] if len(names) > 1 else ""
        details = names[2:] + details
    elif len(names) == 1:
        if not first_sub or (current_area and ITEMISH_RE.search(names[0])):
            area, item = current_area, names[0]
        else:
            area, item = names[0], ""
    else:
        area, item = current_area, ""
    detail = "\n".join(details)
    if not item:
        # no name of its own: an area that is the matter itself, or a lead sentence (建设信息。…)
        item = (_lead_sentence(detail) if area == current_area else "") or area
    timeliness_text = "\n".join(c.text for c in timeliness)
    tail_texts = [c.text for c in tail] + [""] * (3 - len(tail))
    row = ParsedCatalogueRow(
        seq=seq,
        area=area,
        item=item,
        detail=detail,
        timeliness=timeliness_text,
        rule=parse_rule(squash(timeliness_text)),
        period="\n".join(c.text for c in cells[p : p_end + 1]),
        channels=tail_texts[0],
        owner=tail_texts[1],
        supervision=tail_texts[2],
        line=cells[0].line,
    )
    return row, used, area


# --- a real table: one line per row, tab-separated cells ------------------------------------

DETAIL_RE = re.compile(r"内容|明细|具体")


def _split_row(raw: str) -> list[str]:
    """A row's cells, each with its paragraphs joined by newlines (as a flattened cell has)."""
    cells = []
    for cell in raw.split(CELL_SEP):
        paras = [p.strip() for p in cell.split(CELL_BREAK)]
        cells.append("\n".join(p for p in paras if p))
    return cells


def _is_header_row(raw: str) -> bool:
    return any(HEADER_FIELDS[0][0].match(squash(c)) for c in _split_row(raw))


def _names_only(raw: str) -> bool:
    """A row of column names only (a header's second row without 序号)."""
    names = [squash(c) for c in _split_row(raw) if c.strip()]
    return (
        CELL_SEP in raw
        and bool(names)
        and all(
            len(n) <= 8
            and (DETAIL_RE.search(n) or any(rx.search(n) for rx, _ in HEADER_FIELDS[1:]))
            for n in names
        )
    )


def table_columns(raw: str, below: str = "") -> list[str | None] | None:
    """The field of each column when ``raw`` is a catalogue's header row, else None.

    A header row has a 序号 cell and at least four other known column names. A second column
    of matter (公开内容 after 公开事项) holds the item's detail; unknown columns map to None.
    A second header row ``below`` (公开事项 over 事项名称 | 事项内容) names the columns it
    splits.
    """
    if not _is_header_row(raw):
        return None
    names = [squash(c) for c in _split_row(raw)]
    for k, name in enumerate(squash(c) for c in _split_row(below)):
        if k < len(names) and name and name != names[k]:
            names[k] = name
    fields: list[str | None] = []
    for name in names:
        field = None
        if name and "item" in fields and "detail" not in fields and DETAIL_RE.search(name):
            field = "detail"
        elif name:
            field = next(
                (f for rx, f in HEADER_FIELDS if rx.search(name) and f not in fields), None
            )
        fields.append(field)
    known = [f for f in fields if f and f not in ("seq", "detail")]
    return fields if len(known) >= 4 else None


def _parse_table(
    lines: list[Line], start: int
) -> tuple[list[ParsedCatalogueRow], list[ParseWarning], list[str]]:
    """Rows of a catalogue that came as a real table (header row at ``lines[start]``).

    A row with an empty 序号 is another item under the 序号 above (a merged cell); an empty
    area is carried down from the row above (a vertically merged cell). The table ends at the
    first non-blank line that is not a row. A header of two rows is read as one; a header row
    repeated (on each page of a PDF) is skipped.
    """
    below = lines[start + 1].raw if start + 1 < len(lines) else ""
    if not (_is_header_row(below) or _names_only(below)):
        below = ""
    columns = table_columns(lines[start].raw, below) or table_columns(lines[start].raw) or []
    rows: list[ParsedCatalogueRow] = []
    warnings: list[ParseWarning] = []
    unplaced: list[str] = []
    seq = area = ""
    for ln in lines[start + 1 :]:
        if CELL_SEP not in ln.raw:
            if ln.text:
                break
            continue
        if _is_header_row(ln.raw) or (ln.raw == below and below):
            continue  # the header's second row, or the header again (on each page of a PDF)
        values: dict[str, str] = {}
        for field, text in zip(columns, _split_row(ln.raw), strict=False):
            if field and text:
                values[field] = text
        if not values:
            continue
        seq = values.get("seq", seq)
        area = values.get("area", area)
        timeliness = values.get("timeliness", "")
        period = values.get("period", "")
        if not seq or not (timeliness or period) or not (values.get("item") or area):
            raw = "\n".join(t for t in _split_row(ln.raw) if t)
            warnings.append(
                ParseWarning(ln.no, f"目录清单第{seq or '?'}行无法还原，已保留原文", raw)
            )
            unplaced.append(raw)
            continue
        item, detail = _item_and_detail(values.get("item", ""), values.get("detail"), area)
        rows.append(
            ParsedCatalogueRow(
                seq=seq,
                area=area,
                item=item,
                detail=detail,
                timeliness=timeliness,
                rule=parse_rule(squash(timeliness)),
                period=period,
                channels=values.get("channels", ""),
                owner=values.get("owner", ""),
                supervision=values.get("supervision", ""),
                line=ln.no,
            )
        )
    return rows, warnings, unplaced


def _item_and_detail(matter: str, detail: str | None, area: str) -> tuple[str, str]:
    """The item's name and detail from its cell(s), named as the flattened path names them.

    With a detail column the matter cell is the name. Otherwise a first paragraph that reads
    as a name is the item and the rest its detail; with no name of its own the item is the
    detail's lead sentence (建设信息。…) or else the area.
    """
    if detail is not None:
        return matter or _lead_sentence(detail) or area, detail
    first, _, rest = matter.partition("\n")
    if _is_name(first):
        return first.strip(), rest.strip()
    return _lead_sentence(matter) or area, matter
