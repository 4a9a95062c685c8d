"""Plain text and Markdown -> blocks.

Plain text: paragraphs are separated by blank lines; inside one, hard-wrapped lines (a file whose lines stop near a
fixed width) are joined, while a file written one paragraph per line keeps each line a paragraph.  List items and
indented code are blocks of their own.  Markdown: ATX and setext headings make the heading path; fenced and indented
code, list items and pipe tables (each row with its header) are blocks.
"""

from __future__ import annotations

import re

from qa.blocks import Budget, join_lines, normalise_spaces, strip_header_links
from qa.readers import Extracted, ReadError
from qa.types import Block

_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+•‣◦]|\d{1,3}[.)])\s+(?=\S)")
_BULLET = re.compile(r"^\s{0,3}[-*+•‣◦]\s+")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode_bytes(data: bytes) -> str:
    """Bytes -> str: UTF-8 when valid, else the encoding chardet finds most likely."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    import chardet

    encoding = chardet.detect(data[:200_000]).get("encoding")
    if not encoding:
        raise ReadError("not text in any known encoding")
    return data.decode(encoding, errors="replace")


def wrap_width(lines: list[str]) -> int | None:
    """The width a file's lines were wrapped at, or None when they were not (one paragraph per line, or too few lines)."""
    rules = {i for i, line in enumerate(lines) if re.fullmatch(r"\s*([=\-~^])\1{2,}\s*", line)}
    body = [line for i, line in enumerate(lines) if i not in rules and i + 1 not in rules]  # underlined headings aside
    lengths = sorted(len(line.rstrip()) for line in body if line.strip())
    if len(lengths) < 4:
        return None
    width = lengths[int(0.95 * (len(lengths) - 1))]
    full = sum(1 for n in lengths if n >= 0.6 * width)
    return width if 40 <= width <= 120 and full >= len(lengths) / 3 else None


def paragraph_lines(group: list[str], width: int | None) -> list[list[str]]:
    """Split one blank-line-separated group of lines into paragraphs: wrapped lines stay together, a line that
    stops short (or any line, when the file is not wrapped) ends its paragraph; a list item opens a new one."""
    paragraphs: list[list[str]] = []
    for line in group:
        opens = _LIST_ITEM.match(line) is not None
        previous_full = bool(paragraphs) and width is not None and len(paragraphs[-1][-1].rstrip()) >= 0.6 * width
        if paragraphs and previous_full and not opens:
            paragraphs[-1].append(line)
        elif paragraphs and width is not None and not opens and _LIST_ITEM.match(paragraphs[-1][0]) and line.startswith((" ", "\t")):
            paragraphs[-1].append(line)  # an indented continuation of a list item
        else:
            paragraphs.append([line])
    return paragraphs


def _groups(lines: list[str]) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def read_text(data: bytes, name: str) -> Extracted:
    """A plain-text file: paragraphs (wrapped lines joined), list items and indented code."""
    lines = decode_bytes(data).splitlines()
    width = wrap_width(lines)
    budget = Budget.from_settings(name)
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    underlines: list[str] = []  # underline characters in order of first use: their rank is the heading level

    def emit(kind: str, text: str) -> None:
        blocks.append(Block(kind=kind, text=text, heading_path=[h for _, h in path]))
        budget.spend(len(text))

    for group in _groups(lines):
        if width is not None and all(line.startswith(("    ", "\t")) for line in group):
            emit("code", "\n".join(line.rstrip() for line in group))
            continue
        heading = underlined_heading(group)
        if heading is not None:  # "Title" over "=====" (asciidoc, reStructuredText, setext)
            char, text = heading
            underlines += [char] if char not in underlines else []
            level = underlines.index(char) + 1
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, text))
            emit("heading", text)
            group = group[2:]
        for para in paragraph_lines(group, width):
            kind = "list_item" if _LIST_ITEM.match(para[0]) else "paragraph"
            text = _BULLET.sub("", join_lines(para))
            if text:
                emit(kind, text)
    return Extracted(blocks=blocks, title=next((b.text for b in blocks if b.kind == "heading"), None))


