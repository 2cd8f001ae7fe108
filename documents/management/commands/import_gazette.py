"""python manage.py import_gazette PATH [--publish] [--replace] [--dry-run]

PATH: a .txt (UTF-8), .docx or text PDF file; the format is told by its content.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from documents.services import GazetteImportError, import_issue

from ._common import fail, read_source


class Command(BaseCommand):
    help = (
        "导入一期政府公报（UTF-8 纯文本、Word .docx 或文字版 PDF），"
        "在一个事务中写入文件、条款、任务、引用和公开目录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="公报文件路径：.txt、.docx 或 .pdf（- 表示标准输入）")
        parser.add_argument("--publish", action="store_true", help="导入后发布")
        parser.add_argument("--replace", action="store_true", help="同一期次内容不同时替换")
        parser.add_argument("--dry-run", action="store_true", help="只识别并报告，不写入")

    def handle(self, *args, path, publish, replace, dry_run, **options):
        data = read_source(path)
        try:
            report = import_issue(
                data,
                source_name=path,
                filename=path,
                publish=publish,
                replace=replace,
                dry_run=dry_run,
            )
        except GazetteImportError as exc:
            raise fail(path, exc) from None
        for line in report.summary_lines():
            self.stdout.write(line)
