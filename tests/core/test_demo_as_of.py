"""The demo's fixed "today" (DEMO_AS_OF): today() answers it only in the demo path, production
settings refuse it, and every page says so in a banner."""

import secrets
from datetime import date

import pytest
from django.utils import timezone

from core.dates import today

from .test_settings import run_python, settings_values

PROD = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "gazette.example.cn",
}
BANNER = "演示数据：按2018年11月20日计算"


def test_today_is_the_real_date_without_the_setting(settings):
    settings.DEMO_AS_OF = None
    assert today() == timezone.localdate()


def test_today_answers_demo_as_of_in_the_demo(settings):
    settings.DEMO_ACCOUNTS_ENABLED = True
    settings.DEMO_AS_OF = date(2018, 11, 20)
    assert today() == date(2018, 11, 20)


def test_a_setting_left_behind_without_the_demo_flags_is_not_answered(settings):
    settings.DEBUG = False
    settings.DEMO_ACCOUNTS_ENABLED = False
    settings.DEMO_AS_OF = date(2018, 11, 20)
    assert today() == timezone.localdate()


def test_demo_settings_read_the_date():
    values = settings_values("DEMO_AS_OF", DEBUG="1", DEMO_AS_OF="2018-11-20")
    assert values["DEMO_AS_OF"] == "2018-11-20"
    values = settings_values(
        "DEMO_AS_OF", DEMO_ACCOUNTS_ENABLED="1", DEMO_AS_OF="2018-11-20", **PROD
    )
    assert values["DEMO_AS_OF"] == "2018-11-20"


def test_production_settings_refuse_demo_as_of():
    result = run_python("import django; django.setup()", DEMO_AS_OF="2018-11-20", **PROD)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEMO_AS_OF=2018-11-20" in result.stderr
    assert "演示环境" in result.stderr


def test_production_settings_without_it_run_on_the_real_date():
    code = (
        "import django; django.setup(); from core.dates import today; "
        "from django.utils import timezone; print(today() == timezone.localdate())"
    )
    result = run_python(code, **PROD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_a_malformed_date_is_named():
    result = run_python("import django; django.setup()", DEBUG="1", DEMO_AS_OF="2018/11/20")
    assert result.returncode != 0
    assert "YYYY-MM-DD" in result.stderr


@pytest.fixture
def demo_day(settings):
    settings.DEMO_ACCOUNTS_ENABLED = True
    settings.DEMO_AS_OF = date(2018, 11, 20)


@pytest.mark.parametrize(
    "who,url",
    [
        (None, "/"),
        (None, "/catalogue/"),
        (None, "/accounts/login/"),
        ("finance", "/work/tasks/"),
        ("supervisor", "/work/supervision/"),
        ("secretariat", "/work/import/"),
    ],
)
def test_banner_on_public_and_staff_pages_only_when_on(seed, client_for, settings, who, url):
    settings.DEMO_ACCOUNTS_ENABLED = True
    settings.DEMO_AS_OF = None
    page = client_for(who).get(url).content.decode()
    assert "demo-banner" not in page and "演示数据" not in page
    settings.DEMO_AS_OF = date(2018, 11, 20)
    page = client_for(who).get(url).content.decode()
    assert f'<p class="demo-banner" role="note">{BANNER}</p>' in page


def test_staff_pages_count_overdue_as_of_the_demo_day(seed, client_for, demo_day, settings):
    """The supervisor's overview counts as of DEMO_AS_OF, not the real date (nothing of the
    2018 issue is 1,900 working days late)."""
    page = client_for("supervisor").get("/work/supervision/").content.decode()
    assert "统计日期：2018年11月20日" in page
    settings.DEMO_AS_OF = None
    page = client_for("supervisor").get("/work/supervision/").content.decode()
    assert "统计日期：2018年11月20日" not in page
