"""The benchmark corpus generator: deterministic, realistic enough that the real importer reads
every task it wrote, without a warning."""

import pytest
from django.core.management import call_command

from bench.corpus import CorpusGenerator
from documents.models import GazetteIssue
from documents.parser import parse_text


def test_same_seed_same_text_other_seed_other_text():
    assert CorpusGenerator(seed=5).issue(3).text == CorpusGenerator(seed=5).issue(3).text
    assert CorpusGenerator(seed=5).issue(3).text != CorpusGenerator(seed=6).issue(3).text


def test_the_parser_reads_every_generated_task():
    gen = CorpusGenerator(seed=2, tasks_per_document=30)
    forms = set()
    for i in range(12):
        issue = gen.issue(i)
        parsed = parse_text(issue.text)
        assert (parsed.year, parsed.number) == (issue.year, issue.number)
        assert len(parsed.documents) == issue.documents
        assert sum(len(d.tasks) for d in parsed.documents) == issue.tasks
        assert not [w for d in parsed.documents for w in d.warnings]
        for d in parsed.documents:
            forms |= {t.origin for t in d.tasks} | {t.deadline.kind for t in d.tasks if t.deadline}
            forms |= {"catalogue"} if d.catalogue else set()
    assert forms >= {"parenthetical", "prose", "due", "ongoing", "recurring", "catalogue"}


@pytest.mark.django_db
def test_generate_and_import(tmp_path):
    call_command(
        "generate_corpus",
        issues=2,
        seed=4,
        out=str(tmp_path),
        tasks_per_document=10,
        do_import=True,
    )
    assert GazetteIssue.objects.count() == 2
    assert len(list(tmp_path.glob("gazette-*.txt"))) == 2
