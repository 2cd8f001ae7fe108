"""Backup and restore (manage.py backup / restore, core/backup.py) on this test's database.

The round trip compares every row of every table (all concrete models from django.apps, field
by field) and every uploaded file byte for byte; damaged or foreign archives are refused with
nothing changed; a restore that fails half way leaves the old data. Runs on SQLite and, with
DATABASE_URL=postgres://..., on PostgreSQL; the cross-vendor test restores a SQLite backup on
PostgreSQL and back (subprocesses, each with its own database).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone
from gazette_seed import import_seed
from jobhelpers import FRIDAY, closed_port, task_due
from paths import ROOT, SEED_PATH
from people import make_user
from rest_framework.authtoken.models import Token
from staffhelpers import PNG, upload

from core import backup
from departments.models import Department
from disclosure.models import DisclosureEvent, DisclosureItem
from documents.models import Document, DocumentRelation, ExpiryReminder, GazetteIssue
from notifications.models import GroupRobot
from search.models import SearchEntry
from staff.models import CalendarFeed
from tasks.models import Notification, Task
from tasks.reminders import send_due_reminders
from tasks.services import report_progress, urge
from workdays.models import CalendarDay, CalendarYear

FAKE_PDF = b"%PDF-1.4\n% stored issue PDF\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def _jobs_in_process(settings):
    """Jobs the data set-up triggers (the calendar's recompute) run here, not on a broker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


# --- what is compared -------------------------------------------------------------------------


def table_models() -> list:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def snapshot() -> dict[str, object]:
    """Every row of every table, field by field (search index rows without their ids: the
    index is rebuilt on restore, so only its content must come back)."""
    state: dict[str, object] = {}
    for model in table_models():
        label = model._meta.label_lower
        names = [f.attname for f in model._meta.concrete_fields]
        at = names.index(model._meta.pk.attname)
        rows = model._base_manager.order_by("pk").values_list(*names)
        if label in backup.REBUILD:
            state[label] = Counter(row[:at] + row[at + 1 :] for row in rows)
        else:
            state[label] = {row[at]: dict(zip(names, row, strict=True)) for row in rows}
    return state


def media_files() -> dict[str, bytes]:
    root = Path(django_settings.MEDIA_ROOT)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


def assert_same(after: dict, before: dict) -> None:
    assert sorted(after) == sorted(before)
    different = [label for label in before if after[label] != before[label]]
    for label in different:  # the first difference, readably
        assert after[label] == before[label], label


def assert_sequences_ahead() -> None:
    """PostgreSQL: each table's id sequence is past its highest id (SQLite: nothing to do)."""
    if connection.vendor != "postgresql":
        return
    behind = []
    with connection.cursor() as cursor:
        for model in backup.backup_models():
            pk = model._meta.pk
            if pk.get_internal_type() not in ("AutoField", "BigAutoField", "SmallAutoField"):
                continue
            table = model._meta.db_table
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
            (sequence,) = cursor.fetchone()
            cursor.execute(
                f"SELECT (SELECT last_value FROM {sequence}), "  # our own names
                f'(SELECT max("{pk.column}") FROM "{table}")'
            )
            last, top = cursor.fetchone()
            if top is not None and last < top:
                behind.append((table, last, top))
    assert behind == []


# --- the data ---------------------------------------------------------------------------------


def build_world(django_user_model, client) -> dict:
    """The seed issue (published, indexed) with its stored PDF, and a row in every table."""
    import_seed()
    issue = GazetteIssue.objects.get()
    pdf = default_storage.save(
        f"gazette/pdf/benxi-gazette-{issue.year}-{issue.number:02d}-test.pdf",
        ContentFile(FAKE_PDF),
    )
    GazetteIssue.objects.filter(pk=issue.pk).update(
        pdf=pdf, pdf_key="f" * 64, pdf_rendered_at=timezone.now()
    )

    finance = Department.objects.get(name="市财政局")
    staff = make_user(
        django_user_model, "finance", groups=["department_staff"], departments=["市财政局"]
    )
    staff.email = "finance@example.gov.cn"
    staff.last_login = timezone.now()
    staff.save()
    supervisor = make_user(django_user_model, "supervisor", groups=["supervisor"])
    django_user_model.objects.create_superuser("root", "root@example.gov.cn", "pw-root")
    view_task = Permission.objects.get(codename="view_task")
    staff.user_permissions.add(view_task)
    Group.objects.get(name="supervisor").permissions.add(view_task)
    Token.objects.create(user=staff)
    CalendarFeed.objects.create(user=staff, department=finance)

    task = (
        Task.objects.filter(assignments__department=finance)
        .exclude(status=Task.Status.DONE)
        .order_by("pk")
        .first()
    )
    report = report_progress(
        task, staff, text="已完成初步梳理，附佐证材料。", files=[upload("佐证.png", PNG)]
    )
    # a group robot that does not answer: the urge's post to it waits in the outbox for a retry
    GroupRobot.objects.create(
        department=finance, url=f"http://127.0.0.1:{closed_port()}/send?key=backup-test-key"
    )
    urge(task, supervisor, message="请加快办理")  # an urge, a notification, a group post
    task_due(FRIDAY, finance, heading="报送年度方案")
    send_due_reminders(FRIDAY)  # reminders, their notifications and the email record
    Notification.objects.filter(user=staff).update(read_at=timezone.now())

    # a document's validity: a recorded repeal between two of the seed's documents, and the
    # expiry reminder already sent for one of them
    first, second = Document.objects.order_by("pk")[:2]
    DocumentRelation.objects.create(
        source=second,
        kind=DocumentRelation.Kind.REPEALS,
        target=first,
        target_number=first.number,
        target_title=first.title,
        cited_text="同时废止",
        state=DocumentRelation.State.CONFIRMED,
    )
    ExpiryReminder.objects.create(
        document=first, threshold="30", valid_until=date(2031, 12, 31), recipients=1
    )

    # calendar rows (their change runs the recompute job in-process: a job log row)
    CalendarYear.objects.create(year=2031, status="official", notice="国办发明电〔2030〕1号")
    CalendarDay.objects.create(date=date(2031, 10, 1), kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=date(2031, 10, 11), kind="workday", name="国庆节调休")

    item = DisclosureItem.objects.order_by("pk").first()
    DisclosureEvent.objects.create(
        item=item,
        department=finance,
        subject="某公司取水许可",
        event="决定作出",
        occurred_at=timezone.now() - timedelta(days=3, microseconds=123457),
        created_by=staff,
    )
    LogEntry.objects.create(
        user=supervisor,
        content_type=ContentType.objects.get_for_model(Task),
        object_id=str(task.pk),
        object_repr=str(task)[:200],
        action_flag=ADDITION,
        change_message="[]",
    )
    # a failed and a successful sign-in: a session (which the backup leaves out) and, with
    # django-axes, its login records
    login = reverse("login")
    assert client.post(login, {"username": "finance", "password": "wrong"}).status_code == 200
    assert client.post(login, {"username": "finance", "password": "pw-finance"}).status_code == 302
    if apps.is_installed("axes"):  # its failure log is off by default: one row by hand
        apps.get_model("axes", "AccessFailureLog").objects.create(
            username="finance", ip_address="192.0.2.1", user_agent="test", path_info=login
        )
    return {"issue": issue, "task": task, "report": report, "staff": staff}


# --- the round trip ---------------------------------------------------------------------------


@pytest.mark.slow
# transactional; migrated_data puts back what the migrations seed (another transactional
# test before this one may have flushed it)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_data")
def test_round_trip_brings_back_every_row_and_every_file(
    django_user_model, client, tmp_path, settings
):
    settings.AXES_ENABLED = True  # (if installed) sign-ins are logged
    world = build_world(django_user_model, client)
    before, files = snapshot(), media_files()
    # sessions, login throttling: not in the backup
    left_out = set(backup.EXCLUDED) - set(backup.REBUILD)
    empty = [label for label, rows in before.items() if not rows and label not in left_out]
    assert empty == [], "every table has rows, so the comparison covers it"
    assert Session.objects.exists()
    stored_pdf = GazetteIssue.objects.get(pk=world["issue"].pk).pdf.name
    assert set(files) == {stored_pdf, world["report"].attachments.get().file.name}

    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    started = time.perf_counter()
    call_command("backup", str(archive), stdout=out)
    took_backup = time.perf_counter() - started
    assert str(archive) in out.getvalue()
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes, tokens

    # the manifest: format, time, migration state, rows per model, sha256 per file
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert manifest["format"] == backup.FORMAT and manifest["version"] == backup.FORMAT_VERSION
    assert timezone.now() - datetime.fromisoformat(manifest["created_at"]) < timedelta(minutes=5)
    latest = dict(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    assert manifest["migrations"]["tasks"][-1] == latest["tasks"]  # 0008_… at issue 16
    assert manifest["migrations"]["documents"][-1] == latest["documents"]
    assert {e["label"]: e["rows"] for e in manifest["models"]} == {
        label: len(rows) for label, rows in before.items() if label not in backup.EXCLUDED
    }
    assert (
        set(manifest["excluded"])
        == set(backup.EXCLUDED)
        >= {
            "sessions.session",
            "search.searchentry",
        }
    )
    assert {name for name in manifest["files"] if name.startswith("media/")} == {
        f"media/{name}" for name in files
    }
    assert set(names) == {"manifest.json", *manifest["files"]}

    # wipe: every table (migrate's content types and permissions come back), every file
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(django_settings.MEDIA_ROOT)
    assert backup.non_empty_tables() == {}

    started = time.perf_counter()
    call_command("restore", str(archive), stdout=out)
    took_restore = time.perf_counter() - started

    after = snapshot()
    assert after["sessions.session"] == {}  # everyone signs in again
    for label in left_out & set(after):
        del after[label], before[label]
    assert_same(after, before)
    assert media_files() == files
    assert_sequences_ahead()

    # the site works on the restored data: new rows get new ids, the search finds the issue
    note = Notification.objects.create(user=world["staff"], kind="urge", title="恢复后")
    assert note.pk > max(before["tasks.notification"])
    response = client.get("/search/", {"q": "财政"})
    assert response.status_code == 200
    assert SearchEntry.objects.count() == sum(before["search.searchentry"].values())
    print(f"backup {took_backup:.2f}s, restore {took_restore:.2f}s, {archive.stat().st_size} B")


@pytest.mark.django_db
def test_a_database_with_data_is_not_overwritten_without_force(django_user_model, tmp_path):
    import_seed()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    make_user(django_user_model, "newcomer")
    before = snapshot()

    with pytest.raises(CommandError, match=r"not empty .*auth\.user \(1\).*--force"):
        call_command("restore", str(archive))
    assert snapshot() == before


@pytest.mark.django_db
def test_a_freshly_migrated_database_counts_as_empty():
    # migrate seeds the registry, groups, calendar, content types and permissions only
    assert backup.non_empty_tables() == {}


# --- refusals: nothing changes ----------------------------------------------------------------


def rewrite(archive: Path, target: Path, change) -> Path:
    """Copy the archive member by member; change(name, data) -> new data or None (drop)."""
    changed = 0
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            original = src.extractfile(member).read()
            data = change(member.name, original)
            changed += data != original
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
        extra = change("<extra>", b"")
        if extra:
            info = tarfile.TarInfo("media/planted.txt")
            info.size = len(extra)
            dst.addfile(info, io.BytesIO(extra))
            changed += 1
    assert changed, "the damage must change something"
    return target


def flip_middle_byte(archive: Path, target: Path) -> Path:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def member_edit(which: str, edit):
    def change(name: str, data: bytes):
        return edit(data) if name.startswith(which) else (None if name == "<extra>" else data)

    return change


def other_migrations(data: bytes) -> bytes:
    manifest = json.loads(data)
    manifest["migrations"]["tasks"].append("0099_from_the_future")
    manifest["migrations"]["documents"].remove("0002_issue_pdf")
    return json.dumps(manifest).encode()


DAMAGES = {
    "a byte flipped in the compressed stream": (
        flip_middle_byte,
        r"cannot be read|checksum mismatch",
    ),
    "cut short": (
        lambda a, t: t.write_bytes(a.read_bytes()[: a.stat().st_size * 2 // 3]) and t,
        r"cannot be read|checksum mismatch",
    ),
    "a file changed, the manifest not": (
        lambda a, t: rewrite(a, t, member_edit("media/progress/", lambda d: d[:-1] + b"!")),
        r"checksum mismatch for media/progress/",
    ),
    "a row changed, the manifest not": (
        lambda a, t: rewrite(
            a, t, member_edit("data/tasks.task.", lambda d: d.replace("任务".encode(), b"xx", 1))
        ),
        r"checksum mismatch for data/tasks\.task\.jsonl",
    ),
    "a table missing": (
        lambda a, t: rewrite(a, t, member_edit("data/tasks.notification", lambda d: None)),
        r"lacks 1 member.*data/tasks\.notification\.jsonl",
    ),
    "a file planted": (
        lambda a, t: rewrite(a, t, lambda n, d: b"planted" if n == "<extra>" else d),
        r"unexpected member 'media/planted\.txt'",
    ),
    "another migration state": (
        lambda a, t: rewrite(a, t, member_edit("manifest.json", other_migrations)),
        r"migration state does not match.*documents: this database has 0002_issue_pdf, the "
        r"backup not; tasks: the backup has 0099_from_the_future, this database not",
    ),
    "not a backup": (
        lambda a, t: t.write_bytes(SEED_PATH.read_bytes()) and t,
        r"cannot be read",
    ),
}


@pytest.mark.django_db
def test_damaged_or_foreign_archives_are_refused_and_nothing_changes(django_user_model, tmp_path):
    world_user = make_user(django_user_model, "finance", departments=["市财政局"])
    import_seed()
    task = Task.objects.filter(assignments__department__name="市财政局").order_by("pk").first()
    report_progress(task, world_user, text="进展", files=[upload("a.png", PNG)])
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    # the database moves on after the backup: a restore would visibly change it
    Notification.objects.create(user=world_user, kind="urge", title="备份之后")
    GazetteIssue.objects.update(title="备份之后改过的标题")
    before, files = snapshot(), media_files()

    for number, (what, (damage, message)) in enumerate(DAMAGES.items()):
        damaged = damage(archive, tmp_path / f"damaged-{number}.tar.gz")
        with pytest.raises(CommandError, match=message) as refused:
            call_command("restore", str(damaged), "--force")
        assert "refused, nothing was changed" in str(refused.value), what
        assert snapshot() == before, what
        assert media_files() == files, what
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".restore-")]
        assert leftovers == [], what


@pytest.mark.slow
# transactional; migrated_data puts back what the migrations seed (another transactional
# test before this one may have flushed it)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_data")
def test_a_restore_failing_half_way_leaves_the_old_data(django_user_model, client, tmp_path):
    build_world(django_user_model, client)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    # later work that the failed restore must not lose
    staff = django_user_model.objects.get(username="finance")
    Notification.objects.create(user=staff, kind="urge", title="备份之后")
    Task.objects.filter(pk=Task.objects.order_by("pk").first().pk).update(text="备份之后改过")
    before, files = snapshot(), media_files()

    real_insert = backup._insert

    def failing_insert(model, objs, fields, using):
        if model is Notification:  # late in the order: most tables are loaded by then
            raise IntegrityError("injected: the disk is full")
        return real_insert(model, objs, fields, using)

    with (
        mock.patch.object(backup, "_insert", failing_insert),
        pytest.raises(CommandError, match=r"rolled back, the database is as it was.*injected"),
    ):
        call_command("restore", str(archive), "--force")

    assert_same(snapshot(), before)
    assert media_files() == files
    assert_sequences_ahead()
    Notification.objects.create(user=staff, kind="urge", title="失败之后")  # ids still free

    # the same archive without the injected failure goes through
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert not Notification.objects.filter(title__in=["备份之后", "失败之后"]).exists()


# --- SQLite -> PostgreSQL -> SQLite -----------------------------------------------------------


def manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def archive_content(path: Path) -> dict[str, object]:
    """Rows per table (parsed: PostgreSQL's jsonb orders keys its own way) and file hashes."""
    content: dict[str, object] = {}
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        for entry in manifest["models"]:
            lines = tar.extractfile(f"data/{entry['label']}.jsonl").read().decode().splitlines()
            content[entry["label"]] = [json.loads(line) for line in lines]
    content["media"] = {
        name: meta["sha256"] for name, meta in manifest["files"].items() if name[:6] == "media/"
    }
    content["migrations"] = manifest["migrations"]
    return content


CROSS_VENDOR_DATA = """
from django.contrib.auth.models import User
from departments.models import Department, Membership
from tasks.models import Task
from tasks.services import report_progress
from django.core.files.uploadedfile import SimpleUploadedFile
user = User.objects.create_user("finance", "f@example.gov.cn", "pw")
Membership.objects.create(user=user, department=Department.objects.get(name="市财政局"))
task = Task.objects.filter(assignments__department__name="市财政局").order_by("pk").first()
png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
report_progress(task, user, text="进展", files=[SimpleUploadedFile("a.png", png + bytes(40))])
"""


@pytest.mark.postgres
@pytest.mark.slow
def test_a_sqlite_backup_restores_on_postgresql_and_back(tmp_path):
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_xvendor"[:63]
    admin_dsn = dict(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with psycopg.connect(**admin_dsn) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    user = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
    postgres_url = f"postgres://{user}{admin_dsn['host']}:{admin_dsn['port']}/{name}"
    base = {
        **os.environ,
        "DEBUG": "1",
        "ENV_FILE": os.devnull,
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "consolemail://",
    }

    def env(database_url: str, media: str) -> dict[str, str]:
        return {**base, "DATABASE_URL": database_url, "MEDIA_ROOT": str(tmp_path / media)}

    sqlite_a = env(f"sqlite:///{tmp_path / 'a.sqlite3'}", "media-a")
    postgres_b = env(postgres_url, "media-b")
    sqlite_c = env(f"sqlite:///{tmp_path / 'c.sqlite3'}", "media-c")
    try:
        manage("migrate", "-v0", env=sqlite_a)
        manage("import_gazette", str(SEED_PATH), "--publish", env=sqlite_a)  # renders the PDF
        manage("shell", "-c", CROSS_VENDOR_DATA, env=sqlite_a)
        manage("backup", str(tmp_path / "a.tar.gz"), env=sqlite_a)

        manage("migrate", "-v0", env=postgres_b)
        manage("restore", str(tmp_path / "a.tar.gz"), env=postgres_b)
        manage("backup", str(tmp_path / "b.tar.gz"), env=postgres_b)
        # ids continue after the restored ones on PostgreSQL
        manage("shell", "-c", CROSS_VENDOR_DATA.replace('"finance"', '"second"'), env=postgres_b)

        manage("migrate", "-v0", env=sqlite_c)
        manage("restore", str(tmp_path / "b.tar.gz"), env=sqlite_c)
        manage("backup", str(tmp_path / "c.tar.gz"), env=sqlite_c)
    finally:
        with psycopg.connect(**admin_dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    a, b, c = (archive_content(tmp_path / f"{x}.tar.gz") for x in "abc")
    assert len(a["media"]) == 2  # the issue PDF and the attachment
    assert a["documents.gazetteissue"][0]["fields"]["pdf"].startswith("gazette/pdf/")
    assert b == a
    assert c == a
    for media, count in {"media-a": 2, "media-b": 3, "media-c": 2}.items():
        assert len([p for p in (tmp_path / media).rglob("*") if p.is_file()]) == count
