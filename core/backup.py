"""Backup and restore (备份与恢复): the database and the uploaded files in one .tar.gz archive.

Rows go through Django's own serializers (JSON lines, one file per model, primary keys kept), so
an archive taken on SQLite restores on PostgreSQL and the other way round. Restoring checks the
archive before it touches anything (format, migration state, every checksum), then replaces
every table in one transaction: a restore that fails leaves the old data as it was.

Archive layout::

    manifest.json                 format, created_at, migrations per app, rows per model,
                                  sha256 and size of every other member
    data/<app>.<model>.jsonl      the rows, in dependency order (manifest "models")
    media/<path>                  every file under MEDIA_ROOT (attachments, issue PDFs)
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("core.backup")

FORMAT = "benxi-gazette-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# Tables left out of the archive (labels of apps not installed are ignored). Restore empties
# them too.
EXCLUDED = {
    # Login sessions: restored ones would sign people in to an account that may now be another
    # person's (same primary key), so after a restore everyone signs in again.
    "sessions.session": "login sessions (everyone signs in again after a restore)",
    # The search index is derived from the published issues, and its tsvector column exists
    # only on PostgreSQL: it is rebuilt after a restore instead (see REBUILD).
    "search.searchentry": "search index (rebuilt from the restored issues)",
    # django-axes' failed-login counters and lockouts: throttling state that expires by itself
    # (its login and failure logs, AccessLog and AccessFailureLog, are kept).
    "axes.accessattempt": "failed-login counters and lockouts (they expire anyway)",
    "axes.accessattemptexpiration": "expiry times of those lockouts",
}
# Derived tables rebuilt inside the restore transaction, after the rows are in.
REBUILD = {"search.searchentry": "search.index.rebuild"}

# What `migrate` itself puts in a new database: content types and permissions, the role groups,
# the department registry and the working calendar. A database holding only these (or nothing)
# counts as empty: restoring over it needs no --force.
MIGRATION_SEEDED = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "auth.group",
        "auth.group_permissions",
        "departments.department",
        "departments.departmentalias",
        "workdays.calendaryear",
        "workdays.calendarday",
        "workdays.calendarversion",
    }
)

CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup could not be written, or the archive cannot be restored (nothing changed)."""


@dataclass
class BackupSummary:
    path: Path
    rows: dict[str, int]
    files: int
    media_bytes: int
    archive_bytes: int = 0


@dataclass
class RestoreSummary:
    rows: dict[str, int]
    files: int
    rebuilt: dict[str, int] = field(default_factory=dict)
    created_at: str = ""
    source_vendor: str = ""


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes and times to milliseconds; a backup keeps microseconds."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


# --- what is backed up, in which order -------------------------------------------------------


