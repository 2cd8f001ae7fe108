"""A normative document's own dates and its effect on earlier documents (规范性文件有效期).

Pure functions over the text, no Django. The forms read are the conventions of the closing
provisions (附则) of Chinese normative documents:

- 施行: "本办法自印发之日起施行" / "自2019年1月1日起施行" / "自发布之日起30日后施行"
  (规章制定程序条例 第三十二条), with 实施 / 执行 / 试行 for 施行;
- 有效期: "有效期5年" / "有效期为五年" / "有效期至2023年9月11日" / "执行期限为…至…";
- a plan's period in its title: "……实施方案（2018—2020年）" is in force to the end of 2020;
- repeals: "《…》（…〔2018〕15号）同时废止" / "原《…》同时废止" / "废止《…》";
- amendments: "对《…》（…号）作如下修改" / a title "关于修改《…》的决定";
- "本办法由…负责解释" (the body that interprets it).

A sentence counts only when it speaks of the document itself: "2019年1月1日起全面施行的
《个人所得税法》" names another text's date, and "许可证有效期5年" a licence's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .patterns import CITATION_RE, DATE_RE, cn_to_int, match_date

VERBS = "施行|实施|执行|试行"
EVENT = "印发|发布|公布|下发|颁布|公告"
SELF = r"本[\u4e00-\u9fff]{1,12}?"  # 本办法, 本实施细则, 本通知, 本意见, 本方案…
# a date as DATE_RE writes it, without its group names (two dates may share a pattern)
DATE = re.sub(r"\(\?P<\w+>", "(?:", DATE_RE.pattern)
NUM = r"\d{1,3}|[零〇一二两三四五六七八九十]{1,3}"

SENTENCE_RE = re.compile(r"[^。；;！!？?\n]+")
# "本办法自印发之日起施行" / "自发布之日起30日后施行" / "自2019年1月1日起施行"
EFFECTIVE_RE = re.compile(
    rf"(?:^|[，,：:\s]|(?<=[条款]))(?:{SELF})?自\s*"
    rf"(?:(?P<event>{EVENT})之日(?:起\s*(?P<after>{NUM})\s*日后|起)|(?P<date>{DATE})\s*起)"
    rf"\s*(?:正式|开始)?(?:{VERBS})(?=\s*(?:[，,。；;]|$))"
)
YEARS_RE = re.compile(rf"有效期(?:限)?(?:为|是)?\s*(?P<n>{NUM})\s*年")
UNTIL_RE = re.compile(rf"有效期(?:限)?(?:至|到|截至|截止(?:到|至)?)\s*(?P<date>{DATE})")
SPAN_RE = re.compile(
    rf"(?:执行|实施|有效)(?:期限|期)(?:为|是|自)?\s*(?P<from>{DATE})\s*(?:起)?\s*"
    rf"(?:至|到|—|-|－)\s*(?P<to>{DATE})"
)
# a sentence about the document's validity: it opens with 有效期 or 本X有效期 (a clause may be
# numbered: 第十五条 本办法…)
VALIDITY_SUBJECT_RE = re.compile(
    rf"^(?:第[零〇一二三四五六七八九十百\d]+条\s*)?(?:{SELF}(?:的)?)?(?:有效期|执行期限|执行期|实施期限)"
)
PLAN_PERIOD_RE = re.compile(
    r"[(（]\s*(?P<a>\d{4})\s*(?:年)?\s*[—－\-–~～至到]{1,2}\s*(?P<b>\d{4})\s*年\s*[)）]"
)
INTERPRETER_RE = re.compile(rf"{SELF}(?:由|具体由)(?P<who>[^，,。；;]{{2,60}}?)(?:负责)?解释")

QUOTED = r"《(?P<title>[^《》]{2,160})》"
REF_RE = re.compile(rf"{QUOTED}\s*(?:[(（](?P<number>[^()（）]{{2,40}}?号)[)）])?")
REPEAL_RE = re.compile(r"(?:同时|一并|予以|即行|宣布)?(?:废止|失效|停止执行|不再执行)")
AMEND_RE = re.compile(r"作(?:如下|以下)?(?:修改|修订)|修改为|(?:予以|进行)修改|关于修改")


@dataclass
class ParsedRelation:
    """A later document's word on an earlier one: ``repeals`` or ``amends`` it, by 文号 (and
    the quoted title), with the sentence that says so."""

    kind: str  # "repeals" / "amends"
    number: str
    title: str
    text: str
    line: int = 0


@dataclass
class ParsedValidity:
    """What a document says of its own force. ``effective_on`` is None when the date hangs on
    an event the text does not date (印发 with no 成文日期); the sentence is kept anyway."""

    effective_on: date | None = None
    effective_text: str = ""
    valid_until: date | None = None
    validity_text: str = ""
    interpreter: str = ""
    relations: list[ParsedRelation] = field(default_factory=list)


def _n(text: str) -> int | None:
    return cn_to_int(text) if text else None


def add_years(start: date, years: int) -> date:
    """The last day of a period of ``years`` years from ``start``: 2018-09-12 + 5 → 2023-09-11
    (29 February counts to 28 February)."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28) + timedelta(days=1)
    return end - timedelta(days=1)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.findall(text or "") if s.strip()]


