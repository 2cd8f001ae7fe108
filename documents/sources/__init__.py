"""An uploaded gazette file to the text the parser reads: plain text, Word (.docx) or a PDF
with a text layer. The only place that knows file formats; the parser stays text in.

The format is told by content, not by name (``sniffing``); each format has one module with one
reader (``word``, ``pdf``; plain text is ``parser.text.decode``). Adding a format is a module
with its reader, a line in ``READERS`` and the rule in ``sniffing`` that recognises it.

Tables come out as one line per row, cells separated by a tab and the paragraphs inside a cell
by U+2028 (``CELL_SEP`` / ``CELL_BREAK``), which the catalogue parser reads as a real table. A
merged cell's text is given in every row it spans (so a merged 序号 or area repeats); the grid
positions a horizontally merged cell covers after its first are empty.
"""

from __future__ import annotations

from collections.abc import Callable

from ..parser.model import ParseError
from ..parser.text import DEFAULT_MAX_BYTES, decode
from .pdf import SCANNED_PDF, pdf_text
from .sniffing import sniff
from .word import docx_text

__all__ = ["READERS", "SCANNED_PDF", "docx_text", "extract_text", "pdf_text", "sniff"]

# sniff()'s answer -> the reader that turns such a file into text
READERS: dict[str, Callable[[bytes, int], str]] = {
    "docx": docx_text,
    "pdf": lambda data, max_bytes: pdf_text(data),
    "text": lambda data, max_bytes: decode(data, max_bytes=max_bytes),
}


def extract_text(data: bytes, filename: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of an uploaded file (.txt, .docx or text PDF); ParseError says why not.

    The content decides how the file is read; ``filename`` only tells a file named .docx or
    .pdf whose content is not that (a broken download, an error page saved under the name)
    from a text file, so that the error says so.
    """
    if data and len(data) > max_bytes:
        raise ParseError(f"文件过大（{len(data)} 字节，上限 {max_bytes} 字节）")
    return READERS[sniff(data, filename)](data, max_bytes)
