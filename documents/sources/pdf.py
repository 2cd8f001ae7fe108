"""PDF with a text layer: lines joined back into paragraphs, running heads dropped, ruled
tables read as rows (pdfplumber)."""

from __future__ import annotations

import io
import re
import statistics
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from ..parser.model import ParseError
from ..parser.patterns import (
    ATTACHMENT_START_RE,
    DATE_LINE_RE,
    HEADER_LINE_RE,
    NUMBER_LINE_RE,
    ORGAN_RE,
    PUBLIC_MARK_RE,
    squash,
)
from ..parser.text import CELL_BREAK, CELL_SEP

SCANNED_PDF = "PDF没有文字层（可能是扫描件），无法识别；请提供文字版PDF或Word文件"

# A line that begins a new unit even when the line before it runs to the margin.
UNIT_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十百]{1,3}[、．.]"
    r"|[(（][一二三四五六七八九十百]{1,3}[)）]"
    r"|\d{1,2}[.．、](?!\d)"
    r"|[(（]\d{1,2}[)）]"
    r"|[\u2460-\u2473]"
    r"|第[一二三四五六七八九十百零〇\d]{1,5}[章节条部分编]"
    r"|附件|附表|抄送|主题词"
    r")"
)
SENTENCE_END_RE = re.compile(
    r"(?:[。；;：:！!？?]|[。；;！!？?][”’」』]"
    r"|[(（][^()（）]{0,80}(?:牵头|负责|配合|责任)[^()（）]{0,80}[)）])$"
)
PAGE_NUMBER_RE = re.compile(
    r"^[-—–－·•]*(?:第)?\d{1,4}(?:页)?(?:[/／]\d{1,4}|共\d{1,4}页)?[-—–－·•]*$"
)
LEADER_RE = re.compile(r"\s*[.·…．⋯_]{4,}\s*\d{1,4}\s*$")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z]")


@dataclass
class _Line:
    """A line of text set on a PDF page, with where it sits."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int


@dataclass
class _Table:
    """A ruled table on a page: its rows of cell texts (a merged cell repeated down)."""

    top: float
    page: int
    rows: list[list[str]] = field(default_factory=list)
    last_page: int = -1  # the page it runs on to, when it is continued

    def __post_init__(self):
        self.last_page = max(self.last_page, self.page)


def pdf_text(data: bytes) -> str:
    """The text of a PDF's text layer, lines inside a paragraph joined again, tables as rows."""
    pages = _read_pdf(data)
    flow = _drop_running_heads(pages)
    return _assemble(flow, pages)


def _read_pdf(data: bytes) -> list[dict]:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_read_page(page, n) for n, page in enumerate(pdf.pages)]
    except ParseError:
        raise
    except Exception as exc:  # a malformed PDF fails in many ways inside pdfminer
        if _is_encryption_error(exc):
            raise ParseError("PDF已加密（需要密码才能打开），请提供未加密的文件") from None
        raise ParseError("PDF文件已损坏，无法读取") from None
    chars = [ch for page in pages for ch in page["chars"]]
    unmapped = sum(1 for ch in chars if ch.startswith("(cid:") or "\ue000" <= ch[:1] <= "\uf8ff")
    if chars and unmapped > len(chars) // 5:
        raise ParseError("PDF中的文字无法提取（字体没有Unicode映射），请提供Word文件或文字版PDF")
    if sum(1 for ch in chars if CJK_RE.match(ch)) < 10:
        raise ParseError(SCANNED_PDF)
    return pages


def _is_encryption_error(exc: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, PDFPasswordIncorrect | PDFEncryptionError):
            return True
        seen = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args else None)
        if not isinstance(seen, BaseException):
            return False
    return False


