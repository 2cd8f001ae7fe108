"""Responsibility parentheticals (责任分工括注) to departments with roles and a deadline.

Forms handled, ASCII or full-width punctuation alike:
  (市财政局牵头,市发展改革委、市国土资源局等部门配合;2019年2月基本完成并逐步完善)
  (各县区政府负责;2018年基本完成)
  (责任部门:市卫生计生委、市发展改革委,列在首位的部门为牵头部门,下同)
  (责任单位:市民政局、市工商局,各县区政府)
  (牵头单位:市民政局、市财政局,配合单位:有关部门)
  (市政府相关部门按职责分工牵头负责)
  (市民政局牵头,市教育局、市人社局按职责分工负责)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .deadlines import parse_deadline
from .model import DeadlineSpec, ParsedAssignment

ROLE_WORDS_RE = re.compile(
    r"牵头|负责|配合|责任部门|责任单位|牵头单位|牵头部门|配合单位|配合部门|协办单位|主办单位|承办单位|参与单位"
)
LABEL_RE = re.compile(
    r"(?P<label>责任部门|责任单位|牵头单位|牵头部门|主办单位|主责单位|配合单位|配合部门|协办单位|参与单位|协助单位)\s*[:：]"
)
LABEL_ROLE = {
    "责任部门": "responsible",
    "责任单位": "responsible",
    "牵头单位": "lead",
    "牵头部门": "lead",
    "主办单位": "lead",
    "主责单位": "lead",
    "配合单位": "support",
    "配合部门": "support",
    "协办单位": "support",
    "参与单位": "support",
    "协助单位": "support",
}
# An unlabeled clause ends with its verb: 牵头 / 负责 / 配合 ...
VERB_RE = re.compile(
    r"^(?:由)?(?P<names>.+?)(?:等(?:有关|相关)?(?:部门|单位))?\s*"
    r"(?P<how>按职责分工|按照职责分工|按职责|分别|共同|各自)?\s*"
    r"(?P<verb>牵头负责|牵头落实|牵头|负责落实|负责|抓好落实|落实|配合落实|配合|参与|协助|协同)$"
)
DEADLINE_LABEL_RE = re.compile(
    r"(?:完成时限|完成时间|时限要求|时间要求|时间节点|时限)\s*[:：]?\s*(?P<when>.+)$"
)
FIRST_IS_LEAD_RE = re.compile(r"列(?:在)?(?:首位|第一位)的(?:部门|单位)为牵头(?:部门|单位)")
SAME_BELOW_RE = re.compile(r"^下同$")
# Groups written with 、 inside must not be split: 各区、县级市.
PROTECTED_GROUPS = [
    "各区、县级市",
    "各县、自治县、区人民政府",
    "各自治县、区人民政府",
    "各县(市、区)",
    "各县(市、区)政府",
    "市、县(区)政府",
    "市、县(区)政府部门",
    "省、市有关部门",
    "市、县两级政府",
]
TRAILING_ETC_RE = re.compile(r"(?:等(?:有关|相关)?(?:部门|单位|机构)?|等)$")
DEPT_SUFFIX_RE = re.compile(
    r"(?:局|委|办|厅|部|院|署|会|中心|政府|部门|单位|机构|分局|支行|分行|银行|协会|联合会|公司|集团|本钢|"
    r"残联|妇联|团市委|总工会|工会|科协|法院|检察院|管委会|委员会|办公室|队|站|所|台|社|馆|校|团)$"
)
GROUP_RE = re.compile(
    r"^(?:各|有关|相关|市有关|市相关|市政府有关|市政府相关|各有关|各相关|各级|县级)"
)


def normalize_punct(text: str) -> str:
    return (
        text.replace("（", "(")
        .replace("）", ")")
        .replace("，", ",")
        .replace("；", ";")
        .replace("：", ":")
        .replace(" ", "")
        .replace("\u3000", "")
        .replace("\xa0", "")
    )


@dataclass
class Responsibility:
    assignments: list[ParsedAssignment]
    deadline: DeadlineSpec | None
    first_is_lead: bool = False
    notes: list[str] = field(default_factory=list)


class NotResponsibility(Exception):
    """The parenthetical is prose (以下简称…, 含区,下同 …), not an assignment."""


class UnreadableResponsibility(Exception):
    """It speaks of 牵头/负责 but its departments cannot be read; warn, keep the raw text."""


def looks_like_department(name: str) -> bool:
    if not name or len(name) > 40:
        return False
    if re.search(r"[。;:,\d]", name):
        return False
    return bool(DEPT_SUFFIX_RE.search(name) or GROUP_RE.match(name))


def split_names(text: str) -> list[str]:
    """Split a list of departments on 、 and , keeping protected groups whole."""
    holders: dict[str, str] = {}
    for i, group in enumerate(sorted(PROTECTED_GROUPS, key=len, reverse=True)):
        key = f"\x00{i}\x00"
        if group in text:
            text = text.replace(group, key)
            holders[key] = group
    names = []
    for part in re.split(r"[、,]|[和及与](?=[市各区县省])", text):
        part = part.strip()
        for key, group in holders.items():
            part = part.replace(key, group)
        part = TRAILING_ETC_RE.sub("", part).strip()
        part = re.sub(r"^(?:由|请)", "", part)
        if part:
            names.append(part)
    return names


def _add(out: list[ParsedAssignment], names: list[str], role: str) -> None:
    seen = {a.name for a in out}
    for name in names:
        if not looks_like_department(name):
            raise UnreadableResponsibility(f"无法识别的部门名称“{name}”")
        if name not in seen:
            out.append(ParsedAssignment(name=name, role=role))
            seen.add(name)


def parse_responsibility(
    content: str, first_is_lead: bool = False, ref_year: int | None = None
) -> Responsibility:
    """Parse the inside of a parenthetical. Raises NotResponsibility or UnreadableResponsibility."""
    text = normalize_punct(content)
    if not ROLE_WORDS_RE.search(text):
        raise NotResponsibility(content)
    segments = [s for s in text.split(";") if s]
    assignments: list[ParsedAssignment] = []
    deadline: DeadlineSpec | None = None
    sets_first_is_lead = False
    responsibility_seen = False
    for seg in segments:
        # a deadline may be labelled (完成时限:…) or follow the departments after a comma
        m = DEADLINE_LABEL_RE.search(seg)
        if m and ROLE_WORDS_RE.search(seg[: m.start()]):
            deadline = deadline or _deadline(m.group("when"), ref_year)
            seg = seg[: m.start()].rstrip(",")
        if ROLE_WORDS_RE.search(seg):
            clauses = seg.split(",")
            while len(clauses) > 1 and not ROLE_WORDS_RE.search(clauses[-1]):
                spec = parse_deadline(clauses[-1], ref_year=ref_year)
                if spec is None:
                    break
                spec.text = clauses.pop()
                deadline = deadline or spec
            seg = ",".join(clauses)
        if not ROLE_WORDS_RE.search(seg):
            deadline = deadline or _deadline(seg, ref_year)
            continue
        responsibility_seen = True
        # Drop rule notes, remembering what they say.
        if FIRST_IS_LEAD_RE.search(seg):
            sets_first_is_lead = True
            seg = FIRST_IS_LEAD_RE.sub("", seg)
        seg = re.sub(r",?下同$", "", seg).strip(",")
        if LABEL_RE.search(seg):
            _parse_labeled(seg, assignments, first_is_lead or sets_first_is_lead)
        else:
            _parse_verbs(seg, assignments)
    if not responsibility_seen or not assignments:
        raise UnreadableResponsibility("括注中没有可识别的责任部门")
    return Responsibility(
        assignments=assignments, deadline=deadline, first_is_lead=sets_first_is_lead
    )


def _deadline(text: str, ref_year: int | None) -> DeadlineSpec:
    spec = parse_deadline(text, ref_year=ref_year)
    if spec is None:
        raise UnreadableResponsibility(f"无法识别的时限“{text}”")
    spec.text = text
    return spec


def _parse_labeled(seg: str, out: list[ParsedAssignment], first_is_lead: bool) -> None:
    marks = list(LABEL_RE.finditer(seg))
    if marks[0].start() != 0 and seg[: marks[0].start()].strip(","):
        raise UnreadableResponsibility(f"标签前有无法识别的内容“{seg[: marks[0].start()]}”")
    has_lead_label = any(LABEL_ROLE[m.group("label")] == "lead" for m in marks)
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(seg)
        body = seg[m.end() : end].strip(",")
        role = LABEL_ROLE[m.group("label")]
        names = split_names(body)
        if role == "responsible" and first_is_lead and not has_lead_label and names:
            _add(out, names[:1], "lead")
            _add(out, names[1:], "support")
        else:
            _add(out, names, role)


def _parse_verbs(seg: str, out: list[ParsedAssignment]) -> None:
    """Clauses that each end with a verb; names without one wait for the next verb."""
    waiting: list[str] = []
    for clause in [c for c in seg.split(",") if c]:
        m = VERB_RE.match(clause)
        if not m:
            if all(looks_like_department(n) for n in split_names(clause)):
                waiting.append(clause)
                continue
            raise UnreadableResponsibility(f"无法识别的分工表述“{clause}”")
        verb = m.group("verb")
        if verb.startswith("牵头"):
            role = "lead"
        elif verb in ("配合", "配合落实", "参与", "协助", "协同"):
            role = "support"
        else:  # 负责 / 落实: the responsible unit, or a supporter once a lead is named
            role = "support" if any(a.role == "lead" for a in out) else "responsible"
        names = [n for w in waiting for n in split_names(w)] + split_names(m.group("names"))
        waiting = []
        _add(out, names, role)
    if waiting:
        raise UnreadableResponsibility(f"无法识别的分工表述“{','.join(waiting)}”")
