"""Word and PDF files of a text source, made in the test: a .txt's lines as paragraphs, and the
disclosure catalogue (when there is one) as a real table with merged 序号 and area cells.

The .docx is written with python-docx; the PDF is rendered by WeasyPrint from the project's
templates/import/text_source.html.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from documents.parser import ParsedCatalogueRow, parse_text

CATALOGUE_HEADER = [
    "序号",
    "重点领域",
    "公开事项",
    "公开时效",
    "公示期限",
    "公开方式",
    "责任主体",
    "监督渠道",
]
FIELDS = ["seq", "area", "item", "timeliness", "period", "channels", "owner", "supervision"]
MERGED = ("seq", "area")  # merged down over the rows that share them


@dataclass
class Table:
    """A table as a grid of cells, each cell a list of paragraphs; ``spans`` maps a cell that
    is merged down over n rows to n (the rows below it are covered)."""

    header: list[str]
    grid: list[list[list[str]]]
    spans: dict[tuple[int, int], int] = field(default_factory=dict)

    def covered(self, r: int, c: int) -> bool:
        return any(c == c0 and r0 < r < r0 + n for (r0, c0), n in self.spans.items())

    def html_rows(self) -> list[list[dict]]:
        return [
            [
                {"paras": paras, "rowspan": self.spans.get((r, c), 1)}
                for c, paras in enumerate(row)
                if not self.covered(r, c)
            ]
            for r, row in enumerate(self.grid)
        ]


@dataclass
class Block:
    text: str = ""
    indent: bool = False
    table: Table | None = None


def _paras(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def catalogue_table(rows: list[ParsedCatalogueRow]) -> Table:
    """The catalogue as its table: the matter cell holds the item's name (unless its detail
    opens with it, 建设信息。…) and then the detail's paragraphs."""
    grid = []
    for row in rows:
        cells = {name: _paras(getattr(row, name)) for name in FIELDS}
        detail = _paras(row.detail)
        lead = re.match(r"([^。,，;；:：\n]{2,30})。", row.detail)
        cells["item"] = detail if lead and lead.group(1) == row.item else [row.item, *detail]
        grid.append([cells[name] for name in FIELDS])
    spans = {}
    for c, name in enumerate(FIELDS):
        if name not in MERGED:
            continue
        r = 0
        while r < len(grid):
            n = 1
            while r + n < len(grid) and grid[r + n][c] == grid[r][c]:
                n += 1
            if n > 1:
                spans[(r, c)] = n
            r += n
    return Table(CATALOGUE_HEADER, grid, spans)


def blocks_from_text(text: str) -> list[Block]:
    """A .txt source as blocks: each non-blank line a paragraph (indented where the line is),
    tab-separated lines a table, and the flattened catalogue (from its 序号 line on) the table
    it was parsed from."""
    lines = text.split("\n")
    cut = next((k for k, line in enumerate(lines) if line.strip() == "序号"), len(lines))
    blocks: list[Block] = []
    for line in lines[:cut]:
        if "\t" in line and line.strip():
            cells = [[c.strip()] if c.strip() else [] for c in line.split("\t")]
            if blocks and blocks[-1].table is not None:
                blocks[-1].table.grid.append(cells)
            else:
                blocks.append(Block(table=Table(header=[], grid=[cells])))
        elif line.strip():
            indent = bool(re.match(r"[\s\u00a0\u3000]", line))
            blocks.append(Block(text=line.strip(), indent=indent))
    for block in blocks:  # a table of lines: as wide as its widest row, its first row the head
        if block.table is not None and not block.table.header:
            width = max(len(row) for row in block.table.grid)
            grid = [row + [[]] * (width - len(row)) for row in block.table.grid]
            block.table.header = ["".join(cell) for cell in grid[0]]
            block.table.grid = grid[1:]
    if cut < len(lines):
        rows = [row for doc in parse_text(text).documents for row in doc.catalogue]
        blocks.append(Block(table=catalogue_table(rows)))
    return blocks


def docx_bytes(blocks: list[Block]) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    for block in blocks:
        if block.table is None:
            paragraph = document.add_paragraph(block.text)
            if block.indent:
                paragraph.paragraph_format.first_line_indent = Pt(22)
            continue
        t = block.table
        table = document.add_table(rows=len(t.grid) + 1, cols=len(t.header))
        table.style = "Table Grid"
        cells = [row.cells for row in table.rows]  # table.cell() walks the table each time
        for c, name in enumerate(t.header):
            cells[0][c].text = name
        for r, row in enumerate(t.grid, start=1):
            for c, paras in enumerate(row):
                if not t.covered(r - 1, c):
                    _fill(cells[r][c], paras)
        for (r, c), n in t.spans.items():
            cells[r + 1][c].merge(cells[r + n][c])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _fill(cell, paras: list[str]) -> None:
    cell.text = paras[0] if paras else ""
    for para in paras[1:]:
        cell.add_paragraph(para)


def pdf_bytes(blocks: list[Block], title: str = "") -> bytes:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "import/text_source.html",
        {
            "title": title,
            "blocks": [
                {"table": {"header": b.table.header, "rows": b.table.html_rows()}}
                if b.table
                else {"text": b.text, "style": "indent" if b.indent else ""}
                for b in blocks
            ],
        },
    )
    return HTML(string=html).write_pdf()


def encrypted_pdf(user_password: bytes = b"secret") -> bytes:
    """A one-page PDF that opens only with a password (standard security handler, RC4 40-bit)."""
    import struct
    from hashlib import md5

    from pdfminer.arcfour import Arcfour

    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    permissions, file_id = -4, b"0123456789abcdef"
    owner = Arcfour(md5((b"owner" + pad)[:32]).digest()[:5]).process((user_password + pad)[:32])
    key = md5((user_password + pad)[:32] + owner + struct.pack("<i", permissions) + file_id)
    user = Arcfour(key.digest()[:5]).process(pad)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner.hex().encode(), user.hex().encode(), permissions),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        file_id.hex().encode(),
        file_id.hex().encode(),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
