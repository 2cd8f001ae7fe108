"""文种: the kind of a 公文 as its title ends (党政机关公文处理工作条例 第八条), e.g.
"…关于印发…方案的通知" → 通知. Pure: text in, one of KINDS (or "") out."""

from __future__ import annotations

import re

# The fifteen kinds of the regulation, 命令 also written 令; longest first, so "通报" is not
# read as "报告" and "命令" not as "令".
KINDS = (
    "决议",
    "决定",
    "命令",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "议案",
    "函",
    "纪要",
    "令",
)
_ORDERED = sorted(KINDS, key=len, reverse=True)
_TRAILING = re.compile(r"[\s。．.]+$|（[^（）]*）$|\([^()]*\)$")


def document_kind(title: str) -> str:
    """The kind a title ends with ("" when none does): trailing brackets (（第1号）, （试行）)
    and punctuation are not part of it."""
    text = (title or "").strip()
    while True:
        shorter = _TRAILING.sub("", text)
        if shorter == text:
            break
        text = shorter
    for kind in _ORDERED:
        if text.endswith(kind):
            return "命令" if kind == "令" else kind
    return ""
