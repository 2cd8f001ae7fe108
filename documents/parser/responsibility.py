"""Responsibility parentheticals (责任分工括注) to departments with roles and a deadline.

Forms handled, ASCII or full-width punctuation alike:
  (市财政局牵头,市发展改革委、市国土资源局等部门配合;2019年2月基本完成并逐步完善)
  (各县区政府负责;2018年基本完成)
  (责任部门:市卫生计生委、市发展改革委,列在首位的部门为牵头部门,下同)
  (责任单位:市民政局、市工商局,各县区政府)
  (牵头单位:市民政局、市财政局,配合单位:有关部门)
  (市政府相关部门按职责分工牵头负责)
  (市民政局牵头,市教育局、市人社局按职责分工负责)
  (国家发展改革委会同有关部门负责)                       X lead, Y support
  (国家发展改革委、财政部负责,列第一位者为牵头单位,下同)  first named leads, here and below
  (人力资源社会保障部等有关部门和单位按职责分工负责)       the named one plus the group
  (牵头单位:市发展改革委,配合单位:市财政局,各区、县级市;时间进度:2020年底前)
A "等" that leaves departments unnamed is dropped and noted on the task for review.
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
    r"(?P<label>牵头责任单位|牵头责任部门|协同责任单位|配合责任单位|责任部门|责任单位|牵头单位|牵头部门|"
    r"主办单位|主责单位|配合单位|配合部门|协办单位|协同单位|协同部门|协作单位|参与单位|参与部门|"
    r"协助单位)\s*[:：]"
)
LABEL_ROLE = {
    "牵头责任单位": "lead",
    "牵头责任部门": "lead",
    "协同责任单位": "support",
    "配合责任单位": "support",
    "协同单位": "support",
    "协同部门": "support",
    "协作单位": "support",
    "参与部门": "support",
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
# Labels of a deadline field (完成时限：…), inside a parenthetical or on a line of its own.
DEADLINE_LABELS = "完成时限|完成时间|完成期限|时限要求|时间要求|时间节点|时间进度|进度安排"
DEADLINE_LABEL_RE = re.compile(rf"(?:{DEADLINE_LABELS}|时限)\s*[:：]?\s*(?P<when>.+)$")
# The first-listed-lead declaration (列第一位者为牵头单位 / 排在第一位的部门为牵头部门 /
# 排在首位的为牵头单位 / 列在首位的部门为牵头部门), usually with 下同: it holds for the rest.
FIRST_IS_LEAD_RE = re.compile(
    r"(?:各项任务中|以上|以下|上述)?(?:列|排|排列|排名)(?:在)?(?:首位|第一位|第一)(?:者|的)?(?:部门|单位)?"
    r"(?:为|是)牵头(?:部门|单位)"
)
# X会同Y负责: X leads, Y supports.
JOINT_RE = re.compile(
    r"^(?:由)?(?P<lead>[^,]+?)会同(?P<with>[^,]+?)\s*"
    r"(?P<how>按职责分工|按照职责分工|按职责|分别|共同|各自)?\s*"
    r"(?P<verb>牵头负责|负责落实|负责|落实|组织实施|实施|推进)$"
)
# …等有关部门和单位: the named department plus the group (部门和单位 names a group of its own)
ETC_GROUP_RE = re.compile(r"等(?P<group>(?:有关|相关|其他)(?:部门|单位)和(?:有关|相关)?单位)$")
ETC_RE = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|机构)?$")
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
    r"残联|妇联|团市委|总工会|工会|科协|法院|检察院|管委会|委员会|办公室|队|站|所|台|社|馆|校|团|"
    r"工商联|侨联|台联|文联|社科联|海关|人行)$"
    # a district or county by name (越秀区, 桓仁县, 平山区): a government of the county level
    r"|^[\u4e00-\u9fff]{2,6}(?:区|县|自治县|县级市|旗)$"
)
# 各区、县级市 / 各有关区、县级市 / 各县、自治县: a level word after a 各… list is one group
LEVEL_WORD_RE = re.compile(r"^(?:县级市|县|区|市|自治县|旗|乡|镇|乡镇|街道)(?:人民政府|政府)?$")
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


ETC_NOTE = "分工中“{}”后有“等”，未列明的单位没有导入，请审核"


def etc_note(names_text: str) -> str | None:
    """The note for a list that ends in 等 (…等, …等部门): the unnamed rest is not imported."""
    text = names_text.strip(",")
    if ETC_GROUP_RE.search(text) or not ETC_RE.search(text):
        return None
    named = ETC_RE.sub("", text).split("、")[-1].split(",")[-1]
    return ETC_NOTE.format(named) if named else None


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
    for part in re.split(r"[、,]|[和及与](?=[市各区县省]|国家|国务院)", text):
        part = part.strip()
        for key, group in holders.items():
            part = part.replace(key, group)
        group = ETC_GROUP_RE.search(part)
        if group:
            part = part[: group.start()]
        part = TRAILING_ETC_RE.sub("", part).strip()
        part = re.sub(r"^(?:由|请)", "", part)
        if part and names and LEVEL_WORD_RE.match(part) and names[-1].startswith("各"):
            names[-1] = f"{names[-1]}、{part}"
        elif part:
            names.append(part)
        if group:
            names.append(group.group("group"))
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
    """Parse the inside of a parenthetical. Raises NotResponsibility or UnreadableResponsibility.

    ``first_is_lead``: an earlier 列第一位者为牵头单位，下同 holds, so the first department of a
    list with no lead named leads and the others support.
    """
    text = normalize_punct(content)
    declares = bool(FIRST_IS_LEAD_RE.search(text))
    if not ROLE_WORDS_RE.search(FIRST_IS_LEAD_RE.sub("", text)):
        raise NotResponsibility(content)
    segments = [s for s in text.split(";") if s]
    assignments: list[ParsedAssignment] = []
    notes: list[str] = []
    deadline: DeadlineSpec | None = None
    responsibility_seen = False
    for seg in segments:
        # Drop the rule note first, remembering what it says: (X、Y负责,列第一位者为牵头单位,下同)
        seg = FIRST_IS_LEAD_RE.sub("", seg)
        seg = re.sub(r"(?:^|,)下同(?=,|$)", "", seg).strip(",")
        if not seg:
            continue
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
                spec = spec.replace(text=clauses.pop())
                deadline = deadline or spec
            seg = ",".join(clauses)
        if not ROLE_WORDS_RE.search(seg):
            deadline = deadline or _deadline(seg, ref_year)
            continue
        responsibility_seen = True
        if LABEL_RE.search(seg):
            _parse_labeled(seg, assignments, first_is_lead or declares, notes)
        else:
            _parse_verbs(seg, assignments, notes)
    if not responsibility_seen or not assignments:
        raise UnreadableResponsibility("括注中没有可识别的责任部门")
    if (first_is_lead or declares) and all(a.role == "responsible" for a in assignments):
        for i, a in enumerate(assignments):
            a.role = "lead" if i == 0 else "support"
    return Responsibility(
        assignments=assignments, deadline=deadline, first_is_lead=declares, notes=notes
    )


def _deadline(text: str, ref_year: int | None) -> DeadlineSpec:
    spec = parse_deadline(text, ref_year=ref_year)
    if spec is None:
        raise UnreadableResponsibility(f"无法识别的时限“{text}”")
    return spec.replace(text=text)


def _parse_labeled(
    seg: str, out: list[ParsedAssignment], first_is_lead: bool, notes: list[str]
) -> None:
    marks = list(LABEL_RE.finditer(seg))
    if marks[0].start() != 0 and seg[: marks[0].start()].strip(","):
        raise UnreadableResponsibility(f"标签前有无法识别的内容“{seg[: marks[0].start()]}”")
    has_lead_label = any(LABEL_ROLE[m.group("label")] == "lead" for m in marks)
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(seg)
        body = seg[m.end() : end].strip(",")
        role = LABEL_ROLE[m.group("label")]
        _note_etc(body, notes)
        names = split_names(body)
        if role == "responsible" and first_is_lead and not has_lead_label and names:
            _add(out, names[:1], "lead")
            _add(out, names[1:], "support")
        else:
            _add(out, names, role)


ETC_BEFORE_VERB_RE = re.compile(
    r"等(?:有关|相关|其他)?(?:部门|单位|机构)?(?=按|负责|牵头|配合|参与|落实|协助|协同|共同|分别|各自|[,，;；]|$)"
)


def _note_etc(text: str, notes: list[str]) -> None:
    m = ETC_BEFORE_VERB_RE.search(text)
    if m is None or ETC_GROUP_RE.search(text[: m.end() + 8]):
        return
    named = re.split(r"[、,]", text[: m.start()])[-1]
    note = ETC_NOTE.format(named)
    if named and note not in notes:
        notes.append(note)


def _parse_verbs(seg: str, out: list[ParsedAssignment], notes: list[str]) -> None:
    """Clauses that each end with a verb; names without one wait for the next verb."""
    waiting: list[str] = []
    for clause in [c for c in seg.split(",") if c]:
        joint = JOINT_RE.match(clause)
        if joint and not waiting:
            _note_etc(joint.group("with"), notes)
            _add(out, split_names(joint.group("lead")), "lead")
            _add(out, split_names(joint.group("with")), "support")
            continue
        m = VERB_RE.match(clause)
        if not m:
            if all(looks_like_department(n) for n in split_names(clause)):
                _note_etc(clause, notes)
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
        _note_etc(clause, notes)
        names = [n for w in waiting for n in split_names(w)] + split_names(m.group("names"))
        waiting = []
        _add(out, names, role)
    if waiting:
        raise UnreadableResponsibility(f"无法识别的分工表述“{','.join(waiting)}”")
