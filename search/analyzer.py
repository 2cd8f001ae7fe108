"""Chinese full-text search's analyzer: folding, character bigrams, tsvector and tsquery
literals, query parsing and match marking. Pure Python (no Django, no database).

Chinese has no spaces and PostgreSQL's text search does not segment it, so the analyzer here
turns text into overlapping character bigrams (涉农资金 → 涉农 农资 资金 金), one token per
character with its position, and a query into a phrase of bigrams at the right distances. A
query term then matches exactly where it occurs as a substring of the text (after folding
width and case), including two-character words (养老) and substrings that cross word
boundaries (农资 in 涉农资金), which a word segmenter misses. docs/search.md has the measured
comparison with pg_trgm and jieba that chose it.

The same functions build the index rows (``search.index``) and the queries (``search.query``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

MAX_QUERY_CHARS = 100  # longer queries are cut
MAX_TERMS = 8  # query terms (runs of letters/digits/CJK) kept; each must occur
MAX_ENTRY_CHARS = 3000  # longer texts are split into several rows (tsvector limits)

_WORD_RE = re.compile(r"[^\W_]+")


class _FoldTable(dict):
    """str.translate table, filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        folded = unicodedata.normalize("NFKC", chr(code)).casefold()
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Full-width to half-width, compatibility forms to plain ones, case folded: what both
    the index and the query see. Folded one character at a time, so offsets map back."""
    return text.translate(_FOLD)


def fold_with_offsets(text: str) -> tuple[str, list[int] | range]:
    """``fold(text)`` and, for each folded character, the index of the original it came from."""
    folded = text.translate(_FOLD)
    if len(folded) == len(text):  # no character became several: offsets are the identity
        return folded, range(len(text))
    offsets: list[int] = []
    for i, ch in enumerate(text):
        offsets.extend([i] * len(_FOLD[ord(ch)]))
    return folded, offsets


def segments(folded: str) -> list[str]:
    """Runs of letters, digits and CJK characters; punctuation and spaces separate them."""
    return _WORD_RE.findall(folded)


def bigram_positions(text: str) -> dict[str, list[int]]:
    """The index side: every character's bigram (the last of a run alone) with its 1-based
    position. Runs are one position apart, so no phrase matches across punctuation."""
    lexemes: dict[str, list[int]] = {}
    pos = 1
    for run in segments(fold(text)):
        for i in range(len(run)):
            lexemes.setdefault(run[i : i + 2], []).append(pos + i)
        pos += len(run) + 1
    return lexemes


def bigram_tokens(text: str) -> list[str]:
    """The index side as a flat token list (for tests and the benchmark's size figures)."""
    out = []
    for run in segments(fold(text)):
        out.extend(run[i : i + 2] for i in range(len(run)))
    return out


def quote(lexeme: str) -> str:
    """A lexeme as a tsvector/tsquery literal item: quoted, quotes and backslashes doubled."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str) -> str:
    """PostgreSQL tsvector input for ``text``: ``'涉农':1 '农资':2 …`` (cast with ::tsvector).

    A lexeme keeps at most 256 positions in a tsvector and positions stop at 16383; rows are
    at most MAX_ENTRY_CHARS long, which stays well inside both.
    """
    return " ".join(
        f"{quote(lexeme)}:{','.join(map(str, positions))}"
        for lexeme, positions in bigram_positions(text).items()
    )


def term_tsquery(term: str) -> str:
    """One folded query term as a tsquery: every overlapping bigram, one position apart
    (涉农资金 → '涉农' <1> '农资' <1> '资金'); one character as a prefix ('县':*).

    Every bigram is a lexeme the GIN index must find in a row, so the middle ones (农资, 金统,
    务市, often rare) narrow the candidates before any position is rechecked; the phrase
    operator then asks for them in order, as the substring."""
    return " <1> ".join(_term_lexemes(term))


def _term_lexemes(term: str) -> list[str]:
    """A folded term's lexemes in order: its overlapping bigrams; one character, a prefix."""
    if len(term) == 1:
        return [f"{quote(term)}:*"]
    return [quote(term[i : i + 2]) for i in range(len(term) - 1)]


@dataclass(frozen=True)
class Query:
    """A parsed query: the text as typed and the folded terms that must all occur."""

    text: str
    terms: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def tsquery(self) -> str:
        """Every term as a phrase of its bigrams: matches exactly the rows holding the terms."""
        return " & ".join(f"({term_tsquery(t)})" for t in self.terms)

    @property
    def candidates(self) -> str:
        """Every bigram of every term, in any order: a superset of the matches that the GIN
        index answers without reading a row (one character: a prefix)."""
        lexemes = dict.fromkeys(lex for term in self.terms for lex in _term_lexemes(term))
        return " & ".join(lexemes)

    def matches(self, text: str) -> bool:
        """Whether ``text`` holds every term: the rule the index implements."""
        folded = fold(text)
        return all(t in folded for t in self.terms)


def parse_query(text: str | None) -> Query:
    """Split a query into terms at spaces and punctuation; terms inside longer ones go."""
    text = (text or "").strip()[:MAX_QUERY_CHARS]
    found: list[str] = []
    for run in segments(fold(text)):
        if run not in found:
            found.append(run)
    terms = [t for t in found if not any(t != o and t in o for o in found)]
    return Query(text, tuple(terms[:MAX_TERMS]))


def chunks(text: str, limit: int = MAX_ENTRY_CHARS) -> Iterator[str]:
    """Split at line ends into pieces of at most ``limit`` characters. A match never spans a
    line end (it separates runs), so nothing is lost; a longer single line is cut with an
    overlap of MAX_QUERY_CHARS so that a term across the cut is still found."""
    piece: list[str] = []
    size = 0
    for line in text.split("\n"):
        if size + len(line) + 1 > limit and piece:
            yield "\n".join(piece)
            piece, size = [], 0
        while len(line) > limit:
            yield line[:limit]
            line = line[limit - MAX_QUERY_CHARS :]
        piece.append(line)
        size += len(line) + 1
    if piece and any(p.strip() for p in piece):
        yield "\n".join(piece)


# --- marking matches (HTML strings; the caller marks them safe) ----------------------------


def match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where the query's terms occur in ``text``, as merged (start, end) original offsets."""
    folded, offsets = fold_with_offsets(text)
    spans = []
    for term in query.terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((offsets[start], offsets[end - 1] + 1))
            start = folded.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def marked(text: str, spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    """``text[lo:hi]`` HTML-escaped, with the parts inside ``spans`` in <mark>."""
    out, at = [], lo
    for a, b in spans:
        if b <= lo or a >= hi:
            continue
        a, b = max(a, lo), min(b, hi)
        out.append(escape(text[at:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        at = b
    out.append(escape(text[at:hi]))
    return "".join(out)


def snippet_html(text: str, query: Query, width: int = 110) -> str:
    """About ``width`` characters around the first match, escaped, matches in <mark>."""
    text = " ".join(text.split())
    spans = match_spans(text, query) if query else []
    if len(text) <= width:
        lo, hi = 0, len(text)
    else:
        first = spans[0][0] if spans else 0
        lo = max(0, min(first - width // 4, len(text) - width))
        hi = min(len(text), lo + width)
    body = marked(text, spans, lo, hi)
    return ("…" if lo else "") + body + ("…" if hi < len(text) else "")
