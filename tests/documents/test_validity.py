"""Documents' validity (规范性文件有效期): the import stores what the text says and proposes
repeals and amendments; the status follows today() and the confirmed relations; public pages
show it both ways; search filters by it; the supervisor's 90-day list; the secretariat's
reminder 30 working days ahead, once; the admin records a relation."""

from __future__ import annotations

import csv
import io
from datetime import date
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import Document, DocumentRelation, ExpiryReminder, Validity
from documents.services import import_document, link_relations, publish_issue

pytestmark = pytest.mark.django_db

LATER = (
    "本溪市人民政府关于印发本溪市中医药发展补充办法的通知\n"
    "本政发〔2019〕3号\n"
    "各县（区）人民政府，市政府各部门：\n"
    "现将《本溪市中医药发展补充办法》印发给你们，请认真贯彻执行。\n"
    "本通知自2019年1月1日起施行，有效期5年。《本溪市人民政府关于印发本溪市促进中医药发展"
    "实施方案（2018—2020年）的通知》（本政发〔2018〕15号）同时废止。对《本溪市人民政府办公厅"
    "关于本溪市全面放开养老服务市场提升养老服务质量的实施意见》（本政办发〔2018〕58号）"
    "作如下修改。\n"
    "本溪市人民政府\n"
    "2018年12月20日\n"
)
REPEALED, AMENDED = "本政发〔2018〕15号", "本政办发〔2018〕58号"


