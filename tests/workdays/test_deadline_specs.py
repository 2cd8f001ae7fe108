"""Deadline phrases (pure parser) and next occurrences (pure arithmetic)."""

from datetime import date

import pytest

from documents.parser import parse_deadline
from workdays.engine import DeadlineSpec, next_due, weekends_only


@pytest.mark.parametrize(
    ("text", "kind", "fields"),
    [
        ("2019年2月基本完成并逐步完善", "due", {"due": date(2019, 2, 28)}),
        ("2020年2月基本完成", "due", {"due": date(2020, 2, 29)}),
        ("2018年基本完成", "due", {"due": date(2018, 12, 31)}),
        ("2018年7月起持续推进", "ongoing", {"start": date(2018, 7, 1)}),
        ("于2018年9月30日前报市财政局备案", "due", {"due": date(2018, 9, 30)}),
        ("2018年10月底前", "due", {"due": date(2018, 10, 31)}),
        ("9月30日前", "due", {"due": date(2018, 9, 30)}),
        ("2019年第一季度", "due", {"due": date(2019, 3, 31)}),
        ("2019年上半年", "due", {"due": date(2019, 6, 30)}),
        ("每年9月30日前", "recurring", {"every": "year", "by": "09-30"}),
        ("每年6月底前", "recurring", {"every": "year", "by": "06-30"}),
        ("每季度末", "recurring", {"every": "quarter"}),
        (
            "重大突发公共卫生事件5小时内通过网站发布",
            "relative",
            {"n": 5, "unit": "hours", "trigger": "重大突发公共卫生事件"},
        ),
        ("24小时内召开新闻发布会", "relative", {"n": 24, "unit": "hours"}),
        (
            "自信息形成之日起20个工作日内",
            "relative",
            {"n": 20, "unit": "working_days", "trigger": "信息形成之日"},
        ),
    ],
)
def test_deadline_phrases(text, kind, fields):
    spec = parse_deadline(text, ref_year=2018)
    assert spec.kind == kind
    for key, value in fields.items():
        assert getattr(spec, key) == value


@pytest.mark.parametrize(
    "text",
    [
        "在编制2019年预算时",
        "到2020年,基本建成",
        "即1998年底前建成使用",
        "持续实施基层中医药服务能力提升工程",
    ],
)
def test_prose_that_is_not_a_deadline(text):
    assert parse_deadline(text, ref_year=2018, strict=True) is None


def test_next_due():
    today = date(2026, 11, 29)
    cal = weekends_only()

    def due(kind, day=today, **fields):
        return next_due(DeadlineSpec(kind=kind, **fields), day, cal).day

    assert due("due", due=date(2019, 2, 28)) == date(2019, 2, 28)  # stays: overdue
    assert due("recurring", every="year", by="09-30") == date(2027, 9, 30)
    assert due("recurring", date(2026, 9, 30), every="year", by="09-30") == date(2026, 9, 30)
    assert due("recurring", every="year", by="02-29") == date(2027, 2, 28)
    assert due("recurring", every="quarter") == date(2026, 12, 31)
    assert due("recurring", date(2026, 4, 1), every="quarter") == date(2026, 6, 30)
    assert due("recurring", every="month", by="--15") == date(2026, 12, 15)
    assert due("ongoing", start=date(2018, 7, 1)) is None
    assert due("ongoing", date(2018, 5, 1), start=date(2018, 7, 1), every="quarter") == date(
        2018, 9, 30
    )
    assert due("relative") is None
    assert due("") is None
