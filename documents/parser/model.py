"""Plain dataclasses the gazette parser produces (no Django here).

The import service maps these onto the models; tests and benchmarks use them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# A deadline as written is the deadline engine's spec: one type from the parser to the models.
from workdays.engine import DeadlineSpec

from .validity import ParsedRelation, ParsedValidity  # noqa: F401 (the parser's dataclasses)


class ParseError(ValueError):
    """Input that cannot be read as a gazette issue or document.

    ``line`` is 1-based where the problem has a place in the text.
    """

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"第{line}行：{message}" if line else message)


@dataclass
class ParseWarning:
    """Something the parser saw but could not place; kept with its raw text."""

    line: int
    message: str
    raw: str = ""

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message, "raw": self.raw}


@dataclass
class ParsedAssignment:
    """A department named on a task, as written, with its role (lead/support/responsible)."""

    name: str
    role: str


@dataclass
class ParsedTask:
    """One duty: the text since the previous responsibility parenthetical, and who does it."""

    text: str
    heading: str
    path: str
    clause_key: int
    assignments: list[ParsedAssignment]
    deadline: DeadlineSpec | None
    raw: str
    line: int
    origin: str = "parenthetical"
    notes: list[str] = field(default_factory=list)
    forwarded: bool = False  # from a forwarded (转发) higher body's text: departments as written

    def names(self, role: str) -> list[str]:
        return [a.name for a in self.assignments if a.role == role]


@dataclass
class ParsedClause:
    """A node of a document's outline: 第一章, 一、, (一), 1., (1), 第一条, or a paragraph."""

    key: int
    parent_key: int | None
    kind: str
    label: str
    heading: str
    text: str
    path: str
    order: int
    line: int


@dataclass
class ParsedCitation:
    """Another document's number cited in the text, with the title quoted before it."""

    number: str
    title: str = ""
    line: int = 0


@dataclass
class ParsedAttachment:
    label: str
    title: str
    text: str
    line: int


@dataclass
class CatalogueRule:
    """How fast a catalogue item must be published (公开时效) as a rule.

    kind: working_days / days / hours / annual / text; ``trigger`` is the event (自…之日起).
    """

    kind: str
    n: int | None = None
    trigger: str | None = None
    by: str | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "n": self.n, "from": self.trigger, "by": self.by}


@dataclass
class ParsedCatalogueRow:
    """A row of the 主动公开目录清单, rebuilt from the flattened table."""

    seq: str
    area: str
    item: str
    detail: str
    timeliness: str
    rule: CatalogueRule
    period: str
    channels: str
    owner: str
    supervision: str
    line: int


@dataclass
class DocumentNumber:
    """A document number (文号) such as 本政发〔2018〕13号, split into its parts."""

    whole: str
    code: str
    year: int
    seq: int


@dataclass
class ParsedDocument:
    issuer: str
    number: DocumentNumber | None
    title: str
    addressees: str = ""
    header: str = ""
    signatories: list[str] = field(default_factory=list)
    signed_on: date | None = None
    public: bool | None = None
    public_marking: str = ""
    enclosure_title: str = ""
    body: str = ""
    clauses: list[ParsedClause] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    citations: list[ParsedCitation] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    catalogue: list[ParsedCatalogueRow] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    first_line: int = 0
    last_line: int = 0
    # 转发: the forwarded text is a document of its own; ``forwarded_by`` is the index (in the
    # issue's documents) of the notice that forwards it.
    forwarded_by: int | None = None
    forwards: str = ""  # on the forwarding notice: the forwarded text's title as quoted
    forwards_by: str = ""  # and the bodies named before the quote, when they are organs
    # 施行日期, 有效期, and the earlier documents it repeals or amends (parser/validity.py)
    validity: ParsedValidity = field(default_factory=ParsedValidity)

    def missing(self) -> list[str]:
        """The parts of a 公文 (GB/T 9704-2012) this copy lacks, for the review to show."""
        return missing_elements(
            number=bool(self.number),
            header=bool(self.header),
            addressees=bool(self.addressees),
            signatories=bool(self.signatories),
            signed_on=self.signed_on is not None,
            forwarded=self.forwarded_by is not None,
        )


def missing_elements(
    *,
    number: bool,
    header: bool,
    addressees: bool,
    signatories: bool,
    signed_on: bool,
    forwarded: bool,
) -> list[str]:
    """What a copy of a 公文 lacks: 文号, 发文机关标志, 主送机关, 署名, 成文日期. A forwarded text
    is printed under the notice, without a header or addressees of its own."""
    lacks = [] if number else ["文号"]
    if not header and not forwarded:
        lacks.append("发文机关标志")
    if not addressees and not forwarded:
        lacks.append("主送机关")
    if not signatories:
        lacks.append("署名")
    if not signed_on:
        lacks.append("成文日期")
    return lacks


@dataclass
class TocEntry:
    title: str
    number: str
    section: str


@dataclass
class ParsedIssue:
    """An issue (公报期次) and its documents; issue fields are None for a lone document."""

    title: str | None
    year: int | None
    number: int | None
    total_number: int | None
    published_on: date | None
    toc: list[TocEntry] = field(default_factory=list)
    documents: list[ParsedDocument] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    @property
    def is_issue(self) -> bool:
        return self.year is not None and self.number is not None

    def all_warnings(self) -> list[ParseWarning]:
        found = list(self.warnings)
        for doc in self.documents:
            found.extend(doc.warnings)
        return sorted(found, key=lambda w: w.line)
