"""Tables written out as CSV (UTF-8 with BOM, so Excel reads the Chinese), XLSX (openpyxl) and
JSON: the writers behind the staff exports and the public open-data downloads.

A table is a header and an iterable of rows (lists); the open data describes its columns once
with ``Column`` (key, Chinese label, type, description), and the same list drives every format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TYPES = {
    "string": "文本",
    "integer": "整数",
    "date": "日期（YYYY-MM-DD）",
    "boolean": "是/否",
    "url": "网址",
}


@dataclass(frozen=True)
class Column:
    """One column of a published table: its stable key (JSON), its Chinese label (CSV and
    XLSX header), its type (one of TYPES) and what it holds."""

    key: str
    label: str
    type: str
    description: str
    width: int = 16
    choices: tuple[str, ...] = ()  # the values a categorical column takes, for the dictionary

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"列“{self.key}”的类型“{self.type}”不在 {sorted(TYPES)} 中")

    @property
    def type_label(self) -> str:
        return TYPES[self.type]


# --- cells ------------------------------------------------------------------------------------


def _guarded(value: str) -> str:
    """Text never read as a formula by a spreadsheet (CSV and XLSX alike)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return _guarded(value)
    return value


def xlsx_cell(value):
    if isinstance(value, str):
        return _guarded(value)
    return value


def json_cell(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# --- CSV --------------------------------------------------------------------------------------


def csv_lines(header: list[str], table: Iterable[list]) -> Iterator[str]:
    """The BOM and the header, then one CSV line per row (written as they are read)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line(header)  # BOM: Excel then reads the file as UTF-8
    for row in table:
        yield line([csv_cell(v) for v in row])


def csv_response(filename: str, header: list[str], table: Iterable[list]) -> HttpResponse:
    response = HttpResponse(
        "".join(csv_lines(header, table)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = disposition(filename)
    return response


def csv_stream(filename: str, header: list[str], table: Iterable[list]) -> StreamingHttpResponse:
    """CSV streamed row by row: a large table is never held whole."""
    response = StreamingHttpResponse(
        (s.encode() for s in csv_lines(header, table)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = disposition(filename)
    return response


# --- XLSX -------------------------------------------------------------------------------------


def xlsx_bytes(
    title: str,
    columns: list[tuple[str, int]],
    table: Iterable[list],
    *,
    more: list[tuple[str, list[tuple[str, int]], Iterable[list]]] = (),
) -> bytes:
    """A workbook (openpyxl, write-only: rows are not kept as cells) with a bold, frozen
    header row and a filter on it; ``more`` adds sheets (title, columns, rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    font, fill = Font(bold=True), PatternFill("solid", fgColor="F1E6E6")
    top = Alignment(vertical="top", wrap_text=True)
    for sheet_title, sheet_columns, rows in [(title, columns, table), *more]:
        ws = wb.create_sheet(sheet_title[:31])
        for i, (_, width) in enumerate(sheet_columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        header = []
        for name, _ in sheet_columns:
            cell = WriteOnlyCell(ws, value=name)
            cell.font, cell.fill = font, fill
            header.append(cell)
        ws.append(header)
        n = 1
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=xlsx_cell(value))
                cell.alignment = top
                if isinstance(value, date) and not isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            ws.append(cells)
            n += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(sheet_columns), 1))}{n}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(
    filename: str, title: str, columns: list[tuple[str, int]], table: Iterable[list], **kw
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, columns, table, **kw), content_type=XLSX_TYPE)
    response["Content-Disposition"] = disposition(filename)
    return response


# --- JSON -------------------------------------------------------------------------------------


def json_stream(filename: str, head: dict, records: Iterable[dict]) -> StreamingHttpResponse:
    """``head``'s keys, then ``"rows": [...]`` written record by record: one JSON object."""

    def chunks() -> Iterator[bytes]:
        opening = json.dumps(head, ensure_ascii=False, default=json_cell)[:-1]
        yield (opening + (', "rows": [' if head else '{"rows": [')).encode()
        first = True
        for record in records:
            text = json.dumps({k: json_cell(v) for k, v in record.items()}, ensure_ascii=False)
            yield (("\n" if first else ",\n") + text).encode()
            first = False
        yield b"\n]}\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = disposition(filename)
    return response


def disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
