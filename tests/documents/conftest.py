import pytest
from paths import SEED_PATH


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def imported_seed(db, seed_text):
    from documents.services import import_issue

    return import_issue(seed_text, source_name="seed")


@pytest.fixture
def seed_export(imported_seed):
    from documents.exporting import export_issues

    return export_issues()["issues"][0]
