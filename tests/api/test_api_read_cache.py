"""API reads cached by the content version (core/content_version.py), on PostgreSQL.

What must hold: a repeated read is answered from the cache; any committed write to the
content — a bulk update that no model signal sees included — retires it; people with other
roles or departments never get each other's answers; a cache that is down costs speed, not
answers.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jobhelpers import closed_port

from core import content_version
from tasks.models import Task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TASKS = "/api/tasks/?ordering=next_due"


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()


def get(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return response, len(ctx)


def test_every_content_table_carries_the_trigger(seed):
    tables = content_version.content_tables()
    assert {"tasks_task", "tasks_taskassignment", "documents_document"} <= set(tables)
    assert {"departments_membership", "auth_user_groups"} <= set(tables)  # who sees what
    assert "tasks_notification" not in tables  # written per person, read by no cached answer
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s",
            [content_version.TRIGGER],
        )
        triggered = {row[0] for row in cursor.fetchall()}
    assert set(tables) <= triggered


def test_a_repeated_read_is_answered_from_the_cache(seed, client_for):
    client = client_for("supervisor")
    first, first_queries = get(client, TASKS)
    second, second_queries = get(client, TASKS)
    assert first["X-Read-Cache"] == "miss" and second["X-Read-Cache"] == "hit"
    assert second.json() == first.json()
    assert second_queries < first_queries
    assert second_queries <= 3  # session, user, version


def test_a_bulk_update_no_signal_sees_retires_the_cached_answer(seed, client_for):
    client = client_for("supervisor")
    before, _ = get(client, TASKS)
    task_id = before.json()["results"][0]["id"]
    Task.objects.filter(pk=task_id).update(heading="新的标题")  # no save(), no signal
    after, _ = get(client, TASKS)
    assert after["X-Read-Cache"] == "miss"
    row = next(r for r in after.json()["results"] if r["id"] == task_id)
    assert row["heading"] == "新的标题"


def test_a_new_membership_retires_the_users_cached_answers(seed, client_for, users):
    from departments.models import Department, Membership

    client = client_for("water")
    before, _ = get(client, TASKS)
    Membership.objects.create(
        user=users["water"], department=Department.objects.get(name="市财政局")
    )
    after, _ = get(client, TASKS)
    assert after["X-Read-Cache"] == "miss"
    assert after.json()["count"] > before.json()["count"]


def test_scopes_never_share_an_answer(seed, client_for):
    everything, _ = get(client_for("supervisor"), TASKS)
    finance, _ = get(client_for("finance"), TASKS)
    water, _ = get(client_for("water"), TASKS)
    assert finance["X-Read-Cache"] == "miss" and water["X-Read-Cache"] == "miss"
    counts = {everything.json()["count"], finance.json()["count"], water.json()["count"]}
    assert len(counts) == 3
    assert (
        finance.json()["count"]
        == Task.objects.filter(assignments__department__name="市财政局").distinct().count()
    )


def test_a_denied_read_stays_denied_after_someone_else_cached_it(seed, client_for):
    task = Task.objects.exclude(assignments__department__name="市财政局").first()
    ok, _ = get(client_for("supervisor"), f"/api/tasks/{task.pk}/")
    assert ok["X-Read-Cache"] == "miss"
    assert client_for("finance").get(f"/api/tasks/{task.pk}/").status_code == 404
    assert client_for().get(f"/api/tasks/{task.pk}/").status_code in (401, 403)


def test_with_the_cache_down_reads_are_answered_uncached(seed, client_for, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    for _ in range(2):
        response, _ = get(client_for("supervisor"), TASKS)
        assert "X-Read-Cache" not in response
        assert response.json()["count"] == Task.objects.count()


def test_an_answer_computed_while_a_writer_is_in_progress_is_not_stored(seed, client_for):
    """A writer still open may commit a change numbered below the newest: until it ends,
    answers are served but not stored."""
    import threading

    from django.db import connections, transaction

    from departments.models import Department

    wrote, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                Department.objects.filter(name="市财政局").update(short_name="财政")
                wrote.set()
                release.wait(30)
                transaction.set_rollback(True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert wrote.wait(30)
        client = client_for("supervisor")
        assert get(client, TASKS)[0]["X-Read-Cache"] == "unsettled"
        assert get(client, TASKS)[0]["X-Read-Cache"] == "unsettled"  # not stored meanwhile
    finally:
        release.set()
        thread.join(30)
    assert get(client, TASKS)[0]["X-Read-Cache"] == "miss"
    assert get(client, TASKS)[0]["X-Read-Cache"] == "hit"


def token_client(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_hit_is_answered_before_rest_framework_runs(seed, users):
    client = token_client(users["supervisor"])
    first, _ = get(client, TASKS)
    second, queries = get(client, TASKS)
    assert second["X-Read-Cache"] == "hit" and second.json() == first.json()
    assert queries == 1  # the token and the version in one: no session, no roles, no view
    from rest_framework.test import APIClient

    anonymous = APIClient()
    get(anonymous, "/api/catalogue/")
    hit, queries = get(anonymous, "/api/catalogue/")
    assert hit["X-Read-Cache"] == "hit" and queries == 1  # the version alone


def test_a_deactivated_users_token_is_refused_though_its_answer_is_cached(seed, users):
    client = token_client(users["supervisor"])
    get(client, TASKS)
    users["supervisor"].is_active = False
    users["supervisor"].save()
    response = client.get(TASKS)
    assert response.status_code == 401
    assert "X-Read-Cache" not in response


def test_an_unknown_token_or_another_media_type_goes_to_the_view(seed, users):
    from rest_framework.test import APIClient

    client = token_client(users["supervisor"])
    get(client, TASKS)
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert stranger.get(TASKS).status_code == 401
    page = client.get(TASKS, HTTP_ACCEPT="text/html")  # the browsable API: never stored
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "X-Read-Cache" not in page


def test_a_hit_carries_the_same_etag_and_answers_304(seed, client_for):
    client = client_for()
    first, _ = get(client, "/api/catalogue/")
    second, _ = get(client, "/api/catalogue/")
    assert second["X-Read-Cache"] == "hit" and second["ETag"] == first["ETag"]
    again = client.get("/api/catalogue/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
