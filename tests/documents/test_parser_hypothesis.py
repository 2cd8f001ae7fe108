"""Property tests: the parser never crashes; it imports or fails with a ParseError."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import SEED_PATH

from documents.parser import ParseError, parse_deadline, parse_text
from documents.parser.text import decode

SEED = SEED_PATH.read_text(encoding="utf-8")
LINES = SEED.split("\n")
PIECES = [
    "本溪市人民政府文件",
    "本政发〔2018〕13号",
    "各县区政府：",
    "（此件公开发布）",
    "2018年9月12日",
    "一、",
    "（一）",
    "1.",
    "第一条",
    "第一章",
    "(市财政局牵头,市发展改革委等部门配合;2019年2月基本完成)",
    "（牵头单位：市民政局，配合单位：各区、县级市）",
    "附件:",
    "序号",
    "\n",
    "\r\n",
    "\xa0",
    "（",
    ")",
    "；",
]


def parse_or_fail(text):
    try:
        issue = parse_text(text)
    except ParseError as exc:
        assert exc.message
        return None
    for doc in issue.documents:
        for task in doc.tasks:
            assert task.assignments
            assert all(a.role in ("lead", "support", "responsible") for a in task.assignments)
        for w in doc.warnings:
            assert w.line >= 1
    return issue


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text(text):
    parse_or_fail(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=20), max_size=60))
def test_structural_fragments_in_any_order(parts):
    parse_or_fail("".join(parts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mangled_seed(data):
    """Drop, duplicate, reorder and truncate lines of the real issue."""
    lines = list(LINES)
    for _ in range(data.draw(st.integers(0, 6))):
        op = data.draw(st.sampled_from(["drop", "dup", "swap", "cut", "noise"]))
        i = data.draw(st.integers(0, len(lines) - 1))
        j = data.draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i : i + data.draw(st.integers(1, 40))]
        elif op == "dup":
            lines[i:i] = lines[j : j + 30]
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cut" and lines[i]:
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        else:
            lines.insert(i, data.draw(st.text(max_size=30)))
        if not lines:
            lines = [""]
    parse_or_fail("\n".join(lines))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_fail_cleanly(data):
    try:
        text = decode(data)
    except ParseError as exc:
        assert exc.message
        return
    parse_or_fail(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet="0123456789年月日底前内起每季度个工作小时天半上下持续推进完成基本", max_size=30
    ),
    st.booleans(),
)
def test_deadline_phrases_never_crash(text, strict):
    spec = parse_deadline(text, ref_year=2018, strict=strict)
    if spec is not None:
        assert spec.kind in ("due", "ongoing", "recurring", "relative")
        assert spec.text


def test_whole_seed_is_stable_under_crlf_and_nbsp():
    plain = parse_text(SEED)
    windows = parse_text(SEED.replace("\n", "\r\n").replace("  ", "\xa0\xa0"))
    assert [len(d.tasks) for d in plain.documents] == [len(d.tasks) for d in windows.documents]
    assert [d.title for d in plain.documents] == [d.title for d in windows.documents]
    assert len(windows.documents[5].catalogue) == 37


@pytest.mark.parametrize("size", [1, 50, 300])
def test_seed_prefixes_parse_or_fail(size):
    parse_or_fail("\n".join(LINES[:size]))
