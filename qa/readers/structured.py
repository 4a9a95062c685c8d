"""Small pieces shared by the readers of structured formats (Office, OpenDocument, spreadsheets, EPUB, reST):
the trail of headings above a block, and table rows that carry their header."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from qa.types import Block, BlockKind


def one_line(text: str) -> str:
    """A paragraph's wrapped lines and runs of white space joined into single spaces."""
    return " ".join(text.split())


class HeadingTrail:
    """The headings above the current position: ``enter`` a heading of some level, read ``path``.

    Levels only need to be comparable: a heading closes every open heading of its level or deeper."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []

    def enter(self, level: int, text: str) -> list[str]:
        """Open a heading; returns its own path (ending with itself)."""
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        self._open.append((level, text))
        return self.path

    @property
    def path(self) -> list[str]:
        return [text for _, text in self._open]


def block(kind: BlockKind, text: str, heading_path: Sequence[str] = (), page: int | None = None) -> Block | None:
    """A block of cleaned text, or None when nothing is left (code keeps its lines and indentation)."""
    cleaned = text.strip("\n").rstrip() if kind == "code" else one_line(text)
    if not cleaned.strip():
        return None
    return Block(kind=kind, text=cleaned, page=page, heading_path=list(heading_path))


def table_row_text(header: Sequence[str], cells: Sequence[str]) -> str:
    """'Header: value | ...' for the non-empty cells of a row (header and cells already on one line each); a cell
    under an empty header stands alone."""
    parts = []
    for i, value in enumerate(cells):
        if not value:
            continue
        label = header[i] if i < len(header) else ""
        parts.append(f"{label}: {value}" if label and label != value else value)
    return " | ".join(parts)


def table_blocks(rows: Iterable[Sequence[str]], heading_path: Sequence[str] = (), page: int | None = None,
                 header: Sequence[str] | None = None) -> list[Block]:
    """One table_row block per non-empty row, each carrying the header.

    The header is ``header`` when given, else the first non-empty row; a table that is only a header gives that
    row alone."""
    blocks: list[Block] = []
    head = [one_line(c) for c in header] if header is not None else None
    path = list(heading_path)
    for row in rows:
        cells = [one_line(c) for c in row]
        if not any(cells):
            continue
        if head is None:
            head = cells
            continue
        blocks.append(Block(kind="table_row", text=table_row_text(head, cells), page=page, heading_path=path))
    if not blocks and head and any(head):
        made = block("table_row", " | ".join(c for c in head if c), heading_path, page)
        blocks = [made] if made else []
    return blocks


def first_heading(blocks: Iterable[Block]) -> str | None:
    """The text of the first heading, used as a title when the file's metadata gives none."""
    return next((b.text for b in blocks if b.kind == "heading"), None)
