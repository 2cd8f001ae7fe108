"""Where the test data lives: the project's fixtures and the shared corpus beside the repo."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"
SEED_PATH = FIXTURES / "benxi-2018-06.txt"
SCREENSHOTS = ROOT / "docs" / "screenshots"
