"""python manage.py generate_corpus --issues N --seed S [--out DIR] [--import]

A thin front for the benchmarks' corpus generator (bench/corpus.py), which needs the source
checkout (bench/ is not installed with the app)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "生成仿真公报文本（确定性，可指定种子），写入目录，并可通过真实导入程序导入。"

    def add_arguments(self, parser):
        parser.add_argument("--issues", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", default="var/corpus")
        parser.add_argument("--tasks-per-document", type=int, default=95)
        parser.add_argument(
            "--import", dest="do_import", action="store_true", help="生成后逐期导入"
        )
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args, issues, seed, out, tasks_per_document, do_import, publish, **options):
        from bench.corpus import CorpusGenerator
        from documents.services import import_issue

        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        gen = CorpusGenerator(seed=seed, tasks_per_document=tasks_per_document)
        docs = tasks = 0
        started = time.perf_counter()
        for i in range(issues):
            issue = gen.issue(i)
            path = folder / f"gazette-{issue.year}-{issue.number:02d}.txt"
            path.write_text(issue.text, encoding="utf-8")
            docs += issue.documents
            if do_import:
                report = import_issue(issue.text, source_name=str(path), publish=publish)
                tasks += report.tasks_added
            else:
                tasks += issue.tasks
        elapsed = time.perf_counter() - started
        verb = "imported" if do_import else "generated"
        self.stdout.write(
            f"{verb} {issues} issues, {docs} documents, {tasks} tasks in {elapsed:.1f}s -> {folder}"
        )
