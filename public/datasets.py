"""The open data (开放数据): the disclosure catalogue, the documents' metadata and the published
tasks as tables. Each dataset's columns are written once here (core.tabular.Column): they give
the CSV and XLSX headers (labels), the JSON keys (keys) and the data dictionary page. The rows
come from the domain selectors, published content only, read as values() (no model instance per
row) and yielded one by one, so a download streams.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.db.models import Count, F
from django.urls import reverse

from core.tabular import Column
from disclosure import selectors as catalogue_selectors
from disclosure.models import ITEM_VALUES, DisclosureItem
from disclosure.serializers import rule_in_words
from documents import selectors as doc_selectors
from documents.kinds import KINDS, document_kind
from documents.models import Clause
from tasks import selectors as task_selectors
from tasks.models import Task, TaskAssignment


class BadFilter(ValueError):
    """A filter's value cannot be read; the message names the parameter and the value."""


# --- filters ----------------------------------------------------------------------------------


def _text(limit: int) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        value = raw.strip()
        if len(value) > limit:
            raise BadFilter(f"参数“{name}”过长（最多{limit}个字）")
        return value

    return parse


def _number(lo: int, hi: int, example: str) -> Callable[[str, str], int | None]:
    def parse(name: str, raw: str) -> int | None:
        raw = raw.strip()
        if not raw:
            return None
        if not raw.isdigit() or not lo <= int(raw) <= hi:
            raise BadFilter(f"参数“{name}”应为{example}，收到“{raw[:40]}”")
        return int(raw)

    return parse


def _choice(choices: dict[str, str]) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        raw = raw.strip()
        if raw and raw not in choices:
            allowed = "、".join(f"{k}（{v}）" for k, v in choices.items())
            raise BadFilter(f"参数“{name}”应为 {allowed} 之一，收到“{raw[:40]}”")
        return raw

    return parse


@dataclass(frozen=True)
class Filter:
    """A query parameter a download (and the page it is linked from) narrows the rows by."""

    name: str
    label: str
    description: str
    parse: Callable[[str, str], object]


YEAR = Filter("year", "年份", "公报年份，如 2018", _number(1900, 2100, "四位年份（如2018）"))
NUMBER = Filter(
    "number", "期号", "公报期号，如 6（与 year 同用即某一期）", _number(1, 999, "期号（如6）")
)
DOCUMENT = Filter(
    "document", "文件", "文件编号（documents 数据集的 id）", _number(1, 2**31, "文件编号（正整数）")
)


# --- datasets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """One downloadable table: its name (in the URL), title, what it holds, its columns, the
    filters it takes and its records (dicts keyed by column key) for parsed filters."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...]
    read: Callable[[dict, Context], Iterator[dict]]

    def parse(self, params) -> dict:
        """The filters' values from query parameters (absent ones empty); BadFilter names a
        value that cannot be read."""
        return {f.name: f.parse(f.name, params.get(f.name, "")) for f in self.filters}

    def records(self, chosen: dict, context: Context) -> Iterator[dict]:
        keys = [c.key for c in self.columns]
        for record in self.read(chosen, context):
            yield {k: record[k] for k in keys}

    def rows(self, chosen: dict, context: Context) -> Iterator[list]:
        keys = [c.key for c in self.columns]
        for record in self.read(chosen, context):
            yield [record[k] for k in keys]

    def count(self, chosen: dict, context: Context) -> int:
        return self.query(chosen, context).count()

    def query(self, chosen: dict, context: Context):
        return QUERIES[self.name](chosen, context)


@dataclass(frozen=True)
class Context:
    """What the records need from outside: the day overdue is judged on (core.dates.today())
    and how a path becomes an absolute URL."""

    today: date
    absolute: Callable[[str], str]


def _issue_label(year, number) -> str:
    return f"{year}年第{number}号"


# --- the catalogue (主动公开目录清单) ---------------------------------------------------------