def backup_models() -> list[type[models.Model]]:
    """Every concrete table's model (m2m tables too) but EXCLUDED, parents before children."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED
    ]
    return _dependency_order(found)


def _dependency_order(found: list[type[models.Model]]) -> list[type[models.Model]]:
    """Referenced tables first (constraints are checked at the end anyway; this just reads
    well and keeps a foreign-key-checking loader happy). Cycles keep their original order."""
    pending = {model: _references(model) & set(found) for model in found}
    ordered: list[type[models.Model]] = []
    while pending:
        ready = [m for m in found if m in pending and not (pending[m] - set(ordered))]
        if not ready:  # a cycle: take the rest as they come
            ready = [m for m in found if m in pending]
        for model in ready:
            ordered.append(model)
            del pending[model]
    return ordered


def _references(model: type[models.Model]) -> set[type[models.Model]]:
    return {
        f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is not None and f.related_model is not model
    }


def _data_member(model: type[models.Model]) -> str:
    return f"data/{model._meta.label_lower}.jsonl"


def migration_state(using: str = "default") -> dict[str, list[str]]:
    """The migrations applied to the database, per app (the schema the rows fit)."""
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return {}
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(recorder.applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def non_empty_tables(using: str = "default") -> dict[str, int]:
    """Tables holding rows beyond what `migrate` creates (MIGRATION_SEEDED, EXCLUDED)."""
    found = {}
    for model in backup_models():
        label = model._meta.label_lower
        if label in MIGRATION_SEEDED:
            continue
        count = model._base_manager.using(using).count()
        if count:
            found[label] = count
    return found


# --- backup -----------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path, skip: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every regular file under MEDIA_ROOT, sorted; no symlinks."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file() or (skip and path == skip):
                continue
            yield "media/" + path.relative_to(root).as_posix(), path


def create_backup(path: str | os.PathLike, *, using: str = "default") -> BackupSummary:
    """Write the archive to ``path`` (a directory: a dated file name inside it)."""
    target = Path(path)
    if target.is_dir():
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = target / f"benxi-gazette-{stamp}.tar.gz"
    if target.exists():
        raise BackupError(f"{target} exists already; give another file name")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if target.resolve().is_relative_to(media_root):
        raise BackupError("the archive must not be written inside MEDIA_ROOT")

    with tempfile.TemporaryDirectory(prefix=".backup-", dir=target.parent) as tmp:
        staging = Path(tmp)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "source_vendor": connections[using].vendor,
            "excluded": EXCLUDED,
            "migrations": {},
            "models": [],
            "files": {},
        }
        # One snapshot of the whole database (migration state included).
        with _snapshot(using):
            manifest["migrations"] = migration_state(using)
            for model in backup_models():
                member = _data_member(model)
                rows = _dump_model(model, staging / member, using)
                manifest["models"].append({"label": model._meta.label_lower, "rows": rows})
                manifest["files"][member] = {
                    "sha256": _sha256_file(staging / member),
                    "size": (staging / member).stat().st_size,
                }
        partial = staging / "archive.tar.gz"
        media = list(_media_files(media_root, skip=target.resolve()))
        for name, file_path in media:
            manifest["files"][name] = {
                "sha256": _sha256_file(file_path),
                "size": file_path.stat().st_size,
            }
        # Readable by its owner only: it holds password hashes and API tokens.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar,
        ):
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            for entry in manifest["models"]:
                member = f"data/{entry['label']}.jsonl"
                tar.add(staging / member, arcname=member, recursive=False, filter=_plain)
            for name, file_path in media:
                _add_checked(tar, name, file_path, manifest["files"][name]["sha256"])
        os.replace(partial, target)
    rows = {entry["label"]: entry["rows"] for entry in manifest["models"]}
    summary = BackupSummary(
        path=target,
        rows=rows,
        files=len(media),
        media_bytes=sum(manifest["files"][name]["size"] for name, _ in media),
        archive_bytes=target.stat().st_size,
    )
    logger.info(
        "backup %s: %d rows in %d tables, %d files",
        target,
        sum(rows.values()),
        len(rows),
        summary.files,
    )
    return summary


class _snapshot:
    """A read transaction seeing one state of the database. On PostgreSQL REPEATABLE READ (the
    default READ COMMITTED would let each table be read at another moment)."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.atomic = transaction.atomic(using=using)

    def __enter__(self):
        connection = connections[self.using]
        outermost = not connection.in_atomic_block
        if outermost:
            # connect (and health-check) now: SET TRANSACTION must be the first statement
            connection.cursor().close()
        self.atomic.__enter__()
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return self

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


