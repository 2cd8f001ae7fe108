"""python manage.py backup PATH: the database and the uploaded files in one .tar.gz archive.

PATH is a new file, or a folder (the archive is named benxi-gazette-<date>-<time>.tar.gz in
it). core/backup.py does the work; `manage.py restore PATH` reads the archive back.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (every table but sessions and the search index) and MEDIA_ROOT "
        "into one .tar.gz archive that `manage.py restore` reads, on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="archive file to create, or an existing folder")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            summary = create_backup(options["path"])
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(
            f"{summary.path}: {sum(summary.rows.values())} rows in {len(summary.rows)} tables, "
            f"{summary.files} files ({summary.media_bytes // 1024} KB), archive "
            f"{summary.archive_bytes // 1024} KB, {time.perf_counter() - started:.1f} s"
        )
