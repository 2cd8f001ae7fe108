"""Model constraints: one issue per (year, number), unique document numbers, number parsing."""

import pytest
from django.db import IntegrityError, transaction
from factories import DocumentFactory, IssueFactory

from documents.models import GazetteIssue
from documents.parser import parse_number

pytestmark = pytest.mark.django_db


def test_duplicate_issue_is_refused():
    IssueFactory(year=2018, number=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        GazetteIssue.objects.create(year=2018, number=6, title="重复")
    assert GazetteIssue.objects.filter(year=2018, number=6).count() == 1


def test_duplicate_document_number_is_refused_but_unnumbered_documents_coexist():
    DocumentFactory(number="本政发〔2018〕13号")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(number="本政发〔2018〕13号")
    DocumentFactory(number="")
    DocumentFactory(number="")  # documents without a 文号 (上海市人民政府 opinion) are allowed


@pytest.mark.parametrize(
    ("written", "whole", "code", "year", "seq"),
    [
        ("本政发〔2018〕13号", "本政发〔2018〕13号", "本政发", 2018, 13),
        ("本政办发〔2018〕51号", "本政办发〔2018〕51号", "本政办发", 2018, 51),
        (" 发改办财金规〔2019〕860号 ", "发改办财金规〔2019〕860号", "发改办财金规", 2019, 860),
        ("国办发[2018]123号", "国办发〔2018〕123号", "国办发", 2018, 123),
        ("渝粮规范（2023）2号", "渝粮规范〔2023〕2号", "渝粮规范", 2023, 2),
        ("辽政发〔2018〕第21号", "辽政发〔2018〕21号", "辽政发", 2018, 21),
    ],
)
def test_document_number_is_split_into_code_year_and_sequence(written, whole, code, year, seq):
    number = parse_number(written)
    assert (number.whole, number.code, number.year, number.seq) == (whole, code, year, seq)


@pytest.mark.parametrize("text", ["本政发2018年13号", "〔2018〕13号", "关于本政发的通知", ""])
def test_text_that_is_not_a_document_number_is_not_parsed(text):
    assert parse_number(text) is None