def _dump_model(model: type[models.Model], path: Path, using: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = [f.name for f in model._meta.local_concrete_fields if not f.primary_key]
    queryset = model._base_manager.using(using).order_by("pk")
    counter = _Counter(queryset.iterator(chunk_size=2000))
    with path.open("w", encoding="utf-8") as fh:
        serializers.serialize("jsonl", counter, fields=fields, stream=fh, cls=_ExactEncoder)
    return counter.count


class _Counter:
    def __init__(self, iterable) -> None:
        self.iterable, self.count = iterable, 0

    def __iter__(self):
        for item in self.iterable:
            self.count += 1
            yield item


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
    tar.addfile(info, io.BytesIO(data))


class _HashingReader:
    def __init__(self, fh) -> None:
        self.fh, self.digest = fh, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def _add_checked(tar: tarfile.TarFile, name: str, path: Path, sha256: str) -> None:
    """Add a media file, failing if it changed since it was hashed for the manifest."""
    with path.open("rb") as fh:
        info = _plain(tar.gettarinfo(arcname=name, fileobj=fh))
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    if reader.digest.hexdigest() != sha256:
        raise BackupError(f"{path} changed while the backup was written; run the backup again")


# --- restore ----------------------------------------------------------------------------------


def restore_backup(
    path: str | os.PathLike, *, force: bool = False, using: str = "default"
) -> RestoreSummary:
    """Replace the database and the uploaded files by the archive's.

    Refuses (BackupError, nothing changed) an archive of another format or migration state, one
    whose checksums do not match, and a non-empty database unless ``force``.
    """
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    media_root = Path(settings.MEDIA_ROOT)
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    except OSError as exc:
        raise BackupError(f"restore refused, nothing was changed: {exc}") from exc
    try:
        try:
            manifest = _extract_verified(source, staging, force=force, using=using)
        except BackupError as exc:
            raise BackupError(f"restore refused, nothing was changed: {exc}") from exc
        try:
            summary = _load(manifest, staging, using)
        except (BackupError, DatabaseError, DeserializationError) as exc:
            raise BackupError(
                f"restore failed and was rolled back, the database is as it was: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        try:
            summary.files = _place_media(manifest, staging, media_root)
        except OSError as exc:
            raise BackupError(
                f"the database was restored, but the files could not all be put into "
                f"{media_root} ({exc}); free the space or fix the permissions and run the "
                "restore again with --force"
            ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info(
        "restored %s (taken %s on %s): %d rows, %d files",
        source,
        summary.created_at,
        summary.source_vendor,
        sum(summary.rows.values()),
        summary.files,
    )
    return summary


def check_manifest(manifest: dict, *, force: bool, using: str = "default") -> None:
    """Refuse an archive this database cannot take (before anything is extracted)."""
    if manifest.get("format") != FORMAT:
        raise BackupError("not a Benxi Gazette backup (manifest format is missing)")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format version {manifest.get('version')!r} is not supported "
            f"(this version reads {FORMAT_VERSION})"
        )
    current = migration_state(using)
    if not current:
        raise BackupError("this database has no tables yet: run `manage.py migrate` first")
    archived = manifest.get("migrations") or {}
    if archived != current:
        raise BackupError(
            "the backup's migration state does not match this database's schema, so its rows "
            "may not fit the tables: "
            + "; ".join(_migration_differences(archived, current))
            + ". Restore into a database migrated to the backup's state (the same code "
            "version), then run `manage.py migrate`."
        )
    expected = {m._meta.label_lower for m in backup_models()}
    archived_models = {entry["label"] for entry in manifest.get("models", [])}
    if archived_models != expected:
        missing = sorted(expected - archived_models)
        unknown = sorted(archived_models - expected)
        raise BackupError(
            "the backup's tables do not match this installation's models"
            + (f"; not in the backup: {', '.join(missing)}" if missing else "")
            + (f"; unknown here: {', '.join(unknown)}" if unknown else "")
        )
    if not force and (occupied := non_empty_tables(using)):
        shown = ", ".join(f"{label} ({n})" for label, n in sorted(occupied.items())[:8])
        raise BackupError(
            f"the database is not empty ({shown}{', …' if len(occupied) > 8 else ''}); "
            "restore with --force to replace ALL its data by the backup's"
        )


def _migration_differences(archived: dict, current: dict) -> list[str]:
    notes = []
    for app_label in sorted(set(archived) | set(current)):
        theirs, ours = set(archived.get(app_label, [])), set(current.get(app_label, []))
        if only_backup := sorted(theirs - ours):
            notes.append(f"{app_label}: the backup has {', '.join(only_backup)}, this database not")
        if only_here := sorted(ours - theirs):
            notes.append(f"{app_label}: this database has {', '.join(only_here)}, the backup not")
    return notes


def _safe_name(name: str) -> str | None:
    """The member name if it is a plain relative path, else None."""
    posix = PurePosixPath(name)
    if posix.is_absolute() or not posix.parts or any(p in ("", ".", "..") for p in posix.parts):
        return None
    return posix.as_posix()


def _extract_verified(source: Path, staging: Path, *, force: bool, using: str) -> dict:
    """Unpack into ``staging`` checking each member against the manifest; the manifest."""
    manifest: dict | None = None
    seen: set[str] = set()
    try:
        with tarfile.open(source, "r|gz") as tar:
            for member in tar:
                name = _safe_name(member.name)
                if manifest is None:
                    if name != MANIFEST or not member.isfile():
                        raise BackupError("the archive does not start with manifest.json")
                    manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
                    check_manifest(manifest, force=force, using=using)
                    continue
                expected = manifest["files"].get(name or "")
                if expected is None or not member.isfile() or name in seen:
                    raise BackupError(f"unexpected member {member.name!r} in the archive")
                seen.add(name)
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with tar.extractfile(member) as src, target.open("wb") as dst:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        dst.write(chunk)
                if digest.hexdigest() != expected["sha256"] or size != expected["size"]:
                    raise BackupError(f"checksum mismatch for {name}: the archive is damaged")
    except (tarfile.TarError, OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"the archive cannot be read ({type(exc).__name__}: {exc})") from exc
    if manifest is None:
        raise BackupError("the archive is empty")
    if missing := sorted(set(manifest["files"]) - seen):
        raise BackupError(f"the archive lacks {len(missing)} member(s), e.g. {missing[0]}")
    return manifest


def _load(manifest: dict, staging: Path, using: str) -> RestoreSummary:
    """Empty every table and load the archive's rows, in one transaction."""
    connection = connections[using]
    summary = RestoreSummary(
        rows={},
        files=0,
        created_at=manifest.get("created_at", ""),
        source_vendor=manifest.get("source_vendor", ""),
    )
    loaded = [apps.get_model(entry["label"]) for entry in manifest["models"]]
    try:
        with transaction.atomic(using=using):
            tables = connection.introspection.django_table_names(only_existing=True)
            if connection.vendor == "postgresql":
                # PostgreSQL refuses to TRUNCATE a table with deferred checks pending from
                # earlier writes in an enclosing transaction: run those checks first.
                connection.check_constraints()
            with connection.cursor() as cursor:
                for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=False):
                    cursor.execute(sql)
            for entry, model in zip(manifest["models"], loaded, strict=True):
                count = _load_model(model, staging / _data_member(model), using)
                if count != entry["rows"]:
                    raise BackupError(
                        f"{entry['label']}: {count} rows read, the manifest says {entry['rows']}"
                    )
                summary.rows[entry["label"]] = count
            # Foreign keys are checked now (not at commit), so that a failure comes before the
            # sequences move: setval() is not undone by a rollback.
            connection.check_constraints(table_names=[m._meta.db_table for m in loaded])
            _reset_sequences(connection, loaded)
            for label, rebuild in REBUILD.items():
                summary.rebuilt[label] = import_string(rebuild)()
        if apps.is_installed("django.contrib.contenttypes"):
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()  # the ids may differ from before
    except Exception:
        # PostgreSQL sequences may have moved before the failure: put them back in step with
        # the old rows (now back in place).
        try:
            _reset_sequences(connection, loaded)
        except Exception:
            logger.exception("restore failed; the sequences could not be reset afterwards")
        raise
    return summary


def _load_model(model: type[models.Model], path: Path, using: str) -> int:
    """Insert the rows as loaddata does (raw: no auto_now, no signals), in batches."""
    connection = connections[using]
    fields = list(model._meta.local_concrete_fields)
    batch_size = max(1, min(500, connection.ops.bulk_batch_size(fields, [None] * 500)))
    count, batch = 0, []
    with path.open(encoding="utf-8") as fh:
        for deserialized in serializers.deserialize("jsonl", fh, using=using):
            obj = deserialized.object
            if type(obj) is not model:
                raise BackupError(f"{path.name} holds a {obj._meta.label_lower} row")
            batch.append(obj)
            if len(batch) >= batch_size:
                count += _insert(model, batch, fields, using)
                batch = []
    if batch:
        count += _insert(model, batch, fields, using)
    return count


def _insert(model, objs, fields, using) -> int:
    # QuerySet._insert with raw=True is the INSERT of Model.save_base(raw=True), which loaddata
    # uses: values exactly as given (bulk_create would stamp auto_now fields anew).
    model._base_manager.using(using)._insert(objs, fields=fields, using=using, raw=True)
    return len(objs)


def _reset_sequences(connection, loaded) -> None:
    """sqlsequencereset: the next id after the highest restored one (PostgreSQL; SQLite keeps
    its AUTOINCREMENT counters by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), loaded)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _place_media(manifest: dict, staging: Path, media_root: Path) -> int:
    """Move the restored files into MEDIA_ROOT (after the database committed). Files there
    that the backup does not have are left alone; no restored row refers to them."""
    mode = settings.FILE_UPLOAD_PERMISSIONS
    placed = 0
    for name in sorted(manifest["files"]):
        if not name.startswith("media/"):
            continue
        staged = staging / name
        dest = media_root / name.removeprefix("media/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if mode is not None:
            os.chmod(staged, mode)
        try:
            os.replace(staged, dest)
        except OSError:  # another file system: copy next to it, then rename
            fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".restore-")
            os.close(fd)
            shutil.copyfile(staged, tmp)
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, dest)
        placed += 1
    return placed
