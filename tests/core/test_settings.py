"""Settings read from the environment, and the site-wide pages."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with only the given environment (and no .env)."""
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "benxi_gazette.settings",
        "ENV_FILE": os.devnull,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_values(*names: str, **env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run_python(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_secret_key_required_when_debug_off():
    result = run_python("import django; django.setup()", DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_insecure_dev_key_only_in_debug():
    values = settings_values("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", DEBUG="1")
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"].startswith("django-insecure")
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


def test_sqlite_is_the_default_database():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; print(db['ENGINE']); print(db['NAME'])"
    )
    result = run_python(code, DEBUG="1")
    assert result.returncode == 0, result.stderr
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == ROOT / "var" / "db.sqlite3"


def test_postgres_url_gets_persistent_connections():
    url = "postgres://gazette@db.example:5432/gazette"
    values = settings_values("DATABASES", DEBUG="1", DATABASE_URL=url)
    db = values["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["HOST"], db["PORT"]) == ("gazette", "db.example", 5432)
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True
    values = settings_values("DATABASES", DEBUG="1", DATABASE_URL=url, CONN_MAX_AGE="0")
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


def test_celery_runs_jobs_in_process_without_a_broker():
    code = (
        "import django; django.setup(); from benxi_gazette import celery_app; "
        "from django.conf import settings; c = celery_app.conf; "
        "print(c.task_always_eager, c.task_eager_propagates, bool(settings.CELERY_BROKER_URL), "
        "settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    result = run_python(code, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False", "LocMemCache"]


def test_redis_url_configures_broker_and_cache():
    code = (
        "import django; django.setup(); from benxi_gazette import celery_app; "
        "from django.conf import settings; c = celery_app.conf; "
        "print(c.task_always_eager, c.broker_url, "
        "settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    result = run_python(code, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "redis://127.0.0.1:6379/3", "RedisCache"]


def test_email_url_becomes_a_mailer():
    values = settings_values("MAILERS", DEBUG="1", EMAIL_URL="smtp+tls://robot:pw@mail.example:587")
    mailer = values["MAILERS"]["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"]["host"] == "mail.example"
    assert mailer["OPTIONS"]["port"] == 587
    assert mailer["OPTIONS"]["use_tls"] is True
    values = settings_values("MAILERS", DEBUG="1")
    assert values["MAILERS"]["default"]["BACKEND"].endswith("console.EmailBackend")


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ENV_FILE": os.devnull,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "example.gov.cn",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "本溪市人民政府公报" in html
    for term in ("公报期次", "主动公开目录"):
        assert term in html
    csp = response.headers.get("Content-Security-Policy") or response.headers.get(
        "Content-Security-Policy-Report-Only"
    )
    assert csp and "default-src 'self'" in csp


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_fails_when_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_admin_login_page_renders(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "本溪市人民政府公报 管理后台" in response.content.decode()


@pytest.mark.django_db
def test_site_login_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html
    assert 'name="password"' in html


@pytest.mark.django_db
def test_api_schema_and_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert "本溪市人民政府公报 API" in schema.content.decode()
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()


@pytest.mark.django_db
def test_api_token_endpoint(client, django_user_model):
    django_user_model.objects.create_user("clerk", password="s3cret-pass-word")
    response = client.post(
        "/api/auth/token/", {"username": "clerk", "password": "s3cret-pass-word"}
    )
    assert response.status_code == 200
    assert json.loads(response.content)["token"]