def underlined_heading(group: list[str]) -> tuple[str, str] | None:
    """(underline character, heading) when a group opens with a line underlined by = - ~ ^ of about its length."""
    if len(group) < 2 or not group[0].strip():
        return None
    rule = group[1].strip()
    if len(rule) >= 3 and rule[0] in "=-~^" and rule == rule[0] * len(rule) and abs(len(rule) - len(group[0].strip())) <= 3:
        return rule[0], normalise_spaces(group[0])
    return None


def _table_cells(line: str) -> list[str]:
    return [normalise_spaces(c) for c in line.strip().strip("|").split("|")]


def table_row_text(header: list[str], cells: list[str]) -> str:
    """'Team: Engineering | Parking permits: 9': each cell with its column's header (bare when the header is empty)."""
    return " | ".join(f"{h}: {c}" if h else c for h, c in zip(header + [""] * len(cells), cells) if c)


_COMMENT = re.compile(r"<!--.*?-->", re.S)


def without_comments(lines: list[str]) -> list[str]:
    """The lines with HTML comments taken out, as a renderer shows them ('<!-- YAML added: v0.1.16 -->' in Node.js's
    API docs), except inside fenced code, where a comment is what the example shows.  A comment alone on its lines
    leaves one blank line, so the paragraphs around it stay apart."""
    out: list[str] = []
    prose: list[str] = []
    fence = None

    def flush() -> None:
        if prose:
            out.extend(_COMMENT.sub(lambda m: "\n" if "\n" in m.group(0) else "", "\n".join(prose)).split("\n"))
            prose.clear()

    for line in lines:
        marker = _FENCE.match(line)
        if fence is None and marker:
            flush()
            fence = marker.group(1)
            out.append(line)
        elif fence is not None:
            out.append(line)
            if line.strip().startswith(fence):
                fence = None
        else:
            prose.append(line)
    flush()
    return out


def read_markdown(data: bytes, name: str) -> Extracted:
    """A Markdown file: headings (the heading path), paragraphs, list items, code blocks and table rows."""
    lines = without_comments(decode_bytes(data).splitlines())
    budget = Budget.from_settings(name)
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []  # (level, heading)
    buffer: list[str] = []
    kind = "paragraph"
    title = None

    def emit(block_kind: str, text: str) -> None:
        if text.strip():
            blocks.append(Block(kind=block_kind, text=text, heading_path=[h for _, h in path]))
            budget.spend(len(text))

    def flush() -> None:
        nonlocal buffer, kind
        if buffer:
            emit(kind, join_lines(buffer))
        buffer, kind = [], "paragraph"

    def heading(level: int, text: str) -> None:
        nonlocal title
        flush()
        text = strip_header_links(normalise_spaces(text))
        if not text:
            return
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, text))
        title = title or text
        emit("heading", text)

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush()
            marker, code = fence.group(1), []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                code.append(lines[i])
                i += 1
            emit("code", "\n".join(code).strip("\n"))
            i += 1
            continue
        atx = _ATX.match(line)
        if atx:
            heading(len(atx.group(1)), atx.group(2))
            i += 1
            continue
        if buffer and kind == "paragraph" and len(buffer) == 1 and re.fullmatch(r"\s*(=+|-+)\s*", line):
            text = buffer[0]
            buffer = []
            heading(1 if line.strip().startswith("=") else 2, text)
            i += 1
            continue
        if "|" in line and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]) and not buffer:
            header = _table_cells(line)
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                emit("table_row", table_row_text(header, _table_cells(lines[i])))
                i += 1
            continue
        if not line.strip():
            flush()
        elif line.startswith(("    ", "\t")) and not buffer:
            code = []
            while i < len(lines) and (lines[i].startswith(("    ", "\t")) or not lines[i].strip()):
                code.append(lines[i][4:] if lines[i].startswith("    ") else lines[i][1:])
                i += 1
            emit("code", "\n".join(code).strip("\n"))
            continue
        elif _LIST_ITEM.match(line):
            flush()
            kind, buffer = "list_item", [_BULLET.sub("", line)]
        else:
            buffer.append(line)
        i += 1
    flush()
    return Extracted(blocks=blocks, title=title)
