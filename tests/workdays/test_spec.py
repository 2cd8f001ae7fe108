"""DeadlineSpec: each kind survives the trip through a task's fields, a catalogue rule's fields
and the export dictionary, and next_due computes it (pure: no database)."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from workdays.engine import RULE_FIELDS, TASK_FIELDS, DeadlineSpec, WorkCalendar, next_due

SH = ZoneInfo("Asia/Shanghai")
# 2024-10-01..07 国庆节 with 9/29 and 10/12 worked (调休); 2024 official, 2025 not
CAL = WorkCalendar(
    {
        **{date(2024, 10, d): False for d in range(1, 8)},
        date(2024, 9, 29): True,
        date(2024, 10, 12): True,
    },
    official_years=[2024],
)

EVERY_KIND = [
    DeadlineSpec(kind="", text="持续实施"),
    DeadlineSpec(kind="due", text="2019年2月基本完成", due=date(2019, 2, 28)),
    DeadlineSpec(kind="due", text="9月30日前", due=date(2024, 9, 30), roll=True),
    DeadlineSpec(kind="ongoing", text="2018年7月起持续推进", start=date(2018, 7, 1)),
    DeadlineSpec(kind="ongoing", text="季通报", start=date(2018, 7, 1), every="quarter"),
    DeadlineSpec(kind="recurring", text="每年9月30日前", every="year", by="09-30"),
    DeadlineSpec(kind="recurring", text="每月15日", every="month", by="--15"),
    DeadlineSpec(kind="recurring", text="每季度末", every="quarter"),
    DeadlineSpec(kind="recurring", text="每半年", every="half"),
    DeadlineSpec(
        kind="relative", text="5小时内", n=5, unit="hours", trigger="重大突发公共卫生事件"
    ),
    DeadlineSpec(kind="relative", text="7日内", n=7, unit="days", roll=True),
    DeadlineSpec(
        kind="relative", text="20个工作日内", n=20, unit="working_days", trigger="信息形成之日"
    ),
]


@pytest.mark.parametrize("spec", EVERY_KIND, ids=lambda s: f"{s.kind or 'none'}:{s.text}")
def test_every_kind_round_trips_through_the_task_fields(spec):
    fields = spec.task_fields()
    assert tuple(fields) == TASK_FIELDS
    assert DeadlineSpec.from_task(SimpleNamespace(**fields)) == spec
    # blanks are stored as "" (text columns), never None
    assert all(fields[f] is not None for f in ("every", "by", "unit", "trigger", "deadline_kind"))


@pytest.mark.parametrize("spec", EVERY_KIND, ids=lambda s: f"{s.kind or 'none'}:{s.text}")
def test_every_kind_round_trips_through_the_export_dictionary(spec):
    assert DeadlineSpec.from_dict(spec.as_dict()) == spec.replace(roll=False)


def test_the_document_fields_leave_the_roll_choice_alone():
    spec = DeadlineSpec(kind="due", due=date(2024, 9, 30), roll=True)
    assert "roll_to_working_day" not in spec.written_task_fields()
    assert set(spec.written_task_fields()) == set(TASK_FIELDS) - {"roll_to_working_day"}


@pytest.mark.parametrize(
    ("fields", "spec"),
    [
        (
            {"rule_kind": "working_days", "rule_n": 20, "rule_from": "信息形成之日", "rule_by": ""},
            DeadlineSpec(kind="relative", n=20, unit="working_days", trigger="信息形成之日"),
        ),
        (
            {"rule_kind": "days", "rule_n": 5, "rule_from": "", "rule_by": ""},
            DeadlineSpec(kind="relative", n=5, unit="days"),
        ),
        (
            {"rule_kind": "hours", "rule_n": 24, "rule_from": "事件发生", "rule_by": ""},
            DeadlineSpec(kind="relative", n=24, unit="hours", trigger="事件发生"),
        ),
        (
            {"rule_kind": "annual", "rule_n": None, "rule_from": "", "rule_by": "03-31"},
            DeadlineSpec(kind="recurring", every="year", by="03-31"),
        ),
        (
            {"rule_kind": "text", "rule_n": None, "rule_from": "", "rule_by": ""},
            DeadlineSpec(kind=""),
        ),
    ],
)
def test_every_catalogue_rule_is_a_spec_and_back(fields, spec):
    assert DeadlineSpec.from_rule_fields(SimpleNamespace(**fields)) == spec
    assert spec.rule_fields() == fields
    assert tuple(spec.rule_fields()) == RULE_FIELDS
    assert spec.rule_dict() == {
        "kind": fields["rule_kind"],
        "n": fields["rule_n"],
        "from": fields["rule_from"] or None,
        "by": fields["rule_by"] or None,
    }


def test_catalogue_rules_fall_due_as_disclosure_counts_them():
    decided = datetime(2024, 9, 27, 10, 0, tzinfo=SH)
    working = DeadlineSpec.from_rule("working_days", n=7)
    # 9/29 (调休), 9/30, then 10/8–10/11, 10/12 (调休): the 7th working day; 2024 official
    assert next_due(working, decided.date(), CAL, event_at=decided).day == date(2024, 10, 12)
    assert not next_due(working, decided.date(), CAL, event_at=decided).provisional
    five_days = DeadlineSpec.from_rule("days", n=5)
    assert next_due(five_days, decided.date(), CAL, event_at=decided).day == date(2024, 10, 2)
    rolled = next_due(five_days.replace(roll=True), decided.date(), CAL, event_at=decided)
    assert rolled.day == date(2024, 10, 8)
    hours = next_due(DeadlineSpec.from_rule("hours", n=30), decided.date(), CAL, event_at=decided)
    assert hours.at == decided + timedelta(hours=30) and hours.day == date(2024, 9, 28)
    annual = DeadlineSpec.from_rule("annual", by="03-31")
    due = next_due(annual, decided.date(), CAL, event_at=decided)
    assert due.day == date(2025, 3, 31) and due.provisional  # 2025 has no schedule here
    words_only = DeadlineSpec.from_rule("text")
    assert next_due(words_only, decided.date(), CAL, event_at=decided).day is None


def test_a_relative_deadline_waits_for_its_event():
    spec = DeadlineSpec(kind="relative", n=3, unit="working_days")
    assert next_due(spec, date(2024, 9, 1), CAL).day is None
    event = datetime(2024, 9, 30, 9, tzinfo=SH)
    assert next_due(spec, date(2024, 9, 1), CAL, event_at=event).day == date(2024, 10, 10)


def test_what_a_kind_needs_is_said_by_the_spec():
    assert DeadlineSpec(kind="due").errors() == {"due_on": "“限期完成”须填写截止日期"}
    assert DeadlineSpec(kind="recurring").errors() == {"every": "“定期”须填写周期"}
    assert DeadlineSpec(kind="relative", n=3).errors() == {"n": "“事件后限时”须填写时长和单位"}
    assert DeadlineSpec(kind="recurring", every="year", by="9月30日").errors() == {
        "by": "格式应为 月-日（09-30）或 日（10）"
    }
    assert all(not spec.errors() for spec in EVERY_KIND)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (DeadlineSpec(kind="due", due=date(2019, 2, 28)), "2019年2月28日前"),
        (DeadlineSpec(kind="recurring", every="year", by="09-30"), "每年9月30日前"),
        (DeadlineSpec(kind="recurring", every="month", by="--15"), "每月15日前"),
        (DeadlineSpec(kind="recurring", every="quarter"), "每季度末"),
        (
            DeadlineSpec(kind="ongoing", start=date(2018, 7, 1), every="quarter"),
            "自2018年7月1日起，每季度末报告进展",
        ),
        (
            DeadlineSpec(kind="relative", n=7, unit="working_days", trigger="决定作出"),
            "决定作出后7个工作日内",
        ),
        (DeadlineSpec(kind=""), ""),
    ],
)
def test_each_kind_in_words(spec, words):
    assert spec.in_words() == words
