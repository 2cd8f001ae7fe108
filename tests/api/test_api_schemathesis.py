"""Schemathesis against /api/schema/: generated requests, as anonymous, staff and supervisor.

No response may be a 5xx, and documented responses must match the schema. The number of
examples per operation is bounded (SCHEMATHESIS_EXAMPLES, default 10) so CI stays quick.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
pytestmark = pytest.mark.slow


def load_schema():
    from benxi_gazette.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = load_schema()


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Each test runs inside a transaction on one connection. A real WSGI request closes
    "old" connections when it starts and ends, which would close that one (PostgreSQL then
    fails every later request); Django's test client disconnects the same hooks."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def data(seed):
    """Every example runs against the imported, published seed issue."""


@pytest.fixture
def tokens(users):
    return {
        name: Token.objects.create(user=users[name]).key
        for name in ("finance", "supervisor", "secretariat")
    }


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def call(case, token=None):
    headers = {"Authorization": f"Token {token}"} if token else {}
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_api_as_anonymous(case):
    call(case)


@schema.parametrize()
@SETTINGS
def test_api_as_department_staff(case, tokens):
    call(case, tokens["finance"])


@schema.parametrize()
@SETTINGS
def test_api_as_supervisor(case, tokens):
    call(case, tokens["supervisor"])
