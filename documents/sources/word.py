"""Word (.docx): paragraphs and tables of the body in document order, list numbers as shown."""

from __future__ import annotations

import io
import re
import zipfile

from ..parser.model import ParseError
from ..parser.text import CELL_BREAK, CELL_SEP, DEFAULT_MAX_BYTES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Text that is not the document's current text: deletions, moved-away text, field codes,
# the fallback copy of a drawing, and text boxes (taken on their own, before their paragraph).
_SKIP = {
    W + "del",
    W + "moveFrom",
    W + "delText",
    W + "instrText",
    W + "pPr",
    W + "rPr",
    W + "txbxContent",
    MC_FALLBACK,
}


def docx_text(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Paragraphs and tables of a .docx body in document order, one paragraph a line."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if archive.getinfo("word/document.xml").file_size > 10 * max_bytes:
            raise ParseError("Word文件解压后过大，无法读取")
        if archive.testzip() is not None:
            raise zipfile.BadZipFile
        document = docx.Document(io.BytesIO(data))
        numbering = _Numbering(document)
        lines: list[str] = []
        _walk_body(document.element.body, lines, numbering)
    except ParseError:
        raise
    except (zipfile.BadZipFile, KeyError, PackageNotFoundError, LxmlError, ValueError, OSError):
        raise ParseError("Word文件已损坏，无法读取") from None
    text = "\n".join(lines)
    if not text.strip():
        raise ParseError("Word文件中没有文字")
    return text


def _walk_body(parent, lines: list[str], numbering: _Numbering) -> None:
    for child in parent.iterchildren():
        tag = child.tag
        if tag == W + "p":
            for box in _text_boxes(child):
                lines.extend(_paragraph_text(p, numbering) for p in box.iter(W + "p"))
            lines.append(_paragraph_text(child, numbering))
        elif tag == W + "tbl":
            lines.append("")
            lines.extend(_table_rows(child, numbering))
            lines.append("")
        elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo"):
            _walk_body(child, lines, numbering)


def _text_boxes(p) -> list:
    found = []

    def visit(el):
        for child in el.iterchildren():
            if child.tag == MC_FALLBACK:
                continue
            if child.tag == W + "txbxContent":
                found.append(child)
            else:
                visit(child)

    visit(p)
    return found


def _run_text(el, out: list[str]) -> None:
    for child in el.iterchildren():
        tag = child.tag
        if tag == W + "t":
            out.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            if child.get(W + "type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag not in _SKIP and isinstance(tag, str):
            _run_text(child, out)


def _paragraph_text(p, numbering: _Numbering) -> str:
    out = [numbering.label(p)]
    _run_text(p, out)
    return "".join(out)


def _table_rows(tbl, numbering: _Numbering) -> list[str]:
    from docx.table import Table

    rows = []
    table = Table(tbl, None)
    for row in table.rows:
        cells = [""] * row.grid_cols_before
        previous = None
        for cell in row.cells:
            # python-docx gives a merged cell again for each grid column and row it covers
            cells.append("" if cell._tc is previous else _cell_text(cell._tc, numbering))
            previous = cell._tc
        cells += [""] * row.grid_cols_after
        if any(cells):
            rows.append(CELL_SEP.join(cells))
    return rows


def _cell_text(tc, numbering: _Numbering) -> str:
    paras: list[str] = []
    for p in tc.iter(W + "p"):  # nested tables' paragraphs too, in order
        text = _paragraph_text(p, numbering)
        paras.extend(x.strip() for x in text.replace(CELL_SEP, " ").split("\n") if x.strip())
    return CELL_BREAK.join(paras)


class _Numbering:
    """Automatic paragraph numbers (一、 (一) 1.) as Word shows them: python-docx leaves them
    out of the text, and the outline needs them."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → ilvl → fmt
        self.counters: dict[str, list[int | None]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for an in root.iter(W + "abstractNum"):
            levels = {}
            for lvl in an.iter(W + "lvl"):
                fmt = lvl.find(W + "numFmt")
                text = lvl.find(W + "lvlText")
                start = lvl.find(W + "start")
                levels[int(lvl.get(W + "ilvl", "0"))] = (
                    fmt.get(W + "val") if fmt is not None else "decimal",
                    text.get(W + "val") if text is not None else "",
                    int(start.get(W + "val")) if start is not None else 1,
                )
            abstract[an.get(W + "abstractNumId")] = levels
        for num in root.iter(W + "num"):
            ref = num.find(W + "abstractNumId")
            if ref is not None and ref.get(W + "val") in abstract:
                self.levels[num.get(W + "numId")] = abstract[ref.get(W + "val")]
        for style in document.styles.element.iter(W + "style"):
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                num_id = num_pr.find(W + "numId")
                ilvl = num_pr.find(W + "ilvl")
                if num_id is not None:
                    self.style_num[style.get(W + "styleId")] = (
                        num_id.get(W + "val"),
                        int(ilvl.get(W + "val")) if ilvl is not None else 0,
                    )

    def label(self, p) -> str:
        if not self.levels:
            return ""
        num_id, ilvl = None, 0
        num_pr = p.find(f"{W}pPr/{W}numPr")
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(W + "val") in self.style_num:
            num_id, ilvl = self.style_num[style.get(W + "val")]
        if num_pr is not None:
            el = num_pr.find(W + "numId")
            num_id = el.get(W + "val") if el is not None else num_id
            el = num_pr.find(W + "ilvl")
            ilvl = int(el.get(W + "val")) if el is not None else ilvl
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counts = self.counters.setdefault(num_id, [None] * 10)
        fmt, text, start = levels[ilvl]
        counts[ilvl] = start if counts[ilvl] is None else counts[ilvl] + 1
        for deeper in range(ilvl + 1, len(counts)):
            counts[deeper] = None  # a lower level starts again under a new higher one
        if fmt in ("bullet", "none"):
            return ""

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            f, _, s = levels.get(k, ("decimal", "", 1))
            return _format_number(s if counts[k] is None else counts[k], f)

        return re.sub(r"%(\d)", number, text)


_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified"):
        return _chinese(n)
    if fmt == "ideographDigital":
        return "".join(_CN_DIGITS[int(d)] for d in str(n)).replace("零", "〇")
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt in ("upperLetter", "lowerLetter") and 1 <= n <= 26:
        letter = chr(ord("A") + n - 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= n < 40:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out
