"""Import the seed gazette for page tests: published (and so indexed for search), without its
PDF (inside a test transaction the import's on-commit PDF job would never run)."""

from unittest import mock

from paths import SEED_PATH


def import_seed():
    from documents.services import import_issue

    with mock.patch("documents.services.schedule_issue_pdf"):
        return import_issue(SEED_PATH.read_text(encoding="utf-8"), publish=True)