CATALOGUE_COLUMNS = (
    Column("id", "事项编号", "integer", "本站为公开事项分配的编号，稳定不变", 8),
    Column("seq", "序号", "string", "目录清单中印出的序号（如“1”“（一）”）", 6),
    Column("area", "重点领域", "string", "事项所属的重点领域（清单的分组标题），可为空", 16),
    Column("item", "公开事项", "string", "公开事项名称", 24),
    Column("detail", "公开内容", "string", "应当公开的内容（要素）", 40),
    Column("timeliness", "公开时限", "string", "清单原文写明的公开时限（时效）", 30),
    Column(
        "rule",
        "公开时限（规则）",
        "string",
        "本站识别出的时限规则的文字表述，如“信息形成之日起20个工作日内”；未能识别时为原文首句",
        24,
    ),
    Column(
        "rule_kind",
        "时限规则类型",
        "string",
        "时限规则的类型",
        10,
        tuple(DisclosureItem.RuleKind.labels),
    ),
    Column("rule_n", "时限数值", "integer", "时限的数值（工作日、自然日或小时数），无则为空", 8),
    Column("rule_from", "起算事件", "string", "时限自哪一事件起算，如“信息形成”", 16),
    Column(
        "rule_by", "每年截止（月-日）", "string", "每年定期公开的截止月日（MM-DD），无则为空", 10
    ),
    Column("period", "公示期限", "string", "公示的期限，可为空", 16),
    Column("channels", "公开方式", "string", "公开的渠道和方式（网站、公开栏等）", 30),
    Column(
        "owner",
        "责任主体",
        "string",
        "负责公开的单位：已在部门名录中识别的用名录名称，否则为清单原文",
        20,
    ),
    Column(
        "owner_department_id",
        "责任部门编号",
        "integer",
        "责任主体在部门名录中的编号（本站部门页 /departments/编号/），未识别时为空",
        8,
    ),
    Column("supervision", "监督渠道", "string", "受理监督和投诉的渠道", 24),
    Column("document_number", "依据文件文号", "string", "列出本事项的文件的文号", 20),
    Column("document_title", "依据文件标题", "string", "列出本事项的文件的标题", 40),
    Column("issue", "所在期次", "string", "依据文件所在的公报期次，如“2018年第6号”", 12),
    Column("document_url", "依据文件网址", "url", "依据文件在本站的网址", 40),
)

CATALOGUE_FILTERS = (
    Filter("area", "重点领域", "只含该重点领域的事项（与清单中的领域名称完全一致）", _text(200)),
    Filter("owner", "责任主体", "只含该责任主体的事项（与“责任主体”列的值完全一致）", _text(300)),
    DOCUMENT,
)

RULE_LABELS = dict(DisclosureItem.RuleKind.choices)

CATALOGUE_VALUES = (
    *ITEM_VALUES,
    "owner_department_id",
    "document__number",
    "document__title",
    "document__slug",
    "document__issue__year",
    "document__issue__number",
)


def catalogue_query(chosen: dict, context: Context | None = None):
    return catalogue_selectors.filtered_catalogue(
        area=chosen.get("area") or "",
        owner=chosen.get("owner") or "",
        document=chosen.get("document"),
    )


def catalogue_values(qs) -> Iterator[dict]:
    """Catalogue rows (a queryset of DisclosureItem, ordered) as values, with the owner as
    listed (owner_name) and the timeliness rule in words."""
    rows = qs.values(*CATALOGUE_VALUES, owner_name=catalogue_selectors.owner_name_expression())
    for r in rows.iterator(chunk_size=1000):
        r["rule"] = rule_in_words(SimpleNamespace(**r))
        yield r


def read_catalogue(chosen: dict, context: Context) -> Iterator[dict]:
    for r in catalogue_values(catalogue_query(chosen)):
        yield {
            **{k: r[k] for k in ("id", "seq", "area", "item", "detail", "timeliness", "rule")},
            "rule_kind": str(RULE_LABELS.get(r["rule_kind"], r["rule_kind"])),
            "rule_n": r["rule_n"],
            "rule_from": r["rule_from"],
            "rule_by": r["rule_by"],
            "period": r["period"],
            "channels": r["channels"],
            "owner": r["owner_name"] or "",
            "owner_department_id": r["owner_department_id"],
            "supervision": r["supervision"],
            "document_number": r["document__number"],
            "document_title": r["document__title"],
            "issue": _issue_label(r["document__issue__year"], r["document__issue__number"]),
            "document_url": context.absolute(reverse("document", args=[r["document__slug"]])),
        }


# --- the documents' metadata ------------------------------------------------------------------

