"""Rebuild the search index from what the domain apps register (the published issues)."""

import time

from django.core.management.base import BaseCommand

from search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (检索索引) of published documents, tasks and catalogue items."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        rows = rebuild()
        self.stdout.write(f"search index: {rows} rows in {time.perf_counter() - started:.1f}s")
