"""Reading raw input: bytes to text, and text to numbered lines ready for structure parsing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import ParseError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ONE_LINE_THRESHOLD = 1200

# A table read from a Word or PDF file (documents.sources) comes as one line per row: cells
# separated by CELL_SEP, the paragraphs inside a cell by CELL_BREAK (U+2028 LINE SEPARATOR,
# which str.split("\n") leaves alone).
CELL_SEP = "\t"
CELL_BREAK = "\u2028"


@dataclass
class Line:
    """One line of input: 1-based number, the raw line, and its stripped text."""

    no: int
    raw: str
    text: str


def decode(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Bytes to text, refusing what is not a UTF-8 text file of sane size."""
    if not data or not data.strip():
        raise ParseError("文件为空")
    if len(data) > max_bytes:
        raise ParseError(f"文件过大（{len(data)} 字节，上限 {max_bytes} 字节）")
    if b"\x00" in data[:65536]:
        raise ParseError("不是文本文件（含有二进制内容）")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError("不是UTF-8编码的文本", line=line) from None
    check_text(text)
    return text


def check_text(text: str) -> None:
    if not text or not text.strip():
        raise ParseError("文件为空")
    sample = text[:20000]
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v"
    )
    if controls > max(8, len(sample) // 50):
        raise ParseError("不是文本文件（控制字符过多）")


def normalize(text: str) -> str:
    """Line endings to LF; drop BOM and zero-width marks. Other characters stay as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (
        text.replace("\ufeff", "").replace("\u200b", "").replace("\u200c", "").replace("\u200d", "")
    )


# Places to break a document that arrived as one line (a page copied without breaks).
_ALWAYS_BREAK_RE = re.compile(
    r"(?<=\S)(?=第[零〇一二三四五六七八九十百\d]{1,5}[章条][\s\u2002\u3000\u00a0]+\S)"
)
_LONG_BREAKS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"([。；;：:])(?=[(（][一二三四五六七八九十]{1,3}[)）])"), "\\1\n"),
    (re.compile(r"(。)(?=[一二三四五六七八九十]{1,3}、)"), "\\1\n"),
    (re.compile(r"([。；;])(?=\d{1,2}[.．](?!\d))"), "\\1\n"),
    (re.compile(r"([(（]此件[^()（）]{1,12}[)）])"), "\n\\1\n"),
    # signatory and date run together after a sentence: 。安顺市人民政府2023年9月5日
    (
        re.compile(
            r"([。！!])(?=[\u4e00-\u9fff]{2,30}(?:人民政府|办公厅|办公室|委员会|局|委|厅|部)\d{4}年\d{1,2}月\d{1,2}日)"
        ),
        "\\1\n",
    ),
    # a title run into its addressees: …的通知各县、自治县、区人民政府…：
    (re.compile(r"(?<=[知见定法案则])(?=各[^。；;：:\n]{2,160}[：:])"), "\n"),
    (re.compile(r"(?m)^(各[^。；;：:\n]{2,160}[：:])(?=\S)"), "\\1\n"),
    (re.compile(r"(?m)(?<=[\u4e00-\u9fff])(?=\d{4}年\d{1,2}月\d{1,2}日$)"), "\n"),
]


def split_lines(text: str) -> list[Line]:
    """Numbered, stripped lines; over-long lines are broken at structural markers."""
    lines: list[Line] = []
    for no, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            lines.append(Line(no, raw, ""))
            continue
        if stripped.count(CELL_SEP) >= 2:
            lines.append(Line(no, raw, stripped))  # a table row: its cells stay together
            continue
        broken = _ALWAYS_BREAK_RE.sub("\n", stripped)
        if len(stripped) > ONE_LINE_THRESHOLD:
            for rx, repl in _LONG_BREAKS:
                broken = rx.sub(repl, broken)
        parts = broken.split("\n")
        for part in parts:
            part = part.strip()
            if part:
                lines.append(Line(no, raw if len(parts) == 1 else part, part))
    return lines
