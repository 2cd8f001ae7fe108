"""Evidence uploads: accept PDF, DOCX, XLSX, JPG and PNG judged by content, not by name."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
# the part an Office Open XML package of each kind must contain
OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


@dataclass
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str

    @property
    def safe_name(self) -> str:
        return f"{self.sha256[:12]}.{self.extension}"


def max_upload_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024)


def check_upload(upload) -> CheckedUpload:
    """Read and check one uploaded file; raise ValidationError naming the problem."""
    name = (getattr(upload, "name", "") or "file")[-200:]
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"“{name}”过大（{upload.size} 字节，上限 {limit} 字节）")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(f"“{name}”过大（上限 {limit} 字节）")
    if not content:
        raise ValidationError(f"“{name}”是空文件")
    kind = filetype.guess(content)
    mime = kind.mime if kind else ""
    if mime == "application/zip":  # some OOXML files are only recognised as zip
        mime = _ooxml_mime(content) or mime
    if mime not in ALLOWED:
        raise ValidationError(
            f"“{name}”的类型不允许（仅限 PDF、DOCX、XLSX、JPG、PNG，按文件内容判断）"
        )
    ext = ALLOWED[mime]
    if ext in OOXML_PART:
        _check_ooxml(content, ext, name)
    return CheckedUpload(content, mime, ext, hashlib.sha256(content).hexdigest(), name)


def _ooxml_mime(content: bytes) -> str | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except zipfile.BadZipFile:
        return None
    for ext, part in OOXML_PART.items():
        if part in names:
            return next(m for m, e in ALLOWED.items() if e == ext)
    return None


def _check_ooxml(content: bytes, ext: str, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        if OOXML_PART[ext] not in archive.namelist() or archive.testzip() is not None:
            raise ValidationError(f"“{name}”不是有效的 {ext.upper()} 文件")
    except zipfile.BadZipFile:
        raise ValidationError(f"“{name}”不是有效的 {ext.upper()} 文件") from None
