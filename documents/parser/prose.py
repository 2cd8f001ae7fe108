"""Duties written in prose (正文中的职责表述) that close no responsibility parenthetical.

Three forms, each only where the document states a duty, never where it merely mentions a
department or states a goal:

- a department's duty sentence: 农业部门负责统筹…, 财政部门负责将… (subject + 负责/牵头), taken
  only from text that no parenthetical already covers;
- a dated duty: …于2018年9月30日前报市财政局备案 / 每年9月30日前将…报送 / 每季度末向…上报, whose
  department is the sentence's subject, or the previous sentence's in the same paragraph;
- a dated milestone: a heading with its date ((三)检查验收阶段(2019年12月底前)) or a dash item
  (——2019年9月底前,完成全市“两区”划定任务; ——2018年,完成…工作), one per date when an item
  names several (…任务,2019年底前逐级完成划定验收工作);
- a rule relative to an event: …自作出行政决定之日起7个工作日内上网公开, 24小时内召开新闻发布会;
  inside a parenthetical task's text its department is that parenthetical's.

Goal statements (到2020年…达到…, 主要目标) are not duties.
"""

from __future__ import annotations

import re
from datetime import date

from .deadlines import parse_deadline
from .model import DeadlineSpec, ParsedAssignment, ParsedClause, ParsedTask
from .responsibility import DEADLINE_LABELS, LABEL_RE, looks_like_department, split_names

SENTENCE_RE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
# 各县(区)、有关部门要 / 农业部门负责 / 两县农业部门会同国土部门 / 市政府有关部门要
_ONE = (
    r"(?:各[县区市][（(][\u4e00-\u9fff、]{1,6}[）)]|两县|各县|县区"
    r"|[^\x00-\x7f的由将对在以把从及其、，,。；;：:]{2,14}?(?:部门|局|委|办|政府|单位))"
)
SUBJECT = rf"(?P<subj>{_ONE}(?:[、和及与]{_ONE})*)"
SUBJECT_RE = re.compile(
    rf"^{SUBJECT}(?P<verb>要|应当|应|须|必须|负责|牵头|会同|按照|每年|每季度|于)"
)
# a subject that starts a clause inside the sentence: …铺开后,两县农业部门会同国土部门每季度末…
INNER_SUBJECT_RE = re.compile(
    rf"[,，]{SUBJECT}(?:要|应当|应|须|必须|负责|牵头|会同|每年|每季度|于)"
)
DUTY_VERB_RE = re.compile(r"^(?:负责|牵头)")
ACTION_RE = re.compile(
    r"报送|上报|报|完成|制定|设立|建立|公开|公布|提交|备案|开展|汇报|通报|组织|发布|召开|答复"
)
# Where a sentence or dash item names a second date: …划定任务,2019年底前逐级完成…
NEXT_DATE_RE = re.compile(
    r"[,，](?=\s*(?:\d{4}\s*年|\d{1,3}\s*(?:个)?(?:工作日|自然日|小时|日|天)\s*(?:内|之内|以内)))"
)
# ——2018年,完成水稻生产功能区划定和上图入库工作: the year is the deadline
YEAR_ITEM_RE = re.compile(r"^(?P<y>\d{4})\s*年\s*[,，]\s*(?:完成|实现|建成|全面完成|基本完成)")
GOAL_RE = re.compile(r"^(?:到|至)\s*\d{4}\s*年|达到|目标")
MILESTONE_HEADING_RE = re.compile(
    r"^(?P<name>.+?)[(（](?P<when>[^()（）]*\d{4}\s*年[^()（）]*前)[)）]$"
)
DASH_RE = re.compile(r"^[—－-]{1,2}\s*")
LABELLED_RE = re.compile(rf"^\s*(?:{LABEL_RE.pattern}|(?:{DEADLINE_LABELS})\s*[:：])")
QUALIFIER_RE = re.compile(
    r"^(?:两县|各县(?:[（(]区[）)])?|县级|市级|各级|市、县)(?=[\u4e00-\u9fff]{2,8}部门$)"
)
# 会同 joins a second department to the subject: 两县农业部门会同国土部门每季度末…
JOINT_RE = re.compile(r"^会同(?P<with>[\u4e00-\u9fff]{2,12}?(?:部门|局|委|办))")


