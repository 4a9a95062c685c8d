"""PDF -> blocks, from the layout of each page's text lines (pdfplumber).

Lines are grouped into blocks by the space between them and by their font: larger type is a heading (its size
ranks its level), a monospaced font is code, a bullet opens a list item.  Wrapped lines are joined and hyphenation at
line ends undone.  Running headers and footers (a line at the top or bottom of many pages, digits aside), page
numbers and a browser's print header and footer (small type in the margin) are dropped.  A paragraph or code block
that runs on over a page break is one block, which remembers where the next page starts in it.

Before any layout work, pdfium counts each page's characters: a small file that expands to huge text is refused at
once (QA_MAX_DOCUMENT_CHARS), and pages with no text layer are reported ("no text on pages 3-7: scanned?").
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

from pydantic import Field

from qa.blocks import Budget, join_lines, normalise_spaces, strip_header_links, words_of
from qa.readers import Extracted, ReadError
from qa.readers.text import table_row_text
from qa.types import Block

_BULLETS = "•◦▪‣●○■–"
_MONO = re.compile(r"mono|courier|code|consol|menlo|fixed", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^(page\s*)?[-–(]?\s*\d{1,4}\s*[-–)]?(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)]*$")


class PagedBlock(Block):
    """A block that runs on over one or more page breaks."""

    page_breaks: list[tuple[int, int]] = Field(default_factory=list, description="(offset in the block's text, page) where each later page starts.")


@dataclass
class Line:
    """One text line of a page, with what its font says."""

    text: str
    top: float
    bottom: float
    x0: float
    size: float
    mono: bool
    page: int
    page_height: float = 792.0
    x1: float = 0.0
    words: list[tuple[float, str]] = field(default_factory=list)  # (x, word)
    cells: list[str] = field(default_factory=list)  # a table row's cells (set by find_tables)


def furniture_key(text: str) -> str:
    """A line as compared across pages: lower case, digits and spaces folded ('Page 3 of 9' == 'Page 4 of 9')."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text.lower())).strip()


def running_lines(pages: list[list[Line]], edge: int = 2) -> set[str]:
    """Keys of the lines that stand among the first or last ``edge`` lines of at least half the pages (and of 2+)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({furniture_key(line.text) for line in lines[:edge] + lines[-edge:]})
    return {key for key, n in counts.items() if n >= max(2, len(pages) / 2)}


def is_furniture(line: Line, index: int, count: int, running: set[str], body_size: float) -> bool:
    """A running header or footer, a page number, or print-out small type in the page's top or bottom margin."""
    at_edge = index < 2 or index >= count - 2
    if not at_edge:
        return False
    if furniture_key(line.text) in running or _PAGE_NUMBER.match(line.text.strip()):
        return True
    in_margin = line.top < 0.06 * line.page_height or line.bottom > 0.94 * line.page_height
    return in_margin and line.size < 0.85 * body_size