def effective_date(sentence: str, issued_on: date | None) -> tuple[bool, date | None]:
    """Whether ``sentence`` says when the document takes effect, and the date (from the date
    written, or ``issued_on`` for 自印发/发布之日起, plus N days for …日后施行)."""
    m = EFFECTIVE_RE.search(sentence)
    if not m:
        return False, None
    if m.group("date"):
        return True, match_date(DATE_RE.search(m.group("date")))
    if issued_on is None:
        return True, None
    after = _n(m.group("after") or "")
    return True, issued_on + timedelta(days=after) if after else issued_on


def validity_end(sentence: str, effective_on: date | None) -> tuple[bool, date | None, date | None]:
    """Whether ``sentence`` gives the validity, its last day, and a start date it writes."""
    m = SPAN_RE.search(sentence)
    if m:
        start = match_date(DATE_RE.search(m.group("from")))
        return True, match_date(DATE_RE.search(m.group("to"))), start
    m = UNTIL_RE.search(sentence)
    if m:
        return True, match_date(DATE_RE.search(m.group("date"))), None
    m = YEARS_RE.search(sentence)
    if m:
        years = _n(m.group("n"))
        return True, add_years(effective_on, years) if effective_on and years else None, None
    return False, None, None


def plan_period_end(title: str) -> date | None:
    """A plan's period in its title: 实施方案（2018—2020年） → 2020-12-31."""
    m = PLAN_PERIOD_RE.search(title or "")
    if not m:
        return None
    a, b = int(m.group("a")), int(m.group("b"))
    return date(b, 12, 31) if a <= b <= a + 30 else None


def relations_in(sentence: str, line: int = 0, own_number: str = "") -> list[ParsedRelation]:
    """The documents a sentence repeals or amends: every 《title》(文号) before the verb."""
    repeal = REPEAL_RE.search(sentence)
    amend = AMEND_RE.search(sentence)
    if not repeal and not amend:
        return []
    kind = "repeals" if repeal and (not amend or repeal.start() < amend.start()) else "amends"
    found: list[ParsedRelation] = []
    for m in REF_RE.finditer(sentence):
        number = ""
        if m.group("number"):
            cited = CITATION_RE.search(m.group("number"))
            if cited:
                number = (
                    f"{cited.group('code')}〔{cited.group('year')}〕{int(cited.group('seq'))}号"
                )
        if number and number == own_number:
            continue
        found.append(
            ParsedRelation(
                kind=kind, number=number, title=m.group("title"), text=sentence[:500], line=line
            )
        )
    return found


def read_validity(
    lines: list[tuple[int, str]],
    *,
    issued_on: date | None = None,
    titles: tuple[str, ...] = (),
    own_number: str = "",
) -> ParsedValidity:
    """A document's effective date, validity, interpreter and relations, from its body lines
    (line number, text) and its titles (the document's and an enclosed plan's).

    The last sentence that speaks of the document's effect wins (the closing provisions come
    last; an enclosed plan's own article outranks the covering notice's)."""
    found = ParsedValidity()
    for no, text in lines:
        for sentence in sentences(text):
            said, when = effective_date(sentence, issued_on)
            if said:
                found.effective_text, found.effective_on = sentence[:300], when
            if said or VALIDITY_SUBJECT_RE.search(sentence):
                given, until, start = validity_end(sentence, found.effective_on or issued_on)
                if given:
                    found.validity_text, found.valid_until = sentence[:300], until
                    if start and not found.effective_on:
                        found.effective_on, found.effective_text = start, sentence[:300]
            m = INTERPRETER_RE.search(sentence)
            if m:
                found.interpreter = m.group("who").strip()[:200]
            found.relations.extend(relations_in(sentence, no, own_number))
    if found.valid_until is None:
        for title in titles:
            end = plan_period_end(title)
            if end:
                found.valid_until, found.validity_text = end, title[:300]
                break
    # a title "关于修改《…》的决定" amends what it quotes
    for title in titles:
        if re.search(r"修改《", title):
            for rel in relations_in(title, 0, own_number):
                if not any(r.title == rel.title for r in found.relations):
                    found.relations.append(rel)
    seen: set[tuple[str, str]] = set()
    unique = []
    for rel in found.relations:
        key = (rel.kind, rel.number or rel.title)
        if key not in seen:
            seen.add(key)
            unique.append(rel)
    found.relations = unique
    return found


def dated_from(found: ParsedValidity, issued_on: date) -> ParsedValidity:
    """The same reading with the dates a document without 成文日期 takes from ``issued_on``
    (the issue's publication date): "自印发之日起施行，有效期5年" with no date of its own."""
    if found.effective_on is not None or not found.effective_text:
        return found
    _said, effective_on = effective_date(found.effective_text, issued_on)
    valid_until = found.valid_until
    if valid_until is None and found.validity_text:
        _given, valid_until, _start = validity_end(found.validity_text, effective_on)
    return replace(found, effective_on=effective_on, valid_until=valid_until)