@pytest.fixture
def on_day(monkeypatch):
    """Set today() (core.dates reads timezone.localdate)."""

    def set_day(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return set_day


def import_later(publish: bool = True):
    with mock.patch("documents.services.schedule_issue_pdf"):
        report = import_document(LATER, "2019-1", source_name="later")
        doc = Document.objects.get(number="本政发〔2019〕3号")
        if publish:
            publish_issue(doc.issue)
    return report, doc


def confirm_all(doc: Document) -> None:
    doc.relations_out.update(state=DocumentRelation.State.CONFIRMED)


def url(doc: Document) -> str:
    return reverse("document", args=[doc.slug])


def status(number: str, day: date) -> str:
    return Document.objects.with_validity(day).get(number=number).validity_status


# --- import -----------------------------------------------------------------------------------


def test_import_stores_the_validity_the_text_states(seed):
    plan = Document.objects.get(number=REPEALED)
    assert plan.valid_until == date(2020, 12, 31)  # 实施方案(2018—2020年)
    assert "2018—2020年" in plan.validity_text
    report, later = import_later(publish=False)
    assert later.effective_on == date(2019, 1, 1)
    assert later.valid_until == date(2023, 12, 31)
    assert later.effective_text == later.validity_text == "本通知自2019年1月1日起施行，有效期5年"
    assert report.relations_proposed == [
        "本政发〔2019〕3号 废止 本政发〔2018〕15号",
        "本政发〔2019〕3号 修改 本政办发〔2018〕58号",
    ]


def test_import_proposes_relations_linked_to_stored_documents(seed):
    _report, later = import_later(publish=False)
    rows = {r.kind: r for r in later.relations_out.select_related("target")}
    assert rows["repeals"].target.number == REPEALED
    assert rows["amends"].target.number == AMENDED
    assert {r.state for r in rows.values()} == {DocumentRelation.State.PROPOSED}
    assert "同时废止" in rows["repeals"].cited_text


def test_a_decision_survives_a_reimport(seed):
    _report, later = import_later(publish=False)
    later.relations_out.filter(kind="repeals").update(state=DocumentRelation.State.REJECTED)
    with mock.patch("documents.services.schedule_issue_pdf"):
        import_document(LATER, "2019-1", replace=True)
    states = dict(later.relations_out.values_list("kind", "state"))
    assert states == {"repeals": "rejected", "amends": "proposed"}


def test_a_target_imported_later_is_linked_when_it_arrives(db):
    _report, later = import_later(publish=False)
    row = later.relations_out.get(kind="repeals")
    assert row.target is None and row.target_number == REPEALED
    from gazette_seed import import_seed

    import_seed()
    row.refresh_from_db()
    assert row.target.number == REPEALED


# --- status -----------------------------------------------------------------------------------


def test_status_follows_today_and_the_confirmed_relations(seed):
    assert status(REPEALED, date(2020, 12, 31)) == Validity.VALID
    assert status(REPEALED, date(2021, 1, 1)) == Validity.EXPIRED  # 有效期至2020年12月31日
    _report, later = import_later()
    # proposed only: nothing changes
    assert status(REPEALED, date(2019, 6, 1)) == Validity.VALID
    assert status(AMENDED, date(2019, 6, 1)) == Validity.VALID
    confirm_all(later)
    # the later document is in force from 2019-01-01: not before
    assert status(REPEALED, date(2018, 12, 31)) == Validity.VALID
    assert status(REPEALED, date(2019, 1, 1)) == Validity.REPEALED
    assert status(REPEALED, date(2021, 6, 1)) == Validity.REPEALED  # 废止 outranks 失效
    assert status(AMENDED, date(2019, 1, 1)) == Validity.AMENDED
    assert status("本政发〔2019〕3号", date(2024, 1, 1)) == Validity.EXPIRED
    assert Document.objects.get(number=AMENDED).validity_on(date(2019, 2, 1)) == "amended"
    assert set(
        Document.objects.in_status(Validity.REPEALED, date(2019, 2, 1)).values_list(
            "number", flat=True
        )
    ) == {REPEALED}


def test_a_draft_repeals_nothing(seed):
    _report, later = import_later(publish=False)
    confirm_all(later)
    assert status(REPEALED, date(2019, 6, 1)) == Validity.VALID


# --- public pages and API -----------------------------------------------------------------------


def test_public_pages_link_both_ways(seed, client, on_day):
    on_day(date(2019, 6, 1))
    _report, later = import_later()
    confirm_all(later)
    old = Document.objects.get(number=REPEALED)
    page = client.get(url(old)).content.decode()
    assert "badge--validity-repealed" in page and "废止" in page
    assert f'href="{url(later)}"' in page
    assert "本文件已被废止" in page
    page = client.get(url(later)).content.decode()
    assert "badge--validity-valid" in page
    assert f'href="{url(old)}"' in page
    assert "本文件废止：" in page and "本文件修改：" in page
    assert "2019年1月1日" in page and "2023年12月31日" in page  # 施行日期, 有效期至
    amended = Document.objects.get(number=AMENDED)
    assert "badge--validity-amended" in client.get(url(amended)).content.decode()


def test_a_draft_later_document_is_not_shown_to_the_public(seed, client, on_day):
    on_day(date(2019, 6, 1))
    _report, later = import_later(publish=False)
    confirm_all(later)
    old = Document.objects.get(number=REPEALED)
    page = client.get(url(old)).content.decode()
    assert "badge--validity-valid" in page and url(later) not in page


def test_the_api_shows_a_draft_later_document_to_the_secretariat_only(seed, client_for, on_day):
    on_day(date(2019, 6, 1))
    _report, later = import_later(publish=False)
    confirm_all(later)
    old = Document.objects.get(number=REPEALED)
    public = client_for().get(f"/api/documents/{old.pk}/").json()["validity"]
    assert public["status"] == "valid" and public["changed_by"] == []
    staff = client_for("secretariat").get(f"/api/documents/{old.pk}/").json()["validity"]
    assert [r["number"] for r in staff["changed_by"]] == ["本政发〔2019〕3号"]


def test_api_document_detail_has_status_and_relations(seed, client_for, on_day):
    on_day(date(2019, 6, 1))
    _report, later = import_later()
    confirm_all(later)
    old = Document.objects.get(number=REPEALED)
    body = client_for().get(f"/api/documents/{old.pk}/").json()
    assert body["validity"]["status"] == "repealed"
    assert body["validity"]["valid_until"] == "2020-12-31"
    [by] = body["validity"]["changed_by"]
    assert by["kind"] == "repeals" and by["document"]["slug"] == later.slug
    body = client_for().get(f"/api/documents/{later.pk}/").json()
    assert {c["number"] for c in body["validity"]["changes"]} == {REPEALED, AMENDED}
    # the fast path (values from the document's row) says what the serializer says
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.test import APIRequestFactory

    from documents.serializers import DocumentDetailSerializer

    request = APIRequestFactory().get("/")
    request.user = AnonymousUser()
    for doc in (old, later):
        expected = DocumentDetailSerializer(doc, context={"request": request}).data["validity"]
        assert client_for().get(f"/api/documents/{doc.pk}/").json()["validity"] == expected


def test_search_filters_by_status(seed, client, on_day):
    on_day(date(2019, 6, 1))
    _report, later = import_later()
    confirm_all(later)
    from documents.selectors import load_search_objects, search_filters
    from search.analyzer import parse_query
    from search.query import search

    def numbers(status: str) -> set[str]:
        found = search(parse_query("中医药"), search_filters(status=status), kind="document")
        return {h.obj.number for h in load_search_objects(found)["document"].hits}

    assert REPEALED in numbers("") and REPEALED in numbers("repealed")
    assert numbers("repealed") == {REPEALED}
    assert REPEALED not in numbers("valid")
    page = client.get("/search/", {"q": "中医药", "status": "repealed"}).content.decode()
    assert REPEALED in page and 'value="repealed" selected' in page
    assert AMENDED not in page
    assert '<span class="badge badge--validity-repealed">废止</span>' in page


def test_the_issue_contents_mark_documents_no_longer_in_force(seed, client, on_day):
    on_day(date(2019, 6, 1))
    _report, later = import_later()
    confirm_all(later)
    page = client.get(reverse("issue", args=[2018, 6])).content.decode()
    assert page.count("badge--validity-") == 2  # 废止 and 已修改; the valid ones carry none
    assert '<span class="badge badge--validity-amended">已修改</span>' in page


# --- the supervisor's list ------------------------------------------------------------------------


def test_expiring_list_for_supervisor_and_secretariat_only(seed, client_for, on_day):
    on_day(date(2020, 11, 1))
    Document.objects.filter(number="本政办发〔2018〕51号").update(valid_until=date(2020, 11, 20))
    Document.objects.filter(number="本政办发〔2018〕68号").update(valid_until=date(2021, 3, 1))
    for name in ("supervisor", "secretariat"):
        response = client_for(name).get("/work/validity/expiring/")
        assert response.status_code == 200
        page = response.content.decode()
        assert page.index("本政办发〔2018〕51号") < page.index(REPEALED)  # by end date
        assert "本政办发〔2018〕68号" not in page  # beyond 90 days
    for name in ("finance", "health"):
        assert client_for(name).get("/work/validity/expiring/").status_code == 403
    assert client_for().get("/work/validity/expiring/").status_code == 302  # to the login
    response = client_for("supervisor").get("/work/validity/expiring/?format=csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["文号", "文件标题"]
    assert [r[0] for r in rows[1:]] == ["本政办发〔2018〕51号", REPEALED]
    assert rows[2][5] == "2020-12-31" and rows[2][6] == "60"


# --- the secretariat's reminder -------------------------------------------------------------


def test_reminder_30_working_days_ahead_once(seed, users):
    """有效期至2025-10-31: the 国庆 holidays (2025-10-01..08) move the 30th working day back
    to Monday 2025-09-15; the weekend before counts nothing."""
    from documents.validity import send_expiry_reminders
    from notifications.models import OutboxMessage
    from tasks.models import Notification

    doc = Document.objects.get(number="本政办发〔2018〕51号")
    Document.objects.filter(pk=doc.pk).update(valid_until=date(2025, 10, 31))
    Document.objects.filter(number=REPEALED).update(valid_until=None)
    assert send_expiry_reminders(date(2025, 9, 12)).sent == 0  # Friday: 31 working days
    assert send_expiry_reminders(date(2025, 9, 14)).sent == 0  # Sunday
    first = send_expiry_reminders(date(2025, 9, 15))
    assert (first.sent, first.recipients) == (1, 1)
    again = send_expiry_reminders(date(2025, 9, 15))
    later = send_expiry_reminders(date(2025, 9, 16))
    assert (again.sent, later.sent) == (0, 0)
    assert ExpiryReminder.objects.filter(document=doc).count() == 1
    mail = OutboxMessage.objects.get(user=users["secretariat"])
    assert "本政办发〔2018〕51号" in mail.subject and "30个工作日" in mail.body
    assert Notification.objects.filter(user=users["secretariat"]).count() == 1
    assert not OutboxMessage.objects.filter(user=users["supervisor"]).exists()
    # a new end date is a new reminder
    Document.objects.filter(pk=doc.pk).update(valid_until=date(2025, 10, 30))
    assert send_expiry_reminders(date(2025, 9, 16)).sent == 1


def test_the_reminder_job_is_scheduled_daily():
    from benxi_gazette.schedule import BEAT_SCHEDULE
    from documents.tasks import remind_expiring

    entry = BEAT_SCHEDULE["remind-expiring-documents"]
    assert entry["task"] == remind_expiring.name == "documents.remind_expiring"


# --- recording relations --------------------------------------------------------------------------


def test_admin_records_a_relation(seed, admin_client, on_day):
    on_day(date(2019, 6, 1))
    source = Document.objects.get(number="本政办发〔2018〕68号")
    response = admin_client.post(
        "/admin/documents/documentrelation/add/",
        {
            "source": source.pk,
            "kind": "repeals",
            "target_number": "本政办发 〔2018〕 51号",
            "target_title": "",
            "cited_text": "",
            "line": 0,
            "state": "confirmed",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = DocumentRelation.objects.get(source=source)
    assert row.target_number == "本政办发〔2018〕51号" and row.target.number == row.target_number
    assert status("本政办发〔2018〕51号", date(2019, 6, 1)) == Validity.REPEALED
    bad = admin_client.post(
        "/admin/documents/documentrelation/add/",
        {"source": source.pk, "kind": "repeals", "target_number": "第51号", "line": 0},
    )
    assert bad.status_code == 200 and "文号格式不正确" in bad.content.decode()


def test_review_page_confirms_and_records(seed, client_for):
    _report, later = import_later(publish=False)
    client = client_for("secretariat")
    page = client.get(f"/work/import/{later.issue_id}/?document={later.pk}").content.decode()
    assert "同时废止" in page and "待确认" in page
    row = later.relations_out.get(kind="repeals")
    response = client.post(f"/work/validity/relations/{row.pk}/", {"action": "confirm"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == DocumentRelation.State.CONFIRMED
    response = client.post(
        f"/work/validity/documents/{later.pk}/relations/",
        {"kind": "amends", "target_number": "本政发〔2017〕9号"},
    )
    assert response.status_code == 302
    added = later.relations_out.get(target_number="本政发〔2017〕9号")
    assert added.state == "confirmed" and added.target is None
    response = client.post(
        f"/work/validity/documents/{later.pk}/relations/",
        {"kind": "amends", "target_number": "九号文"},
        follow=True,
    )
    assert "文号格式不正确" in response.content.decode()
    assert (
        client_for("supervisor")
        .post(f"/work/validity/relations/{row.pk}/", {"action": "reject"})
        .status_code
        == 403
    )
    assert link_relations() == 0
