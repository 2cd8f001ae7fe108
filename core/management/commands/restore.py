"""python manage.py restore PATH [--force]: put back a backup made by `manage.py backup`.

Checks the archive first (format, migration state, checksums) and refuses a non-empty database
without --force; then replaces all tables in one transaction and the files in MEDIA_ROOT.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive: replaces ALL rows of the database (in one transaction) and "
        "writes the archived files into MEDIA_ROOT. The database must be migrated to the "
        "backup's migration state; a database with data needs --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="archive made by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of a database that is not empty",
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        try:
            summary = restore_backup(options["path"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rebuilt = ", ".join(f"{label} {n}" for label, n in summary.rebuilt.items())
        self.stdout.write(
            f"restored the backup of {summary.created_at} ({summary.source_vendor}): "
            f"{sum(summary.rows.values())} rows in {len(summary.rows)} tables, {summary.files} "
            f"files; rebuilt {rebuilt or 'nothing'}; sessions cleared (everyone signs in again); "
            f"{time.perf_counter() - started:.1f} s"
        )