def _read_page(page, number: int) -> dict:
    from pdfplumber.table import merge_edges

    chars = [c for c in page.chars if c.get("upright", True)]
    tables: list[_Table] = []
    boxes: list[tuple[float, float, float, float]] = []
    found = page.find_tables() if page.edges else []
    if found:
        edges = merge_edges(page.edges, 3, 3, 3, 3)
        for table in found:
            rows, box = _table_rows_pdf(edges, chars, table.bbox)
            if rows:
                tables.append(_Table(top=box[1], page=number, rows=rows))
                boxes.append(box)
    body = [c for c in chars if not any(_inside(c, box) for box in boxes)]
    return {
        "width": round(float(page.width)),
        "lines": _lines(body, number),
        "tables": tables,
        "chars": [c["text"] for c in chars if c["text"].strip()],
    }


def _inside(ch: dict, box) -> bool:
    x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _lines(chars: list[dict], page: int) -> list[_Line]:
    """Characters to lines: those that overlap vertically, left to right."""
    groups: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if groups:
            last = groups[-1]
            top = min(c["top"] for c in last)
            bottom = max(c["bottom"] for c in last)
            overlap = min(bottom, ch["bottom"]) - max(top, ch["top"])
            if overlap > 0.5 * min(bottom - top, ch["bottom"] - ch["top"]):
                last.append(ch)
                continue
        groups.append([ch])
    lines = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        ink = [c for c in group if c["text"].strip()]
        if not ink:
            continue
        size = statistics.median(c["size"] for c in ink)
        parts: list[str] = []
        previous = None
        for ch in group:
            if (
                previous is not None
                and ch["text"] == previous["text"]
                and abs(ch["x0"] - previous["x0"]) < 1.0
            ):
                continue  # drawn twice over itself (a bold made by overprinting)
            if (
                previous is not None
                and ch["x0"] - previous["x1"] > 0.3 * size
                and ch["text"] != " "
                and previous["text"] != " "
            ):
                parts.append(" ")
            parts.append(ch["text"])
            previous = ch
        lines.append(
            _Line(
                text=re.sub(r" {2,}", "  ", "".join(parts)).strip(),
                x0=ink[0]["x0"],
                x1=ink[-1]["x1"],
                top=min(c["top"] for c in ink),
                bottom=max(c["bottom"] for c in ink),
                size=size,
                page=page,
            )
        )
    return lines


