"""The outbox and its channels against a real HTTP receiver on loopback (a stand-in for a
WeCom / DingTalk group robot): delivered once, retried on 500 with backoff, never twice after
a success, a timeout counted as a failure; the robot URL masked in the admin; reminders,
digest and urges reaching a department's group."""

import json
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.utils import timezone
from factories import DepartmentFactory, MembershipFactory
from jobhelpers import FRIDAY, task_due

from departments.models import Department, Role
from notifications.channels import Recipients, WebhookChannel
from notifications.delivery import deliver
from notifications.models import GroupRobot, OutboxMessage, mask_url
from notifications.services import Message, notify, retry_now
from tasks.models import Notification, Reminder
from tasks.reminders import send_due_reminders, send_supervisor_digest
from tasks.services import urge

SECRET = "3f7c2a9e-51b4-4d0e-9a8b-ab12cd34abcd"


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST and answers as scripted: each
    entry of ``replies`` is used once ((status, body) or ("sleep", seconds)), then 200 ok."""

    def __init__(self):
        self.posts: list[dict] = []
        self.replies: list[tuple] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    receiver.posts.append({"path": self.path, "json": data})
                    reply = receiver.replies.pop(0) if receiver.replies else (200, None)
                if reply[0] == "sleep":
                    time.sleep(reply[1])
                    reply = (200, None)
                status, body = reply
                payload = json.dumps(body or {"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, key: str = SECRET) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key={key}"

    def texts(self) -> list[str]:
        return [
            p["json"]["markdown"].get("content") or p["json"]["markdown"]["text"]
            for p in self.posts
        ]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def seeded(name: str) -> Department:
    """A department of the seeded registry (市财政局, 市水务局, …)."""
    return Department.objects.get_or_create(name=name)[0]


def robot_for(receiver, department=None, **extra) -> GroupRobot:
    return GroupRobot.objects.create(
        department=department or DepartmentFactory(), url=receiver.url(), **extra
    )


def post(robot: GroupRobot, subject: str = "催办：请报送进展") -> OutboxMessage:
    [row] = notify(
        recipients=Recipients(departments=[robot.department_id]),
        message=Message(kind=OutboxMessage.Kind.URGE, subject=subject, body="请抓紧办理。"),
    )
    return row


# --- the channel ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_post_is_delivered_once_and_never_again(receiver):
    robot = robot_for(receiver)
    row = post(robot)
    assert (row.channel, row.state, row.robot_id) == ("webhook", "pending", robot.pk)
    assert SECRET not in row.address  # the outbox keeps the masked URL only

    assert (deliver().sent, deliver().sent) == (1, 0)

    assert len(receiver.posts) == 1
    sent = receiver.posts[0]
    assert sent["path"] == f"/cgi-bin/webhook/send?key={SECRET}"
    assert sent["json"]["msgtype"] == "markdown"
    assert sent["json"]["markdown"]["content"].startswith("**催办：请报送进展**")
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "")


@pytest.mark.django_db
def test_dingtalk_robots_get_their_own_markdown_shape(receiver):
    robot = robot_for(receiver, kind=GroupRobot.Kind.DINGTALK)
    post(robot, subject="到期提醒：今天到期1项")
    assert deliver().sent == 1
    markdown = receiver.posts[0]["json"]["markdown"]
    assert markdown["title"] == "到期提醒：今天到期1项" and "请抓紧办理。" in markdown["text"]


@pytest.mark.django_db
def test_a_500_is_retried_with_backoff_then_delivered(settings, receiver):
    settings.REMINDER_RETRY_BACKOFF = 60
    receiver.replies = [(500, {"errmsg": "busy"})]
    row = post(robot_for(receiver))

    stats = deliver()

    assert (stats.sent, stats.failed) == (0, 1)
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("retry", 1)
    assert "HTTP Error 500" in row.last_error and SECRET not in row.last_error
    assert timedelta(seconds=55) < row.next_try_at - timezone.now() <= timedelta(seconds=60)
    assert deliver().sent == 0 and len(receiver.posts) == 1  # the backoff has not passed

    OutboxMessage.objects.update(next_try_at=timezone.now() - timedelta(seconds=1))
    assert deliver().sent == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(receiver.posts) == 2
    assert deliver().sent == 0 and len(receiver.posts) == 2


@pytest.mark.django_db
def test_an_errcode_in_the_reply_is_a_failure_and_the_admin_action_retries_it(settings, receiver):
    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 1
    receiver.replies = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    row = post(robot_for(receiver))
    assert deliver().failed == 1
    row.refresh_from_db()
    assert (row.state, row.next_try_at) == ("failed", None)  # given up after the last attempt
    assert "errcode 93000: invalid webhook url" in row.last_error
    assert deliver().failed == 0  # no more automatic attempts
    assert retry_now(messages=OutboxMessage.objects.all()) == 1
    assert deliver().sent == 1 and len(receiver.posts) == 2


@pytest.mark.django_db
def test_a_timeout_counts_as_a_failure(settings, receiver):
    settings.NOTIFY_WEBHOOK_TIMEOUT = 0.3
    receiver.replies = [("sleep", 1.5)]
    row = post(robot_for(receiver))
    started = time.monotonic()
    stats = deliver()
    assert time.monotonic() - started < 1.4  # it did not wait for the slow answer
    assert (stats.sent, stats.failed) == (0, 1)
    row.refresh_from_db()
    assert row.state == "retry" and "timed out" in row.last_error


@pytest.mark.django_db
def test_a_robot_switched_off_fails_its_messages_without_a_request(receiver):
    robot = robot_for(receiver)
    row = post(robot)
    GroupRobot.objects.filter(pk=robot.pk).update(active=False)
    assert deliver().failed == 1 and not receiver.posts
    row.refresh_from_db()
    assert "群机器人已删除或停用" in row.last_error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_delivery_runs_at_once_send_each_post_once(receiver):
    robot = robot_for(receiver)
    for n in range(30):
        post(robot, subject=f"消息{n}")
    barrier = threading.Barrier(2)
    totals, errors = [], []

    def run():
        try:
            barrier.wait()
            totals.append(deliver().sent)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sum(totals) == 30
    subjects = [text.split("**")[1] for text in receiver.texts()]
    assert sorted(subjects) == sorted(f"消息{n}" for n in range(30))  # each once
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_masking_keeps_the_host_and_the_last_four_characters():
    assert (
        mask_url(f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={SECRET}")
        == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****abcd"
    )
    assert (
        mask_url("https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef9876")
        == "https://oapi.dingtalk.com/robot/send?access_token=****9876"
    )
    assert mask_url("https://hook.example.gov.cn/x/0123456789abcdef0123wxyz") == (
        "https://hook.example.gov.cn/x/****wxyz"
    )


def test_a_long_message_is_cut_to_what_wecom_takes():
    robot = GroupRobot(kind=GroupRobot.Kind.WECOM, url="http://127.0.0.1/")
    message = OutboxMessage(subject="到期提醒", body="任务" * 5000)
    content = WebhookChannel.payload(robot, message)["markdown"]["content"]
    assert len(content.encode()) <= 4096 and content.endswith("请登录系统查看）")


# --- the admin -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_shows_the_robot_url_masked_only(admin_client, receiver):
    robot = robot_for(receiver)
    post(robot)
    receiver.replies = [(500, None)]
    deliver()
    masked = "key=****abcd"
    pages = [
        "/admin/notifications/grouprobot/",
        f"/admin/notifications/grouprobot/{robot.pk}/change/",
        "/admin/notifications/outboxmessage/",
        f"/admin/notifications/outboxmessage/{OutboxMessage.objects.get().pk}/change/",
    ]
    for page in pages:
        html = admin_client.get(page).content.decode()
        assert SECRET not in html and SECRET[:-4] not in html, page
    assert masked in admin_client.get(pages[0]).content.decode()
    assert masked in admin_client.get(pages[1]).content.decode()
    outbox = admin_client.get(pages[2]).content.decode()
    assert "webhook" in outbox and "发送失败，等待重试" in outbox and masked in outbox


@pytest.mark.django_db
def test_saving_the_robot_form_without_a_url_keeps_the_secret(admin_client, receiver):
    robot = robot_for(receiver)
    response = admin_client.post(
        f"/admin/notifications/grouprobot/{robot.pk}/change/",
        {"department": robot.department_id, "kind": "dingtalk", "url": "", "active": "on"},
    )
    assert response.status_code == 302
    robot.refresh_from_db()
    assert (robot.kind, robot.url) == ("dingtalk", receiver.url())


# --- reminders, digest and urges reach the group -------------------------------------------


@pytest.mark.django_db
def test_a_departments_robot_receives_its_reminders(receiver, django_user_model, mailoutbox):
    finance, water = seeded("市财政局"), seeded("市水务局")
    robot_for(receiver, finance)
    clerk = django_user_model.objects.create_user("clerk", email="clerk@example.gov.cn")
    MembershipFactory(user=clerk, department=water)
    task_due(FRIDAY, finance, heading="报送年度方案")
    task_due(date(2024, 11, 4), finance, water, heading="统筹整合涉农资金")

    result = send_due_reminders(FRIDAY)

    # finance has no staff account, but its group is reached: not "no recipients"
    assert result.summary_line() == "sent 3, already sent 0, failed 0"
    assert not Reminder.objects.filter(status="no_recipients").exists()
    [text] = receiver.texts()  # one post to finance's group, with both of its items
    assert text.splitlines()[0].endswith("到期提醒：今天到期1项，即将到期1项**")
    assert "市财政局" in text and "报送年度方案" in text and "统筹整合涉农资金" in text
    assert [m.to for m in mailoutbox] == [["clerk@example.gov.cn"]]  # water: its member
    assert "报送年度方案" not in mailoutbox[0].body
    assert send_due_reminders(FRIDAY).summary_line() == "sent 0, already sent 3, failed 0"
    assert len(receiver.posts) == 1


@pytest.mark.django_db
def test_a_failed_group_post_counts_the_reminder_as_failed(receiver):
    finance = seeded("市财政局")
    robot_for(receiver, finance)
    task_due(FRIDAY, finance)
    receiver.replies = [(500, None)]
    result = send_due_reminders(FRIDAY)
    assert result.summary_line() == "sent 0, already sent 0, failed 1"


@pytest.mark.django_db
def test_the_digest_gives_each_department_its_part_once_a_week(receiver):
    finance, water = seeded("市财政局"), seeded("市水务局")
    robot_for(receiver, finance)
    task_due(date(2024, 10, 1), finance, heading="总结报送")
    task_due(date(2024, 10, 28), water, heading="水资源公报")
    monday = date(2024, 11, 4)

    assert send_supervisor_digest(monday).groups == 1
    [text] = receiver.texts()
    assert "市财政局逾期1项" in text and "总结报送" in text and "水资源公报" not in text
    assert send_supervisor_digest(monday).groups == 0  # the same week: nothing more
    assert len(receiver.posts) == 1


@pytest.mark.django_db
def test_an_urge_reaches_the_departments_group(receiver, django_user_model):
    finance = seeded("市财政局")
    robot_for(receiver, finance)
    boss = django_user_model.objects.create_user("boss")
    Group.objects.get_or_create(name=Role.SUPERVISOR)[0].user_set.add(boss)
    member = django_user_model.objects.create_user("clerk")
    MembershipFactory(user=member, department=finance)
    task = task_due(FRIDAY, finance, heading="报送年度方案")

    urge(task, boss, message="请于本周内报送。")

    assert Notification.objects.get(user=member).kind == "urge"  # the inbox, as before
    row = OutboxMessage.objects.get()
    assert (row.channel, row.kind, row.department_id) == ("webhook", "urge", finance.pk)
    assert deliver().sent == 1
    [text] = receiver.texts()
    assert "催办" in text and "报送年度方案" in text and "请于本周内报送。" in text


@pytest.mark.django_db
def test_the_robot_form_takes_http_urls_only(admin_client):
    department = seeded("市财政局")
    response = admin_client.post(
        "/admin/notifications/grouprobot/add/",
        {"department": department.pk, "kind": "wecom", "url": "ftp://127.0.0.1/x", "active": "on"},
    )
    assert response.status_code == 200 and not GroupRobot.objects.exists()
    response = admin_client.post(
        "/admin/notifications/grouprobot/add/",
        {"department": department.pk, "kind": "wecom", "url": "", "active": "on"},
    )
    assert "请填写 Webhook 地址" in response.content.decode()
    assert not GroupRobot.objects.exists()
