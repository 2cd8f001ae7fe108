"""Pure-Python gazette parser: text in, dataclasses out (no Django imports)."""

from .deadlines import parse_deadline, parse_rule
from .model import (
    CatalogueRule,
    DeadlineSpec,
    DocumentNumber,
    ParsedAssignment,
    ParsedCatalogueRow,
    ParsedCitation,
    ParsedClause,
    ParsedDocument,
    ParsedIssue,
    ParsedTask,
    ParseError,
    ParseWarning,
)
from .parse import parse_bytes, parse_number, parse_text

__all__ = [
    "CatalogueRule",
    "DeadlineSpec",
    "DocumentNumber",
    "ParseError",
    "ParseWarning",
    "ParsedAssignment",
    "ParsedCatalogueRow",
    "ParsedCitation",
    "ParsedClause",
    "ParsedDocument",
    "ParsedIssue",
    "ParsedTask",
    "parse_bytes",
    "parse_deadline",
    "parse_number",
    "parse_rule",
    "parse_text",
]
