"""Shared bits of the import commands: reading the file safely, one-line errors, exit 2."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import CommandError

from documents.services import GazetteImportError


class UsageError(CommandError):
    """A one-line error; the command exits with status 2."""

    def __init__(self, message: str):
        super().__init__(message, returncode=2)


def read_source(path: str) -> bytes:
    limit = settings.GAZETTE_IMPORT_MAX_BYTES
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        if not os.path.exists(path):
            raise UsageError(f"{path}: 文件不存在")
        if os.path.isdir(path):
            raise UsageError(f"{path}: 是目录，不是文件")
        size = os.path.getsize(path)
        if size > limit:
            raise UsageError(f"{path}: 文件过大（{size} 字节，上限 {limit} 字节）")
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"{path}: 文件过大（上限 {limit} 字节）")
    return data


def fail(path: str, exc: GazetteImportError) -> UsageError:
    where = f"第{exc.line}行：" if exc.line else ""
    return UsageError(f"{path}: {where}{exc.message}")