# Who a duty sentence can name: a functional department in its generic form (农业部门), a
# named department (市财政局), a county government or a group — not 主管单位 or 各级…管理部门.
FUNCTIONS = (
    "农业|农业农村|国土|国土资源|自然资源|发展改革|财政|水务|水利|统计|民政|教育|卫生|卫生计生|卫生健康|环保|"
    "生态环境|公安|交通运输|林业|住房城乡建设|住建|商务|审计|税务|人社|人力资源社会保障|文化|文化旅游|体育|"
    "旅游|工业和信息化|工信|市场监管|应急管理|司法行政|科技|金融|城乡规划|规划"
)
DUTY_SUBJECT_RE = re.compile(
    rf"^(?:(?:{FUNCTIONS})(?:主管|行政)?部门|市[^各级\s]{{1,14}}(?:局|委|办|中心)|[\u4e00-\u9fff]{{1,8}}(?:区|县)政府"
    r"|各县[（(]区[）)](?:政府)?|各县区政府|(?:市政府)?(?:有关|相关)部门|各有关部门)$"
)


def is_duty_subject(name: str) -> bool:
    return bool(DUTY_SUBJECT_RE.match(name))


def _names(subject: str) -> list[str]:
    names = []
    for name in split_names(subject):
        name = QUALIFIER_RE.sub("", name)
        if looks_like_department(name) or re.fullmatch(
            r"各[县区市][（(][\u4e00-\u9fff、]{1,6}[）)]", name
        ):
            names.append(name)
    return names


def _deadline(text: str, ref_year: int | None, relative: bool = False) -> DeadlineSpec | None:
    spec = parse_deadline(text, ref_year=ref_year, strict=True)
    if spec is not None and relative and spec.kind == "relative":
        return spec
    if spec is None:
        m = YEAR_ITEM_RE.match(text)
        if m:
            year = int(m.group("y"))
            return DeadlineSpec(kind="due", text=f"{year}年", due=date(year, 12, 31))
        return None
    if spec.kind not in ("due", "recurring"):
        return None
    if spec.kind == "due" and "前" not in spec.text and "底" not in spec.text:
        return None
    return spec


def _task(text, heading, clause, names, deadline, role="responsible") -> ParsedTask:
    return ParsedTask(
        text=text.strip(),
        heading=heading,
        path=clause.path,
        clause_key=clause.key,
        assignments=[ParsedAssignment(name=n, role=role) for n in dict.fromkeys(names)],
        deadline=deadline,
        raw="",
        line=clause.line,
        origin="prose",
    )


def default_department(clauses: list[ParsedClause]) -> list[str]:
    """Who carries a document's unattributed milestones: the office it names (办公室设在市农委)."""
    for clause in clauses:
        m = re.search(r"办公室设在(?P<who>[\u4e00-\u9fff]{2,12}?(?:局|委|办|厅))", clause.text)
        if m:
            return [m.group("who")]
    return ["有关部门"]


