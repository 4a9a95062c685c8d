"""Spreadsheets (.xlsx with openpyxl, .csv with the csv module) -> table rows that carry their header.

Each sheet of a workbook is a heading; its first non-empty row is the header, and every other row becomes one
table_row block "Header: value | ...".  A workbook larger than QA_MAX_SHEET_CELLS is refused from the sizes its
sheets declare, before any cell is read; a sheet whose declared size is missing or wrong is counted as it is read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence

from qa.readers import Extracted, ReadError
from qa.readers.structured import block, table_blocks
from qa.readers.zipped import damaged, open_package
from qa.settings import get_settings
from qa.types import Block


def too_many_cells(name: str, cells: int | str, limit: int) -> ReadError:
    return ReadError(f"{name} has {cells} cells, over the limit of {limit:,} cells for a spreadsheet: "
                     f"raise QA_MAX_SHEET_CELLS or split the file")


def cell_text(value: object) -> str:
    """A cell value as a person reads it: whole numbers without '.0', dates without a midnight time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _counted(rows: Iterable[Sequence[object]], name: str, limit: int, seen: int = 0) -> Iterator[list[str]]:
    """Rows as text with trailing empty cells dropped; a ReadError once more than ``limit`` cells were read
    (``seen`` of them in the sheets before)."""
    for row in rows:
        cells = [cell_text(v) for v in row]
        while cells and not cells[-1].strip():
            cells.pop()
        seen += len(cells)
        if seen > limit:
            raise too_many_cells(name, f"more than {limit:,}", limit)
        yield cells


def read_xlsx(data: bytes, name: str) -> Extracted:
    """Every worksheet: a heading with its name, then its rows.  Title: the workbook's core properties, if any."""
    package = open_package(data, name)
    if "xl/workbook.xml" not in package.namelist():
        raise damaged(name, "it has no xl/workbook.xml (not an Excel workbook?)")
    import openpyxl

    limit = get_settings().max_sheet_cells
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, TypeError, lxml errors on damaged files
        raise damaged(name, exc) from exc
    try:
        sheets = workbook.worksheets
        declared = sum(_declared_cells(sheet) for sheet in sheets)
        if declared > limit:
            raise too_many_cells(name, f"{declared:,} declared", limit)
        blocks: list[Block] = []
        seen = 0
        for sheet in sheets:
            path = [str(sheet.title)]
            heading = block("heading", sheet.title, path)
            sheet.reset_dimensions()  # read every row there is, not only those a (possibly wrong) dimension names
            rows = list(_counted(sheet.iter_rows(values_only=True), name, limit, seen))
            seen += sum(len(r) for r in rows)
            found = table_blocks(rows, path)
            if heading and found:
                blocks += [heading, *found]
        title = (workbook.properties.title or "").strip() or None
    except ReadError:
        raise
    except Exception as exc:
        raise damaged(name, exc) from exc
    finally:
        workbook.close()
    return Extracted(blocks=blocks, title=title)


def _declared_cells(sheet) -> int:
    """Rows x columns of the sheet's declared dimension (its <dimension ref="A1:D20"/>), 0 when it declares none."""
    if not sheet.max_row or not sheet.max_column:
        return 0
    return (sheet.max_row - (sheet.min_row or 1) + 1) * (sheet.max_column - (sheet.min_column or 1) + 1)


def read_csv(data: bytes, name: str) -> Extracted:
    """Comma, semicolon, tab or bar separated values, the separator sniffed; the first non-empty row is the header."""
    from qa.loaders import decode_bytes  # imported here: the loader dispatches to readers, not the other way

    try:
        text = decode_bytes(data)
    except ValueError as exc:
        raise ReadError(f"{name} is not a text file ({exc}): export it again as CSV text") from exc
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    limit = get_settings().max_sheet_cells
    try:
        rows = list(_counted(reader, name, limit))
    except csv.Error as exc:
        raise damaged(name, f"line {reader.line_num}: {exc}") from exc
    return Extracted(blocks=table_blocks(rows), title=None)
