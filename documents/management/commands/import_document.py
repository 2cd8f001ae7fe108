"""python manage.py import_document PATH --issue 2018-6 [--replace] [--dry-run]"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from documents.services import GazetteImportError, import_document

from ._common import fail, read_source


class Command(BaseCommand):
    help = "将单个文件（无公报刊头的通知等）加入某一期公报；该期不存在时新建为草稿。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="文件路径：.txt、.docx 或 .pdf（- 表示标准输入）")
        parser.add_argument("--issue", required=True, help="期次，如 2018-6")
        parser.add_argument(
            "--replace", action="store_true", help="该期已有同一文件且内容不同时替换"
        )
        parser.add_argument("--dry-run", action="store_true", help="只识别并报告，不写入")

    def handle(self, *args, path, issue, replace, dry_run, **options):
        data = read_source(path)
        try:
            report = import_document(
                data, issue, source_name=path, filename=path, replace=replace, dry_run=dry_run
            )
        except GazetteImportError as exc:
            raise fail(path, exc) from None
        for line in report.summary_lines():
            self.stdout.write(line)