DOCUMENT_COLUMNS = (
    Column("id", "文件编号", "integer", "本站为文件分配的编号，稳定不变", 8),
    Column("issue", "期次", "string", "所在公报期次，如“2018年第6号”", 12),
    Column("issue_year", "公报年份", "integer", "所在公报的年份", 8),
    Column("issue_number", "公报期号", "integer", "所在公报当年的期号", 8),
    Column("issue_total_number", "总期号", "integer", "所在公报的总期号，未印出时为空", 8),
    Column("issue_published_on", "公报出版日期", "date", "所在公报的出版日期", 12),
    Column("order", "期内顺序", "integer", "文件在本期中的顺序（从0起）", 8),
    Column("number", "文号", "string", "发文字号，如“本政发〔2018〕13号”；没有文号时为空", 22),
    Column("title", "标题", "string", "文件标题", 40),
    Column(
        "kind",
        "文种",
        "string",
        "由标题末尾判断的公文文种（《党政机关公文处理工作条例》第八条），不能判断时为空",
        8,
        ("命令", *[k for k in KINDS if k not in ("命令", "令")]),
    ),
    Column("issuer", "发文机关", "string", "发文机关名称", 24),
    Column("signed_on", "成文日期", "date", "文件的成文日期，未识别时为空", 12),
    Column(
        "public_marking",
        "公开属性",
        "string",
        "文件标注的公开属性（如“此件公开发布”），未标注时为空",
        14,
    ),
    Column("task_count", "任务数", "integer", "本站从文件中识别出的任务数", 8),
    Column("catalogue_count", "公开事项数", "integer", "文件列出的主动公开目录事项数", 8),
    Column("url", "文件网址", "url", "文件在本站的网址", 40),
    Column("issue_url", "期次网址", "url", "所在公报期次在本站的网址", 30),
    Column("issue_pdf_url", "期次PDF", "url", "所在公报期次的 PDF 下载网址", 30),
)

DOCUMENT_FILTERS = (
    YEAR,
    NUMBER,
    Filter("issuer", "发文机关", "只含该发文机关的文件（与“发文机关”列的值完全一致）", _text(200)),
    DOCUMENT,
)


def documents_query(chosen: dict, context: Context | None = None):
    return doc_selectors.filtered_documents(
        year=chosen.get("year"),
        number=chosen.get("number"),
        issuer=chosen.get("issuer") or "",
        document=chosen.get("document"),
    )


def read_documents(chosen: dict, context: Context) -> Iterator[dict]:
    rows = (
        documents_query(chosen)
        .annotate(
            task_count=Count("tasks", distinct=True),
            catalogue_count=Count("catalogue_items", distinct=True),
        )
        .values(
            "id",
            "order",
            "number",
            "title",
            "issuer",
            "signed_on",
            "public_marking",
            "slug",
            "task_count",
            "catalogue_count",
            issue_year=F("issue__year"),
            issue_number=F("issue__number"),
            issue_total_number=F("issue__total_number"),
            issue_published_on=F("issue__published_on"),
        )
    )
    for r in rows.iterator(chunk_size=1000):
        year, number = r["issue_year"], r["issue_number"]
        yield {
            **r,
            "issue": _issue_label(year, number),
            "kind": document_kind(r["title"]),
            "url": context.absolute(reverse("document", args=[r["slug"]])),
            "issue_url": context.absolute(reverse("issue", args=[year, number])),
            "issue_pdf_url": context.absolute(reverse("issue-pdf", args=[year, number])),
        }


# --- the published tasks ----------------------------------------------------------------------

ROLE_COLUMNS = {
    TaskAssignment.Role.LEAD: "lead_departments",
    TaskAssignment.Role.SUPPORT: "support_departments",
    TaskAssignment.Role.RESPONSIBLE: "responsible_departments",
}

TASK_COLUMNS = (
    Column("id", "任务编号", "integer", "本站为任务分配的编号，稳定不变", 8),
    Column("issue", "期次", "string", "任务所在文件的公报期次，如“2018年第6号”", 12),
    Column("document_id", "文件编号", "integer", "任务所在文件的编号（documents 数据集的 id）", 8),
    Column("document_number", "文号", "string", "任务所在文件的文号", 22),
    Column("document_title", "文件标题", "string", "任务所在文件的标题", 40),
    Column("path", "条款位置", "string", "任务在文件中的位置，如“三、（二）”", 12),
    Column("heading", "标题", "string", "任务所在条款的标题，可为空", 24),
    Column("text", "任务内容", "string", "任务的原文", 60),
    Column("lead_departments", "牵头单位", "string", "牵头单位，多个以“、”分隔", 20),
    Column("support_departments", "配合单位", "string", "配合单位，多个以“、”分隔", 24),
    Column(
        "responsible_departments",
        "责任单位",
        "string",
        "未分牵头、配合时列出的责任单位，多个以“、”分隔",
        20,
    ),
    Column("deadline_text", "时限原文", "string", "文件中写明的完成时限原文，无则为空", 24),
    Column(
        "deadline_kind",
        "时限类型",
        "string",
        "本站识别出的时限类型",
        10,
        tuple(Task.DeadlineKind.labels),
    ),
    Column(
        "next_due",
        "下次截止",
        "date",
        "按时限推算的下一个截止日期（定期任务为下一次），无则为空",
        12,
    ),
    Column(
        "deadline_provisional",
        "截止日暂定",
        "boolean",
        "下次截止落在尚未公布放假安排的年份，日期可能因节假日调整而变化",
        10,
    ),
    Column("status", "状态", "string", "任务的办理状态", 8, tuple(Task.Status.labels)),
    Column("overdue", "是否逾期", "boolean", "未完成且下次截止早于“逾期判断日期”", 8),
    Column("as_of", "逾期判断日期", "date", "判断是否逾期所依据的日期（下载当天，北京时间）", 12),
    Column("url", "原文网址", "url", "任务所在条款在本站文件页中的网址", 40),
)

