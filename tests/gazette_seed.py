"""Import the seed gazette for page tests: published, indexed for search, without its PDF.

Inside a test transaction the import's on-commit jobs (PDF, search index) never run, so the
PDF is skipped and the index is built directly.
"""

from unittest import mock

from paths import SEED_PATH


def import_seed():
    from documents.search import rebuild_index
    from documents.services import import_issue

    with (
        mock.patch("documents.services.schedule_issue_pdf"),
        mock.patch("documents.search.schedule_index"),
    ):
        report = import_issue(SEED_PATH.read_text(encoding="utf-8"), publish=True)
    rebuild_index()
    return report
