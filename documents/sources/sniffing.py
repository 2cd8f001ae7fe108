"""Which reader a file needs, told by its content; formats not read are refused by name."""

from __future__ import annotations

import io
import zipfile

from ..parser.model import ParseError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, filename: str = "") -> str:
    """The reader a file needs (docx, pdf or text); ParseError for a format not read."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data[:1_000_000]:
            raise ParseError("Word文件已加密（设有打开密码），请去掉密码后再导入")
        raise ParseError("不支持Word 97-2003（.doc）等旧格式，请另存为.docx或PDF后导入")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if head.lstrip().startswith(b"{\\rtf"):
        raise ParseError("不支持RTF格式，请另存为.docx或PDF后导入")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in ("docx", "pdf") and data.strip():
        what = "Word文档" if suffix == "docx" else "PDF"
        raise ParseError(f"文件名是.{suffix}，但内容不是{what}（文件可能已损坏）")
    if b"\x00" in data[:65536] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        import filetype

        kind = filetype.guess(data)
        if kind is not None:
            what = "图片" if kind.mime.startswith("image/") else f".{kind.extension}文件"
            raise ParseError(f"不是文本文件，也不是Word（.docx）或PDF（是{what}），无法导入")
    return "text"


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        if b"word/" in data:
            raise ParseError("Word文件已损坏，无法读取") from None
        raise ParseError("压缩文件已损坏或不是Word文档（.docx）") from None
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise ParseError("不支持Excel表格，请把内容放入Word（.docx）文件后导入")
    if "content.xml" in names:
        raise ParseError("不支持OpenDocument格式，请另存为.docx后导入")
    raise ParseError("压缩文件不是Word文档（.docx），无法导入")