def _lines_of(page, number: int) -> list[Line]:
    out = []
    for raw in page.extract_text_lines(return_chars=True, strip=True):
        chars = [c for c in raw["chars"] if c["text"].strip()]
        if not chars or not raw["text"].strip():
            continue
        sizes = sorted(round(c["size"], 1) for c in chars)
        mono = sum(1 for c in chars if _MONO.search(c.get("fontname", ""))) > 0.8 * len(chars)
        size = sizes[len(sizes) // 2]
        out.append(Line(raw["text"], raw["top"], raw["bottom"], raw["x0"], size, mono, number, float(page.height), raw["x1"], word_starts(raw["chars"], size)))
    find_tables(out, max((line.x1 for line in out), default=0.0))
    return out


def word_starts(chars: list[dict], size: float) -> list[tuple[float, str]]:
    """(x where it starts, word) for each word of a line (a gap wider than a sixth of the type size separates words)."""
    words: list[tuple[float, str]] = []
    previous = None
    for c in chars:
        if not c["text"].strip():
            previous = None
            continue
        if previous is None or c["x0"] - previous["x1"] > 0.15 * size:
            words.append((round(c["x0"], 1), c["text"]))
        else:
            words[-1] = (words[-1][0], words[-1][1] + c["text"])
        previous = c
    return words


def find_tables(lines: list[Line], right: float) -> None:
    """Mark table rows: in a run of 3+ short, closely spaced lines whose words start at the same x in every line
    (a column), each line is cut into cells at those columns (``Line.cells``)."""
    def short(line: Line) -> bool:
        return not line.mono and line.x1 < right - 3 * line.size and len(line.words) >= 2

    i = 0
    while i < len(lines):
        j = i + 1
        while short(lines[i]) and j < len(lines) and short(lines[j]) and lines[j].top - lines[j - 1].bottom < 1.2 * lines[j].size:
            j += 1
        run = lines[i:j]
        if len(run) >= 3:
            common = set.intersection(*({x for x, _ in line.words[1:]} for line in run))
            if common:
                for line in run:
                    cells: list[str] = [""]
                    for x, word in line.words:
                        if x in common and cells[-1]:
                            cells.append("")
                        cells[-1] = f"{cells[-1]} {word}".strip()
                    line.cells = cells
        i = max(j, i + 1)


def _kind(line: Line, body_size: float) -> str:
    if line.size >= 1.15 * body_size and len(line.text) < 200:
        return "heading"
    if line.mono:
        return "code"
    if len(line.cells) >= 2:
        return "table_row"
    if line.text[:1] in _BULLETS:
        return "list_item"
    return "paragraph"


def table_headers(lines: list[Line], body_size: float) -> dict[int, list[str] | None]:
    """id(line) -> its table's header cells for each row of a table (2+ consecutive lines cut into the same number of
    cells), None for the header row itself.  Lines in no table are absent."""
    out: dict[int, list[str] | None] = {}
    run: list[Line] = []
    for line in [*lines, None]:
        if line is not None and _kind(line, body_size) == "table_row" and (not run or len(line.cells) == len(run[0].cells) and line.top - run[-1].bottom < 1.2 * line.size):
            run.append(line)
            continue
        if len(run) >= 2:
            out[id(run[0])] = None
            out.update({id(row): run[0].cells for row in run[1:]})
        run = [line] if line is not None and _kind(line, body_size) == "table_row" else []
    return out


def _code_text(lines: list[Line]) -> str:
    left = min(line.x0 for line in lines)
    width = 0.6 * (lines[0].size or 10)
    return "\n".join(" " * round((line.x0 - left) / width) + line.text.rstrip() for line in lines)


def _continues(prev: Block, first: Block) -> bool:
    """Does the first block of a page carry on the last block of the page before (a paragraph or code cut by the break)?"""
    if prev.kind == "code" and first.kind == "code":
        return True
    if prev.kind in ("paragraph", "list_item") and first.kind == "paragraph":
        return not _SENTENCE_END.search(prev.text) or first.text[:1].islower()
    return False


def group_blocks(lines: list[Line], body_size: float) -> list[tuple[str, list[Line]]]:
    """Group one page's lines into (kind, lines) runs: a new run at a wider gap, a change of kind or a bullet.
    A list item's wrapped lines (indented past its bullet) stay with it."""
    runs: list[tuple[str, list[Line]]] = []
    previous: Line | None = None
    right = max((line.x1 for line in lines), default=0.0)
    for line in lines:
        kind = _kind(line, body_size)
        # Code is often set with more leading than its small type (valgrind's manual: 8.8 pt lines 13.5 pt apart), and a
        # blank line inside it is no end when the next line starts where the block does; a line further left than the
        # code so far (a term after an indented example), or an indented one after a blank (a synopsis under its term), is.
        code_run = runs[-1][1] if kind == "code" and runs and runs[-1][0] == "code" else []
        gap = line.top - previous.bottom if previous is not None else 0.0
        in_code = bool(code_run) and (
            (gap < 0.9 * line.size and line.x0 >= min(x.x0 for x in code_run) - 1)
            or (gap < 2.6 * line.size and abs(line.x0 - code_run[0].x0) <= 1))
        close = in_code or gap < 0.45 * line.size
        # A line that ends a sentence well short of the right margin ends its paragraph (list items printed without bullets).
        stopped_short = previous is not None and not in_code and _SENTENCE_END.search(previous.text) and previous.x1 < right - 4 * previous.size
        if runs and previous is not None and kind not in ("list_item", "table_row") and not stopped_short and close:
            last_kind, run = runs[-1]
            if kind == "code" and last_kind in ("paragraph", "list_item"):
                kind = last_kind  # a wrapped line set in code type ("core.excludesFile.") inside a paragraph
            wrapped_item = last_kind == "list_item" and kind == "paragraph" and line.x0 > run[0].x0 + 1
            if (kind == last_kind and (kind != "heading" or line.size == previous.size)) or wrapped_item:
                run.append(line)
                previous = line
                continue
        runs.append((kind, [line]))
        previous = line
    return runs


def read_pdf(data: bytes, name: str) -> Extracted:
    """A PDF: its blocks, each with its 1-based page; title from the metadata, else the first heading."""
    import pdfplumber
    import pypdfium2 as pdfium

    budget = Budget.from_settings(name)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = "encrypted (a password is needed): save an unprotected copy" if "password" in str(exc).lower() else f"cannot parse .pdf file: {exc}"
        raise ReadError(reason) from exc
    try:
        counts = []
        for index in range(len(document)):  # pdfium counts fast, in C: refuse a text bomb before any layout work
            page = document[index]
            count = page.get_textpage().count_chars()
            counts.append(count)
            budget.spend(count, 0)
        meta_title = (document.get_metadata_dict().get("Title") or "").strip()
    finally:
        document.close()
    empty = [i + 1 for i, n in enumerate(counts) if n == 0]
    if counts and len(empty) == len(counts):
        raise ReadError("no text found in file (a scanned PDF? its pages have no text layer)")
    warnings = [f"{name}: no text on {_page_ranges(empty)}: scanned?"] if empty else []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [_lines_of(page, number) for number, page in enumerate(pdf.pages, start=1)]
    blocks = build_blocks(pages, budget)
    title = meta_title or next((b.text for b in blocks if b.kind == "heading"), None)
    return Extracted(blocks=blocks, title=title, warnings=warnings)


def build_blocks(pages: list[list[Line]], budget: Budget | None = None) -> list[Block]:
    """Every page's lines -> the document's blocks, furniture dropped, runs across page breaks rejoined."""
    sizes = Counter(round(line.size) for lines in pages for line in lines for _ in range(len(line.text)))
    body_size = float(sizes.most_common(1)[0][0]) if sizes else 10.0
    running = running_lines(pages)
    kept = [[line for i, line in enumerate(lines) if not is_furniture(line, i, len(lines), running, body_size)] for lines in pages]
    heading_sizes = sorted({round(line.size, 1) for lines in kept for line in lines if _kind(line, body_size) == "heading"}, reverse=True)
    levels = {size: level for level, size in enumerate(heading_sizes, start=1)}
    vocabulary = words_of(line.text for lines in kept for line in lines)
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    for lines in kept:
        headers = table_headers(lines, body_size)
        for index, (kind, run) in enumerate(group_blocks(lines, body_size)):
            page = run[0].page
            if kind == "table_row":
                header = headers.get(id(run[0]), [])
                if header is None:  # a table's header row: every row below carries it
                    continue
                text = table_row_text(header, run[0].cells) if header else " ".join(run[0].cells)
                kind = "table_row" if header else "paragraph"
            elif kind == "code":
                text = _code_text(run)
            else:
                text = join_lines([line.text for line in run], vocabulary)
                if kind == "list_item":
                    text = text.lstrip(_BULLETS + " ")
                if kind == "heading":
                    text = strip_header_links(text)
            if not text.strip():
                continue
            if budget is not None:
                budget.spend(0, 1)
            if kind == "heading":
                level = levels.get(round(run[0].size, 1), len(levels) + 1)
                while path and path[-1][0] >= level:
                    path.pop()
                path.append((level, text))
            heading_path = [h for _, h in path]
            if index == 0 and blocks and _continues(blocks[-1], Block(kind=kind, text=text)):
                prev = blocks[-1]
                joiner = "\n" if kind == "code" else " "
                merged = prev.text + joiner + text if kind == "code" else join_lines([prev.text, text], vocabulary)
                offset = len(merged) - len(text)
                breaks = list(getattr(prev, "page_breaks", [])) + [(offset, page)]
                blocks[-1] = PagedBlock(kind=prev.kind, text=merged, page=prev.page, heading_path=prev.heading_path, page_breaks=breaks)
                continue
            blocks.append(Block(kind=kind, text=normalise_spaces(text) if kind != "code" else text, page=page, heading_path=heading_path))
    return blocks


def _page_ranges(pages: list[int]) -> str:
    """[3, 4, 5, 7] -> 'pages 3-5, 7'; [2] -> 'page 2'."""
    spans: list[list[int]] = []
    for p in pages:
        if spans and p == spans[-1][1] + 1:
            spans[-1][1] = p
        else:
            spans.append([p, p])
    text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)
    return ("page " if len(pages) == 1 else "pages ") + text