TASK_FILTERS = (
    YEAR,
    NUMBER,
    DOCUMENT,
    Filter(
        "department",
        "部门",
        "只含该部门（任一角色）承担的任务；部门编号见 /departments/ 各部门页的网址",
        _number(1, 2**31, "部门编号（正整数）"),
    ),
    Filter(
        "state",
        "状态",
        "只含该状态的任务："
        + "、".join(f"{k}（{v}）" for k, v in task_selectors.PUBLIC_STATES.items()),
        _choice(task_selectors.PUBLIC_STATES),
    ),
)

STATUS_LABELS = dict(Task.Status.choices)
KIND_LABELS = dict(Task.DeadlineKind.choices)


def tasks_query(chosen: dict, context: Context):
    return task_selectors.public_tasks(
        context.today,
        year=chosen.get("year"),
        number=chosen.get("number"),
        document=chosen.get("document"),
        department=chosen.get("department"),
        state=chosen.get("state") or "",
    )


def read_tasks(chosen: dict, context: Context) -> Iterator[dict]:
    rows = task_selectors.task_list_values(
        tasks_query(chosen, context), context.today, "clause__order"
    )
    for r in rows.iterator(chunk_size=1000):
        names: dict[str, list[str]] = {column: [] for column in ROLE_COLUMNS.values()}
        for a in task_selectors.departments_from_json(r["departments"]):
            names[ROLE_COLUMNS[a["role"]]].append(a["department_name"])
        url = reverse("document", args=[r["document__slug"]])
        if r["clause__order"] is not None:
            url += "#" + Clause.anchor.fget(SimpleNamespace(order=r["clause__order"]))
        yield {
            "id": r["id"],
            "issue": _issue_label(r["document__issue__year"], r["document__issue__number"]),
            "document_id": r["document_id"],
            "document_number": r["document__number"],
            "document_title": r["document__title"],
            "path": r["path"],
            "heading": r["heading"],
            "text": r["text"],
            **{k: "、".join(v) for k, v in names.items()},
            "deadline_text": r["deadline_text"],
            "deadline_kind": str(KIND_LABELS.get(r["deadline_kind"], r["deadline_kind"])),
            "next_due": r["next_due"],
            "deadline_provisional": r["deadline_provisional"],
            "status": str(STATUS_LABELS.get(r["status"], r["status"])),
            "overdue": bool(r["overdue"]),
            "as_of": context.today,
            "url": context.absolute(url),
        }


QUERIES = {"catalogue": catalogue_query, "documents": documents_query, "tasks": tasks_query}

DATASETS = {
    d.name: d
    for d in (
        Dataset(
            "catalogue",
            "主动公开目录清单",
            "已发布文件列出的政府信息主动公开事项：公开什么、多快公开、在哪里公开、由谁负责、向谁监督。",
            CATALOGUE_COLUMNS,
            CATALOGUE_FILTERS,
            read_catalogue,
        ),
        Dataset(
            "documents",
            "公报文件目录",
            "已发布各期公报所载文件的元数据：期次、文号、标题、文种、发文机关、日期和网址。",
            DOCUMENT_COLUMNS,
            DOCUMENT_FILTERS,
            read_documents,
        ),
        Dataset(
            "tasks",
            "文件任务分工",
            "已发布文件中明确的任务：牵头和配合单位、完成时限、下次截止、办理状态和是否逾期。",
            TASK_COLUMNS,
            TASK_FILTERS,
            read_tasks,
        ),
    )
}

FORMATS = {"csv": "CSV", "xlsx": "Excel（XLSX）", "json": "JSON"}
