from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SEED_PATH = FIXTURES / "benxi-2018-06.txt"


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