def _cluster(values: list[float], tolerance: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _table_rows_pdf(edges: list[dict], chars: list[dict], bbox) -> tuple[list[list[str]], tuple]:
    """The rows of the ruled table in ``bbox``, rebuilt from its rules, and the box they take.

    The rules give a grid; grid cells with no rule between them are one merged cell (a
    rowspan, or a cell left open at the foot of a page that it continues on). A merged cell's
    text is given in every row it spans. No rows when it is not a table of two rows and two
    columns at least (a frame, a rule under a heading).
    """
    x0, top, x1, bottom = bbox
    tol = 2.0
    # column rules running on past the closed cells: a row the foot (or head) of the page cut
    for e in edges:
        if (
            e["orientation"] == "v"
            and x0 - tol <= e["x0"] <= x1 + tol
            and e["top"] < bottom - tol
            and e["bottom"] > top + tol
        ):
            top, bottom = min(top, e["top"]), max(bottom, e["bottom"])
    bbox = (x0, top, x1, bottom)
    vertical = [
        e
        for e in edges
        if e["orientation"] == "v"
        and x0 - tol <= e["x0"] <= x1 + tol
        and e["bottom"] > top + tol
        and e["top"] < bottom - tol
    ]
    horizontal = [
        e
        for e in edges
        if e["orientation"] == "h"
        and top - tol <= e["top"] <= bottom + tol
        and e["x1"] > x0 + tol
        and e["x0"] < x1 - tol
    ]
    xs = _cluster([e["x0"] for e in vertical])
    ys = _cluster([e["top"] for e in horizontal] + [top, bottom])
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 2 or n_cols < 2:
        return [], bbox

    def ruled_v(x: float, y: float) -> bool:
        return any(
            abs(e["x0"] - x) <= tol and e["top"] - tol <= y <= e["bottom"] + tol for e in vertical
        )

    def ruled_h(y: float, x: float) -> bool:
        return any(
            abs(e["top"] - y) <= tol and e["x0"] - tol <= x <= e["x1"] + tol for e in horizontal
        )

    parent = list(range(n_rows * n_cols))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(n_rows):
        ymid = (ys[r] + ys[r + 1]) / 2
        for c in range(n_cols):
            xmid = (xs[c] + xs[c + 1]) / 2
            k = r * n_cols + c
            if c + 1 < n_cols and not ruled_v(xs[c + 1], ymid):
                parent[find(k + 1)] = find(k)
            if r + 1 < n_rows and not ruled_h(ys[r + 1], xmid):
                parent[find(k + n_cols)] = find(k)

    members: dict[int, list[dict]] = {}
    for ch in chars:
        if not _inside(ch, bbox):
            continue
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        c = min(max(bisect_right(xs, cx) - 1, 0), n_cols - 1)
        r = min(max(bisect_right(ys, cy) - 1, 0), n_rows - 1)
        members.setdefault(find(r * n_cols + c), []).append(ch)
    spans: dict[int, list[int]] = {}  # cell → [first row, first column, last column]
    for k in range(n_rows * n_cols):
        r, c = divmod(k, n_cols)
        span = spans.setdefault(find(k), [r, c, c])
        span[2] = max(span[2], c)
    cell_lines = {cell: _lines(cell_chars, 0) for cell, cell_chars in members.items()}
    pitches = [_pitch(lines) for lines in cell_lines.values() if len(lines) > 1]
    pitch = statistics.median(pitches) if pitches else 0.0
    # paragraphs inside cells set apart by space: then space, not punctuation, parts them
    spaced = pitch > 0 and any(
        _spaced(a, b, pitch) for lines in cell_lines.values() for a, b in pairwise(lines)
    )
    texts = {
        cell: _cell_paragraphs(
            lines, xs[spans[cell][1]], xs[spans[cell][2] + 1], pitch, marked=spaced
        )
        for cell, lines in cell_lines.items()
    }
    # A band as wide as the table above or below it is no row of it: a running head or a
    # caption that a rule under it joined to the table. It is left to the page's text.
    grid_rows = list(range(n_rows))
    while grid_rows and len({find(grid_rows[0] * n_cols + c) for c in range(n_cols)}) == 1:
        grid_rows.pop(0)
    while grid_rows and len({find(grid_rows[-1] * n_cols + c) for c in range(n_cols)}) == 1:
        grid_rows.pop()
    if not grid_rows:
        return [], bbox
    rows = []
    for r in grid_rows:
        cells = [find(r * n_cols + c) for c in range(n_cols)]
        if any(spans[cell][0] == r for cell in cells):  # some cell starts in this grid row
            rows.append(
                [texts.get(cell, "") if spans[cell][1] == c else "" for c, cell in enumerate(cells)]
            )
    return rows, (x0, ys[grid_rows[0]], x1, ys[grid_rows[-1] + 1])


def _cell_paragraphs(
    lines: list[_Line], left: float, right: float, pitch: float, *, marked: bool
) -> str:
    """A cell's lines joined into its paragraphs (CELL_BREAK between them)."""
    if not lines:
        return ""
    pad = min(max(min(ln.x0 for ln in lines) - left, 0.0), 12.0)
    inner_left, inner_right = left + pad, right - pad
    # a narrow cell holds a whole number of characters: a full line ends short of its rule
    size = statistics.median(ln.size for ln in lines)
    fits = max(1, int((inner_right - inner_left) / size + 0.01))
    inner_right = min(inner_right, max(inner_left + fits * size, max(ln.x1 for ln in lines)))
    paras: list[str] = []
    for k, ln in enumerate(lines):
        if k and _continues(lines[k - 1], ln, inner_left, inner_right, pitch, marked=marked):
            paras[-1] = _join(paras[-1], ln.text)
        else:
            paras.append(ln.text)
    return CELL_BREAK.join(p.replace(CELL_SEP, " ") for p in paras)


def _pitch(lines: list[_Line]) -> float:
    """The usual distance from one line to the next (within a paragraph)."""
    deltas = [
        b.top - a.top
        for a, b in pairwise(lines)
        if b.page == a.page and b.top > a.top and abs(a.size - b.size) < 0.5
    ]
    return statistics.median(deltas) if deltas else 0.0


def _spaced(a: _Line, b: _Line, pitch: float) -> bool:
    size = max(a.size, b.size)
    return b.page == a.page and b.top - a.top > pitch + max(0.25 * size, 0.15 * pitch)


def _continues(
    prev: _Line, line: _Line, left: float, right: float, pitch: float, *, marked: bool
) -> bool:
    """Whether ``line`` goes on with the paragraph of ``prev`` (a line broken by the layout).

    It does when ``prev`` runs to the right margin, ``line`` starts at the left one, no extra
    space stands between them, and ``line`` does not open a new unit (一、 (一) 1. 第一条
    附件…) after a finished sentence. A finished sentence also ends the paragraph unless the
    layout ``marked`` paragraphs otherwise (by a first-line indent or space between them), so
    that a line flush left after a full one is a continuation.
    """
    size = max(prev.size, line.size)
    # a line the layout broke ends near the margin: within a character or so where it does
    # not justify (a few when paragraphs are marked, so nothing else decides)
    slack = min((3.5 if marked else 2.2) * size, 0.45 * (right - left))
    if prev.x1 < right - slack:
        return False  # a short line ends its paragraph
    if line.x0 > left + 0.8 * size:
        return False  # indented, centred or right-aligned: a paragraph of its own
    if pitch and _spaced(prev, line, pitch):
        return False  # space between paragraphs
    if _unit_line(line.text):
        return False
    ended = bool(SENTENCE_END_RE.search(prev.text))
    if ended and UNIT_START_RE.match(squash(line.text)):
        return False
    return marked or not ended


def _unit_line(text: str) -> bool:
    """A line that is a unit by itself: 附件, a 文号, a date, a …文件 header, 此件公开发布."""
    t = squash(text)
    header = HEADER_LINE_RE.match(t)
    return bool(
        any(
            rx.match(t)
            for rx in (ATTACHMENT_START_RE, NUMBER_LINE_RE, DATE_LINE_RE, PUBLIC_MARK_RE)
        )
        or (header and ORGAN_RE.match(header.group("body")))
    )


def _join(before: str, after: str) -> str:
    if re.search(r"[A-Za-z0-9]$", before) and re.match(r"[A-Za-z0-9]", after):
        return f"{before} {after}"
    return before + after


def _drop_running_heads(pages: list[dict]) -> list[_Line | _Table]:
    """Every page's lines and tables top to bottom, without page numbers and running heads.

    Those are a page's first or last line when it is a page number (— 3 —, 第3页) or when
    the same line (digits aside), in the same place, opens or closes several pages of one
    size (a landscape table's pages have their own). A …文件 header, a 文号 or a date opening
    several pages is each document's own, and stays.
    """

    def key(line: _Line) -> tuple[str, int, int]:
        width = pages[line.page]["width"]
        return re.sub(r"\d+", "#", squash(line.text)), round(line.top / 3), width

    edge_lines = []
    for page in pages:
        lines = sorted(page["lines"], key=lambda ln: ln.top)
        edge_lines.append({id(ln) for ln in lines[:1] + lines[-1:]})
    counts = Counter(
        key(ln)
        for page, ids in zip(pages, edge_lines, strict=True)
        for ln in page["lines"]
        if id(ln) in ids
    )
    sizes = Counter(page["width"] for page in pages)
    flow: list[_Line | _Table] = []
    for page, ids in zip(pages, edge_lines, strict=True):
        kept: list[_Line | _Table] = [
            ln
            for ln in page["lines"]
            if id(ln) not in ids
            or not (
                PAGE_NUMBER_RE.match(squash(ln.text))
                or (
                    counts[key(ln)] >= max(2, sizes[page["width"]] * 3 // 10)
                    and not _unit_line(ln.text)
                )
            )
        ]
        kept.extend(page["tables"])
        kept.sort(key=lambda item: item.top)
        flow.extend(kept)
    return flow


def _assemble(flow: list[_Line | _Table], pages: list[dict]) -> str:
    """Paragraphs (lines joined where the layout broke them) and tables, one block a line;
    a table continued over pages is one table, its repeated header row dropped."""
    margins = _margins([item for item in flow if isinstance(item, _Line)], pages)
    blocks: list[str | _Table] = []
    previous: _Line | _Table | None = None
    for item in flow:
        if isinstance(item, _Table):
            if (
                isinstance(previous, _Table)
                and item.page == previous.last_page + 1
                and len(previous.rows[0]) == len(item.rows[0])
            ):
                rows = item.rows[1:] if item.rows[0] == previous.rows[0] else item.rows
                _continue_table(previous, rows)
                previous.last_page = item.page
                continue
            blocks.append(item)
            previous = item
            continue
        text = LEADER_RE.sub("", item.text)
        if isinstance(previous, _Line) and not LEADER_RE.search(previous.text):
            left, right, pitch, indented = margins[pages[item.page]["width"]]
            if _continues(previous, item, left, right, pitch, marked=indented):
                blocks[-1] = _join(blocks[-1], text)  # type: ignore[arg-type]
                previous = item
                continue
        blocks.append(text)
        previous = item
    out: list[str] = []
    for block in blocks:
        if isinstance(block, _Table):
            out.extend(["", *(CELL_SEP.join(row) for row in block.rows), ""])
        else:
            out.append(block)
    return "\n".join(out).strip("\n") + "\n"


def _margins(lines: list[_Line], pages: list[dict]) -> dict[int, tuple[float, float, float, bool]]:
    """For each page width: the text's left and right margins, the line pitch, and whether
    paragraphs are marked by a first-line indent."""
    out = {}
    for width in {page["width"] for page in pages}:
        group = [ln for ln in lines if pages[ln.page]["width"] == width]
        if not group:
            out[width] = (0.0, float(width), 0.0, False)
            continue
        starts = Counter(round(ln.x0) for ln in group)
        frequent = [x for x, n in starts.items() if n >= 3] or list(starts)
        left = float(min(frequent))
        flush = [ln.x1 for ln in group if abs(ln.x0 - left) <= 1.5]
        right = max(flush or [ln.x1 for ln in group])
        indented = sum(1 for ln in group if 1.5 * ln.size <= ln.x0 - left <= 2.6 * ln.size)
        pitches = [_pitch([a for a in group if a.page == n]) for n in {ln.page for ln in group}]
        pitch = statistics.median([p for p in pitches if p] or [0.0])
        out[width] = (left, right, pitch, indented >= 3 and indented * 20 >= len(group))
    return out


def _continue_table(table: _Table, rows: list[list[str]]) -> None:
    """Rows of a table continued on the next page. A first row with no 序号 and few cells
    filled is the rest of a row the page break cut: its text goes to that row."""
    if rows and table.rows and not rows[0][0]:
        filled = sum(1 for cell in rows[0][1:] if cell)
        if filled * 2 < len(rows[0]) - 1:
            last = table.rows[-1]
            for k, cell in enumerate(rows[0]):
                if cell:
                    last[k] = _join(last[k], cell) if last[k] else cell
            rows = rows[1:]
    table.rows.extend(rows)
