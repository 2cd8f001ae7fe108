"""The seed issue's documents one at a time, as the offices would send them to the
secretariat: fixtures/benxi-2018-06.txt cut where the parser finds each document's start
(the 发文机关标志 line), without the issue's header and 目录."""

from __future__ import annotations

from functools import cache

from paths import SEED_PATH

from documents.parser import parse_text


@cache
def seed_documents() -> dict[str, str]:
    """文号 → the text of that document alone, in the issue's order."""
    lines = SEED_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    parsed = parse_text("".join(lines))
    starts = [d.first_line - 1 for d in parsed.documents] + [len(lines)]
    return {
        d.number.whole: "".join(lines[a:b])
        for d, a, b in zip(parsed.documents, starts, starts[1:], strict=False)
    }


def seed_document(number: str) -> str:
    return seed_documents()[number]
