"""Login lands each role on its own page; logout; password change."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "landing"),
    [
        ("finance", "/work/tasks/"),
        ("supervisor", "/work/supervision/"),
        ("secretariat", "/work/import/"),
    ],
)
def test_login_lands_on_the_role_page(seed, users, client_for, name, landing):
    client = client_for(None)
    response = client.post(reverse("login"), {"username": name, "password": f"pw-{name}"})
    assert response.status_code == 302 and response["Location"] == reverse("staff:landing")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == landing
    assert client.get(landing).status_code == 200


def test_login_honours_next_and_refuses_inactive(seed, users, client_for):
    client = client_for(None)
    response = client.post(
        reverse("login"),
        {"username": "finance", "password": "pw-finance", "next": "/work/inbox/"},
    )
    assert response["Location"] == "/work/inbox/"
    refused = client_for(None)
    response = refused.post(reverse("login"), {"username": "inactive", "password": "pw-inactive"})
    assert response.status_code == 200  # the form again, not a redirect
    assert "_auth_user_id" not in refused.session


def test_logout(users, client_for):
    client = client_for("finance")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("staff:tasks")).status_code == 302


def test_password_change(users, client_for):
    client = client_for("finance")
    page = client.get(reverse("password_change")).content.decode()
    assert "修改密码" in page
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-finance",
            "new_password1": "Benxi-new-2026!",
            "new_password2": "Benxi-new-2026!",
        },
    )
    assert response.status_code == 302
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    assert client_for(None).login(username="finance", password="Benxi-new-2026!")


def test_staff_nav_links_by_role(seed, users, client_for):
    page = client_for("finance").get(reverse("staff:tasks")).content.decode()
    assert 'href="/work/tasks/"' in page and 'href="/work/supervision/"' not in page
    assert 'href="/work/import/"' not in page
    page = client_for("secretariat").get(reverse("staff:tasks")).content.decode()
    assert 'href="/work/import/"' in page and 'href="/work/departments/"' in page
    # the public navigation stays (block.super)
    assert 'href="/gazette/"' in page
