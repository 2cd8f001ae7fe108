"""Gazette texts for benchmarks: the seed issue, and copies of it renumbered as other issues.

A renumbered copy keeps the seed's shape (six documents, 87 tasks, a 37-row catalogue) with its
own issue number, total number and document numbers, so many can be imported side by side.
(The realistic corpus generator is ``manage.py generate_corpus``; this is the quick stand-in.)
"""

from __future__ import annotations

import re
from pathlib import Path

SEED_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "benxi-2018-06.txt"
_OWN_NUMBER_RE = re.compile(r"(本政(?:办)?发)〔2018〕(\d+)号")


def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


def renumbered(text: str, index: int) -> str:
    """The seed as issue ``index`` (0-based) of a run of monthly issues from 2019 on."""
    year, number = 2019 + index // 12, index % 12 + 1
    out = text.replace("2018年第6号", f"{year}年第{number}号").replace(
        "总第102期", f"总第{103 + index}期"
    )
    out = out.replace("发布日期: 2018-12-21", f"发布日期: {year}-{number:02d}-20")
    return _OWN_NUMBER_RE.sub(
        lambda m: f"{m.group(1)}〔{year}〕{int(m.group(2)) + 100 * number}号", out
    )
