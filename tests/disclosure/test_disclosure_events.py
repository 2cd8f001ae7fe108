"""Disclosure deadlines: an event on a catalogue item, its deadline, publication, compliance."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from factories import MembershipFactory

from departments.models import Department
from disclosure.models import DisclosureItem
from disclosure.selectors import compliance_by_department, compliance_by_item
from disclosure.services import recompute_event_deadlines, record_event, record_publication
from documents.services import import_issue
from workdays.calendars import enter_holiday_notice

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def catalogue(seed_text):
    import_issue(seed_text)


@pytest.fixture
def water_staff(django_user_model):
    user = django_user_model.objects.create_user("water")
    MembershipFactory(user=user, department=Department.objects.get(name="市水务局"))
    return user


@pytest.fixture
def seed_text():
    from paths import SEED_PATH

    return SEED_PATH.read_text(encoding="utf-8")


def water_item():
    return DisclosureItem.objects.get(item="取水许可公告")


def test_working_day_deadline_over_national_day(catalogue, water_staff):
    event = record_event(
        water_item(),
        subject="某公司取水许可",
        event="决定作出",
        reference="本水许〔2024〕8号",
        occurred_at=datetime(2024, 9, 27, 10, 0, tzinfo=SH),
        user=water_staff,
    )
    assert (event.rule_kind, event.rule_n) == ("working_days", 7)
    # 9/29 (调休), 9/30, then 10/8, 10/9, 10/10, 10/11, 10/12 (调休): the 7th working day
    assert event.due_at.astimezone(SH).date().isoformat() == "2024-10-12"
    assert not event.due_provisional


def test_an_event_at_2330_shanghai_is_that_day(catalogue, water_staff):
    late = datetime(2024, 9, 26, 23, 30, tzinfo=SH)  # 15:30 UTC, still the 26th in Shanghai
    event = record_event(
        water_item(), subject="夜间决定", event="决定作出", occurred_at=late, user=water_staff
    )
    assert event.due_at.astimezone(SH).date().isoformat() == "2024-10-11"


def test_hours_and_days_rules(catalogue, django_user_model):
    admin = django_user_model.objects.create_superuser("root")
    hours = DisclosureItem.objects.filter(rule_kind="hours").first()
    moment = datetime(2024, 9, 30, 20, 0, tzinfo=SH)
    event = record_event(
        hours,
        subject="招标公告",
        event="收到",
        occurred_at=moment,
        user=admin,
        department=Department.objects.get(name="市发展改革委"),
    )
    assert event.due_at == moment + timedelta(hours=12)
    days = DisclosureItem.objects.get(seq="12")
    e2 = record_event(
        days,
        subject="采购公告",
        event="公告发布",
        occurred_at=moment,
        user=admin,
        department=Department.objects.get(name="市财政局"),
    )
    assert e2.due_at.astimezone(SH).date().isoformat() == "2024-10-20"


def test_only_the_owning_department_records(catalogue, django_user_model):
    other = django_user_model.objects.create_user("finance")
    MembershipFactory(user=other, department=Department.objects.get(name="市财政局"))
    with pytest.raises(PermissionDenied):
        record_event(
            water_item(),
            subject="x",
            event="决定作出",
            occurred_at=datetime(2024, 9, 27, tzinfo=SH),
            user=other,
        )
    secretariat = django_user_model.objects.create_user("sec")
    secretariat.groups.add(Group.objects.get(name="secretariat"))
    assert record_event(
        water_item(),
        subject="x",
        event="决定作出",
        occurred_at=datetime(2024, 9, 27, tzinfo=SH),
        user=secretariat,
    )


def test_future_events_are_refused(catalogue, water_staff):
    from django.utils import timezone

    with pytest.raises(ValidationError):
        record_event(
            water_item(),
            subject="x",
            event="决定作出",
            occurred_at=timezone.now() + timedelta(days=2),
            user=water_staff,
        )


def test_publication_and_compliance(catalogue, water_staff):
    item = water_item()
    on_time = record_event(
        item,
        subject="甲",
        event="决定作出",
        occurred_at=datetime(2024, 9, 27, 10, tzinfo=SH),
        user=water_staff,
    )
    late = record_event(
        item,
        subject="乙",
        event="决定作出",
        occurred_at=datetime(2024, 9, 2, 10, tzinfo=SH),
        user=water_staff,
    )
    record_event(
        item,
        subject="丙",
        event="决定作出",
        occurred_at=datetime(2024, 11, 1, 10, tzinfo=SH),
        user=water_staff,
    )
    record_publication(
        on_time,
        published_at=datetime(2024, 10, 9, 9, tzinfo=SH),
        where="市水务局网站",
        user=water_staff,
    )
    record_publication(
        late,
        published_at=datetime(2024, 9, 20, 9, tzinfo=SH),
        where="市水务局网站",
        user=water_staff,
    )
    assert on_time.on_time is True and late.on_time is False
    figure = compliance_by_item()[item.pk]
    assert (figure.published, figure.on_time, figure.pending, figure.share) == (2, 1, 1, 0.5)
    dept = compliance_by_department()[item.owner_department_id]
    assert dept.share == 0.5
    with pytest.raises(ValidationError):
        record_publication(
            late, published_at=datetime(2024, 8, 1, tzinfo=SH), where="x", user=water_staff
        )


@override_settings(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
def test_calendar_change_recomputes_event_deadlines(
    catalogue, django_user_model, django_capture_on_commit_callbacks
):
    admin = django_user_model.objects.create_superuser("root")
    annual = DisclosureItem.objects.get(seq="6")  # 每年3月31日前公布年度供应计划
    event = record_event(
        annual,
        subject="2027年度供地计划",
        event="计划编制",
        occurred_at=datetime(2026, 11, 20, 10, tzinfo=SH),
        user=admin,
        department=Department.objects.get(name="市国土资源局"),
    )
    assert event.due_provisional  # runs into 2027, which has no schedule yet
    assert event.due_at.astimezone(SH).date().isoformat() == "2027-03-31"
    with django_capture_on_commit_callbacks(execute=True):
        enter_holiday_notice(2027, "一、元旦：1月1日（周五）至3日（周日）放假，共3天。")
    event.refresh_from_db()
    assert not event.due_provisional
    assert event.due_at.astimezone(SH).date().isoformat() == "2027-03-31"
    assert recompute_event_deadlines() == 0