def extract_prose_tasks(
    clauses: list[ParsedClause],
    covered: set[int],
    paren_deadline_texts: set[str],
    ref_year: int | None,
    paren_tasks: list[ParsedTask] | None = None,
) -> list[ParsedTask]:
    """Prose duties of a document's outline.

    ``covered`` are the keys of clauses whose text a parenthetical task already took (their
    duty sentences are that task's), ``paren_deadline_texts`` the deadline phrases those tasks
    already carry, so the same date does not become a second task; ``paren_tasks`` those
    tasks, whose departments carry a rule written inside their text.
    """
    by_key = {c.key: c for c in clauses}
    # Rules relative to an event (…之日起7个工作日内公开) are duties in an opinion or notice; in
    # articles (第一条…: 办法, 规则, 细则) they are standing procedure, not tasks to follow up.
    relative = not any(c.kind == "article" for c in clauses)
    paren_names: dict[int, list[list[str]]] = {}
    for t in paren_tasks or []:
        if t.raw and not t.raw.startswith(("牵头", "配合", "责任")):
            paren_names.setdefault(t.clause_key, []).append([a.name for a in t.assignments])
    fallback = default_department(clauses)
    tasks: list[ParsedTask] = []

    def heading_of(clause: ParsedClause) -> str:
        node = clause
        while node is not None:
            if node.kind != "paragraph" and node.heading:
                return MILESTONE_HEADING_RE.sub(lambda m: m.group("name"), node.heading)
            node = by_key.get(node.parent_key) if node.parent_key is not None else None
        return ""

    for clause in clauses:
        # a dated milestone in a heading: (三)检查验收阶段(2019年12月底前)
        m = MILESTONE_HEADING_RE.match(clause.heading) if clause.kind != "paragraph" else None
        if m:
            spec = _deadline(m.group("when"), ref_year)
            if spec:
                text = clause.text or m.group("name")
                subject = SUBJECT_RE.match(clause.text or "")
                names = _names(subject.group("subj")) if subject else []
                tasks.append(_task(text, m.group("name"), clause, names or fallback, spec))
        body = clause.text
        if not body or (clause.key in covered and LABELLED_RE.match(body)):
            continue  # a labelled field line (完成时限：…) already closed its task
        # a dash item with a date: ——2019年9月底前,完成全市“两区”划定任务
        if DASH_RE.match(body):
            whole = DASH_RE.sub("", body)
            if re.match(r"^(?:到|至|从)", whole):
                continue
            subject = SUBJECT_RE.match(whole)
            names = _names(subject.group("subj")) if subject else []
            for item in _pieces(whole):
                spec = _deadline(item, ref_year)
                if spec and ACTION_RE.search(item):
                    tasks.append(_task(item, heading_of(clause), clause, names or fallback, spec))
            continue
        subject_names: list[str] = []
        hints = paren_names.get(clause.key, [])
        for sentence, hint in _sentences(body, hints):
            sentence = sentence.strip()
            if not sentence:
                continue
            subject = SUBJECT_RE.match(sentence)
            if subject:
                names = _names(subject.group("subj"))
                rest = sentence[subject.end("subj") :]
                joint = JOINT_RE.match(rest)
                if joint:
                    names += _names(joint.group("with"))
                if names:
                    subject_names = names
            if GOAL_RE.search(sentence[:12]):
                continue
            spec = _deadline(sentence, ref_year, relative=relative)
            pieces = _pieces(sentence) if spec is not None and spec.kind == "relative" else []
            if spec is not None:
                if not ACTION_RE.search(sentence) or (
                    spec.text in paren_deadline_texts and len(pieces) < 2
                ):
                    continue
                inner = [
                    m
                    for m in INNER_SUBJECT_RE.finditer(sentence)
                    if m.start() < sentence.find(spec.text)
                ]
                if inner:
                    names = _names(inner[-1].group("subj"))
                    joint = JOINT_RE.match(sentence[inner[-1].end("subj") :])
                    if joint:
                        names += _names(joint.group("with"))
                    subject_names = names or subject_names
                trigger = None
                pieces = pieces if len(pieces) > 1 else [sentence]
                for piece in pieces:
                    each = _deadline(piece, ref_year, relative=True) if len(pieces) > 1 else spec
                    if each is None:
                        continue
                    if each.kind == "relative":  # 5小时内发布,24小时内召开: one event
                        each = each.replace(trigger=each.trigger or trigger)
                        trigger = each.trigger
                    if each.text in paren_deadline_texts or not ACTION_RE.search(piece):
                        continue
                    names = subject_names or hint or fallback
                    tasks.append(_task(piece, heading_of(clause), clause, names, each))
                continue
            if clause.key in covered or not subject:
                continue
            rest = sentence[subject.end("subj") :]
            if (
                DUTY_VERB_RE.match(rest)
                and subject_names
                and all(map(is_duty_subject, subject_names))
            ):
                role = "lead" if rest.startswith("牵头") else "responsible"
                tasks.append(_task(sentence, heading_of(clause), clause, subject_names, None, role))
    return tasks


PAREN_DUTY_RE = re.compile(r"[(（][^()（）]*(?:牵头|负责|配合|责任)[^()（）]*[)）]")


def _without_parentheticals(text: str) -> str:
    return PAREN_DUTY_RE.sub("。", text)


def _sentences(body: str, hints: list[list[str]]):
    """(sentence, departments of the parenthetical that closes it, or []) of a clause's text."""
    start = 0
    for k, m in enumerate(PAREN_DUTY_RE.finditer(body)):
        hint = hints[k] if k < len(hints) else []
        for sentence in SENTENCE_RE.findall(body[start : m.start()]):
            yield sentence, hint
        start = m.end()
    for sentence in SENTENCE_RE.findall(body[start:]):
        yield sentence, []


def _pieces(text: str) -> list[str]:
    """A duty that names a second date splits there: one milestone per date."""
    return [p.strip() for p in NEXT_DATE_RE.split(text) if p.strip()]
