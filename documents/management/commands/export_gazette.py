"""python manage.py export_gazette [--issue 2018-6] --format json"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from documents.models import GazetteIssue
from documents.services import GazetteImportError, parse_issue_key

from ._common import UsageError


class Command(BaseCommand):
    help = "以 JSON 输出已存储的公报内容（稳定接口）。"

    def add_arguments(self, parser):
        parser.add_argument("--issue", help="期次，如 2018-6；省略则导出全部")
        parser.add_argument("--format", default="json", choices=["json"])

    def handle(self, *args, issue=None, **options):
        from documents.exporting import export_issues

        qs = GazetteIssue.objects.all()
        if issue:
            try:
                year, number = parse_issue_key(issue)
            except GazetteImportError as exc:
                raise UsageError(exc.message) from None
            qs = qs.filter(year=year, number=number)
            if not qs.exists():
                raise UsageError(f"期次 {issue} 不存在")
        self.stdout.write(json.dumps(export_issues(qs), ensure_ascii=False, indent=2))
