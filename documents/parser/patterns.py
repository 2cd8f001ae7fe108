"""Regular expressions for the conventions of Chinese official documents (GB/T 9704-2012).

Every pattern accepts both full-width and ASCII punctuation, since web copies mix them.
"""

from __future__ import annotations

import re
from datetime import date

LP = "[(（]"
RP = "[)）]"
COLON = "[:：]"
CN_NUM = "零〇一二三四五六七八九十百千两"

# 文号: issuer code, year in 〔〕 (or look-alikes), sequence, 号.
NUMBER_BODY = (
    r"(?P<code>[\u4e00-\u9fffA-Za-z]{1,14}?)\s*[〔\[［【(（]\s*(?P<year>\d{4})\s*[〕\]］】)）]"
    r"\s*第?\s*(?P<seq>\d{1,5})\s*号"
)
NUMBER_LINE_RE = re.compile(rf"^{NUMBER_BODY}$")
CITATION_RE = re.compile(
    r"(?P<code>[\u4e00-\u9fff]{1,12})[〔\[［]\s*(?P<year>\d{4})\s*[〕\]］]\s*第?(?P<seq>\d{1,5})号"
)
# Words that precede a number in prose and are not part of its issuer code.
CITATION_LEAD_RE = re.compile(
    r"^(?:.*?(?:印发|转发|根据|按照|依据|依照|参照|执行|落实|贯彻|详见|参见|见|和|及|与|或|即|的|以|据|对|号))"
)
QUOTED_TITLE_BEFORE_RE = re.compile(r"《(?P<title>[^《》]{2,160})》\s*$")

DATE_RE = re.compile(
    r"(?P<y>\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
DATE_LINE_RE = re.compile(rf"^{DATE_RE.pattern}$")
ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")

HEADER_LINE_RE = re.compile(r"^(?P<body>.{2,60}?)\s*文\s*件$")
ORGAN_SUFFIX = (
    r"(?:人民政府|政府|办公厅|办公室|委员会|管委会|管理委员会|局|委|厅|部|院|署|办|总局|中心|银行|支行|分行|"
    r"分局|协会|联合会|集团|公司|法院|检察院|党委|市委|省委|县委|区委)"
)
ORGAN_RE = re.compile(rf"^[\u4e00-\u9fff（）()·]{{2,40}}?{ORGAN_SUFFIX}$")
PUBLIC_MARK_RE = re.compile(rf"^{LP}\s*(?P<mark>此件[^()（）]{{1,12}})\s*{RP}$")
TITLE_DOC_TYPES = (
    "通知|意见|决定|办法|方案|规定|细则|批复|通报|公告|通告|报告|函|纪要|规划|计划|措施|条例|决议|"
    "命令|令|指引|指南|规则|标准|要点|实施意见|实施方案|工作方案|复函"
)
TITLE_END_RE = re.compile(rf"(?:{TITLE_DOC_TYPES})(?:{LP}[^()（）]{{1,20}}{RP})?$")
ADDRESSEE_RE = re.compile(rf"^(?P<who>[^。；;]{{2,200}}?){COLON}(?P<rest>.*)$")
ADDRESSEE_HINT_RE = re.compile(r"各|人民政府|部门|单位|机构|委|局|办|厅|政府|企业|管委会")

ATTACHMENT_START_RE = re.compile(rf"^附\s*件\s*(?P<n>\d{{0,2}})\s*{COLON}?$")
ATTACHMENT_LIST_RE = re.compile(rf"^附\s*件\s*{COLON}\s*(?P<rest>\S.*)$")

ISSUE_TITLE_RE = re.compile(
    r"(?P<title>[\u4e00-\u9fff]{2,24}?公报)\s*(?P<y>\d{4})\s*年\s*第\s*(?P<n>\d{1,3})\s*(?:号|期)"
)
TOTAL_RE = re.compile(r"总\s*第\s*(?P<t>\d{1,5})\s*期")
PUBLISHED_RE = re.compile(
    r"(?:发布日期|发布时间|出版日期|印发日期)\s*[:：]\s*(?P<date>\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)"
)
PRINTED_ON_RE = re.compile(r"^(?P<date>\d{4}年\d{1,2}月\d{1,2}日)出版$")  # a printed cover's foot
TOC_HEAD_RE = re.compile(r"^目\s*录$")
TOC_ENTRY_RE = re.compile(
    rf"^(?P<title>.{{4,200}}?)\s*{LP}(?P<number>[^()（）]{{2,30}}?〔\d{{4}}〕\d{{1,5}}号){RP}$"
)

# Outline markers, by rank: 第一章 > 一、 > 第一条 > (一) > 1. > (1).
OUTLINE_MARKERS: list[tuple[str, int, re.Pattern]] = [
    ("chapter", 0, re.compile(rf"^第(?P<n>[{CN_NUM}\d]{{1,5}})章\s*(?P<rest>.*)$")),
    ("part", 1, re.compile(r"^(?P<n>[一二三四五六七八九十]{1,4})\s*[、.．]\s*(?P<rest>.*)$")),
    ("article", 2, re.compile(rf"^第(?P<n>[{CN_NUM}\d]{{1,6}})条\s*(?P<rest>.*)$")),
    ("section", 3, re.compile(rf"^{LP}(?P<n>[一二三四五六七八九十]{{1,4}}){RP}\s*(?P<rest>.*)$")),
    ("item", 4, re.compile(r"^(?P<n>\d{1,3})\s*[.．、](?!\d)\s*(?P<rest>.*)$")),
    ("subitem", 5, re.compile(rf"^{LP}(?P<n>\d{{1,3}}){RP}\s*(?P<rest>.*)$")),
]

WS_RE = re.compile(r"[\s\u00a0\u2000-\u200b\u3000\ufeff]+")

_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_to_int(text: str) -> int | None:
    """Chinese numeral (or digits) to int: 十七 → 17, 二〇一八 → 2018, 12 → 12."""
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "千":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current


def match_date(m: re.Match) -> date | None:
    y, mo, d = cn_to_int(m.group("y")), cn_to_int(m.group("m")), cn_to_int(m.group("d"))
    if y is None or mo is None or d is None:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def squash(text: str) -> str:
    """Remove all whitespace (headings padded as 总  则 or 组  长)."""
    return WS_RE.sub("", text)
