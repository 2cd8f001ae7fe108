"""Two imports of the same issue at once leave one issue (PostgreSQL, real transactions)."""

import threading

import pytest
from django.db import connections
from paths import SEED_PATH

from documents.models import Document, GazetteIssue
from documents.services import GazetteImportError, import_issue


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_leave_one_issue():
    text = SEED_PATH.read_text(encoding="utf-8")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(import_issue(text).action)
        except GazetteImportError as exc:
            errors.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert GazetteIssue.objects.count() == 1
    assert Document.objects.count() == 6
    assert sorted(results) == ["created", "unchanged"], (results, errors)
