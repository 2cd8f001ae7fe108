"""Login throttling (django-axes): five wrong passwords for one username from one IP address
lock that pair out for the cool-off time, on the login page, the admin login and the API token
endpoint alike; other users and other addresses are not affected; the admin lists it."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/auth/token/"


@pytest.fixture(autouse=True)
def axes_on(settings):
    # settings.py turns axes off under pytest (Client.login() passes no request to it)
    settings.AXES_ENABLED = True
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def token(client, username, password, **extra):
    return client.post(TOKEN, {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_login_page(users):
    client = Client()
    for _ in range(4):
        response = login(client, "finance", "wrong")
        assert response.status_code == 200  # the form again, with its error
        assert "请输入一个正确的用户名和密码" in response.content.decode()
    locked = login(client, "finance", "wrong")  # the fifth
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂时锁定" in page and "连续5次登录失败" in page and "请15分钟后再试" in page

    right = login(client, "finance", "pw-finance")  # the right password is refused too
    assert right.status_code == 429 and not signed_in(client)


def test_other_users_and_other_addresses_are_not_affected(users):
    attacker = Client()
    for _ in range(5):
        login(attacker, "finance", "wrong")
    assert login(attacker, "finance", "pw-finance").status_code == 429
    # another user from the same address
    other = Client()
    assert login(other, "health", "pw-health").status_code == 302 and signed_in(other)
    # the same user from another address (the lockout is keyed on username + IP)
    elsewhere = Client(REMOTE_ADDR="10.20.30.40")
    response = login(elsewhere, "finance", "pw-finance")
    assert response.status_code == 302 and signed_in(elsewhere)


def test_the_lockout_ends_after_the_cool_off(users):
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(5):
        login(client, "finance", "wrong")
    assert login(client, "finance", "pw-finance").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login(client, "finance", "pw-finance").status_code == 302 and signed_in(client)


def test_a_successful_login_resets_the_count(users):
    client = Client()
    for _ in range(4):
        login(client, "finance", "wrong")
    assert login(client, "finance", "pw-finance").status_code == 302
    client = Client()
    for _ in range(4):
        assert login(client, "finance", "wrong").status_code == 200
    assert login(client, "finance", "pw-finance").status_code == 302


def test_the_api_token_endpoint_is_throttled_too(users):
    client = Client()
    for _ in range(4):
        response = token(client, "finance", "wrong")
        assert response.status_code == 400
    locked = token(client, "finance", "wrong")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.json()["detail"]
    right = token(client, "finance", "pw-finance")
    assert right.status_code == 429 and "token" not in right.json()
    # other users, and the same user from elsewhere, still get their token
    assert "token" in token(client, "health", "pw-health").json()
    assert "token" in token(Client(REMOTE_ADDR="10.20.30.40"), "finance", "pw-finance").json()


def test_failures_count_across_the_login_page_admin_and_api(users):
    client = Client()
    login(client, "finance", "wrong")
    login(client, "finance", "wrong")
    client.post("/admin/login/", {"username": "finance", "password": "wrong"})
    token(client, "finance", "wrong")
    assert token(client, "finance", "wrong").status_code == 429  # the fifth, wherever
    assert login(client, "finance", "pw-finance").status_code == 429
    admin = client.post("/admin/login/", {"username": "finance", "password": "pw-finance"})
    assert admin.status_code == 429


def test_the_lockout_is_shown_in_the_admin(users):
    for _ in range(5):
        login(Client(), "finance", "wrong")
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    admin = Client()
    admin.force_login(root)
    page = admin.get("/admin/axes/accessattempt/").content.decode()
    assert "finance" in page and "127.0.0.1" in page
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="finance")
    assert attempt.failures_since_start == 5
    detail = admin.get(f"/admin/axes/accessattempt/{attempt.pk}/change/")
    assert detail.status_code == 200
    # deleting the attempt in the admin unlocks the login
    admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert login(Client(), "finance", "pw-finance").status_code == 302
